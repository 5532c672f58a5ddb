"""Officials correcting what a complaint's words were read to say went wrong."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import Case, CaseEvent, CaseKind
from mediation.models.analysis import ProblemType
from mediation.selectors.cases import Relation, case_relations
from mediation.services.complaint_counts import Counted, complaint_recounted
from mediation.services.complaint_text import MOST_TYPES
from mediation.services.transitions import Role

# The bureaus that analyse a complaint: the one handling it, the consumer's bureau co-mediating it,
# and the bureaus above the handling one.
CORRECTING_RELATIONS = {
    Relation.HANDLING: Role.HANDLING_OFFICIAL,
    Relation.CO_MEDIATING: Role.CO_MEDIATING_OFFICIAL,
    Relation.SUPERIOR: Role.SUPERIOR_OFFICIAL,
}


def _checked(problem_types: list) -> list[str]:
    if not isinstance(problem_types, list) or not problem_types:
        raise ValidationError({"problem_types": [_("Choose at least one problem type.")]})
    unknown = [value for value in problem_types if value not in ProblemType.values]
    if unknown:
        raise ValidationError(
            {"problem_types": [_("Not a problem type: %(values)s.") % {"values": ", ".join(map(str, unknown))}]}
        )
    if len(set(problem_types)) != len(problem_types):
        raise ValidationError({"problem_types": [_("Each problem type may be chosen once.")]})
    if len(problem_types) > MOST_TYPES:
        raise ValidationError({"problem_types": [_("Choose at most %(count)d problem types.") % {"count": MOST_TYPES}]})
    return list(problem_types)


@transaction.atomic
def problem_types_correct(*, case: Case, actor, problem_types: list, reason: str = "") -> Case:
    """Set a complaint's problem types, most important first. The official's choice is kept: a later
    correction of the facts no longer reads them again. The audit trail records what they were."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("entity__business_region__parent__parent", "entity__registered_region__parent__parent")
        .get(pk=case.pk)
    )
    role = next((CORRECTING_RELATIONS[r] for r in case_relations(actor, case) if r in CORRECTING_RELATIONS), None)
    if role is None:
        raise PermissionDenied(
            _("Only the officials of the bureaus handling a complaint can correct its problem types.")
        )
    if case.kind != CaseKind.COMPLAINT:
        raise ValidationError({"problem_types": [_("Only complaints have problem types.")]})
    problem_types = _checked(problem_types)
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("The reason may be at most 1,000 characters long.")]})
    before = list(case.problem_types)
    counted = Counted.of(case)
    case.problem_types = problem_types
    case.problem_types_set_by_official = True
    case.save(update_fields=["problem_types", "problem_types_set_by_official", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        actor_role=role,
        action="correct_problem_types",
        from_status=case.status,
        to_status=case.status,
        reason=f"{','.join(before)} -> {','.join(problem_types)}" + (f": {reason.strip()}" if reason.strip() else ""),
    )
    complaint_recounted(before=counted, case=case)
    return case
