"""The room page's script, module by module (mediation/static/web/room/), loaded in Debian's
Chromium from the running site as the room page loads them. The expected behaviour is the room
protocol's (docs/room-protocol.md): each stored event once, a reconnect resuming after the highest
`seq` seen, messages refused for their pace or a storage failure sent again, the newest state kept;
who may write, answer, sign and record, as the protocol's table of frames says. The whole page
against a live room is tests/e2e/test_mediation_in_browser.py."""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.browser import DESK_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def script(web):
    """A page of the site (the modules load from its own origin, under its content policy) and a
    function running JavaScript with the modules imported as `log`, `state`, `view` and `words`."""
    base = f"http://127.0.0.1:{web['web_port']}"
    playwright = sync_playwright().start()
    browser = launch(playwright)
    page = page_as(browser, base, viewport=DESK_SCREEN)
    page.goto(f"{base}/")

    def run(body: str):
        # Given to the page as a function of its own: the site's content policy forbids building
        # code from strings inside the page (no eval, no new Function).
        return page.evaluate(
            """async () => {
                const log = await import("/static/web/room/log.js");
                const state = await import("/static/web/room/state.js");
                const view = await import("/static/web/room/view.js");
                const words = await import("/static/web/room/words.js");
            """
            + body
            + "}"
        )

    yield run
    browser.close()
    playwright.stop()


def test_each_stored_event_is_taken_once_and_a_reconnect_resumes_after_the_highest(script):
    result = script(
        """
        const events = new log.EventLog();
        const fresh = events.resumeQuery();
        const taken = [5, 3, 4, 3, 5, 7].map((seq) => events.take(seq));
        return {fresh, taken, highest: events.highestSeq, oldest: events.oldestSeq, resume: events.resumeQuery()};
        """
    )
    assert result == {
        "fresh": "",
        "taken": [True, True, True, False, False, True],
        "highest": 7,
        "oldest": 3,
        "resume": "?after_seq=7",
    }


def test_a_message_refused_for_its_pace_or_storage_is_sent_again_and_others_fail(script):
    result = script(
        """
        let next = 0;
        const outbox = new log.Outbox(() => "m" + ++next);
        const ids = ["一", "二", "三"].map((text) => outbox.add(text, "main", null));
        const outcomes = {
          rate_limited: outbox.refusal({code: "rate_limited", client_msg_id: ids[0]}),
          not_stored: outbox.refusal({code: "not_stored", client_msg_id: ids[1]}),
          muted: outbox.refusal({code: "muted", client_msg_id: ids[2]}),
          room_closed: outbox.refusal({code: "room_closed", client_msg_id: ids[2]}),
          not_ours: outbox.refusal({code: "rate_limited", client_msg_id: "elsewhere"}),
          no_message: outbox.refusal({code: "proposal_not_open"}),
        };
        const settled = outbox.settle(ids[1]).text;
        return {ids, outcomes, settled, left: outbox.ids()};
        """
    )
    assert result["outcomes"] == {
        "rate_limited": "again",
        "not_stored": "again",
        "muted": "failed",
        "room_closed": "failed",
        "not_ours": None,
        "no_message": None,
    }
    assert result["settled"] == "二"
    assert result["left"] == ["m1", "m3"]


def test_the_newest_state_the_server_sent_is_kept(script):
    result = script(
        """
        const kept = new state.RoomState();
        const people = [{id: 1, role: "consumer", name: "张*", muted: false}];
        const steps = [
          kept.offer({status: "open", last_seq: 8}, people),
          kept.offer({status: "adjourned", last_seq: 9}, people),
          kept.offer({status: "open", last_seq: 8}, people),  // an older state, late
          kept.offer({status: "adjourned", last_seq: 9}, [{...people[0], muted: true}]),
        ];
        return {steps, status: kept.room.status, seq: kept.seq, muted: kept.participants.get(1).muted};
        """
    )
    assert result == {"steps": [True, True, False, True], "status": "adjourned", "seq": 9, "muted": True}


