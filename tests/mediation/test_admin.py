"""Officials work their cases in the admin: only their authority's cases, moved by the service."""

from django.test import Client

from mediation.models import CaseStatus
from tests import factories


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_official_sees_only_the_cases_of_their_authority(world):
    ours = factories.complaint(consumer=world.consumer, entity=world.shop)
    elsewhere = factories.complaint(consumer=world.consumer, entity=factories.shop(region="440305", name="深圳某店"))
    page = _admin(world.shop_official).get("/admin/mediation/case/")
    assert page.status_code == 200
    assert ours.number.encode() in page.content
    assert elsewhere.number.encode() not in page.content
    # The co-mediating bureau sees the cross-region case too.
    assert ours.number.encode() in _admin(world.home_official).get("/admin/mediation/case/").content
    assert _admin(world.outsider_official).get(f"/admin/mediation/case/{ours.pk}/change/").status_code == 302


def test_admin_action_moves_cases_through_the_transition_service(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    client = _admin(world.shop_official)
    client.post("/admin/mediation/case/", {"action": "accept", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.events.order_by("-id").first().actor == world.shop_official
    # Not allowed from here: reported, nothing changes.
    selection = {"action": "open_case", "_selected_action": [case.pk]}
    response = client.post("/admin/mediation/case/", selection, follow=True)
    assert case.number in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_co_mediator_cannot_take_the_lead_bureau_actions(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    _admin(world.home_official).post("/admin/mediation/case/", {"action": "accept", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_consumers_and_merchants_have_no_admin(world):
    assert _admin(world.consumer_user).get("/admin/mediation/case/").status_code == 302
    assert _admin(world.shop_staff).get("/admin/mediation/case/").status_code == 302
