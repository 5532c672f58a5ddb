"""Order 121 Art. 17: the signs an official may weigh before accepting, shown beside the complaint and
never acted on by the service."""

import datetime

from django.utils import timezone

from mediation.services.people import consumer_register
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for


def _caller(world, phone):
    return consumer_register(
        real_name="赵六", id_number=factories.resident_id(), phone=phone, home_region=world.places.xihu
    )


def test_officials_see_the_signs_and_the_complaint_can_still_be_accepted(world):
    caller, same_phone = _caller(world, "13800138000"), _caller(world, "13800138000")
    long_ago = timezone.now() - datetime.timedelta(days=45)
    old_purchase = long_ago.date() - datetime.timedelta(days=5)
    factories.complaint(consumer=caller, entity=world.shop, received_at=long_ago, purchase_date=old_purchase)
    for _ in range(2):
        factories.complaint(consumer=caller, entity=world.shop)
    factories.complaint(consumer=caller, entity=factories.shop(name="杭州另一家店"), category="G02")
    factories.complaint(consumer=same_phone, entity=world.shop)
    case = factories.complaint(consumer=caller, entity=world.shop, category="G02")

    body = client_for(world.shop_official).get(f"/api/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["acceptance_signs"] == {
        "materials_missing": ["the complainant's mailing address"],
        "with_other_bureaus": [],
        "days": 30,
        "same_complainant_same_business": 2,
        "same_complainant_same_category": 3,
        "same_complainant_all": 3,
        "other_complainants_same_phone": 1,
    }
    assert case_transition(case=case, action="accept", actor=world.shop_official).status == "accepted"


def test_the_parties_do_not_see_the_signs(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case_transition(case=case, action="accept", actor=world.shop_official)
    for user in (world.consumer_user, world.shop_staff):
        assert "acceptance_signs" not in client_for(user).get(f"/api/cases/{case.number}/").json()


def test_a_complaint_without_the_materials_of_art_10_is_flagged(world):
    """Art. 10(1): the complainant's name, phone number and mailing address; a missing one is the
    ground of Art. 16(5), which the official decides on."""
    without = factories.complaint(consumer=world.consumer, entity=world.shop)
    with_address = factories.complaint(
        consumer=factories.consumer(real_name="钱七", mailing_address="北京市朝阳区建国路1号"), entity=world.shop
    )
    official = client_for(world.shop_official)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    flagged = official.get(f"/api/cases/{without.number}/", **english).json()["acceptance_signs"]["materials_missing"]
    assert flagged == ["the complainant's mailing address"]
    signs = official.get(f"/api/cases/{with_address.number}/", **english).json()["acceptance_signs"]
    assert signs["materials_missing"] == []
    page = client_for(world.shop_official).get(f"/cases/{without.number}/").content.decode()
    assert "通讯地址" in page


def test_the_same_dispute_already_with_another_bureau_is_shown(world):
    """Art. 14: of two bureaus that may handle the same dispute, the first to receive it does. The
    complainant's earlier complaint against the same business, now with another bureau, is shown
    beside the later one, whose bureau then decides (forwarding it, or not accepting it)."""
    first = factories.complaint(consumer=world.consumer, entity=world.shop)
    first = case_transition(
        case=first,
        action="forward",
        actor=world.shop_official,
        to_authority=world.outsider_official.official.authority,
        reason="经营者实际经营地在深圳",
    )
    later = factories.complaint(consumer=world.consumer, entity=world.shop)
    signs = client_for(world.shop_official).get(f"/api/cases/{later.number}/").json()["acceptance_signs"]
    assert [(other["number"], other["authority"]) for other in signs["with_other_bureaus"]] == [
        (first.number, "深圳市南山区市场监督管理局")
    ]
