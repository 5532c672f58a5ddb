/* The filing form's draft, kept on this phone: what is typed and chosen (and the evidence files, where
   the browser can keep them) is saved in IndexedDB as it is typed, under the signed-in person's id.
   Sending while offline keeps the draft and says so; it is sent when the connection returns (the
   `online` event) or when the form is opened again online. Each draft has a key (submission_key), made
   once, that the server records with the cases it files: a draft sent twice files once
   (services.submissions). The draft is forgotten once the server confirms its cases. */
(function () {
  "use strict";
  const form = document.getElementById("filing");
  if (!form || !form.dataset.draftOwner) return;
  const owner = form.dataset.draftOwner;
  const keyInput = form.querySelector("input[name=submission_key]");
  const status = document.getElementById("draft-status");
  const text = (name) => form.dataset[name] || "";
  const NOT_KEPT = ["csrfmiddlewaretoken"];
  const MAX_KEPT_FILE_BYTES = 50 * 1024 * 1024;
  // A phone says it is online a moment before its connection carries anything; a question that
  // hangs is given up and asked again (a sending is not: a large upload on a slow line takes time).
  const ONLINE_SETTLE_MS = 1500;
  const ASK_TIMEOUT_MS = 30000;
  let sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // Storage: IndexedDB (which keeps files); localStorage (text only) where IndexedDB cannot open.
  const STORE = "drafts";
  let database = null;
  function openDatabase() {
    if (database) return database;
    database = new Promise(function (resolve) {
      if (!window.indexedDB) return resolve(null);
      let request;
      try {
        request = indexedDB.open("12315-filing", 1);
      } catch (error) {
        return resolve(null);
      }
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    });
    return database;
  }
  function transact(mode, action) {
    return openDatabase().then(function (db) {
      if (!db) return localFallback(mode, action);
      return new Promise(function (resolve) {
        const transaction = db.transaction(STORE, mode);
        const request = action(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => resolve(undefined);
        transaction.onabort = () => resolve(undefined);
      });
    });
  }
  const localKey = "12315-filing-draft-" + owner;
  function localFallback(mode, action) {
    // The same calls as on an object store, on localStorage: get, put and delete of this owner's draft.
    const store = {
      get: () => ({ result: JSON.parse(localStorage.getItem(localKey) || "null") }),
      put: function (draft) {
        const kept = Object.assign({}, draft, { files: [], filesDropped: draft.files.length > 0 });
        localStorage.setItem(localKey, JSON.stringify(kept));
        return { result: undefined };
      },
      delete: () => (localStorage.removeItem(localKey), { result: undefined }),
    };
    try {
      return Promise.resolve(action(store).result);
    } catch (error) {
      return Promise.resolve(undefined);
    }
  }
  const readDraft = () => transact("readonly", (store) => store.get(owner));
  const writeDraft = (draft) => transact("readwrite", (store) => store.put(draft, owner));
  // Once the server has confirmed the draft filed, nothing writes it again: a change the form's own
  // scripts make afterwards (the draft being put back, the region picker's levels loading) is not a
  // new draft. The deletion waits for any write already under way.
  let filed = false;
  function forgetDraft() {
    filed = true;
    clearTimeout(timer);
    saving = saving.then(() => transact("readwrite", (store) => store.delete(owner))).catch(() => undefined);
    return saving;
  }

  function say(message) {
    if (!status) return;
    status.textContent = message;
    status.hidden = !message;
  }

  // The draft: the form's entries as it would send them, the files apart.
  function draftOfForm(pending) {
    const fields = [];
    const files = [];
    new FormData(form).forEach(function (value, name) {
      if (NOT_KEPT.includes(name)) return;
      if (typeof value === "string") fields.push([name, value]);
      else if (value.size > 0) files.push([name, value]);
    });
    const bytes = files.reduce((total, entry) => total + entry[1].size, 0);
    const tooLarge = bytes > MAX_KEPT_FILE_BYTES;
    return {
      key: keyInput.value,
      fields: fields,
      files: tooLarge ? [] : files,
      filesDropped: tooLarge,
      pending: pending,
      savedAt: Date.now(),
    };
  }

  let saving = Promise.resolve();
  function save(pending) {
    const draft = draftOfForm(pending);
    if (filed) return Promise.resolve(draft);
    saving = saving.then(() => writeDraft(draft)).catch(() => undefined);
    return saving.then(() => draft);
  }
  let timer = null;
  function saveSoon() {
    clearTimeout(timer);
    timer = setTimeout(() => save(false), 300);
  }

  // What the person sees: the draft put back in the form (the region picker's lower levels load
  // from the site as a higher one is chosen, so a value whose option is not there yet is tried again).
  function restore(draft, { fieldsToo }) {
    if (fieldsToo) {
      const values = new Map();
      draft.fields.forEach(([name, value]) => values.set(name, (values.get(name) || []).concat([value])));
      let tries = 0;
      const put = function () {
        let missing = 0;
        Array.from(form.elements).forEach(function (element) {
          const name = element.name;
          if (!name || !values.has(name) || NOT_KEPT.includes(name) || element.type === "file") return;
          const wanted = values.get(name);
          if (element.type === "radio" || element.type === "checkbox") {
            const checked = wanted.includes(element.value);
            if (element.checked !== checked) {
              element.checked = checked;
              element.dispatchEvent(new Event("change", { bubbles: true }));
            }
          } else if (element.tagName === "SELECT") {
            const value = wanted[Array.from(form.elements).filter((other) => other.name === name).indexOf(element)];
            if (value === undefined || element.value === value) return;
            if (Array.from(element.options).some((option) => option.value === value)) {
              element.value = value;
              element.dispatchEvent(new Event("change", { bubbles: true }));
            } else {
              missing += 1;
            }
          } else if (element.type !== "submit" && element.type !== "button") {
            const value = wanted[Array.from(form.elements).filter((other) => other.name === name).indexOf(element)];
            if (value !== undefined) element.value = value;
          }
        });
        // Unchecked boxes are not in a form's entries: a box saved unchecked stays unchecked.
        form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          if (!values.has(box.name)) box.checked = false;
        });
        if (missing && ++tries < 20) setTimeout(put, 250);
      };
      put();
    }
    if (draft.files.length && typeof DataTransfer === "function") {
      const byField = new Map();
      draft.files.forEach(([name, file]) => byField.set(name, (byField.get(name) || []).concat([file])));
      byField.forEach(function (files, name) {
        const input = form.querySelector("input[type=file][name=" + name + "]");
        if (!input || input.files.length) return;
        const transfer = new DataTransfer();
        files.forEach((file) => transfer.items.add(file));
        input.files = transfer.files;
      });
      const again = document.getElementById("choose-files-again");
      if (again) again.hidden = true;
    }
  }

  // Sending a saved draft: its entries, with this page's CSRF token.
  function bodyOf(draft) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    draft.fields.forEach(([name, value]) => body.append(name, value));
    draft.files.forEach(([name, file]) => body.append(name, file, file.name));
    return body;
  }

  function sendAsWithoutScript(draft, { keepPending }) {
    // The server's answer is a page (the form's problems, a refusal, the log-in page): the form is
    // sent as without this script, to show it. Nothing was filed, or the key says so.
    return writeDraft(Object.assign({}, draft, { pending: keepPending })).then(function () {
      sending = false;
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  function keptForLater(draft) {
    sending = false;
    return writeDraft(Object.assign({}, draft, { pending: true })).then(() => say(text("textSavedOffline")));
  }

  function fetchInTime(url, options) {
    if (typeof AbortController !== "function") return fetch(url, options);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ASK_TIMEOUT_MS);
    return fetch(url, Object.assign({ signal: controller.signal }, options)).finally(() => clearTimeout(timer));
  }

  function confirmFiled(draft) {
    const url = form.dataset.submissionUrl.replace("00000000-0000-0000-0000-000000000000", draft.key);
    return fetchInTime(url, { headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.ok) return response.json();
        if (response.type === "opaqueredirect") return { logIn: true };
        return { filed: false };
      })
      .then(function (answer) {
        if (answer.filed) {
          return forgetDraft().then(() => window.location.assign(answer.location));
        }
        // Redirected without filing (the session ended): kept, and sent again after logging in.
        return sendAsWithoutScript(draft, { keepPending: !!answer.logIn });
      });
  }

  // `body`: the form's own entries when it is sent from the page; the saved draft's otherwise.
  function send(draft, body) {
    if (sending) return Promise.resolve();
    if (!navigator.onLine) return keptForLater(draft);
    sending = true;
    return fetch(form.action || window.location.href, {
      method: "POST",
      body: body || bodyOf(draft),
      credentials: "same-origin",
      redirect: "manual",
    })
      .then(function (response) {
        // Filed (now, or by an earlier sending of this draft): the server answers with a redirect.
        if (response.type === "opaqueredirect") return confirmFiled(draft);
        if (response.status >= 502) return keptForLater(draft); // a proxy in front of a site that is down
        return sendAsWithoutScript(draft, { keepPending: false });
      })
      .catch(function () {
        // No answer: kept, and tried again a little later while the phone says it is online.
        return keptForLater(draft).then(function () {
          if (navigator.onLine) setTimeout(sendIfPending, ONLINE_SETTLE_MS * 4);
        });
      });
  }

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    clearTimeout(timer);
    save(true).then((draft) => send(draft, new FormData(form)));
  });

  function sendIfPending() {
    return readDraft().then(function (draft) {
      if (draft && draft.pending && draft.key) {
        say(text("textSending"));
        return send(draft);
      }
    });
  }
  window.addEventListener("online", () => setTimeout(sendIfPending, ONLINE_SETTLE_MS));

  readDraft().then(function (draft) {
    const bound = form.dataset.draftBound === "true";
    if (!draft || !draft.key) {
      // A new draft (or the server's answer to one this page sent without a saved draft).
      if (!bound || !keyInput.value) keyInput.value = newKey();
      return;
    }
    keyInput.value = draft.key;
    // The server's answer to a sending shows what was sent; a fresh form shows the draft.
    restore(draft, { fieldsToo: !bound });
    if (draft.filesDropped) say(text("textFilesAgain"));
    else if (!bound && draft.fields.some(([name, value]) => name !== "submission_key" && value)) {
      say(text("textRestored"));
    }
    if (draft.pending && navigator.onLine) {
      say(text("textSending"));
      send(draft);
    } else if (draft.pending) {
      say(text("textSavedOffline"));
    }
  });
})();
