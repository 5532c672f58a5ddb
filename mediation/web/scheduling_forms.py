"""The forms of scheduling a mediation session and of the follow-up rating. They check the shape of
what was typed; the rules are the services' (mediation.services.scheduling, .follow_up)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.models import SessionParty
from mediation.selectors.scheduling import ATTENDING_PARTIES, when_text
from mediation.services.follow_up import MAX_COMMENT_LENGTH
from mediation.services.scheduling import MAX_NOTE_LENGTH, MAX_TIMES, MIN_TIMES
from mediation.services.sessions import MAX_PLACE_LENGTH

PARTY_LABELS = dict(SessionParty.choices)


class SessionProposeForm(forms.Form):
    """The lead mediator's proposal: 2 to 5 times, online or on site, and the place."""

    prefix = "session"
    where = forms.ChoiceField(
        label=_("Where"),
        choices=[("online", _("In the online mediation room")), ("on_site", _("On site"))],
        initial="online",
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Place (on site)"),
        max_length=MAX_PLACE_LENGTH,
        required=False,
        help_text=_("Both parties are told the time, the place and the mediators (Order 121 Art. 20)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_TIMES + 1):
            self.fields[f"time_{index}"] = forms.DateTimeField(
                label=_("Time %(number)d") % {"number": index},
                required=index <= MIN_TIMES,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            )
        self.order_fields([f"time_{index}" for index in range(1, MAX_TIMES + 1)] + ["where", "place"])

    def times(self) -> list:
        return [self.cleaned_data.get(f"time_{index}") for index in range(1, MAX_TIMES + 1)]


class TimeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return when_text(obj.starts_at)


class SessionAnswerForm(forms.Form):
    """Which of the proposed times suit the party; none checked is an answer too. The lead mediator
    names the party without an account whose answer, given by phone, they record."""

    prefix = "answer"

    def __init__(self, *args, proposal, parties: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        if parties:
            self.fields["party"] = forms.ChoiceField(
                label=_("Answer of"),
                choices=[(party, PARTY_LABELS[party]) for party in parties],
                help_text=_("A party without an account on the platform, who answered by phone."),
            )
        self.fields["suits"] = TimeChoiceField(
            label=_("The times that suit"),
            queryset=proposal.times.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Check every time you can come; check none if no time suits."),
        )


class AttendanceForm(forms.Form):
    """Whether a party came to a session that has started."""

    party = forms.ChoiceField(label=_("Party"), choices=[(party, PARTY_LABELS[party]) for party in ATTENDING_PARTIES])
    attended = forms.ChoiceField(
        label=_("Came"),
        choices=[("yes", _("came")), ("no", _("did not come"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        help_text=_("For example the reason the party gave, or that none was given."),
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("prefix", f"attendance-{session.pk}")
        super().__init__(*args, **kwargs)
        self.session = session


class FollowUpForm(forms.Form):
    """回访: how the complaint was handled, from 1 (very poorly) to 5 (very well)."""

    prefix = "follow-up"
    rating = forms.TypedChoiceField(
        label=_("How was your complaint handled?"),
        choices=[
            (5, _("5: very well")),
            (4, _("4: well")),
            (3, _("3: acceptably")),
            (2, _("2: poorly")),
            (1, _("1: very poorly")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The bureau reads it; it is never published."),
    )
