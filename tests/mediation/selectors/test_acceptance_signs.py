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

    body = client_for(world.shop_official).get(f"/api/cases/{case.number}/").json()
    assert body["acceptance_signs"] == {
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
