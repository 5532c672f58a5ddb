"""The text of a notice, written in the reader's language when it is read."""

from django.db.models import Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mediation.models import (
    Case,
    CaseNotice,
    MediationTerminationReason,
    NonAcceptanceGround,
    NoticeKind,
    NoticeRecipient,
    SmsStatus,
)
from mediation.names import display_name_of_official
from mediation.selectors.cases import Viewer
from mediation.services.associations import is_association


def other_routes() -> str:
    """The routes for a consumer dispute besides the bureau: Consumer Rights Protection Law Art. 39."""
    return _(
        "You can still settle the dispute in the other ways the Consumer Rights Protection Law (Art. 39) "
        "gives: negotiating with the business; mediation by a consumer association or another lawful "
        "mediation body; arbitration, if you and the business agree to it; or a lawsuit in a people's court."
    )


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _association_notice_text(notice: CaseNotice, values: dict) -> str | None:
    """A consumer association's notices name it: it is not the bureau (CRPL Art. 37(5), 39(2)).
    A refusal also names the bureau, the route left besides the others of Art. 39."""
    case = notice.case
    if not is_association(case.handling_authority):
        return None
    values = {**values, "association": case.handling_authority.name}
    if notice.kind == NoticeKind.ACCEPTED:
        values["due"] = date_format(case.mediation_due, "DATE_FORMAT") if case.mediation_due else "—"
        return (
            _(
                "Your complaint %(number)s has been accepted by %(association)s. With your consent and the "
                "business's, the association will mediate; if no agreement is reached by %(due)s, mediation ends."
            )
            % values
        )
    if notice.kind == NoticeKind.NOT_ACCEPTED:
        values["ground"] = (
            NonAcceptanceGround(notice.ground).label if notice.ground in NonAcceptanceGround.values else ""
        )
        text = _("%(association)s did not accept your complaint %(number)s. Reason: %(ground)s.") % values
        if notice.reason:
            text += " " + notice.reason
        bureau = _("You can also complain to the market-regulation bureau (12315), CRPL Art. 39(3).")
        return f"{text} {bureau} {other_routes()}"
    if notice.kind == NoticeKind.MEDIATION_ENDED:
        values["ground"] = _label(MediationTerminationReason, notice.ground)
        text = _("%(association)s has ended the mediation of complaint %(number)s: %(ground)s.") % values
        if notice.reason and notice.recipient == NoticeRecipient.CONSUMER:
            text += " " + notice.reason
        if notice.recipient == NoticeRecipient.CONSUMER:
            text += " " + other_routes()
        return text
    if notice.kind == NoticeKind.NOT_PERFORMED:
        text = (
            _(
                "You reported that the business has not performed the agreement of complaint %(number)s. "
                "%(association)s will follow it up with the business; it cannot enforce the agreement itself."
            )
            % values
        )
        return f"{text} {other_routes()}"
    return None


