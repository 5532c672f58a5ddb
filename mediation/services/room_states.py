"""The room's states and its proposals' states: for each, one table of the moves between them, as
the case has its own (services/transitions.py). Each service that changes a room's or a proposal's
status asks its table first."""

from mediation.models import ProposalStatus, RoomStatus
from mediation.services.room_errors import RoomActionRefused

ROOM_TRANSITIONS: dict[str, dict[str, str]] = {
    # action: {from status: to status}
    "adjourn": {RoomStatus.OPEN: RoomStatus.ADJOURNED},
    "reconvene": {RoomStatus.ADJOURNED: RoomStatus.OPEN},
    "close": {RoomStatus.OPEN: RoomStatus.CLOSED, RoomStatus.ADJOURNED: RoomStatus.CLOSED},
}


def room_status_after(*, status: str, action: str) -> str:
    """The room status `action` leads to from `status`; RoomActionRefused if not allowed."""
    target = ROOM_TRANSITIONS[action].get(status)
    if target is None:
        raise RoomActionRefused("room_closed" if status == RoomStatus.CLOSED else "role_not_allowed", action=action)
    return target


PROPOSAL_TRANSITIONS: dict[str, dict[str, str]] = {
    # action: {from status: to status}
    "accept": {ProposalStatus.OPEN: ProposalStatus.OPEN},  # one party's acceptance; open for the other
    "agree": {ProposalStatus.OPEN: ProposalStatus.ACCEPTED},  # both parties have accepted it
    "reject": {ProposalStatus.OPEN: ProposalStatus.REJECTED},
    "counter": {ProposalStatus.OPEN: ProposalStatus.COUNTERED},  # answered by a counter-proposal
    "supersede": {ProposalStatus.OPEN: ProposalStatus.WITHDRAWN},  # another proposal was agreed
}


def proposal_status_after(*, status: str, action: str, number: int) -> str:
    """The status `action` leads proposal no. `number` to from `status`; RoomActionRefused
    (proposal_not_open) if not allowed."""
    target = PROPOSAL_TRANSITIONS[action].get(status)
    if target is None:
        raise RoomActionRefused("proposal_not_open", proposal=number)
    return target