# A room for `offers`: seats 1 consumer, 2 business, 3 lead mediator, 4 co-mediator, 5 observer.
ROOM_SETUP = """
const seats = {consumer: 1, merchant: 2, lead_mediator: 3, co_mediator: 4, observer: 5};
const people = new Map(Object.entries(seats).map(([role, id]) => [id, {id, role, name: role, muted: false}]));
const room = (changes) => Object.assign(
  {status: "open", last_seq: 10, open_caucuses: [], proposals: [], document: null}, changes);
const as = (role, r, channel = "main", participants = people) =>
  state.offers({room: r, participants, myRole: role, meId: seats[role], channel});
"""


def test_who_may_write_as_the_protocol_says(script):
    blocked = script(
        ROOM_SETUP
        + """
        const mutedBusiness = new Map(people);
        mutedBusiness.set(2, {...people.get(2), muted: true});
        return {
          consumer_open: as("consumer", room()).composerBlocked,
          observer: as("observer", room()).composerBlocked,
          closed: as("lead_mediator", room({status: "closed"})).composerBlocked,
          muted: as("merchant", room(), "main", mutedBusiness).composerBlocked,
          others_while_muted: as("consumer", room(), "main", mutedBusiness).composerBlocked,
          adjourned_party: as("consumer", room({status: "adjourned"})).composerBlocked,
          adjourned_mediator: as("co_mediator", room({status: "adjourned"})).composerBlocked,
          caucus_not_open: as("consumer", room(), "caucus:consumer").composerBlocked,
          caucus_open: as("consumer", room({open_caucuses: ["consumer"]}), "caucus:consumer").composerBlocked,
          mediator_in_caucus: as("lead_mediator", room(), "caucus:merchant").composerBlocked,
        };
        """
    )
    assert blocked == {
        "consumer_open": "",
        "observer": "readOnly",
        "closed": "closed",
        "muted": "youAreMuted",
        "others_while_muted": "",
        "adjourned_party": "adjourned",
        "adjourned_mediator": "",
        "caucus_not_open": "caucusClosed",
        "caucus_open": "",
        "mediator_in_caucus": "",
    }


def test_who_may_answer_sign_record_and_use_the_tools(script):
    result = script(
        ROOM_SETUP
        + """
        const proposal = {number: 1, status: "open", counter_to: null, terms: {refund_amount: "100.00"},
                          consumer_accepted: false, merchant_accepted: true};
        const lapsed = {...proposal, number: 2, status: "rejected"};
        const onTable = room({proposals: [proposal, lapsed]});
        const answers = (role, r) => as(role, r).proposals.map((p) => [p.proposal.number, p.answer]);
        const half = room({proposals: [{...proposal, status: "accepted", consumer_accepted: true}],
                           document: {proposal: 1, consumer_signed: true, merchant_signed: false, confirmed: false}});
        const both = room({document: {proposal: 1, consumer_signed: true, merchant_signed: true, confirmed: false}});
        const done = room({status: "closed", document: {proposal: 1, consumer_signed: true, merchant_signed: true,
                                                        confirmed: true}});
        const tools = (role, r) => {
          const o = as(role, r);
          return {adjourn: o.adjourn, reconvene: o.reconvene, terminate: o.terminate, seat: o.seat, propose: o.propose};
        };
        return {
          consumer_answers: answers("consumer", onTable),
          proposer_answers: answers("merchant", onTable),
          mediator_answers: answers("lead_mediator", onTable),
          answers_while_adjourned: answers("consumer", room({status: "adjourned", proposals: [proposal]})),
          consumer_after_signing: as("consumer", half).document,
          merchant_before_signing: as("merchant", half).document.canSign,
          lead_before_both: as("lead_mediator", half).document.canRecord,
          lead_after_both: as("lead_mediator", both).document.canRecord,
          co_after_both: as("co_mediator", both).document.canRecord,
          party_after_record: as("merchant", done).document,
          lead_open: tools("lead_mediator", room()),
          co_adjourned: tools("co_mediator", room({status: "adjourned"})),
          consumer_open: tools("consumer", room()),
          lead_closed: tools("lead_mediator", room({status: "closed"})),
          lead_with_document: tools("lead_mediator", both).propose,
        };
        """
    )
    # A party answers an open proposal it has not accepted; proposing is accepting; a proposal no
    # longer on the table is not shown; answering waits for the session to resume.
    assert result["consumer_answers"] == [[1, "choices"]]
    assert result["proposer_answers"] == [[1, "accepted"]]
    assert result["mediator_answers"] == [[1, "none"]]
    assert result["answers_while_adjourned"] == [[1, "none"]]
    # Each party signs once; the lead mediator records once both have signed.
    assert result["consumer_after_signing"] == {
        "proposal": 1,
        "confirmed": False,
        "signedBy": ["consumer"],
        "canSign": False,
        "canRecord": False,
    }
    assert result["merchant_before_signing"] is True
    assert (result["lead_before_both"], result["lead_after_both"], result["co_after_both"]) == (False, True, False)
    assert result["party_after_record"]["canSign"] is False and result["party_after_record"]["confirmed"] is True
    # Mediators adjourn and resume; only the lead mediator terminates and seats people; nobody
    # acts in a closed room; no new proposal once the document is drafted.
    assert result["lead_open"] == {
        "adjourn": True,
        "reconvene": False,
        "terminate": True,
        "seat": True,
        "propose": True,
    }
    assert result["co_adjourned"] == {
        "adjourn": False,
        "reconvene": True,
        "terminate": False,
        "seat": False,
        "propose": False,
    }
    assert result["consumer_open"] == {
        "adjourn": False,
        "reconvene": False,
        "terminate": False,
        "seat": False,
        "propose": True,
    }
    assert result["lead_closed"] == {
        "adjourn": False,
        "reconvene": False,
        "terminate": False,
        "seat": False,
        "propose": False,
    }
    assert result["lead_with_document"] is False