def notice_text(notice: CaseNotice) -> str:
    case = notice.case
    values = {"number": case.number}
    association_text = _association_notice_text(notice, values)
    if association_text is not None:
        return association_text
    if notice.kind == NoticeKind.ACCEPTED:
        values["due"] = date_format(case.mediation_due, "DATE_FORMAT") if case.mediation_due else "—"
        return (
            _(
                "Your complaint %(number)s has been accepted. With your consent and the business's, the bureau "
                "will mediate; if no agreement is reached by %(due)s, mediation ends."
            )
            % values
        )
    if notice.kind == NoticeKind.NOT_ACCEPTED:
        values["ground"] = (
            NonAcceptanceGround(notice.ground).label if notice.ground in NonAcceptanceGround.values else ""
        )
        text = _("Your complaint %(number)s was not accepted. Reason: %(ground)s.") % values
        if notice.reason:
            text += " " + notice.reason
        return f"{text} {other_routes()}"
    if notice.kind == NoticeKind.MEDIATION_ENDED:
        values["ground"] = _label(MediationTerminationReason, notice.ground)
        text = _("Mediation of complaint %(number)s has ended: %(ground)s.") % values
        # The official's own words may quote the consumer: the business reads the ground only.
        if notice.reason and notice.recipient == NoticeRecipient.CONSUMER:
            text += " " + notice.reason
        if notice.recipient == NoticeRecipient.CONSUMER:
            # Order 121 Art. 25: a party who does not accept the end of mediation goes to court or arbitration.
            text += " " + other_routes()
        return text
    if notice.kind == NoticeKind.NOT_PERFORMED:
        text = (
            _(
                "You reported that the business has not performed the agreement of complaint %(number)s. The "
                "handling bureau will follow it up with the business; the bureau cannot enforce the agreement itself."
            )
            % values
        )
        return f"{text} {other_routes()}"
    if notice.kind == NoticeKind.FORWARDED:
        values["authority"] = notice.reason  # the bureau's name, as it was when forwarded
        if notice.ground == "taken_over":
            return (
                _("Your case %(number)s is now handled by %(authority)s, a bureau above the one that had it.") % values
            )
        return _("Your case %(number)s has been forwarded to %(authority)s, which has jurisdiction over it.") % values
    if notice.kind == NoticeKind.REPORT_CASE_DECISION:
        if notice.ground == "opened":
            return _("A case has been opened on your report %(number)s.") % values
        return _("No case was opened on your report %(number)s.") % values
    if notice.kind == NoticeKind.ONSITE_SESSION and notice.session is not None:
        return _session_text(notice.session, values)
    return str(notice.get_kind_display())


def _session_text(session, values: dict) -> str:
    """Order 121 Art. 20: the time, the place and the mediators, in the reader's language and the
    bureau's time zone."""
    mediators = [
        display_name_of_official(user.official)
        for user in session.mediators.select_related("official__authority").order_by("pk")
    ]
    values.update(
        when=date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
        place=session.place,
        mediators=pgettext("between the items of a short list", ", ").join(mediators),
    )
    return (
        _(
            "An on-site mediation session of complaint %(number)s is set for %(when)s at %(place)s. "
            "Mediators: %(mediators)s. If you cannot come, tell the bureau before the session."
        )
        % values
    )


def notices_for(case: Case, recipient: str | None) -> list[dict]:
    """The case's notices to `recipient` (every notice when None, for the handling officials)."""
    # The day a notice went out by e-mail: its first notification e-mailed (services.notifications).
    notices = case.notices.select_related("session", "sms").annotate(emailed_at=Min("notifications__emailed_at"))
    if recipient is not None:
        notices = notices.filter(recipient=recipient)
    return [
        {
            "id": notice.pk,
            "kind": notice.kind,
            "to": notice.recipient,
            "text": notice_text(notice),
            "legal_source": notice.legal_source,
            "due_on": notice.due_on,
            "delivered_online_at": notice.delivered_online_at,
            "delivered_offline_at": notice.delivered_offline_at,
            "emailed_at": notice.emailed_at,
            # Sent by text to a complainant or reporter who agreed to texts (services.sms).
            **_texted(notice),
            "delivery_channel": notice.delivery_channel,
            "delivery_channel_display": notice.get_delivery_channel_display() if notice.delivery_channel else "",
        }
        for notice in notices
    ]


def _texted(notice: CaseNotice) -> dict:
    text = getattr(notice, "sms", None)  # none: not a notice texted, or the person did not agree
    if text is None:
        return {"texted_at": None, "text_failed": False}
    return {
        "texted_at": text.sent_at if text.status == SmsStatus.SENT else None,
        "text_failed": text.status == SmsStatus.FAILED,
    }


# Whose notices each viewer of a case reads: the parties their own, the handling and co-mediating
# officials all of them; a partner agency none (they are the mainland bureau's to give).
_RECIPIENT_OF_VIEWER = {Viewer.CONSUMER: NoticeRecipient.CONSUMER, Viewer.MERCHANT: NoticeRecipient.BUSINESS}


def notices_seen_by(case: Case, viewer: str) -> list[dict]:
    if viewer == Viewer.OFFICIAL:
        return notices_for(case, None)
    recipient = _RECIPIENT_OF_VIEWER.get(viewer)
    return notices_for(case, recipient) if recipient else []
