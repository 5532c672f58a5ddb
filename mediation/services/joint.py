"""Joint complaints, Order 121 Art. 12: "投诉人为两人以上，基于同一消费者权益争议投诉同一经营者的，经投诉人
同意，市场监督管理部门可以按共同投诉处理。共同投诉可以由投诉人书面推选两名代表人进行投诉。代表人的投诉行为对
其代表的投诉人发生效力，但代表人变更、放弃投诉请求或者与被投诉人达成调解协议的，应当经被代表的投诉人同意。"

- The handling bureau proposes handling two or more complaints jointly: the same business, the same
  dispute, different complainants, none settled yet (`joint_complaint_propose`).
- Each complainant consents or declines on their case page (`consent_to_joint_handling`,
  `decline_joint_handling`), or the official records a consent given by phone or in person.
- Once every member has consented, the official records the complainants' written election of one
  or two representatives (`joint_representatives_elect`).
- A representative's consent to mediation and request for recusal count for every complaint they
  represent. Changing or giving up demands is each complainant's own move (correcting, withdrawing),
  never a representative's; an agreement the representatives reach settles a represented complaint
  only when its complainant accepts it (`accept_joint_agreement`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    JointComplaint,
    JointComplaintMember,
)
from mediation.selectors.joint import represented_cases
from mediation.services.errors import TransitionNotAllowed
from mediation.services.transitions import Role, case_transition, on_action

JOINABLE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED)
MAX_REPRESENTATIVES = 2  # "两名代表人"
# The representatives' moves that count for every complaint they represent.
REPRESENTED_MOVES = ("consent_to_mediation", "request_recusal")


def _official_of(user):
    official = getattr(user, "official", None)
    if official is None:
        raise PermissionDenied(_("Only officials of the handling bureau handle complaints jointly."))
    return official


def _record(case: Case, *, actor, action: str, reason: str) -> None:
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        actor_role=Role.HANDLING_OFFICIAL if actor is not None else Role.SYSTEM,
        action=action,
        from_status=case.status,
        to_status=case.status,
        reason=reason,
    )


@transaction.atomic
def joint_complaint_propose(*, official_user, numbers: list[str], dispute: str) -> JointComplaint:
    """Propose handling the complaints `numbers` jointly. Each complainant then consents or declines."""
    official = _official_of(official_user)
    numbers = list(dict.fromkeys(number.strip().upper() for number in numbers if number.strip()))
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("joint_membership")
        .filter(number__in=numbers, kind=CaseKind.COMPLAINT)
        .order_by("received_at")
    )
    errors: dict[str, list[str]] = {}
    found = {case.number for case in cases}
    if any(case.handling_authority_id != official.authority_id for case in cases) or found != set(numbers):
        errors["cases"] = [_("Name complaints this bureau is handling.")]
    elif len(cases) < 2:
        errors["cases"] = [_("A joint complaint joins the complaints of two or more complainants.")]
    elif len({case.entity_id for case in cases}) > 1:
        errors["cases"] = [_("The complaints of a joint complaint are against the same business.")]
    elif len({case.consumer_id for case in cases}) < len(cases) or any(case.consumer_id is None for case in cases):
        errors["cases"] = [_("Each complaint of a joint complaint is a different complainant's.")]
    elif any(case.status not in JOINABLE_STATUSES for case in cases):
        errors["cases"] = [
            _("Only complaints waiting for a decision or accepted, and not yet in mediation, are joined.")
        ]
    elif any(hasattr(case, "joint_membership") for case in cases):
        errors["cases"] = [_("A complaint belongs to one joint complaint at most.")]
    dispute = (dispute or "").strip()
    if not dispute:
        errors["dispute"] = [_("Describe the dispute the complaints share.")]
    if errors:
        raise ValidationError(errors)
    joint = JointComplaint.objects.create(
        entity_id=cases[0].entity_id,
        handling_authority_id=official.authority_id,
        dispute=dispute,
        proposed_by=official_user,
    )
    JointComplaintMember.objects.bulk_create([JointComplaintMember(joint=joint, case=case) for case in cases])
    for case in cases:
        others = ", ".join(other.number for other in cases if other.pk != case.pk)
        _record(case, actor=official_user, action="propose_joint_handling", reason=f"{dispute} ({others})")
    return joint


@transaction.atomic
def joint_representatives_elect(
    *, official_user, joint: JointComplaint, numbers: list[str], election_record: str
) -> JointComplaint:
    """Record the complainants' written election of one or two representatives from among them."""
    official = _official_of(official_user)
    joint = JointComplaint.objects.select_for_update().get(pk=joint.pk)
    if joint.handling_authority_id != official.authority_id:
        raise PermissionDenied(_("Only officials of the handling bureau handle complaints jointly."))
    members = list(joint.members.select_related("case"))
    chosen = {number.strip().upper() for number in numbers if number.strip()}
    errors: dict[str, list[str]] = {}
    if any(member.consented_at is None for member in members):
        raise TransitionNotAllowed(_("Every complainant must first agree to joint handling."))
    if not 1 <= len(chosen) <= MAX_REPRESENTATIVES:
        errors["representatives"] = [_("The complainants elect one or two representatives (Order 121 Art. 12).")]
    elif not chosen <= {member.case.number for member in members}:
        errors["representatives"] = [
            _("Representatives are elected from among the complainants of this joint complaint.")
        ]
    election_record = (election_record or "").strip()
    if not election_record:
        errors["election_record"] = [_("Record the written election: who signed it, and when it was received.")]
    if errors:
        raise ValidationError(errors)
    for member in members:
        member.is_representative = member.case.number in chosen
        member.save(update_fields=["is_representative"])
    joint.election_record = election_record
    joint.elected_at = timezone.now()
    joint.save(update_fields=["election_record", "elected_at"])
    for member in members:
        _record(
            member.case,
            actor=official_user,
            action="elect_representatives",
            reason=f"{election_record} ({', '.join(sorted(chosen))})",
        )
    return joint


@on_action("consent_to_joint_handling")
@on_action("record_joint_consent")
def joint_consent_record(*, case: Case, **_move) -> None:
    JointComplaintMember.objects.filter(case=case).update(consented_at=timezone.now())


@on_action("decline_joint_handling")
def joint_membership_leave(*, case: Case, actor, **_move) -> None:
    """The complaint is handled on its own. A joint complaint left with one complaint ends; one that
    loses a representative elects again."""
    membership = JointComplaintMember.objects.select_related("joint").get(case=case)
    joint = JointComplaint.objects.select_for_update().get(pk=membership.joint_id)
    membership.delete()
    remaining = list(joint.members.select_related("case"))
    if len(remaining) < 2:
        for member in remaining:
            _record(member.case, actor=None, action="leave_joint_handling", reason=case.number)
        joint.delete()
    elif membership.is_representative:
        joint.members.update(is_representative=False)
        joint.elected_at = None
        joint.save(update_fields=["elected_at"])


def _represented_move(*, case: Case, action: str, actor, reason: str = "", **_move) -> None:
    """A representative's move on their own complaint counts for every complaint they represent
    that can take it now; each gets the move on its own record, in the representative's name."""
    if getattr(actor, "consumer", None) is None or case.consumer_id != actor.consumer.pk:
        return  # not a complainant's own move (the representative's move on a represented case)
    for represented in represented_cases(case):
        try:
            case_transition(case=represented, action=action, actor=actor, reason=reason)
        except TransitionNotAllowed:
            continue  # not accepted yet, already consented, or suspended: nothing to carry over


for _action in REPRESENTED_MOVES:
    on_action(_action)(_represented_move)
