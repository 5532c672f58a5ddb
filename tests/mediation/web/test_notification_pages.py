"""The notification centre and the choice of what one is told (issue 19, part 5): the header counts
what is unread; opening a notification marks it read and leads to its case; nobody opens another
person's; the choices are kept, and a notice the law requires cannot be switched off the site."""

import pytest

from mediation.models import Notification, NotificationKind, NotificationPreference
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="accept", actor=world.shop_official)


def test_the_header_counts_the_unread_and_the_centre_lists_them(world, accepted):
    client = browser(world.consumer_user, "en")
    home = page(client.get("/"))
    assert 'id="notifications-badge"' in home and "unread:" in home
    listing = page(client.get("/notifications/"))
    assert "Your complaint was accepted" in listing
    assert accepted.number in listing and "has been accepted" in listing


def test_opening_one_marks_it_read_and_leads_to_its_case(world, accepted):
    client = browser(world.consumer_user, "en")
    notification = Notification.objects.get(user=world.consumer_user)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{accepted.number}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'id="notifications-badge"' not in page(client.get("/"))


def test_nobody_opens_another_persons_notification(world, accepted):
    notification = Notification.objects.get(user=world.consumer_user)
    for user in (world.shop_staff, world.shop_official, factories.consumer(real_name="王五").user):
        assert browser(user).get(f"/notifications/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert browser().get("/notifications/").status_code == 302  # to log in


def test_mark_all_read(world, accepted):
    client = browser(world.consumer_user, "en")
    assert client.get("/notifications/read/").status_code == 405
    assert client.post("/notifications/read/").status_code == 302
    assert not Notification.objects.filter(user=world.consumer_user, read_at__isnull=True).exists()


def test_choices_are_kept_and_a_legal_notice_stays_on_the_site(world):
    client = browser(world.consumer_user, "en")
    form = page(client.get("/notifications/settings/"))
    assert "A notice the law requires: always on the site." in form
    response = client.post(
        "/notifications/settings/",
        {"email": "zhang@example.cn", "business_replied:email": "on", "accepted:email": "on"},
    )
    assert response.status_code == 302
    world.consumer_user.refresh_from_db()
    assert world.consumer_user.email == "zhang@example.cn"
    chosen = {p.kind: (p.in_app, p.by_email) for p in NotificationPreference.objects.filter(user=world.consumer_user)}
    assert chosen[NotificationKind.BUSINESS_REPLIED] == (False, True)
    assert chosen[NotificationKind.ACCEPTED] == (True, True)  # the law's notice: on the site whatever was sent
    assert chosen[NotificationKind.ROOM_MESSAGE] == (False, False)


def test_a_wrong_address_is_refused_in_the_readers_language(world):
    response = browser(world.consumer_user, "en").post("/notifications/settings/", {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in page(response)
    world.consumer_user.refresh_from_db()
    assert world.consumer_user.email == ""
    assert not NotificationPreference.objects.filter(user=world.consumer_user).exists()
