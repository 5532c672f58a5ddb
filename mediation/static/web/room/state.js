/* The room as the server keeps it, and what the page offers in it. The state comes whole from the
   server, with the welcome and after every change (a `state` frame); the page keeps the newest it
   was sent and never works it out from the events. `offers` says, from that state alone, which
   controls a person has: it is the page's one place for those rules. */

export const MEDIATOR_ROLES = ["lead_mediator", "co_mediator"];
export const PARTY_ROLES = ["consumer", "merchant"];

export class RoomState {
  constructor() {
    this.room = null;
    this.participants = new Map();
  }

  /** Takes the state of a welcome or a `state` frame, unless a newer one is already here. */
  offer(room, participants) {
    if (this.room && room.last_seq < this.room.last_seq) return false;
    this.room = Object.assign({ proposals: [], open_caucuses: [], document: null }, room);
    this.participants = new Map(participants.map((person) => [person.id, person]));
    return true;
  }

  get seq() {
    return this.room ? this.room.last_seq : 0;
  }
}

/** What a person of role `myRole` (seat `meId`) may do in the room as `room` and `participants`
    describe it, writing in `channel`. The composer's block is the key of the text that says why. */
export function offers({ room, participants, myRole, meId, channel }) {
  const isMediator = MEDIATOR_ROLES.includes(myRole);
  const isParty = PARTY_ROLES.includes(myRole);
  const open = Boolean(room) && room.status === "open";
  const closed = !room || room.status === "closed";
  const me = participants.get(meId);
  const caucuses = (room && room.open_caucuses) || [];

  let composerBlocked = "";
  if (closed) composerBlocked = "closed";
  else if (myRole === "observer") composerBlocked = "readOnly";
  else if (me && me.muted) composerBlocked = "youAreMuted";
  else if (room.status === "adjourned" && !isMediator) composerBlocked = "adjourned";
  else if (channel.startsWith("caucus:") && !isMediator && !caucuses.includes(myRole)) composerBlocked = "caucusClosed";

  const proposals = ((room && room.proposals) || [])
    .filter((proposal) => proposal.status === "open" || proposal.status === "accepted")
    .map(function (proposal) {
      let answer = "none";
      if (isParty && proposal.status === "open" && open) answer = proposal[myRole + "_accepted"] ? "accepted" : "choices";
      return { proposal, answer };
    });

  const paper = room && room.document;
  const document = paper
    ? {
        proposal: paper.proposal,
        confirmed: paper.confirmed,
        signedBy: PARTY_ROLES.filter((party) => paper[party + "_signed"]),
        canSign: isParty && open && !paper.confirmed && !paper[myRole + "_signed"],
        canRecord: myRole === "lead_mediator" && open && !paper.confirmed && paper.consumer_signed && paper.merchant_signed,
      }
    : null;

  return {
    composerBlocked,
    proposals,
    document,
    caucuses: Object.fromEntries(PARTY_ROLES.map((party) => [party, { open: caucuses.includes(party), enabled: !closed }])),
    adjourn: isMediator && open,
    reconvene: isMediator && Boolean(room) && room.status === "adjourned",
    release: !closed,
    terminate: myRole === "lead_mediator" && !closed,
    seat: myRole === "lead_mediator" && !closed,
    propose: (isParty || isMediator) && open && !paper,
  };
}
