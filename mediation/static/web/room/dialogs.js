/* Decisions that cannot be undone are asked first, beside the control that asked for them; a
   refusal is shown beside the form or controls that sent the refused frame. */

import { fill } from "./words.js";

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Says what the decision does, after `anchor`, and acts (`run`) only on the second, explicit step.
    Focus moves to the question, and back where it was when the person goes back. */
export function askFirst(root, anchor, { action, consequence, run }, T) {
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
  return box;
}

/** Where the refusal of a frame of type `frameType` is shown: beside the form or controls that
    send that frame, or null (the status line then says it). */
export function errorPlace(root, frameType) {
  const proposeForm = root.querySelector("form.propose-form");
  if ((frameType === "propose" || frameType === "respond") && proposeForm && !proposeForm.hidden) return proposeForm;
  const proposalList = root.querySelector(".proposals");
  if (frameType === "respond" && proposalList) return proposalList;
  const documentBox = root.querySelector(".document");
  if ((frameType === "sign" || frameType === "record_agreement") && documentBox) return documentBox;
  const terminateForm = root.querySelector("form.terminate-form");
  if (frameType === "terminate" && terminateForm) return terminateForm;
  const seating = root.querySelector("form.add-participant-form");
  if (frameType === "add_participant" && seating) return seating;
  const tools = root.querySelector(".mediator-tools .tools");
  if (["caucus", "adjourn", "reconvene"].includes(frameType) && tools) return tools;
  return null;
}

export function showErrorBeside(place, message) {
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

export function clearErrors(root) {
  root.querySelectorAll(".error[data-room-error]").forEach((line) => line.remove());
}
