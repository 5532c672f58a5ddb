"""Every move of the life cycle (docs/legal-rules.md) that is taken on a case page is offered there to
whoever may take it, as a form with the fields the move needs; the room's moves other than opening it
are not."""

import pytest

from mediation.models import CaseKind
from mediation.services.transitions import case_transition
from tests import factories, legal_rules
from tests.mediation.web.pages import browser, page

PAGE_MOVES = [move for move in legal_rules.life_cycle() if move.actors - {"system"}]
FIELDS = {
    "not_accept": ["ground", "reason"],
    "return": ["ground", "reason"],
    "terminate": ["ground", "reason"],
    "decide": ["ground", "reason"],
    "suspend_mediation": ["ground", "reason"],
    "record_consent": ["ground", "reason"],
    "forward": ["authority", "reason"],
    "dispute_jurisdiction": ["authority", "reason"],
    "merge": ["into"],
    "start_mediation": ["co_mediator"],
    "report_non_performance": ["reason"],
    "request_recusal": ["reason"],
    "resume_mediation": ["reason"],
    "decide_recusal": ["ground", "reason", "mediator"],
    "take_over": ["reason"],
    "schedule_onsite_session": ["starts_at", "place", "mediators"],
    "record_joint_consent": ["reason"],
    "record_joint_agreement": ["reason"],
    "record_entrustment_consent": ["ground", "reason"],
    "entrust_mediation": ["authority"],
}


@pytest.mark.parametrize("move", PAGE_MOVES, ids=lambda m: f"{m.kind}-{m.source}-{m.action}")
def test_each_move_is_offered_on_the_page_of_whoever_may_take_it(world, move):
    case = (
        factories.complaint(consumer=world.consumer, entity=world.shop)
        if move.kind == CaseKind.COMPLAINT
        else factories.report(reporter=world.consumer, entity=world.shop)
    )
    case = factories.with_status(case, move.source)
    if move.action == "resume_mediation":  # offered only while mediation is suspended
        case_transition(
            case=case, action="suspend_mediation", actor=world.shop_official, ground="testing", reason="送检"
        )
    if move.action == "schedule_onsite_session" and move.source == "accepted":  # with both consents
        case = factories.consent_both(case)
    if move.action in ("consent_to_joint_handling", "record_joint_consent", "decline_joint_handling"):
        factories.joint_complaint(case, official=world.shop_official)
    if move.action in ("accept_joint_agreement", "record_joint_agreement"):
        factories.joint_complaint(case, official=world.shop_official, representative_settled=True)
    if move.action == "entrust_mediation":  # offered once both parties agreed to it
        factories.entrustment_consent_both(case, official=world.shop_official)
    if move.action == "decide_recusal":  # offered only while a recusal request waits
        case_transition(case=case, action="request_recusal", actor=world.consumer_user, reason="调解员与商家相识")
    users = {
        "consumer": world.consumer_user,
        "business": world.shop_staff,
        "official": world.shop_official,
        "superior official": world.superior_official,
    }
    # A representative's moves are taken on their own complaint and carried to those they represent.
    # The staff of a body a mediation is entrusted to are tried in test_entrusted_mediation.py.
    for actor in sorted(move.actors - {"system", "representative", "entrusted mediator"}):
        shown = page(browser(users[actor]).get(f"/cases/{case.number}/"))
        form = f'action="/cases/{case.number}/actions/{move.action}/"'
        if move.in_room and move.action != "start_mediation":
            assert form not in shown  # taken inside the room only
            continue
        assert form in shown, (actor, move.action)
        for field in FIELDS.get(move.action, []):
            assert f'name="{move.action}-{field}"' in shown, (actor, move.action, field)


def test_a_page_offers_only_what_makes_sense_now(world):
    from mediation.services.transitions import case_transition

    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "accepted")
    url = f"/cases/{case.number}/"
    official = browser(world.shop_official)
    assert "actions/resume_mediation/" not in page(official.get(url))  # nothing to resume
    consumer = browser(world.consumer_user)
    assert consumer.post(f"{url}actions/consent_to_mediation/").status_code == 302
    assert "actions/consent_to_mediation/" not in page(consumer.get(url))  # agreed once
    case_transition(case=case, action="suspend_mediation", actor=world.shop_official, ground="testing", reason="送检")
    shown = page(official.get(url))
    assert "actions/resume_mediation/" in shown and "actions/suspend_mediation/" not in shown
    assert "actions/start_mediation/" not in shown
