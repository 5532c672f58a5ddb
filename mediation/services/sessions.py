"""On-site mediation sessions (现场调解). Order 121 Art. 20: "采取现场调解方式的，市场监督管理部门或者其委托
组织应当提前告知投诉人和被投诉人调解的时间、地点、调解人员等" — both parties are told the time, the place and
the mediators in advance. Setting a session is a move of the life cycle (`schedule_onsite_session`), so
it is audited like every other; this hook records the session and its two notices."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import Case, MediationSession, NoticeKind, NoticeRecipient
from mediation.selectors.rooms import session_mediating_authorities
from mediation.services.notices import record_notice
from mediation.services.transitions import on_action

MAX_PLACE_LENGTH = 200


def _checked(case: Case, *, starts_at, place: str, mediators) -> tuple:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the day and time of the session.")]
    elif starts_at <= timezone.now():
        errors["starts_at"] = [_("The parties are told in advance (Order 121 Art. 20): the session must be later.")]
    place = (place or "").strip()
    if not place:
        errors["place"] = [_("Give the place of the session.")]
    elif len(place) > MAX_PLACE_LENGTH:
        errors["place"] = [_("At most %(count)d characters.") % {"count": MAX_PLACE_LENGTH}]
    mediators = list(mediators or ())
    bureaus = session_mediating_authorities(case)
    if not mediators:
        errors["mediators"] = [_("Name the officials who mediate.")]
    elif any(
        getattr(user, "official", None) is None or user.official.authority_id not in bureaus for user in mediators
    ):
        errors["mediators"] = [
            _(
                "The mediators are officials of the handling or the co-mediating authority, "
                "or staff of the body mediating."
            )
        ]
    if errors:
        raise ValidationError(errors)
    return starts_at, place, mediators


@on_action("schedule_onsite_session")
def onsite_session_schedule(*, case: Case, actor, starts_at=None, place="", mediators=(), **_move) -> MediationSession:
    starts_at, place, mediators = _checked(case, starts_at=starts_at, place=place, mediators=mediators)
    session = MediationSession.objects.create(case=case, starts_at=starts_at, place=place, scheduled_by=actor)
    session.mediators.set(mediators)
    for recipient in (NoticeRecipient.CONSUMER, NoticeRecipient.BUSINESS):
        record_notice(
            case,
            NoticeKind.ONSITE_SESSION,
            recipient,
            source="SAMR Order 121 (2025) Art. 20",
            # Told when the session is set, and in any case before it.
            due_on=timezone.localdate(),
            session=session,
        )
    return session
