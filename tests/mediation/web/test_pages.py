"""The consumer's first pages: sign up with real-name data, log in, my cases, the case page, and the
language switch. Privacy is checked on what a business's browser receives."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mediation.models import Case, Consumer
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

SIGN_UP = {
    "username": "lihua",
    "password": "桂花糕-2026-secret",
    "real_name": "李华",
    "id_document_type": "resident_id",
    "phone": "13912345678",
    "home_region": "110105",
}


def test_the_home_page_is_chinese_by_default_and_english_when_switched(places):
    client = browser()
    chinese = client.get("/")
    assert chinese.status_code == 200
    assert '<html lang="zh-hans">' in page(chinese) and "注册" in page(chinese)
    assert 'name="viewport"' in page(chinese)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    english = client.get("/")
    assert '<html lang="en">' in page(english) and "Sign up" in page(english)


def test_a_consumer_signs_up_with_real_name_data_and_lands_on_their_cases(places):
    client = browser()
    response = client.post("/sign-up/", {**SIGN_UP, "id_number": factories.resident_id()})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    consumer = Consumer.objects.get(user__username="lihua")
    assert consumer.identity.real_name == "李华" and consumer.home_region.code == "110105"
    assert consumer.preferred_language == "zh-hans"
    assert "还没有" in page(client.get("/cases/"))


@pytest.mark.parametrize(
    "language, id_number_error, region_error",
    [
        ("zh-hans", "身份证", "没有代码为 999999 的地区"),
        ("en", "identity", "No region has the code 999999."),
    ],
)
def test_bad_sign_up_data_is_refused_all_at_once_beside_each_field_in_the_users_language(
    places, language, id_number_error, region_error
):
    client = browser(language=language)
    response = client.post(
        "/sign-up/", {**SIGN_UP, "id_number": "110105199003071234", "home_region": "999999", "password": "short"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    # The form's checks and the service's (the identity number's check digit) in one round.
    assert set(form.errors) == {"password", "home_region", "id_number"}
    assert region_error in form.errors["home_region"][0]
    assert id_number_error in form.errors["id_number"][0].lower()
    shown = page(response)
    # A summary announced first, linking to each field; each error beside its field, tied to it.
    summary = shown.split('class="errors error-summary" role="alert"', 1)[1].split("</div>", 1)[0]
    for field in ("id_password", "id_id_number", "id_home_region_0"):
        assert f'href="#{field}"' in summary
    assert '<p class="error" id="id_id_number_error">' in shown
    assert 'aria-invalid="true" aria-describedby="id_id_number_error"' in shown or (
        'aria-describedby="id_id_number_error" aria-invalid="true"' in shown
    )
    assert not get_user_model().objects.filter(username="lihua").exists()


def test_sign_up_chooses_the_home_region_from_province_to_county(places):
    client = browser()
    empty = page(client.get("/sign-up/"))
    assert '<option value="110000">北京市</option>' in empty and '<option value="330000">浙江省</option>' in empty
    assert '<option value="110105">' not in empty  # the counties come once a city is chosen
    # The next level, as the page's script asks for it.
    cities = client.get("/regions/330000/").json()["regions"]
    assert {"code": "330100", "name": "杭州市"} in cities
    counties = client.get("/regions/330100/").json()["regions"]
    assert {"code": "330106", "name": "西湖区"} in counties
    assert client.get("/regions/33x000/").status_code == 400 and client.get("/regions/999999/").status_code == 404
    chosen = {"home_region_0": "330000", "home_region_1": "330100", "home_region_2": "330106"}
    data = {key: value for key, value in SIGN_UP.items() if key != "home_region"}
    response = client.post("/sign-up/", {**data, **chosen, "id_number": factories.resident_id()})
    assert response.status_code == 302
    assert Consumer.objects.get(user__username="lihua").home_region.code == "330106"


def test_a_county_left_from_another_province_is_not_taken(places):
    data = {key: value for key, value in SIGN_UP.items() if key != "home_region"}
    picked = {"home_region_0": "110000", "home_region_1": "330100", "home_region_2": "330106"}
    response = browser().post("/sign-up/", {**data, **picked, "password": "short"})
    form = response.context["form"]
    assert form.cleaned_data.get("home_region") is None or form.cleaned_data["home_region"].code == "110000"
    shown = page(response)
    assert '<option value="110000" selected>' in shown


def test_a_taken_user_name_is_named_and_nothing_is_created(world):
    client = browser(language="en")
    response = client.post(
        "/sign-up/", {**SIGN_UP, "username": world.consumer_user.username, "id_number": factories.resident_id()}
    )
    assert response.status_code == 400 and "taken" in response.context["form"].errors["username"][0]
    assert Consumer.objects.count() == 1


def test_log_in_takes_the_person_where_they_were_going_and_a_wrong_password_says_so(world):
    world.consumer_user.set_password("正确的密码-2026")
    world.consumer_user.save()
    client = browser(language="en")
    assert client.get("/cases/")["Location"] == "/log-in/?next=/cases/"
    wrong = client.post("/log-in/", {"username": world.consumer_user.username, "password": "nope"})
    assert wrong.status_code == 400 and "correct username and password" in page(wrong)
    right = client.post(
        "/log-in/?next=/cases/",
        {"username": world.consumer_user.username, "password": "正确的密码-2026", "next": "/cases/"},
    )
    assert right.status_code == 302 and right["Location"] == "/cases/"
    assert client.post("/log-out/").status_code == 302
    assert client.get("/cases/").status_code == 302


def test_my_cases_lists_the_consumers_own_cases_with_status_and_next_due_date(world):
    own = factories.complaint(consumer=world.consumer, entity=world.shop)
    someone_else = factories.complaint(consumer=factories.consumer(real_name="王五"), entity=world.shop)
    shown = page(browser(world.consumer_user).get("/cases/"))
    assert own.number in shown and someone_else.number not in shown
    assert own.get_status_display() in shown
    assert f'datetime="{own.next_due:%Y-%m-%d}"' in shown


def sent_to_the_business(world):
    """A complaint the consumer has sent to the shop to settle directly (ODR)."""
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="send_to_business", actor=world.consumer_user)


def test_the_case_page_shows_the_consumer_their_case_deadlines_and_timeline(world):
    case = sent_to_the_business(world)
    response = browser(world.consumer_user, language="en").get(f"/cases/{case.number}/")
    shown = page(response)
    assert response.status_code == 200
    assert case.facts in shown and world.shop.name in shown and case.handling_authority.name in shown
    assert "Direct settlement due" in shown and f'datetime="{case.odr_due:%Y-%m-%d}"' in shown
    assert "Acceptance decision due" in shown and f'datetime="{case.acceptance_due:%Y-%m-%d}"' in shown
    assert shown.count("<li><time") == case.events.count() == 2
    assert "Settling directly with the business" in shown and "(send to the business)" in shown
    stranger = factories.consumer(real_name="王五")
    assert browser(stranger.user).get(f"/cases/{case.number}/").status_code == 404
    assert browser(world.consumer_user).get("/cases/TS00000000000000/").status_code == 404


def test_a_business_sees_the_consumer_masked_and_nothing_of_their_identity(world):
    case = sent_to_the_business(world)
    identity = world.consumer.identity
    response = browser(world.shop_staff).get(f"/cases/{case.number}/")
    shown = page(response)
    assert response.status_code == 200 and case.facts in shown
    assert world.consumer.masked_name in shown
    for private in (identity.real_name, identity.id_number, identity.phone, world.consumer_user.username):
        assert private not in shown
    assert case.handling_authority.name not in shown  # the officials' section is not for the business


def test_the_chat_page_is_for_signed_in_people_and_loads_its_script_from_this_server(world):
    assert browser().get("/chat/")["Location"] == "/log-in/?next=/chat/"
    shown = page(browser(world.consumer_user).get("/chat/"))
    assert 'data-socket-path="/ws/bot/"' in shown and 'src="/static/web/chat.js"' in shown
    assert "打开案件 {number}" in shown  # the hand-off link's text, in the page's language
    assert "//" not in shown.split('src="')[1].split('"')[0]  # no other host: nothing from a CDN
    cases = page(browser(world.consumer_user).get("/cases/"))
    assert 'href="/chat/"' in cases
    assert 'href="/chat/"' not in page(browser(world.shop_staff).get("/cases/"))


@pytest.mark.parametrize("move", ["withdraw", "not_accept"])
def test_a_case_whose_handling_ended_leaves_the_open_queue_for_the_list_to_close(world, move):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    actor = world.consumer_user if move == "withdraw" else world.shop_official
    ground = {"ground": "no_jurisdiction"} if move == "not_accept" else {}
    case_transition(case=case, action=move, actor=actor, **ground)
    official = browser(world.shop_official)
    assert case.number not in page(official.get("/queue/?bucket=open"))
    assert case.number not in page(official.get("/queue/?bucket=new"))
    ended = page(official.get("/queue/?bucket=ended"))
    assert case.number in ended
    # Closing files it away: gone from every list.
    case_transition(case=case, action="close", actor=world.shop_official)
    assert case.number not in page(official.get("/queue/?bucket=ended"))


def test_an_official_sees_their_authoritys_queue_by_urgency_and_no_one_else_does(world):
    fresh = factories.complaint(consumer=world.consumer, entity=world.shop)
    late, soon = (
        factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "accepted")
        for _ in range(2)
    )
    today = timezone.localdate()
    Case.objects.filter(pk=late.pk).update(next_due=today - datetime.timedelta(days=2))
    Case.objects.filter(pk=soon.pk).update(next_due=today)
    official = browser(world.shop_official, language="en")
    new = official.get("/queue/")
    assert new.status_code == 200
    shown = page(new)
    assert world.shop_bureau.name in shown and fresh.number in shown and late.number not in shown
    assert [(bucket, count) for bucket, _label, count in new.context["buckets"]] == [
        ("new", 1),
        ("due_soon", 1),
        ("overdue", 1),
        ("open", 3),
        ("ended", 0),
    ]
    overdue = page(official.get("/queue/?bucket=overdue"))
    assert late.number in overdue and fresh.number not in overdue and soon.number not in overdue
    assert 'class="overdue"' in overdue
    assert soon.number in page(official.get("/queue/?bucket=due_soon"))
    assert world.shop_bureau.name not in page(browser(world.outsider_official).get("/queue/"))
    wrong = official.get("/queue/?bucket=urgent")
    assert wrong.status_code == 400 and "Choose one of: New, Due soon, Overdue, All open, Ended, to close." in page(
        wrong
    )
    refused = browser(world.consumer_user).get("/queue/")
    assert refused.status_code == 403 and "只有工作人员才有待办案件" in page(refused)


def test_the_large_text_mode_is_kept_for_a_year_and_never_sends_anyone_elsewhere(places):
    client = browser()
    switched = client.post("/display/", {"mode": "large", "next": "/disclosure/"})
    assert switched.status_code == 302 and switched["Location"] == "/disclosure/"
    kept = switched.cookies["display_mode"]
    assert kept.value == "large" and int(kept["max-age"]) >= 365 * 86400 and kept["samesite"] == "Lax"
    assert '<html lang="zh-hans" class="large">' in page(client.get("/"))
    assert 'aria-pressed="true"' in page(client.get("/"))
    # Another site as "next" is not followed.
    assert client.post("/display/", {"mode": "large", "next": "https://evil.example/"})["Location"] == "/"
    off = client.post("/display/", {"mode": "normal", "next": "/"})
    assert off.cookies["display_mode"].value == "" and 'class="large"' not in page(client.get("/"))
    assert client.get("/display/").status_code == 405
