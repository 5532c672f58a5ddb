"""The duty desk on the pages: officials find the people waiting for a person, answer in one click
and switch duty there; every official page counts who waits; the waiting consumer can leave the queue
and is offered other ways on after a while."""

import datetime

import pytest

from mediation.models import HelpRequest, RoomParticipant
from mediation.services.assistance import help_request_open, official_duty_set
from tests.mediation.web.pages import browser, page

SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "商品", "value": "冰箱不制冷"}]


@pytest.fixture
def waiting(world):
    official_duty_set(official=world.home_official.official, on_duty=True)
    help_request, _new = help_request_open(consumer=world.consumer, summary=SUMMARY)
    return help_request


def test_the_desk_lists_who_waits_since_when_and_what_the_bot_gathered(world, waiting):
    shown = page(browser(world.home_official).get("/desk/"))
    assert "张*" in shown and "朝阳区" in shown and "冰箱不制冷" in shown
    assert f'action="/desk/{waiting.pk}/join/"' in shown
    assert 'datetime="' in shown
    english = page(browser(world.home_official, language="en").get("/desk/"))
    assert "nobody has answered yet" in english and "Go off duty" in english


def test_every_official_page_counts_who_waits(world, waiting):
    for url in ("/queue/", "/cases/", "/desk/"):
        shown = page(browser(world.home_official).get(url))
        assert 'id="desk-badge"' in shown and 'aria-label="等待人数">1</span>' in shown, url
        assert "web/desk.js" in shown
    # Another authority's officials have nobody waiting; consumers have no desk.
    assert 'id="desk-badge" hidden' in page(browser(world.shop_official).get("/queue/"))
    assert "desk-badge" not in page(browser(world.consumer_user).get("/cases/"))


def test_answering_takes_one_click(world, waiting):
    answered = browser(world.home_official).post(f"/desk/{waiting.pk}/join/")
    assert answered.status_code == 302 and answered["Location"] == f"/help/{waiting.pk}/"
    assert RoomParticipant.objects.filter(room=waiting.room, user=world.home_official).exists()
    # An official of another authority cannot answer it.
    assert browser(world.shop_official).post(f"/desk/{waiting.pk}/join/").status_code == 404


def test_the_duty_switch_lives_on_the_desk(world):
    official = browser(world.shop_official)
    assert official.post("/desk/duty/", {"on_duty": "1"}).status_code == 302
    world.shop_official.official.refresh_from_db()
    assert world.shop_official.official.on_duty is True
    assert "下班" in page(official.get("/desk/")) or "离岗" in page(official.get("/desk/"))
    official.post("/desk/duty/", {"on_duty": "0"})
    world.shop_official.official.refresh_from_db()
    assert world.shop_official.official.on_duty is False


def test_only_officials_keep_the_desk(world):
    assert browser(world.consumer_user).get("/desk/").status_code == 403
    assert browser(world.shop_staff).post("/desk/duty/", {"on_duty": "1"}).status_code == 403
    assert browser().get("/desk/").status_code == 302  # to log in


def test_the_waiting_consumer_leaves_the_queue_for_the_assistant(world, waiting):
    consumer = browser(world.consumer_user)
    shown = page(consumer.get(f"/help/{waiting.pk}/"))
    assert f'action="/help/{waiting.pk}/leave/"' in shown
    offered = waiting.opened_at + datetime.timedelta(seconds=180)
    assert f'data-offer-at="{offered.isoformat()}"' in shown and "tel:12315" in shown
    left = consumer.post(f"/help/{waiting.pk}/leave/")
    assert left.status_code == 302 and left["Location"] == "/chat/"
    waiting.refresh_from_db()
    assert waiting.released_at is not None and waiting.released_by == world.consumer_user
    assert waiting.room.events.order_by("-seq").first().payload["event"] == "left"
    # Nobody else can take someone out of the queue.
    other, _new = help_request_open(consumer=world.consumer, summary=SUMMARY)
    assert browser(world.home_official).post(f"/help/{other.pk}/leave/").status_code == 404
    assert HelpRequest.objects.get(pk=other.pk).released_at is None


def test_officials_land_on_their_queue_after_logging_in(world):
    from django.test import Client

    for user, landing in ((world.shop_official, "/queue/"), (world.consumer_user, "/cases/")):
        user.set_password("a-long-password-2026")
        user.save()
        answer = Client().post("/log-in/", {"username": user.username, "password": "a-long-password-2026"})
        assert answer.status_code == 302 and answer["Location"] == landing, user
