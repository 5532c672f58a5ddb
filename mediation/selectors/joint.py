"""Joint complaints (Order 121 Art. 12): who belongs, who represents whom, and what the
representatives agreed."""

from mediation.models import Case, CaseStatus, JointComplaint, JointComplaintMember


def joint_membership(case: Case) -> JointComplaintMember | None:
    return JointComplaintMember.objects.select_related("joint").filter(case=case).first()


def represents(user, case: Case) -> bool:
    """Whether `user` is an elected representative of the joint complaint `case` belongs to, and
    `case` is one they represent (its complainant consented; it is not their own)."""
    if user is None or not user.is_authenticated:
        return False
    membership = joint_membership(case)
    if membership is None or membership.is_representative or membership.consented_at is None:
        return False
    if membership.joint.elected_at is None:
        return False
    return JointComplaintMember.objects.filter(
        joint=membership.joint, is_representative=True, case__consumer__user=user
    ).exists()


def represented_cases(case: Case) -> list[Case]:
    """The complaints a representative's own `case` speaks for: the other consenting members."""
    membership = joint_membership(case)
    if membership is None or not membership.is_representative or membership.joint.elected_at is None:
        return []
    return [
        member.case
        for member in membership.joint.members.select_related("case")
        .filter(is_representative=False, consented_at__isnull=False)
        .order_by("pk")
    ]


def joint_agreement(case: Case) -> Case | None:
    """The settled complaint of a representative of `case`'s joint complaint, whose agreement reaches
    the represented `case` for its complainant's consent; None when there is none."""
    membership = joint_membership(case)
    if membership is None or membership.is_representative or membership.consented_at is None:
        return None
    return (
        Case.objects.filter(
            joint_membership__joint=membership.joint,
            joint_membership__is_representative=True,
            status__in=(CaseStatus.SETTLED, CaseStatus.CLOSED),
        )
        .exclude(settlement_terms="")
        .order_by("pk")
        .first()
    )


def joint_complaint_view(joint: JointComplaint) -> dict:
    """The joint complaint as the handling officials read it."""
    members = joint.members.select_related("case__consumer__identity").order_by("pk")
    return {
        "id": joint.pk,
        "dispute": joint.dispute,
        "elected_at": joint.elected_at,
        "election_record": joint.election_record,
        "members": [
            {
                "number": member.case.number,
                "status": member.case.status,
                "complainant": _real_name(member.case),
                "consented": member.consented_at is not None,
                "representative": member.is_representative,
            }
            for member in members
        ],
    }


def _real_name(case: Case) -> str:
    identity = getattr(case.consumer, "identity", None) if case.consumer_id else None
    return identity.real_name if identity else ""


def joint_seen_by(case: Case, viewer: str) -> dict | None:
    """What a viewer of `case` reads of its joint complaint: the handling officials everything; the
    complainant how many others share it, whether they agreed, whether they represent or are
    represented, and an agreement of the representatives waiting for their consent; nobody else
    anything (the other complainants are not named to each other or to the business)."""
    membership = joint_membership(case)
    if membership is None or viewer not in ("official", "consumer"):
        return None
    if viewer == "official":
        return joint_complaint_view(membership.joint)
    agreement = joint_agreement(case)
    return {
        "others": membership.joint.members.exclude(pk=membership.pk).count(),
        "dispute": membership.joint.dispute,
        "consented": membership.consented_at is not None,
        "representative": membership.is_representative,
        "elected_at": membership.joint.elected_at,
        "agreement_terms": agreement.settlement_terms if agreement is not None else "",
    }
