/* The room's WebSocket: connects, hands every frame to the page, and after a lost connection
   connects again, waiting longer each time (1 s, doubling, at most 15 s). Close codes that mean
   "not here" end it: 4401 (not logged in), 4403 (not a participant), 4400 (bad address). */

export const CLOSE_NOT_LOGGED_IN = 4401;
const CLOSE_FOR_GOOD = [4403, 4400];
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 15000;

export class RoomConnection {
  /** `address()` gives the path with its resume query at each attempt; `onFrame(frame)` gets each
      frame; `onLost({ retrying, code })` is told when the socket closes. */
  constructor({ address, onFrame, onLost }) {
    this.address = address;
    this.onFrame = onFrame;
    this.onLost = onLost;
    this.socket = null;
    this.retryDelay = FIRST_RETRY_MS;
    this.stopped = false;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + this.address());
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return; // the server sends JSON only; anything else is not a frame of this protocol
      }
      this.onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      const retrying = !this.stopped && event.code !== CLOSE_NOT_LOGGED_IN && !CLOSE_FOR_GOOD.includes(event.code);
      this.onLost({ retrying, code: event.code });
      if (!retrying) return;
      setTimeout(() => this.connect(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, LONGEST_RETRY_MS);
    });
  }

  /** The server has welcomed this connection: the next loss retries quickly again. */
  welcomed() {
    this.retryDelay = FIRST_RETRY_MS;
  }

  get isOpen() {
    return Boolean(this.socket) && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  /** The page is going away: no more reconnecting. */
  stop() {
    this.stopped = true;
  }
}
