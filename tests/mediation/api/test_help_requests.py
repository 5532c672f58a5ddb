"""转人工 over the API: the bot opens a consumer's chat with the officials on duty, officials see
their desk's waiting requests, join, release and go on or off duty."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from mediation.models import HelpRequest
from tests import factories
from tests.conftest import bot_client, client_for

SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "之前说的话", "value": "冰箱坏了，商家不理"}]


def go_on_duty(user, on_duty=True):
    response = client_for(user).put("/api/officials/me/duty/", {"on_duty": on_duty}, format="json")
    assert response.status_code == 200 and response.data == {"on_duty": on_duty}


def test_the_bot_opens_the_chat_for_the_consumer_and_asking_again_gives_the_same_one(world):
    go_on_duty(world.home_official)
    bot = bot_client(world.consumer)
    opened = bot.post("/api/help-requests/", {"consumer": world.consumer.pk, "summary": SUMMARY}, format="json")
    assert opened.status_code == 201, opened.content
    number = opened.data["id"]
    assert opened.data["status"] == "open" and opened.data["room_url"] == f"/ws/help/{number}/"
    assert opened.data["authority"]["name"] == world.home_bureau.name and opened.data["officials"] == 1
    assert "consumer" not in opened.data and "summary" not in opened.data
    again = bot.post("/api/help-requests/", {"consumer": world.consumer.pk}, format="json")
    assert again.status_code == 200 and again.data["id"] == number


def test_a_consumer_asks_for_themself_but_no_one_else_asks_on_their_behalf(world):
    go_on_duty(world.home_official)
    stranger = factories.consumer(real_name="李四")
    refused = client_for(stranger.user).post(
        "/api/help-requests/", {"consumer": world.consumer.pk}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 403
    assert not HelpRequest.objects.filter(consumer=world.consumer).exists()
    own = client_for(world.consumer_user).post("/api/help-requests/", {}, format="json")
    assert own.status_code == 201
    assert client_for(world.shop_staff).post("/api/help-requests/", {}, format="json").status_code == 403
    assert APIClient().post("/api/help-requests/", {}, format="json").status_code in (401, 403)


def test_with_nobody_on_duty_the_answer_says_so_in_the_users_language(world):
    bot = bot_client(world.consumer)
    chinese = bot.post(
        "/api/help-requests/", {"consumer": world.consumer.pk}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.status_code == 409 and chinese.data["code"] == "nobody_on_duty"
    assert "12315" in chinese.data["detail"] and "值班" in chinese.data["detail"]
    english = bot.post("/api/help-requests/", {"consumer": world.consumer.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409 and english.data["detail"].startswith("No official is on duty")


def test_bad_input_is_refused_field_by_field(world):
    go_on_duty(world.home_official)
    bot = bot_client(world.consumer)
    for body, field in [
        ({"consumer": "x"}, "consumer"),
        ({"consumer": world.consumer.pk, "summary": "投诉"}, "summary"),
        ({"consumer": world.consumer.pk, "summary": [{"label": "类型"}]}, "summary"),
        ({"consumer": world.consumer.pk, "summary": [{"label": "x" * 41, "value": "y"}]}, "summary"),
    ]:
        response = bot.post("/api/help-requests/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400 and field in response.data, (body, response.data)
    # A consumer other than the one whose chat granted it: refused, whoever it names.
    for other in (999999, factories.consumer(real_name="李四").pk):
        assert bot.post("/api/help-requests/", {"consumer": other}, format="json").status_code == 403
    assert not HelpRequest.objects.exists()
    duty = client_for(world.home_official).put("/api/officials/me/duty/", {"on_duty": "maybe"}, format="json")
    assert duty.status_code == 400 and "on_duty" in duty.data
    assert client_for(world.consumer_user).put("/api/officials/me/duty/", {"on_duty": True}).status_code == 403


def test_officials_see_their_desks_waiting_requests_with_who_asks_and_release_them(world):
    go_on_duty(world.home_official)
    opened = bot_client(world.consumer).post(
        "/api/help-requests/", {"consumer": world.consumer.pk, "summary": SUMMARY}, format="json"
    )
    number = opened.data["id"]
    desk = client_for(world.home_official).get("/api/help-requests/")
    assert [item["id"] for item in desk.data] == [number]
    assert desk.data[0]["consumer"]["real_name"] == "张三" and desk.data[0]["summary"] == SUMMARY
    assert client_for(world.shop_official).get("/api/help-requests/").data == []
    own = client_for(world.consumer_user).get("/api/help-requests/")
    assert [item["id"] for item in own.data] == [number] and "consumer" not in own.data[0]

    assert client_for(world.shop_official).post(f"/api/help-requests/{number}/release/").status_code == 403
    assert client_for(world.consumer_user).post(f"/api/help-requests/{number}/release/").status_code == 403
    colleague = factories.official(world.home_bureau)
    joined = client_for(colleague).post(f"/api/help-requests/{number}/join/")
    assert joined.status_code == 200 and joined.data["officials"] == 2
    released = client_for(colleague).post(f"/api/help-requests/{number}/release/")
    assert released.status_code == 200 and released.data["status"] == "released"
    assert client_for(world.home_official).get("/api/help-requests/").data == []
    twice = client_for(colleague).post(f"/api/help-requests/{number}/release/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert twice.status_code == 400
    assert client_for(colleague).post("/api/help-requests/999999/release/").status_code == 404


def test_the_desks_list_costs_the_same_queries_however_many_people_wait(world):
    go_on_duty(world.home_official)
    bot = bot_client(world.consumer)
    desk = client_for(world.home_official)

    def queries_for_the_list(waiting: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            listed = desk.get("/api/help-requests/")
        assert len(listed.data) == waiting and all(item["officials"] == 1 for item in listed.data)
        return len(queries)

    bot.post("/api/help-requests/", {"consumer": world.consumer.pk}, format="json")
    with_one = queries_for_the_list(1)
    for name in ("李四", "王五", "赵六"):
        asking = factories.consumer(real_name=name)
        bot_client(asking).post("/api/help-requests/", {"consumer": asking.pk}, format="json")
    assert queries_for_the_list(4) == with_one
