/* What the room page keeps of the conversation, apart from the page itself: which stored events it
   has shown (each once, whatever the order they came in), where a reconnect resumes, and the
   messages typed but not yet acknowledged (docs/room-protocol.md, "what nothing lost means"). */

/** Refusals after which the same message is sent again later (same client_msg_id). */
const PASSING_REFUSALS = new Set(["rate_limited", "not_stored"]);

export class EventLog {
  constructor() {
    this.seen = new Set();
    this.highestSeq = 0; // a reconnect asks for what came after it
    this.oldestSeq = null; // the "earlier messages" button asks for what came before it
  }

  /** Records a stored event's number: false when the event was shown already. */
  take(seq) {
    if (this.seen.has(seq)) return false;
    this.seen.add(seq);
    this.highestSeq = Math.max(this.highestSeq, seq);
    this.oldestSeq = this.oldestSeq === null ? seq : Math.min(this.oldestSeq, seq);
    return true;
  }

  /** The address query that resumes after what was seen ("" on a first connection). */
  resumeQuery() {
    return this.highestSeq ? "?after_seq=" + this.highestSeq : "";
  }
}

export class Outbox {
  constructor(newId = randomMessageId) {
    this.newId = newId;
    this.pending = new Map(); // client_msg_id -> {text, channel, element}
  }

  add(text, channel, element) {
    const id = this.newId();
    this.pending.set(id, { text, channel, element });
    return id;
  }

  get(id) {
    return this.pending.get(id);
  }

  /** Takes a message out of the outbox (stored, or refused for good) and returns it. */
  settle(id) {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    return entry;
  }

  /** What a refusal of a pending message means: "again" (send it again later), "failed" (refused
      for good: closed, muted, caucus closed…) or null when it was no message of this outbox. */
  refusal(frame) {
    if (frame.client_msg_id === undefined || !this.pending.has(frame.client_msg_id)) return null;
    return PASSING_REFUSALS.has(frame.code) ? "again" : "failed";
  }

  ids() {
    return Array.from(this.pending.keys());
  }
}

export function randomMessageId() {
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
}
