"""The Django admin for officials. Statuses and the audit trail are read-only here: cases move only
through the transition service (the API's case actions)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models import (
    Authority,
    Case,
    CaseEvent,
    Consumer,
    EvidenceFile,
    IncomingSms,
    MarketEntity,
    MerchantStaff,
    Official,
    OfficialCalendarYear,
    OutgoingSms,
    Region,
)
from mediation.selectors.cases import hides_the_reporter
from mediation.services.calendar import official_year_load, schedule_parse
from mediation.services.errors import DomainError
from mediation.services.transitions import ACTION_LABELS, case_transition


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_current", "is_cross_border"]
    list_filter = ["level", "is_current", "is_cross_border"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "country_code"]
    list_filter = ["kind"]
    search_fields = ["name", "region__code"]
    raw_id_fields = ["region"]


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "business_region", "is_odr"]
    list_filter = ["kind", "is_odr"]
    search_fields = ["=uscc", "name"]
    raw_id_fields = ["platform", "registered_region", "business_region"]
    show_full_result_count = False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "actor_role", "action", "from_status", "to_status", "ground", "reason"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and hides_the_reporter(obj):
            # The reporter's own account acted on an anonymous report (its submission, corrections).
            return [field for field in fields if field != "actor"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


def _transition_action(name: str):
    """An admin action applying the life-cycle action `name` to the selected cases."""

    def apply(modeladmin, request, queryset):
        modeladmin._move(request, queryset, name)

    apply.__name__ = name
    return admin.action(description=ACTION_LABELS[name], permissions=["view"])(apply)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "entity",
        "handling_authority",
        "next_due",
        "is_cross_region",
        "is_cross_border",
    ]
    list_filter = ["kind", "status", "is_cross_region", "is_cross_border", "intake_channel"]
    search_fields = ["=number", "entity__name"]
    inlines = [CaseEventInline]
    raw_id_fields = [
        "consumer",
        "entity",
        "consumer_region",
        "conduct_region",
        "handling_authority",
        "co_mediating_authority",
        "linked_case",
        "entered_by",
    ]
    readonly_fields = [
        "number",
        "status",
        "received_at",
        "acceptance_due",
        "odr_due",
        "mediation_due",
        "termination_notice_due",
        "verification_due",
        "penalty_decision_due",
        "next_due",
        "closed_at",
        "business_notified_at",
    ]

    # Moves that need nothing but the decision. Starting mediation opens its room with the parties'
    # seats, so it is taken from the case page; settling and terminating happen in the room.
    actions = [_transition_action(name) for name in ("accept", "start_verification", "open_case", "close")]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is not None and hides_the_reporter(obj):
            # Who reported, and the complaint filed with the report (which names them).
            excluded += ["consumer", "linked_case"]
        return excluded

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        cases = super().get_queryset(request)
        if request.user.is_superuser:
            return cases
        official = getattr(request.user, "official", None)
        if official is None:
            return cases.none()
        return cases.filter(Q(handling_authority=official.authority) | Q(co_mediating_authority=official.authority))

    def _move(self, request, cases, action: str) -> None:
        """Apply one life-cycle action to the selected cases through the transition service;
        actions that need a ground or terms are taken on the case page of the API instead."""
        moved = 0
        for case in cases:
            try:
                case_transition(case=case, action=action, actor=request.user)
                moved += 1
            except (DomainError, PermissionDenied, ValidationError) as error:
                # A ValidationError has its messages; the others read as one (a DomainError's
                # str() is its message in the reader's language).
                text = "; ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{case.number}: {text}", messages.ERROR)
        if moved:
            self.message_user(
                request,
                _("%(count)d case(s): %(action)s.") % {"count": moved, "action": ACTION_LABELS[action]},
                messages.SUCCESS,
            )


@admin.register(Consumer)
class ConsumerAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "home_region", "country_code"]
    raw_id_fields = ["user", "home_region"]


admin.site.register(MerchantStaff, raw_id_fields=["user", "entity"])
admin.site.register(Official, raw_id_fields=["user", "authority"])
admin.site.register(EvidenceFile, raw_id_fields=["case", "uploaded_by"])


class OfficialCalendarYearForm(forms.ModelForm):
    schedule = forms.CharField(
        label=_("schedule"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 40}),
        help_text=_(
            "One day per line: the date, then 休 for a day off or 班 for a weekend day made a working day, "
            "then the holiday's name. For example “2027-10-01 休 国庆节” and “2027-09-26 班”."
        ),
    )

    class Meta:
        model = OfficialCalendarYear
        fields = ["year", "source"]

    def clean_schedule(self):
        return schedule_parse(self.cleaned_data["schedule"])


@admin.register(OfficialCalendarYear)
class OfficialCalendarYearAdmin(admin.ModelAdmin):
    """Loading a year's holiday schedule once the State Council publishes it: deadlines that were
    counted over the year without it are counted again."""

    form = OfficialCalendarYearForm
    list_display = ["year", "source", "loaded_at", "loaded_by"]
    readonly_fields = ["loaded_at", "loaded_by"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form.base_fields["schedule"].initial = "\n".join(
                f"{day.day.isoformat()} {'班' if day.is_working_day else '休'} {day.name}".strip()
                for day in obj.days.all()
            )
        return form

    def save_model(self, request, obj, form, change):
        try:
            moved = official_year_load(
                year=obj.year, source=obj.source, days=form.cleaned_data["schedule"], loaded_by=request.user
            )
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        obj.pk = OfficialCalendarYear.objects.get(year=obj.year).pk
        self.message_user(
            request, _("%(count)d provisional deadline(s) counted again.") % {"count": moved}, messages.SUCCESS
        )

    def save_related(self, request, form, formsets, change):
        pass  # the days are written by official_year_load


class SmsAdmin(admin.ModelAdmin):
    """Texts sent and received, to read (sent or failed, and why; filed or dismissed): the services
    write them. The phone shows masked."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("phone"))
    def masked_phone(self, obj) -> str:
        from mediation.sms import mask_phone

        return mask_phone(obj.phone) if obj.phone else "–"


@admin.register(OutgoingSms)
class OutgoingSmsAdmin(SmsAdmin):
    list_display = ["id", "case", "notice", "status", "created_at", "sent_at"]
    list_filter = ["status"]
    fields = ["case", "notice", "masked_phone", "body", "parts", "status", "provider_reference", "error", "sent_at"]
    readonly_fields = fields


@admin.register(IncomingSms)
class IncomingSmsAdmin(SmsAdmin):
    list_display = ["id", "received_at", "status", "case", "handled_by"]
    list_filter = ["status"]
    fields = ["masked_phone", "body", "received_at", "provider_reference", "status", "case", "handled_by"]
    fields += ["handled_at", "dismissal_reason"]
    readonly_fields = fields
