/* Filing on the form, helped: the groups of the kind chosen (complaint, report or both) are shown,
   and the business is found in the registry as it is typed, ranked as the registry search ranks
   (/api/registry/entities/?q=). Picking a suggestion fills the name and the business's id; typing
   again forgets the id. Without this script the form works the same: every group is shown and the
   name or credit code typed is looked up when the form is sent. */
(function () {
  "use strict";
  const form = document.getElementById("filing");
  if (!form) return;
  const text = (name) => form.dataset[name] || "";

  // The groups of the kind chosen; the report's own evidence only when both are filed.
  const kinds = Array.from(form.querySelectorAll("input[name=kind]"));
  function showKind() {
    const chosen = (kinds.find((radio) => radio.checked) || {}).value || "";
    const complaint = form.querySelector("[data-group=complaint]");
    const report = form.querySelector("[data-group=report]");
    const reportEvidence = form.querySelector("#id_report_evidence");
    if (complaint) complaint.hidden = chosen === "report";
    if (report) report.hidden = chosen === "complaint";
    if (reportEvidence) reportEvidence.closest(".field").hidden = chosen !== "both";
  }
  kinds.forEach((radio) => radio.addEventListener("change", showKind));
  showKind();

  // The business: suggestions as buttons under the field, and a status line read out politely.
  const input = form.querySelector("#id_business");
  const picked = form.querySelector("input[name=business_id]");
  if (!input || !picked) return;
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.id = "business-suggestions";
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "suggest-status";
  status.setAttribute("role", "status");
  input.insertAdjacentElement("afterend", status);
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-controls", list.id);
  let timer = null;
  let asked = 0; // the newest question; older answers arriving late are dropped

  function close() {
    list.hidden = true;
    list.replaceChildren();
  }

  function choose(entity) {
    input.value = entity.name;
    picked.value = String(entity.id);
    close();
    status.textContent = text("textChosen").replace("{name}", entity.name);
    input.focus();
  }

  function show(entities) {
    list.replaceChildren();
    entities.forEach(function (entity) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const name = document.createElement("span");
      name.textContent = entity.name;
      const detail = document.createElement("small");
      const region = entity.business_region || entity.registered_region;
      detail.textContent = [entity.uscc, region ? region.name : "", entity.business_address || ""]
        .filter(Boolean)
        .join(" · ");
      button.append(name, detail);
      button.addEventListener("click", () => choose(entity));
      button.addEventListener("keydown", function (event) {
        const items = Array.from(list.querySelectorAll("button"));
        const index = items.indexOf(button);
        if (event.key === "ArrowDown" && items[index + 1]) {
          event.preventDefault();
          items[index + 1].focus();
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          (items[index - 1] || input).focus();
        } else if (event.key === "Escape") {
          close();
          input.focus();
        }
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = entities.length === 0;
    status.textContent = entities.length
      ? text("textFound").replace("{count}", String(entities.length))
      : text("textNone");
  }

  function search() {
    const query = input.value.trim();
    if (query.length < 2) {
      close();
      status.textContent = "";
      return;
    }
    const question = ++asked;
    status.textContent = text("textSearching");
    const url = form.dataset.registryUrl + "?limit=8&q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body: body })))
      .then(function (answer) {
        if (question !== asked) return;
        if (answer.ok) {
          show(answer.body);
        } else {
          // The registry's own reason (too short, too broad), in the page's language.
          close();
          const reasons = answer.body && (answer.body.q || answer.body.detail);
          status.textContent = Array.isArray(reasons) ? reasons.join(" ") : reasons || text("textNone");
        }
      })
      .catch(function () {
        if (question === asked) status.textContent = "";
      });
  }

  input.addEventListener("input", function () {
    picked.value = ""; // a name typed again is looked up again
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      const first = list.querySelector("button");
      if (first) first.focus();
    } else if (event.key === "Escape") {
      close();
    }
  });
})();

/* An operator without a licence (无照经营): ticking "not in the registry" shows the operator's own
   fields and county picker in place of the business's name. Without script, both are shown and the
   box decides which is read. */
(function () {
  "use strict";
  const form = document.getElementById("filing");
  const box = form && form.querySelector("#id_not_registered");
  const group = form && form.querySelector("[data-group=operator]");
  if (!box || !group) return;
  const business = form.querySelector("#id_business");
  const businessField = business ? business.closest(".field") : null;
  function show() {
    group.hidden = !box.checked;
    if (businessField) businessField.hidden = box.checked;
  }
  box.addEventListener("change", show);
  show();
})();
