"""回访: the follow-up of a closed complaint. Order 121 Art. 26: "市场监督管理部门可以采取抽查、回访等方式，
加强对投诉处理情况的评估，提高投诉处理效能" — the bureau may assess its handling of complaints by spot
checks and follow-ups. Here the complainant rates how their complaint was handled, once, from 1 to
5 with a comment, after it is closed.

Only a closed complaint is rated. Settled is not enough: an agreement with a day to perform it by
keeps the bureau following it up until the consumer confirms it was performed, and a report that
it was not performed sends the case back to the bureau (Art. 24, 25). Terminated, not accepted and
withdrawn are not enough either: the termination notice is still running (Art. 23), and the bureau
may still take the case up. Closing is the bureau's record that its handling is over, so the
rating, given once, rates all of it; and the consumer is asked to rate when the case closes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import Case, CaseKind, CaseStatus, FollowUp, NotificationKind
from mediation.selectors.cases import Relation, case_relations, complainant_users
from mediation.services.errors import DomainError
from mediation.services.notifications import notify
from mediation.services.transitions import on_entering

MAX_COMMENT_LENGTH = 500
RATINGS = range(1, 6)


class FollowUpRefused(DomainError):
    MESSAGES = {
        "not_a_complaint": gettext_lazy("Only complaints are rated."),
        "not_closed": gettext_lazy("A complaint is rated once it is closed."),
        "already_rated": gettext_lazy("You have already rated how this complaint was handled."),
    }


def follow_up_rate(*, case: Case, actor, rating, comment: str = "") -> FollowUp:
    """The complainant rates how their closed complaint was handled: 1 to 5, with a comment of at
    most MAX_COMMENT_LENGTH characters; once."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("consumer").get(pk=case.pk)
        if Relation.OWN not in case_relations(actor, case):
            raise PermissionDenied(_("Only the complainant rates how the complaint was handled."))
        if case.kind != CaseKind.COMPLAINT:
            raise FollowUpRefused("not_a_complaint")
        if case.status != CaseStatus.CLOSED:
            raise FollowUpRefused("not_closed")
        if FollowUp.objects.filter(case=case).exists():
            raise FollowUpRefused("already_rated")
        errors = {}
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = None
        if rating not in RATINGS:
            errors["rating"] = [_("Choose a rating from 1 to 5.")]
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT_LENGTH:
            errors["comment"] = [_("At most %(count)d characters.") % {"count": MAX_COMMENT_LENGTH}]
        if errors:
            raise ValidationError(errors)
        return FollowUp.objects.create(case=case, rating=rating, comment=comment, rated_by=actor)


@on_entering(CaseStatus.CLOSED)
def rating_ask(*, case: Case, **_move) -> None:
    """A complaint that closes asks its complainant to rate how it was handled."""
    if case.kind == CaseKind.COMPLAINT:
        notify(
            users=complainant_users(case),
            kind=NotificationKind.RATE_HANDLING,
            case=case,
            dedupe_key=f"rate:{case.pk}",
        )
