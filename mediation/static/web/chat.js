// The web chat with the triage bot (docs/bot-chat-protocol.md): one WebSocket to /ws/bot/, bot
// messages with their buttons, the hand-off links, and a reconnect that shows the conversation
// again from the server's history. Plain JavaScript, no framework, served by the app.
(function () {
  "use strict";
  const root = document.getElementById("chat");
  if (!root) return;
  const list = root.querySelector(".messages");
  const statusLine = root.querySelector(".status-line");
  const form = root.querySelector(".composer");
  const input = form.querySelector("textarea");
  const text = (name) => root.dataset[name] || "";
  let socket = null;
  let ready = false; // after `welcome`: it redraws the conversation, so nothing is sent before it
  let sent = 0;
  let waiting = 0; // messages sent whose turn is not over yet
  let retryDelay = 1000;
  // What was sent and not yet answered, by client_msg_id: a message refused for its pace is sent
  // again by itself, and one the bot could not take goes back into the text box. Nothing is lost.
  const pending = new Map();
  const PACE_RETRY_MS = 1100; // the chat allows one message a second after a burst

  // The composer sticks to the bottom of the screen: each message keeps a margin of its height, so
  // the newest is scrolled fully above it, on a phone (also when its keyboard opens) and a desktop.
  function measureComposer() {
    root.style.setProperty("--composer-height", form.offsetHeight + "px");
  }

  function showNewest() {
    const newest = list.lastElementChild;
    if (newest) newest.scrollIntoView({ block: "end" });
  }

  function add(from, body) {
    const item = document.createElement("li");
    item.className = "message from-" + from;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = body;
    item.appendChild(bubble);
    list.appendChild(item);
    showNewest();
    return item;
  }

  // Buttons of a question already answered (by a button or in words) can no longer be pressed;
  // the one chosen stays marked.
  function spendChoices(chosen) {
    list.querySelectorAll("button.choice:not(:disabled)").forEach(function (button) {
      button.disabled = true;
      if (button === chosen) {
        button.classList.add("chosen");
        button.setAttribute("aria-pressed", "true");
      }
    });
  }

  function addButtons(item, buttons) {
    if (!buttons || !buttons.length) return;
    const row = document.createElement("div");
    row.className = "choices";
    buttons.forEach(function (choice) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = choice.title;
      button.addEventListener("click", function () {
        if (!ready) return;
        spendChoices(button);
        send(choice.payload, choice.title);
      });
      row.appendChild(button);
    });
    item.appendChild(row);
    showNewest();
  }

  function addLink(href, label) {
    const item = document.createElement("li");
    item.className = "message from-system";
    const link = document.createElement("a");
    link.className = "button handoff";
    link.href = href;
    link.textContent = label;
    item.appendChild(link);
    list.appendChild(item);
    showNewest();
  }

  function showHandoff(frame) {
    if (frame.to === "official") {
      addLink("/help/" + frame.help_request + "/", text("textOpenOfficialChat"));
    } else if (frame.to === "case") {
      (frame.cases || []).forEach(function (filed) {
        addLink(filed.case_url, text("textOpenCase").replace("{number}", filed.number));
      });
    }
  }

  function setStatus(message) {
    statusLine.textContent = message;
  }

  function transmit(clientMsgId) {
    if (!ready) return;
    socket.send(JSON.stringify({ type: "message", text: pending.get(clientMsgId), client_msg_id: clientMsgId }));
  }

  function send(body, shown) {
    if (!ready) return false;
    spendChoices(null);
    sent += 1;
    waiting += 1;
    const clientMsgId = "m" + Date.now() + "-" + sent;
    pending.set(clientMsgId, body);
    add("user", shown || body);
    transmit(clientMsgId);
    setStatus(text("textTyping"));
    return true;
  }

  function refused(frame) {
    const body = pending.get(frame.client_msg_id);
    if (body !== undefined && frame.code === "rate_limited") {
      setTimeout(function () { transmit(frame.client_msg_id); }, PACE_RETRY_MS);
      return;
    }
    add("error", frame.message);
    if (body !== undefined) {
      pending.delete(frame.client_msg_id);
      waiting = Math.max(0, waiting - 1);
      if (!input.value) input.value = body.startsWith("/") ? "" : body;
    }
    if (!waiting) setStatus("");
  }

  const starting = root.querySelector(".bot-starting");

  // The conversation redrawn from the server's history: read out once as a whole would repeat it,
  // so the live region is quiet (aria-busy) while it is drawn. Only the last bot turn's buttons
  // can still be pressed, and only if nobody has answered it.
  function showHistory(history) {
    list.setAttribute("aria-busy", "true");
    list.textContent = "";
    (history || []).forEach(function (entry) {
      if (entry.from === "user") {
        spendChoices(null);
        if (!entry.choice) add("user", entry.text);
      } else {
        spendChoices(null);
        const item = add("bot", entry.text || "");
        addButtons(item, entry.buttons);
        if (entry.handoff) showHandoff(entry.handoff);
      }
    });
    list.removeAttribute("aria-busy");
  }

  function receive(frame) {
    if (frame.type === "welcome") {
      showHistory(frame.history);
      // The bot is starting (or down): say so, with the other way to reach the 12315 service.
      starting.hidden = frame.bot_ready !== false;
      if (frame.bot_ready !== false && frame.history_available === false) setStatus(text("textHistoryMissing"));
      else setStatus("");
      if (frame.with_official) showHandoff(frame.with_official);
      ready = true;
      root.classList.add("connected");
    } else if (frame.type === "bot_ready") {
      showHistory(frame.history);
      starting.hidden = true;
      setStatus(text("textBotReady"));
    } else if (frame.type === "bot") {
      addButtons(add("bot", frame.text || ""), frame.buttons);
    } else if (frame.type === "handoff") {
      showHandoff(frame);
    } else if (frame.type === "error") {
      refused(frame);
    } else if (frame.type === "done") {
      pending.delete(frame.client_msg_id);
      waiting = Math.max(0, waiting - 1);
      if (!waiting) setStatus("");
    }
  }

  function connect() {
    setStatus(text("textConnecting"));
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socketPath);
    socket.addEventListener("open", function () {
      retryDelay = 1000;
    });
    socket.addEventListener("message", function (event) {
      receive(JSON.parse(event.data));
    });
    socket.addEventListener("close", function (event) {
      ready = false;
      root.classList.remove("connected");
      waiting = 0;
      // Unanswered messages go back into the text box to be sent again after the reconnect.
      const unanswered = Array.from(pending.values()).filter(function (body) { return !body.startsWith("/"); });
      pending.clear();
      if (unanswered.length && !input.value) input.value = unanswered.join("\n");
      if (event.code === 4401) {
        location.href = "/log-in/?next=" + encodeURIComponent(location.pathname);
        return;
      }
      setStatus(text("textOffline"));
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const body = input.value.trim();
    if (body && send(body)) input.value = "";
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.querySelector("[data-quick]").addEventListener("click", function (event) {
    send(event.currentTarget.dataset.quick);
  });
  measureComposer();
  window.addEventListener("resize", function () {
    measureComposer();
    showNewest();
  });
  if (window.visualViewport) {
    // A phone's keyboard opening shrinks the visual viewport, not the window.
    window.visualViewport.addEventListener("resize", function () {
      measureComposer();
      showNewest();
    });
  }
  connect();
})();