def test_a_question_being_asked_about_a_proposal_survives_a_new_state(script):
    result = script(
        ROOM_SETUP
        + """
        const T = {noProposals: "-", proposal: "No. {number}", counterTo: "to {number}", proposalStatus: {},
                   acceptedBy: "by {parties}", listSeparator: ", ", nobodyYet: "nobody", consumer: "consumer",
                   merchant: "business", youAccepted: "accepted", accept: "Accept", reject: "Reject",
                   counter: "Counter", refund: "refund {amount}", termSeparator: "; ", confirmTitle: "Confirm {action}",
                   confirmYes: "Yes, {action}", confirmNo: "No"};
        const list = document.createElement("ol");
        document.body.appendChild(list);
        const proposal = {number: 1, status: "open", counter_to: null, terms: {refund_amount: "100.00"},
                          consumer_accepted: false, merchant_accepted: true};
        const draw = (r) => view.renderProposals(list, as("consumer", r), {T, language: "en", onAnswer: () => {}});
        draw(room({proposals: [proposal]}));
        const buttons = Array.from(list.querySelectorAll("button")).map((b) => b.dataset.response);
        const { askFirst } = await import("/static/web/room/dialogs.js");
        askFirst(list, list.querySelector(".choices"), {action: "accept", consequence: "", run: () => {}}, T);
        draw(room({proposals: [proposal], open_caucuses: ["merchant"], last_seq: 11}));  // same proposals
        const afterSame = list.querySelectorAll(".confirm").length;
        const second = {...proposal, number: 2};
        draw(room({proposals: [proposal, second], last_seq: 12}));  // another proposal arrives
        const afterNew = list.querySelectorAll(".proposal[data-number='1'] .confirm").length;
        const focused = document.activeElement.dataset.confirm;
        draw(room({proposals: [second], last_seq: 13}));  // proposal 1 is off the table
        return {buttons, afterSame, afterNew, focused, afterGone: list.querySelectorAll(".confirm").length};
        """
    )
    assert result == {
        "buttons": ["accept", "reject", "counter"],
        "afterSame": 1,
        "afterNew": 1,
        "focused": "yes",
        "afterGone": 0,
    }
