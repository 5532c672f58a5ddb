/* The mediation room and the chat with an official on duty, in the browser: a client of the room
   protocol (docs/room-protocol.md). Every word it shows comes from the page's gettext texts
   (#room-texts).

   What it keeps: every stored event is shown once, in `seq` order, in its channel (log.js); a
   message stays pending until the server acknowledges it and is sent again (same client_msg_id)
   after a refusal for its pace, a storage failure or a lost connection; a reconnect asks for what
   came after the highest `seq` seen. The room's state (proposals, document, caucuses, status,
   participants) comes from the server, with the welcome and after every change, and is shown as
   it is (state.js). */

import { RoomConnection, CLOSE_NOT_LOGGED_IN } from "./connection.js";
import { askFirst, clearErrors, element, errorPlace, showErrorBeside } from "./dialogs.js";
import { EventLog, Outbox } from "./log.js";
import { MEDIATOR_ROLES, RoomState, offers } from "./state.js";
import { eventItem, messageItem, placeBySeq, renderDocument, renderPeople, renderProposals, renderTools } from "./view.js";
import { channelLabel, fill, inTabOrder, moment, termsInWords } from "./words.js";

const RESEND_AFTER_MS = 1100;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 4000;

const root = document.getElementById("room");
if (root) start(root);

