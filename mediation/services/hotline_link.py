"""A hotline, letter or visit caller who has an account (or signs up later) under the same
real-name identity takes their cases online: with their consent, the cases officials entered for
them move to their account's consumer record; they then follow them under "my cases" and take their
seat in the room of a case in mediation. Each case records the move on its timeline."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import Case, CaseEvent, Consumer, MediationRoom, RoomRole, RoomStatus
from mediation.selectors.hotline_link import hotline_cases_matching
from mediation.services.rooms import party_seat_add
from mediation.services.transitions import Role


@transaction.atomic
def hotline_cases_link(*, consumer: Consumer, consented: bool) -> list[Case]:
    """Move the cases entered for callers with `consumer`'s identity (selectors.hotline_link) to
    `consumer`, once they consent. No case changes status; each records a "link_account" event."""
    if not consented:
        raise PermissionDenied(_("The cases are linked to your account only with your consent."))
    matching = hotline_cases_matching(consumer=consumer).values_list("pk", flat=True)
    cases = list(
        Case.objects.select_for_update(of=("self",)).filter(pk__in=list(matching)).order_by("received_at", "pk")
    )
    # Read again under the lock: a case moved meanwhile (linked already) matches no more.
    still = set(
        hotline_cases_matching(consumer=consumer)
        .filter(pk__in=[case.pk for case in cases])
        .values_list("pk", flat=True)
    )
    linked = []
    for case in cases:
        if case.pk not in still:
            continue
        case.consumer = consumer
        case.save(update_fields=["consumer", "updated_at"])
        CaseEvent.objects.create(
            case=case,
            actor=consumer.user,
            actor_role=Role.CONSUMER,
            action="link_account",
            from_status=case.status,
            to_status=case.status,
        )
        linked.append(case)
    rooms = MediationRoom.objects.filter(case__in=linked).exclude(status=RoomStatus.CLOSED).values_list("pk", flat=True)
    for room_id in rooms:
        party_seat_add(room_id=room_id, user=consumer.user, role=RoomRole.CONSUMER, display_name=consumer.masked_name)
    return linked
