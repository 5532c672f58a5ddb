/* The mediation room and the chat with an official on duty, in the browser: a client of the room
   protocol (docs/room-protocol.md). Plain JavaScript served by the app; every word it shows comes
   from the page's gettext texts (#room-texts).

   What it keeps: every event is shown once, in `seq` order, in its channel; a message is kept as
   pending until the server acknowledges it and is sent again (same client_msg_id) after a refusal
   for its pace, a storage failure or a lost connection; a reconnect asks for what came after the
   highest `seq` seen. The room's state (proposals, document, caucuses, adjournment) comes with the
   welcome and is then moved forward by the events that follow it. */
(function () {
  "use strict";

  const root = document.getElementById("room");
  if (!root) return;
  const T = JSON.parse(document.getElementById("room-texts").textContent);
  const language = document.documentElement.lang || "zh-Hans";
  const myRole = root.dataset.role;
  const isMediator = myRole === "lead_mediator" || myRole === "co_mediator";
  const isParty = myRole === "consumer" || myRole === "merchant";
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

  const RESEND_AFTER_MS = 1100;
  const ACTION_EVENTS_CLOSING = ["settled", "terminated", "case_withdraw", "released", "left"];

  let socket = null;
  let reconnectDelay = 1000;
  let welcomed = false;
  let stopped = false;
  let highestSeq = 0; // the highest seq received: a reconnect asks for what came after it
  let stateSeq = 0; // the room state reflects every event up to this seq
  let oldestSeq = null;
  let me = null;
  let room = null;
  let channels = ["main"];
  let activeChannel = "main";
  const unread = new Map();
  const participants = new Map();
  let online = new Set();
  const seen = new Set();
  const pending = new Map(); // client_msg_id -> {text, channel, element}
  let refCounter = 0;
  let lastTypingSent = 0;
  let typingTimer = null;

  // --- words and formats ------------------------------------------------------------------------

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(language, { style: "currency", currency: currency || "CNY" }).format(Number(amount));
    } catch (error) {
      return amount + " " + currency;
    }
  }

  function day(isoDate) {
    const [year, month, date] = isoDate.split("-").map(Number);
    return new Intl.DateTimeFormat(language, { dateStyle: "long" }).format(new Date(year, month - 1, date));
  }

  function moment(isoMoment) {
    const at = new Date(isoMoment);
    const today = new Date().toDateString() === at.toDateString();
    const options = today
      ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    return new Intl.DateTimeFormat(language, options).format(at);
  }

  function termsInWords(terms) {
    const parts = [];
    if (terms.refund_amount) parts.push(fill(T.refund, { amount: money(terms.refund_amount, terms.currency) }));
    if (terms.replacement) parts.push(T.replacement);
    if (terms.repair) parts.push(T.repair);
    if (terms.compensation_amount) {
      parts.push(fill(T.compensation, { amount: money(terms.compensation_amount, terms.currency) }));
    }
    if (terms.perform_by) parts.push(fill(T.performBy, { date: day(terms.perform_by) }));
    if (terms.free_text) parts.push(terms.free_text);
    return parts.join(T.termSeparator);
  }

  function channelLabel(channel) {
    if (channel === "main") return T.channelMain;
    if (channel === "mediators") return T.channelMediators;
    const party = channel.split(":")[1];
    if (party === myRole) return T.channelCaucusOwn;
    return party === "consumer" ? T.channelCaucusConsumer : T.channelCaucusMerchant;
  }

  function partyLabel(party) {
    return party === "consumer" ? T.theConsumer : T.theBusiness;
  }

  function setStatus(message, isError) {
    statusLine.textContent = message || "";
    statusLine.classList.toggle("error", Boolean(isError));
    statusLine.setAttribute("role", isError ? "alert" : "status");
  }

  // --- the conversation -------------------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function placeBySeq(item, seq) {
    // Events arrive in seq order, except a page of earlier history: keep the list sorted.
    const later = Array.from(list.children).find(function (other) {
      return other.dataset.seq && Number(other.dataset.seq) > seq;
    });
    const firstPending = list.querySelector(".message.pending");
    list.insertBefore(item, later || firstPending || null);
  }

  function showInChannel(item, channel) {
    item.dataset.channel = channel;
    item.hidden = channel !== activeChannel;
  }

  function messageItem(frame, mine) {
    const item = element("li", "message " + (mine ? "from-user" : "from-other"));
    const meta = element("span", "meta");
    const who = mine ? T.you : frame.author_name + " · " + (T.roles[frame.author_role] || frame.author_role);
    meta.textContent = who + (frame.at ? " · " + moment(frame.at) : "");
    item.appendChild(meta);
    item.appendChild(element("div", "bubble", frame.text));
    return item;
  }

  function addEvent(frame) {
    if (seen.has(frame.seq)) return;
    seen.add(frame.seq);
    highestSeq = Math.max(highestSeq, frame.seq);
    oldestSeq = oldestSeq === null ? frame.seq : Math.min(oldestSeq, frame.seq);
    let item;
    if (frame.type === "message") {
      const mine = me && frame.author === me.id;
      const waiting = mine ? pending.get(frame.client_msg_id) : null;
      if (waiting) {
        // Our own message came back before its ack: it is stored, so it is no longer pending.
        pending.delete(frame.client_msg_id);
        waiting.element.remove();
      }
      item = messageItem(frame, mine);
    } else {
      item = element("li", "message from-system");
      item.appendChild(element("div", "bubble", frame.text));
      if (frame.at) item.appendChild(element("span", "meta", moment(frame.at)));
      item.dataset.event = frame.event;
    }
    item.dataset.seq = frame.seq;
    showInChannel(item, frame.channel);
    placeBySeq(item, frame.seq);
    if (frame.channel !== activeChannel && frame.seq > stateSeq) {
      unread.set(frame.channel, (unread.get(frame.channel) || 0) + 1);
      renderTabs();
    }
    if (frame.type !== "message" && frame.seq > stateSeq) applyEvent(frame);
    stateSeq = Math.max(stateSeq, frame.seq);
    if (frame.channel === activeChannel) item.scrollIntoView({ block: "nearest" });
  }

  function applyEvent(frame) {
    const data = frame.data || {};
    const proposal = room && room.proposals ? room.proposals.find((p) => p.number === data.proposal) : null;
    switch (frame.event) {
      case "proposal_made":
        room.proposals.push({
          number: data.proposal,
          status: "open",
          proposed_by: frame.author,
          counter_to: data.counter_to,
          terms: data.terms,
          consumer_accepted: frame.author_role === "consumer",
          merchant_accepted: frame.author_role === "merchant",
        });
        if (me && frame.author === me.id && proposeForm) resetProposeForm();
        break;
      case "proposal_accepted":
        if (proposal) proposal[frame.author_role + "_accepted"] = true;
        break;
      case "proposal_rejected":
        if (proposal) proposal.status = "rejected";
        break;
      case "proposal_countered":
        if (proposal) proposal.status = "countered";
        break;
      case "agreement_reached":
        room.proposals.forEach(function (p) {
          if (p.number === data.proposal) p.status = "accepted";
          else if (p.status === "open") p.status = "withdrawn";
        });
        room.document = { proposal: data.proposal, consumer_signed: false, merchant_signed: false, confirmed: false };
        break;
      case "document_signed":
        if (room.document) room.document[frame.author_role + "_signed"] = true;
        break;
      case "agreement_recorded":
        if (room.document) room.document.confirmed = true;
        break;
      case "caucus_opened":
        if (!room.open_caucuses.includes(data.party)) room.open_caucuses.push(data.party);
        break;
      case "caucus_closed":
        room.open_caucuses = room.open_caucuses.filter((party) => party !== data.party);
        break;
      case "adjourned":
        room.status = "adjourned";
        break;
      case "reconvened":
        room.status = "open";
        break;
      case "muted":
      case "unmuted":
        if (participants.has(data.participant)) participants.get(data.participant).muted = frame.event === "muted";
        break;
      case "mediator_replaced":
        // A granted recusal: this page's tools follow the seat's role, so a changed role reloads it.
        if (me && (me.id === data.participant || me.id === data.previous)) {
          window.location.reload();
          return;
        }
        if (participants.has(data.previous)) {
          Object.assign(participants.get(data.previous), { role: "observer", muted: true });
        }
        participants.set(data.participant, { id: data.participant, role: data.role, name: data.name, muted: false });
        break;
      case "joined":
      case "participant_added":
        if (data.role === "duty_official") answeredByOfficial();
        if (!participants.has(data.participant)) {
          participants.set(data.participant, { id: data.participant, role: data.role, name: data.name, muted: false });
        }
        break;
      default:
        if (ACTION_EVENTS_CLOSING.includes(frame.event)) room.status = "closed";
    }
    renderState();
  }

  // --- the room's state on the page -------------------------------------------------------------

  function renderTabs() {
    tabs.replaceChildren();
    tabs.hidden = channels.length < 2;
    channels.forEach(function (channel) {
      const tab = element("button", "tab link", channelLabel(channel));
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

  function renderPeople() {
    peopleList.replaceChildren();
    participants.forEach(function (person) {
      const item = element("li", online.has(person.id) ? "online" : "");
      item.textContent = person.name + " · " + (T.roles[person.role] || person.role);
      if (me && person.id === me.id) item.textContent += " (" + T.you + ")";
      if (online.has(person.id)) item.title = T.online;
      if (person.muted) item.classList.add("muted-person");
      peopleList.appendChild(item);
    });
  }

  function renderComposer() {
    let blocked = "";
    if (!room || room.status === "closed") blocked = T.closed;
    else if (myRole === "observer") blocked = T.readOnly;
    else if (me && participants.get(me.id) && participants.get(me.id).muted) blocked = T.youAreMuted;
    else if (room.status === "adjourned" && !isMediator) blocked = T.adjourned;
    else if (activeChannel.startsWith("caucus:") && !isMediator && !room.open_caucuses.includes(myRole)) {
      blocked = T.caucusClosed;
    }
    composer.querySelectorAll("textarea, button").forEach((control) => (control.disabled = Boolean(blocked) || !welcomed));
    composer.dataset.blocked = blocked;
    if (welcomed) setStatus(blocked);
  }

  function renderProposals() {
    if (!proposalList) return;
    proposalList.replaceChildren();
    const shown = (room.proposals || []).filter((p) => p.status === "open" || p.status === "accepted");
    if (!shown.length) proposalList.appendChild(element("li", "muted", T.noProposals));
    shown.forEach(function (proposal) {
      const item = element("li", "proposal status-" + proposal.status);
      item.dataset.number = proposal.number;
      const title = element("strong", "", fill(T.proposal, { number: proposal.number }));
      item.appendChild(title);
      if (proposal.counter_to) item.appendChild(element("span", "muted", " (" + fill(T.counterTo, { number: proposal.counter_to }) + ")"));
      item.appendChild(element("span", "status", " " + (T.proposalStatus[proposal.status] || proposal.status)));
      item.appendChild(element("p", "terms", termsInWords(proposal.terms)));
      const accepted = [];
      if (proposal.consumer_accepted) accepted.push(T.consumer);
      if (proposal.merchant_accepted) accepted.push(T.merchant);
      item.appendChild(element("p", "muted", fill(T.acceptedBy, { parties: accepted.join(T.listSeparator) || T.nobodyYet })));
      if (isParty && proposal.status === "open" && room.status === "open") {
        if (proposal[myRole + "_accepted"]) {
          item.appendChild(element("p", "muted", T.youAccepted));
        } else {
          const answers = element("p", "choices");
          [["accept", T.accept], ["reject", T.reject], ["counter", T.counter]].forEach(function ([response, label]) {
            const button = element("button", response === "accept" ? "" : "secondary", label);
            button.type = "button";
            button.dataset.response = response;
            button.addEventListener("click", function () {
              if (response === "counter") {
                startCounter(proposal);
                return;
              }
              const values = { number: proposal.number, terms: termsInWords(proposal.terms) };
              askFirst(answers, {
                action: fill(T[response + "Action"], values),
                consequence: fill(T[response + "Consequence"], values),
                run: () => send({ type: "respond", proposal: proposal.number, response: response }),
              });
            });
            answers.appendChild(button);
          });
          item.appendChild(answers);
        }
      }
      proposalList.appendChild(item);
    });
  }

  function renderDocument() {
    if (!documentBox) return;
    const paper = room.document;
    documentBox.hidden = !paper;
    if (!paper) return;
    const signed = [];
    if (paper.consumer_signed) signed.push(T.consumer);
    if (paper.merchant_signed) signed.push(T.merchant);
    documentBox.querySelector(".document-state").textContent = paper.confirmed
      ? T.documentConfirmed
      : fill(T.documentDrafted, { number: paper.proposal }) + " " + fill(T.signedBy, { parties: signed.join(T.listSeparator) || T.nobodyYet });
    const sign = documentBox.querySelector("[data-action=sign]");
    if (sign) sign.hidden = paper.confirmed || paper[myRole + "_signed"] || room.status !== "open";
    const record = documentBox.querySelector("[data-action=record_agreement]");
    if (record) record.hidden = paper.confirmed || !(paper.consumer_signed && paper.merchant_signed) || room.status !== "open";
  }

  function renderTools() {
    root.querySelectorAll("[data-caucus]").forEach(function (button) {
      const party = button.dataset.caucus;
      const isOpen = room.open_caucuses.includes(party);
      button.textContent = fill(isOpen ? T.closeCaucus : T.openCaucus, { party: partyLabel(party) });
      button.setAttribute("aria-pressed", String(isOpen));
      button.disabled = room.status === "closed";
    });
    const adjourn = root.querySelector("[data-action=adjourn]");
    const reconvene = root.querySelector("[data-action=reconvene]");
    if (adjourn) adjourn.hidden = room.status !== "open";
    if (reconvene) reconvene.hidden = room.status !== "adjourned";
    const release = root.querySelector("[data-action=release]");
    if (release) release.hidden = room.status === "closed";
    if (terminateForm) terminateForm.hidden = room.status === "closed";
    if (proposeForm) proposeForm.hidden = room.status !== "open" || Boolean(room.document);
  }

  function renderState() {
    if (!room) return;
    root.dataset.status = room.status;
    renderPeople();
    renderComposer();
    renderProposals();
    renderDocument();
    renderTools();
  }

  // --- sending ----------------------------------------------------------------------------------

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN || !welcomed) {
      setStatus(T.offline, true);
      return false;
    }
    frame.ref = "r" + ++refCounter;
    if (frame.type !== "typing" && frame.type !== "message") clearErrors(); // a new try: old errors go
    socket.send(JSON.stringify(frame));
    return true;
  }

  function newMessageId() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function transmit(id) {
    const entry = pending.get(id);
    if (entry && socket && socket.readyState === WebSocket.OPEN && welcomed) {
      socket.send(JSON.stringify({ type: "message", client_msg_id: id, text: entry.text, channel: entry.channel }));
    }
  }

  function sendMessage(text) {
    const id = newMessageId();
    const item = messageItem({ text: text }, true);
    item.classList.add("pending");
    item.querySelector(".meta").textContent = T.you + " · " + T.sending;
    showInChannel(item, activeChannel);
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    pending.set(id, { text: text, channel: activeChannel, element: item });
    transmit(id);
  }

  function acknowledged(frame) {
    const entry = pending.get(frame.client_msg_id);
    if (!entry) return;
    pending.delete(frame.client_msg_id);
    if (seen.has(frame.seq)) {
      entry.element.remove(); // its stored copy is already shown
      return;
    }
    seen.add(frame.seq);
    highestSeq = Math.max(highestSeq, frame.seq);
    entry.element.classList.remove("pending");
    entry.element.dataset.seq = frame.seq;
    entry.element.querySelector(".meta").textContent = T.you + " · " + moment(new Date().toISOString());
    entry.element.remove();
    placeBySeq(entry.element, frame.seq);
  }

  function refused(frame) {
    const entry = frame.client_msg_id !== undefined ? pending.get(frame.client_msg_id) : null;
    if (entry && (frame.code === "rate_limited" || frame.code === "not_stored")) {
      entry.element.querySelector(".meta").textContent = T.you + " · " + T.notSent;
      setTimeout(() => transmit(frame.client_msg_id), RESEND_AFTER_MS);
      return;
    }
    if (entry) {
      // Refused for good (closed, muted, caucus closed…): shown as not sent, and the text goes
      // back into the box so nothing typed is lost.
      pending.delete(frame.client_msg_id);
      entry.element.classList.remove("pending");
      entry.element.classList.add("failed");
      entry.element.querySelector(".meta").textContent = T.you + " · " + frame.message;
      if (!textBox.value) textBox.value = entry.text;
    }
    const place = entry ? null : errorPlace(frame.for);
    if (place) showErrorBeside(place, frame.message);
    else setStatus(frame.message, true);
  }

  // --- decisions that cannot be undone, and errors where they belong ----------------------------

  // Says what the decision does, beside the control that asked for it, and acts only on the second,
  // explicit step. Focus moves to the question, and back when the person goes back.
  function askFirst(anchor, { action, consequence, run }) {
    const old = root.querySelector(".confirm");
    if (old) old.remove();
    const box = element("div", "confirm");
    box.setAttribute("role", "alertdialog");
    box.id = "room-confirm";
    const title = element("p", "confirm-title", fill(T.confirmTitle, { action: action }));
    title.id = "room-confirm-title";
    const what = element("p", "", consequence);
    what.id = "room-confirm-what";
    box.setAttribute("aria-labelledby", title.id);
    box.setAttribute("aria-describedby", what.id);
    const yes = element("button", "", fill(T.confirmYes, { action: action }));
    yes.type = "button";
    yes.dataset.confirm = "yes";
    const no = element("button", "secondary", T.confirmNo);
    no.type = "button";
    const returnTo = document.activeElement;
    yes.addEventListener("click", function () {
      box.remove();
      run();
    });
    no.addEventListener("click", function () {
      box.remove();
      if (returnTo && returnTo.focus) returnTo.focus();
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") no.click();
    });
    box.append(title, what, yes, " ", no);
    anchor.after(box);
    yes.focus();
  }

  // Where the refusal of each kind of frame is shown: beside the form or controls that sent it.
  function errorPlace(frameType) {
    if ((frameType === "propose" || frameType === "respond") && proposeForm && !proposeForm.hidden) return proposeForm;
    if (frameType === "respond" && proposalList) return proposalList;
    if ((frameType === "sign" || frameType === "record_agreement") && documentBox) return documentBox;
    if (frameType === "terminate" && terminateForm) return terminateForm;
    const seating = root.querySelector("form.add-participant-form");
    if (frameType === "add_participant" && seating) return seating;
    const tools = root.querySelector(".mediator-tools .tools");
    if (["caucus", "adjourn", "reconvene"].includes(frameType) && tools) return tools;
    return null;
  }

  function showErrorBeside(place, message) {
    // Inside a form or box, at its end; after a list (a paragraph cannot stand in a list).
    const inside = !["OL", "UL"].includes(place.tagName);
    let line = inside
      ? place.querySelector(":scope > .error[data-room-error]")
      : place.nextElementSibling && place.nextElementSibling.matches(".error[data-room-error]")
        ? place.nextElementSibling
        : null;
    if (!line) {
      line = element("p", "error");
      line.dataset.roomError = "";
      line.setAttribute("role", "alert");
      if (inside) place.appendChild(line);
      else place.after(line);
    }
    line.textContent = message;
  }

  function clearErrors() {
    root.querySelectorAll(".error[data-room-error]").forEach((line) => line.remove());
  }

  // --- proposals --------------------------------------------------------------------------------

  function resetProposeForm() {
    proposeForm.reset();
    proposeForm.elements.counter_to.value = "";
    proposeForm.querySelector(".counter-note").hidden = true;
    proposeForm.querySelector("[data-action=cancel-counter]").hidden = true;
  }

  // A counter-proposal starts from the terms on the table: the person changes what they disagree with.
  function startCounter(proposal) {
    const number = proposal.number;
    const terms = proposal.terms || {};
    const fields = proposeForm.elements;
    proposeForm.reset();
    ["refund_amount", "compensation_amount", "perform_by", "free_text"].forEach(function (name) {
      if (terms[name] !== undefined && terms[name] !== null) fields[name].value = String(terms[name]);
    });
    fields.replacement.checked = Boolean(terms.replacement);
    fields.repair.checked = Boolean(terms.repair);
    fields.counter_to.value = number;
    const note = proposeForm.querySelector(".counter-note");
    note.textContent = fill(T.counterFor, { number: number });
    note.hidden = false;
    proposeForm.querySelector("[data-action=cancel-counter]").hidden = false;
    proposeForm.scrollIntoView({ block: "start" });
    proposeForm.elements.refund_amount.focus();
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

  // --- the connection ---------------------------------------------------------------------------

  function welcome(frame) {
    me = frame.you;
    room = frame.room;
    room.proposals = room.proposals || [];
    room.open_caucuses = room.open_caucuses || [];
    stateSeq = room.last_seq;
    channels = frame.channels.slice().sort(function (a, b) {
      const order = ["main", "mediators", "caucus:consumer", "caucus:merchant"];
      return order.indexOf(a) - order.indexOf(b);
    });
    if (!channels.includes(activeChannel)) activeChannel = "main";
    participants.clear();
    frame.participants.forEach((person) => participants.set(person.id, person));
    online = new Set(frame.online);
    welcomed = true;
    reconnectDelay = 1000;
    root.classList.add("connected");
    renderTabs();
    renderState();
    pending.forEach((entry, id) => transmit(id));
  }

  function history(frame) {
    frame.events.forEach(addEvent);
    if (frame.mode !== "resume") olderButton.hidden = !frame.has_more;
    else if (frame.has_more) send({ type: "resume", after_seq: highestSeq });
  }

  function showTyping(frame) {
    const person = participants.get(frame.participant);
    if (!person || (me && person.id === me.id) || frame.channel !== activeChannel || composer.dataset.blocked) return;
    setStatus(person.name + " …");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => setStatus(composer.dataset.blocked || ""), 4000);
  }

  function receive(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
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
      case "ack":
        acknowledged(frame);
        break;
      case "presence":
        online = new Set(frame.online);
        renderPeople();
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

  function connect() {
    setStatus(T.connecting);
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const resume = highestSeq ? "?after_seq=" + highestSeq : "";
    socket = new WebSocket(scheme + location.host + root.dataset.socketPath + resume);
    socket.addEventListener("message", receive);
    socket.addEventListener("close", function (event) {
      welcomed = false;
      root.classList.remove("connected");
      if (event.code === 4401) {
        location.href = "/log-in/?next=" + encodeURIComponent(location.pathname);
        return;
      }
      if (event.code === 4403 || event.code === 4400 || stopped) {
        setStatus(T.closed, true);
        return;
      }
      setStatus(T.offline, true);
      renderComposer();
      setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 15000);
    });
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
    if (welcomed && now - lastTypingSent > 3000 && !composer.dataset.blocked) {
      lastTypingSent = now;
      socket.send(JSON.stringify({ type: "typing", channel: activeChannel }));
    }
  });

  olderButton.addEventListener("click", function () {
    if (oldestSeq !== null) send({ type: "history", before_seq: oldestSeq, limit: 50 });
  });

  root.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action], button[data-caucus]");
    if (!button || !root.contains(button)) return;
    if (button.dataset.caucus) {
      send({ type: "caucus", party: button.dataset.caucus, open: !room.open_caucuses.includes(button.dataset.caucus) });
      return;
    }
    const action = button.dataset.action;
    if (action === "cancel-counter") resetProposeForm();
    else if (action === "sign" || action === "record_agreement") {
      const key = action === "sign" ? "sign" : "record";
      askFirst(button, { action: T[key + "Action"], consequence: T[key + "Consequence"], run: () => send({ type: action }) });
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

  const addParticipantForm = root.querySelector("form.add-participant-form");
  if (addParticipantForm) {
    addParticipantForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const username = addParticipantForm.elements.username.value.trim();
      if (!username) return;
      send({ type: "add_participant", username: username, role: addParticipantForm.elements.role.value });
      addParticipantForm.elements.username.value = "";
    });
  }

  if (terminateForm) {
    terminateForm.addEventListener("submit", function (event) {
      event.preventDefault();
      const reason = terminateForm.elements.reason;
      askFirst(terminateForm.querySelector("button[type=submit]"), {
        action: T.terminateAction,
        consequence: fill(T.terminateConsequence, { ground: reason.options[reason.selectedIndex].text }),
        run: () => send({ type: "terminate", reason: reason.value, note: terminateForm.elements.note.value }),
      });
    });
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
  });

  // A consumer waiting for an official (转人工) is offered other ways on when nobody has answered by
  // the time the page names; an official's arrival takes the offer away.
  const waysOn = document.getElementById("ways-on");
  let answered = false;
  function answeredByOfficial() {
    answered = true;
    if (waysOn) waysOn.hidden = true;
  }
  if (waysOn) {
    const wait = Date.parse(waysOn.dataset.offerAt) - Date.now();
    setTimeout(function () {
      if (!answered && (!room || room.status !== "closed")) waysOn.hidden = false;
    }, Math.max(wait, 0));
  }

  connect();
})();