function start(root) {
  const T = JSON.parse(document.getElementById("room-texts").textContent);
  const language = document.documentElement.lang || "zh-Hans";
  const myRole = root.dataset.role;
  const list = root.querySelector(".messages");
  const statusLine = root.querySelector(".status-line");
  const tabs = root.querySelector("nav.channels");
  const composer = root.querySelector("form.composer");
  const textBox = composer.querySelector("textarea");
  const olderButton = root.querySelector("button.older");
  const peopleList = root.querySelector(".people");
  const proposalList = root.querySelector(".proposals");
  const documentBox = root.querySelector(".document");
  const proposeForm = root.querySelector("form.propose-form");
  const terminateForm = root.querySelector("form.terminate-form");
  const seatingForm = root.querySelector("form.add-participant-form");
  const waysOn = document.getElementById("ways-on");

  const log = new EventLog();
  const outbox = new Outbox();
  const state = new RoomState();
  let me = null;
  let welcomed = false;
  let liveAfter = 0; // events after this seq happened while the page was open
  let channels = ["main"];
  let activeChannel = "main";
  const unread = new Map();
  let online = new Set();
  let refCounter = 0;
  let lastTypingSent = 0;
  let typingTimer = null;
  let answered = false;

  const connection = new RoomConnection({
    address: () => root.dataset.socketPath + log.resumeQuery(),
    onFrame: receive,
    onLost: lost,
  });

  function setStatus(message, isError) {
    statusLine.textContent = message || "";
    statusLine.classList.toggle("error", Boolean(isError));
    statusLine.setAttribute("role", isError ? "alert" : "status");
  }

  function offered() {
    return offers({
      room: state.room,
      participants: state.participants,
      myRole: myRole,
      meId: me ? me.id : null,
      channel: activeChannel,
    });
  }

  // --- the conversation -------------------------------------------------------------------------

  function showInChannel(item, channel) {
    item.dataset.channel = channel;
    item.hidden = channel !== activeChannel;
  }

  function addEvent(frame) {
    if (!log.take(frame.seq)) return;
    let item;
    if (frame.type === "message") {
      const mine = Boolean(me) && frame.author === me.id;
      const waiting = mine ? outbox.settle(frame.client_msg_id) : null;
      // Our own message came back before its ack: it is stored, so it is no longer pending.
      if (waiting) waiting.element.remove();
      item = messageItem(frame, mine, T, language);
    } else {
      item = eventItem(frame, language);
    }
    showInChannel(item, frame.channel);
    placeBySeq(list, item, frame.seq);
    const live = frame.seq > liveAfter;
    if (live && frame.channel !== activeChannel) {
      unread.set(frame.channel, (unread.get(frame.channel) || 0) + 1);
      renderTabs();
    }
    if (frame.type !== "message") reactTo(frame, live);
    if (frame.channel === activeChannel) item.scrollIntoView({ block: "nearest" });
  }

  /** What an event means for this page beyond the state the server sends after it. `live`: it
      happened while the page was open (not read from history). */
  function reactTo(frame, live) {
    const data = frame.data || {};
    // An official on duty has come to the consumer's chat (now, or before the page was opened).
    if ((frame.event === "joined" || frame.event === "participant_added") && data.role === "duty_official") {
      answeredByOfficial();
    }
    if (!live) return;
    if (frame.event === "proposal_made" && me && frame.author === me.id && proposeForm) resetProposeForm();
    // A granted recusal: this page's tools follow the seat's role, so a changed role reloads it.
    if (frame.event === "mediator_replaced" && me && (me.id === data.participant || me.id === data.previous)) {
      window.location.reload();
    }
  }

  // --- the room's state on the page -------------------------------------------------------------

  function takeState(room, participants) {
    if (state.offer(room, participants)) renderState();
  }

  function renderTabs() {
    tabs.replaceChildren();
    tabs.hidden = channels.length < 2;
    channels.forEach(function (channel) {
      const tab = element("button", "tab link", channelLabel(channel, myRole, T));
      tab.type = "button";
      tab.dataset.channel = channel;
      if (channel === activeChannel) tab.setAttribute("aria-current", "page");
      const count = unread.get(channel);
      if (count) tab.appendChild(element("span", "count", " " + count));
      tab.addEventListener("click", function () {
        activeChannel = channel;
        unread.delete(channel);
        list.querySelectorAll(".message").forEach((item) => (item.hidden = item.dataset.channel !== channel));
        renderTabs();
        renderComposer();
      });
      tabs.appendChild(tab);
    });
  }

  function renderComposer() {
    const key = offered().composerBlocked;
    const blocked = key ? T[key] : "";
    composer.querySelectorAll("textarea, button").forEach((control) => (control.disabled = Boolean(blocked) || !welcomed));
    composer.dataset.blocked = blocked;
    if (welcomed) setStatus(blocked);
  }

  function renderState() {
    if (!state.room) return;
    const now = offered();
    root.dataset.status = state.room.status;
    renderPeople(peopleList, state.participants, online, me ? me.id : null, T);
    renderComposer();
    if (proposalList) renderProposals(proposalList, now, { T, language, onAnswer: answer });
    if (documentBox) renderDocument(documentBox, now, T);
    renderTools(root, now, T);
  }

  // --- sending ----------------------------------------------------------------------------------

  function send(frame) {
    if (!connection.isOpen || !welcomed) {
      setStatus(T.offline, true);
      return false;
    }
    frame.ref = "r" + ++refCounter;
    if (frame.type !== "typing" && frame.type !== "message") clearErrors(root); // a new try: old errors go
    connection.send(frame);
    return true;
  }

  function transmit(id) {
    const entry = outbox.get(id);
    if (entry && connection.isOpen && welcomed) {
      connection.send({ type: "message", client_msg_id: id, text: entry.text, channel: entry.channel });
    }
  }

  function sendMessage(text) {
    const item = messageItem({ text: text }, true, T, language);
    item.classList.add("pending");
    item.querySelector(".meta").textContent = T.you + " · " + T.sending;
    showInChannel(item, activeChannel);
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    transmit(outbox.add(text, activeChannel, item));
  }

  function acknowledged(frame) {
    const entry = outbox.settle(frame.client_msg_id);
    if (!entry) return;
    if (!log.take(frame.seq)) {
      entry.element.remove(); // its stored copy is already shown
      return;
    }
    entry.element.classList.remove("pending");
    entry.element.querySelector(".meta").textContent = T.you + " · " + moment(new Date().toISOString(), language);
    entry.element.remove();
    placeBySeq(list, entry.element, frame.seq);
  }

  function refused(frame) {
    const outcome = outbox.refusal(frame);
    if (outcome === "again") {
      outbox.get(frame.client_msg_id).element.querySelector(".meta").textContent = T.you + " · " + T.notSent;
      setTimeout(() => transmit(frame.client_msg_id), RESEND_AFTER_MS);
      return;
    }
    if (outcome === "failed") {
      // Shown as not sent, and the text goes back into the box so nothing typed is lost.
      const entry = outbox.settle(frame.client_msg_id);
      entry.element.classList.remove("pending");
      entry.element.classList.add("failed");
      entry.element.querySelector(".meta").textContent = T.you + " · " + frame.message;
      if (!textBox.value) textBox.value = entry.text;
      setStatus(frame.message, true);
      return;
    }
    const place = errorPlace(root, frame.for);
    if (place) showErrorBeside(place, frame.message);
    else setStatus(frame.message, true);
  }

  // --- proposals --------------------------------------------------------------------------------

  function answer(proposal, response, anchor) {
    if (response === "counter") {
      startCounter(proposal);
      return;
    }
    const values = { number: proposal.number, terms: termsInWords(proposal.terms, T, language) };
    askFirst(
      root,
      anchor,
      {
        action: fill(T[response + "Action"], values),
        consequence: fill(T[response + "Consequence"], values),
        run: () => send({ type: "respond", proposal: proposal.number, response: response }),
      },
      T,
    );
  }

  function resetProposeForm() {
    proposeForm.reset();
    proposeForm.elements.counter_to.value = "";
    proposeForm.querySelector(".counter-note").hidden = true;
    proposeForm.querySelector("[data-action=cancel-counter]").hidden = true;
  }

  // A counter-proposal starts from the terms on the table: the person changes what they disagree with.
  function startCounter(proposal) {
    const terms = proposal.terms || {};
    const fields = proposeForm.elements;
    proposeForm.reset();
    ["refund_amount", "compensation_amount", "perform_by", "free_text"].forEach(function (name) {
      if (terms[name] !== undefined && terms[name] !== null) fields[name].value = String(terms[name]);
    });
    fields.replacement.checked = Boolean(terms.replacement);
    fields.repair.checked = Boolean(terms.repair);
    fields.counter_to.value = proposal.number;
    const note = proposeForm.querySelector(".counter-note");
    note.textContent = fill(T.counterFor, { number: proposal.number });
    note.hidden = false;
    proposeForm.querySelector("[data-action=cancel-counter]").hidden = false;
    proposeForm.scrollIntoView({ block: "start" });
    fields.refund_amount.focus();
  }

  function termsFromForm() {
    const fields = proposeForm.elements;
    const terms = {};
    ["refund_amount", "compensation_amount", "perform_by", "free_text"].forEach(function (name) {
      const value = fields[name].value.trim();
      if (value) terms[name] = value;
    });
    if (fields.replacement.checked) terms.replacement = true;
    if (fields.repair.checked) terms.repair = true;
    return terms;
  }

  // --- frames from the server -------------------------------------------------------------------

  function welcome(frame) {
    // The seat's role changed while the page was away (a recusal granted): its tools follow the
    // role, so the page is loaded again.
    if (frame.you.role !== myRole) {
      window.location.reload();
      return;
    }
    me = frame.you;
    liveAfter = Math.max(liveAfter, frame.room.last_seq);
    channels = inTabOrder(frame.channels);
    if (!channels.includes(activeChannel)) activeChannel = "main";
    online = new Set(frame.online);
    welcomed = true;
    connection.welcomed();
    root.classList.add("connected");
    renderTabs();
    state.offer(frame.room, frame.participants);
    renderState(); // also when the state is not newer: the composer opens with the welcome
    outbox.ids().forEach(transmit);
  }

  function history(frame) {
    frame.events.forEach(addEvent);
    if (frame.mode !== "resume") olderButton.hidden = !frame.has_more;
    else if (frame.has_more) send({ type: "resume", after_seq: log.highestSeq });
  }

  function showTyping(frame) {
    const person = state.participants.get(frame.participant);
    if (!person || (me && person.id === me.id) || frame.channel !== activeChannel || composer.dataset.blocked) return;
    setStatus(person.name + " …");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => setStatus(composer.dataset.blocked || ""), TYPING_SHOWN_MS);
  }

  function receive(frame) {
    switch (frame.type) {
      case "welcome":
        welcome(frame);
        break;
      case "history":
        history(frame);
        break;
      case "message":
      case "system":
      case "proposal":
        addEvent(frame);
        break;
      case "state":
        takeState(frame.room, frame.participants);
        break;
      case "ack":
        acknowledged(frame);
        break;
      case "presence":
        online = new Set(frame.online);
        renderPeople(peopleList, state.participants, online, me ? me.id : null, T);
        break;
      case "typing":
        showTyping(frame);
        break;
      case "error":
        refused(frame);
        break;
      default:
        break;
    }
  }

  function lost({ retrying, code }) {
    welcomed = false;
    root.classList.remove("connected");
    if (code === CLOSE_NOT_LOGGED_IN) {
      location.href = "/log-in/?next=" + encodeURIComponent(location.pathname);
      return;
    }
    renderComposer();
    setStatus(retrying ? T.offline : T.closed, true);
  }

  // --- the page's controls ----------------------------------------------------------------------

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = textBox.value.trim();
    if (!text || composer.dataset.blocked || !welcomed) return;
    textBox.value = "";
    sendMessage(text);
  });

  textBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  textBox.addEventListener("input", function () {
    const now = Date.now();
    if (welcomed && now - lastTypingSent > TYPING_EVERY_MS && !composer.dataset.blocked) {
      lastTypingSent = now;
      connection.send({ type: "typing", channel: activeChannel });
    }
  });

  olderButton.addEventListener("click", function () {
    if (log.oldestSeq !== null) send({ type: "history", before_seq: log.oldestSeq, limit: 50 });
  });

  root.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action], button[data-caucus]");
    if (!button || !root.contains(button)) return;
    if (button.dataset.caucus) {
      const party = button.dataset.caucus;
      send({ type: "caucus", party: party, open: !offered().caucuses[party].open });
      return;
    }
    const action = button.dataset.action;
    if (action === "cancel-counter") resetProposeForm();
    else if (action === "sign" || action === "record_agreement") {
      const key = action === "sign" ? "sign" : "record";
      askFirst(root, button, { action: T[key + "Action"], consequence: T[key + "Consequence"], run: () => send({ type: action }) }, T);
    } else if (["adjourn", "reconvene", "release"].includes(action)) send({ type: action });
  });

  if (proposeForm) {
    proposeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const terms = termsFromForm();
      const counterTo = proposeForm.elements.counter_to.value;
      if (counterTo) send({ type: "respond", proposal: Number(counterTo), response: "counter", terms: terms });
      else send({ type: "propose", terms: terms });
    });
  }

  if (seatingForm) {
    seatingForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const username = seatingForm.elements.username.value.trim();
      if (!username) return;
      send({ type: "add_participant", username: username, role: seatingForm.elements.role.value });
      seatingForm.elements.username.value = "";
    });
  }

  if (terminateForm) {
    terminateForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const reason = terminateForm.elements.reason;
      askFirst(
        root,
        terminateForm.querySelector("button[type=submit]"),
        {
          action: T.terminateAction,
          consequence: fill(T.terminateConsequence, { ground: reason.options[reason.selectedIndex].text }),
          run: () => send({ type: "terminate", reason: reason.value, note: terminateForm.elements.note.value }),
        },
        T,
      );
    });
  }

  window.addEventListener("pagehide", () => connection.stop());

  // A consumer waiting for an official (转人工) is offered other ways on when nobody has answered by
  // the time the page names; an official's arrival takes the offer away.
  function answeredByOfficial() {
    answered = true;
    if (waysOn) waysOn.hidden = true;
  }
  if (waysOn) {
    const wait = Date.parse(waysOn.dataset.offerAt) - Date.now();
    setTimeout(function () {
      if (!answered && (!state.room || state.room.status !== "closed")) waysOn.hidden = false;
    }, Math.max(wait, 0));
  }

  setStatus(T.connecting);
  connection.connect();
}
