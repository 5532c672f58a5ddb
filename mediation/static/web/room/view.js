/* The room's parts on the page, drawn from the state the server sent and from `offers` (state.js).
   Nothing here decides what the room is: each function shows what it is given. */

import { element } from "./dialogs.js";
import { fill, moment, partyLabel, termsInWords } from "./words.js";

/** A chat message as a list item: the author's name and role (or "you"), when, and the text. */
export function messageItem(frame, mine, T, language) {
  const item = element("li", "message " + (mine ? "from-user" : "from-other"));
  const who = mine ? T.you : frame.author_name + " · " + (T.roles[frame.author_role] || frame.author_role);
  item.appendChild(element("span", "meta", who + (frame.at ? " · " + moment(frame.at, language) : "")));
  item.appendChild(element("div", "bubble", frame.text));
  return item;
}

/** A system or proposal event, in the words the server rendered for this reader. */
export function eventItem(frame, language) {
  const item = element("li", "message from-system");
  item.appendChild(element("div", "bubble", frame.text));
  if (frame.at) item.appendChild(element("span", "meta", moment(frame.at, language)));
  item.dataset.event = frame.event;
  return item;
}

/** Puts a stored item in `list` by its seq: a page of earlier history arrives after later events,
    and messages still being sent stay last. */
export function placeBySeq(list, item, seq) {
  item.dataset.seq = seq;
  const later = Array.from(list.children).find(function (other) {
    return other.dataset.seq && Number(other.dataset.seq) > seq;
  });
  list.insertBefore(item, later || list.querySelector(".message.pending") || null);
}

export function renderPeople(peopleList, participants, online, meId, T) {
  peopleList.replaceChildren();
  participants.forEach(function (person) {
    const item = element("li", online.has(person.id) ? "online" : "");
    item.textContent = person.name + " · " + (T.roles[person.role] || person.role);
    if (person.id === meId) item.textContent += " (" + T.you + ")";
    if (online.has(person.id)) item.title = T.online;
    if (person.muted) item.classList.add("muted-person");
    peopleList.appendChild(item);
  });
}

/** The open and accepted proposals, each with the answers this person may give
    (`onAnswer(proposal, response, anchor)`). */
export function renderProposals(proposalList, offered, { T, language, onAnswer }) {
  const drawn = JSON.stringify(offered.proposals);
  if (proposalList.dataset.drawn === drawn) return; // the same again: a question being asked stays
  proposalList.dataset.drawn = drawn;
  // A question about an answer (askFirst) stays open while that proposal can still be answered.
  const asking = proposalList.querySelector(".confirm");
  const askingAbout = asking ? asking.closest(".proposal").dataset.number : null;
  const focused = asking && asking.contains(document.activeElement) ? document.activeElement : null;
  proposalList.replaceChildren();
  if (!offered.proposals.length) proposalList.appendChild(element("li", "muted", T.noProposals));
  offered.proposals.forEach(function ({ proposal, answer }) {
    const item = element("li", "proposal status-" + proposal.status);
    item.dataset.number = proposal.number;
    item.appendChild(element("strong", "", fill(T.proposal, { number: proposal.number })));
    if (proposal.counter_to) item.appendChild(element("span", "muted", " (" + fill(T.counterTo, { number: proposal.counter_to }) + ")"));
    item.appendChild(element("span", "status", " " + (T.proposalStatus[proposal.status] || proposal.status)));
    item.appendChild(element("p", "terms", termsInWords(proposal.terms, T, language)));
    const accepted = [];
    if (proposal.consumer_accepted) accepted.push(T.consumer);
    if (proposal.merchant_accepted) accepted.push(T.merchant);
    item.appendChild(element("p", "muted", fill(T.acceptedBy, { parties: accepted.join(T.listSeparator) || T.nobodyYet })));
    if (answer === "accepted") item.appendChild(element("p", "muted", T.youAccepted));
    if (answer === "choices") {
      const answers = element("p", "choices");
      [["accept", T.accept], ["reject", T.reject], ["counter", T.counter]].forEach(function ([response, label]) {
        const button = element("button", response === "accept" ? "" : "secondary", label);
        button.type = "button";
        button.dataset.response = response;
        button.addEventListener("click", () => onAnswer(proposal, response, answers));
        answers.appendChild(button);
      });
      item.appendChild(answers);
    }
    proposalList.appendChild(item);
    if (askingAbout === String(proposal.number) && answer === "choices") {
      item.querySelector(".choices").after(asking);
      if (focused) focused.focus();
    }
  });
}

export function renderDocument(documentBox, offered, T) {
  const paper = offered.document;
  documentBox.hidden = !paper;
  if (!paper) return;
  const signed = paper.signedBy.map((party) => T[party]);
  documentBox.querySelector(".document-state").textContent = paper.confirmed
    ? T.documentConfirmed
    : fill(T.documentDrafted, { number: paper.proposal }) + " " + fill(T.signedBy, { parties: signed.join(T.listSeparator) || T.nobodyYet });
  const sign = documentBox.querySelector("[data-action=sign]");
  if (sign) sign.hidden = !paper.canSign;
  const record = documentBox.querySelector("[data-action=record_agreement]");
  if (record) record.hidden = !paper.canRecord;
}

/** The mediators' tools and the forms that act on the room: shown while they can act. */
export function renderTools(root, offered, T) {
  root.querySelectorAll("[data-caucus]").forEach(function (button) {
    const caucus = offered.caucuses[button.dataset.caucus];
    button.textContent = fill(caucus.open ? T.closeCaucus : T.openCaucus, { party: partyLabel(button.dataset.caucus, T) });
    button.setAttribute("aria-pressed", String(caucus.open));
    button.disabled = !caucus.enabled;
  });
  const shown = {
    "[data-action=adjourn]": offered.adjourn,
    "[data-action=reconvene]": offered.reconvene,
    "[data-action=release]": offered.release,
    "form.terminate-form": offered.terminate,
    "form.add-participant-form": offered.seat,
    "form.propose-form": offered.propose,
  };
  Object.entries(shown).forEach(function ([selector, visible]) {
    const control = root.querySelector(selector);
    if (control) control.hidden = !visible;
  });
}
