/* The officials' live line. The duty desk: on every official page the header's badge (and the tab's title) shows how
   many people wait with nobody answering; on the desk page the list of waiting requests is
   redrawn from each `desk` frame of /ws/desk/. The server sends the whole desk on connect and on
   every change, so a reconnect needs nothing more. Words come from the page (#desk-texts). */
(function () {
  "use strict";
  const link = document.getElementById("desk-link");
  if (!link || !("WebSocket" in window)) return;
  const badge = document.getElementById("desk-badge");
  const list = document.getElementById("desk-waiting");
  const status = document.getElementById("desk-status");
  const textsNode = document.getElementById("desk-texts");
  const T = textsNode ? JSON.parse(textsNode.textContent) : {};
  const baseTitle = document.title;
  const language = document.documentElement.lang || "zh-hans";
  const timeFormat = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" });
  let delay = 1000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showCount(count) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
    document.title = count ? fill(T.titleWaiting || "({count})", { count: count }) + " " + baseTitle : baseTitle;
  }

  function joinForm(id) {
    const template = document.getElementById("desk-join-form");
    const form = template.content.firstElementChild.cloneNode(true);
    form.action = form.getAttribute("action").replace(/\/0\/join\/$/, "/" + id + "/join/");
    form.querySelector("button").textContent = T.join;
    return form;
  }

  function renderList(waiting) {
    list.replaceChildren();
    if (!waiting.length) {
      list.appendChild(element("li", "desk-empty", T.nobodyWaiting));
      return;
    }
    waiting.forEach(function (request) {
      const item = element("li", "desk-request");
      item.dataset.id = request.id;
      const line = element("p");
      line.appendChild(element("strong", "", request.name));
      const since = element("time", "", fill(T.waitingSince, { time: timeFormat.format(new Date(request.since)) }));
      since.dateTime = request.since;
      const answered = request.answering.length
        ? element("span", "", fill(T.answering, { names: request.answering.join(", ") }))
        : element("strong", "", T.notAnswered);
      [request.home_region, since, answered].forEach(function (part) {
        if (!part) return;
        line.append(" · ", part);
      });
      item.appendChild(line);
      if (request.summary.length) {
        const facts = element("dl", "facts");
        request.summary.forEach(function (pair) {
          facts.append(element("dt", "", pair.label), element("dd", "", pair.value));
        });
        item.appendChild(facts);
      }
      item.appendChild(joinForm(request.id));
      list.appendChild(item);
    });
  }

  // An invitation to co-mediate, on whatever page the official is: announced (the list is a polite
  // live region) with the way into the room.
  function showInvitation(frame) {
    const notices = document.getElementById("live-notices");
    if (!notices) return;
    const item = element("li", "notice invitation");
    const way = element("a", "", frame.message);
    way.href = frame.url;
    item.appendChild(way);
    notices.appendChild(item);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + link.dataset.socketPath);
    socket.addEventListener("open", function () {
      delay = 1000;
      if (status) status.hidden = true;
    });
    socket.addEventListener("message", function (event) {
      const frame = JSON.parse(event.data);
      if (frame.type === "invited") showInvitation(frame);
      if (frame.type !== "desk") return;
      showCount(frame.unanswered);
      if (list) renderList(frame.waiting);
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) return;
      if (status) {
        status.textContent = T.offline || "";
        status.hidden = false;
      }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  connect();
})();
