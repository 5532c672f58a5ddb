"""Log-in: guessing a password is stopped on every way in (API, pages, admin), with a message in the
person's language and a way for an administrator to unlock; no log-in is taken from another site;
a password cannot be the user name."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests import factories
from tests.mediation.web.pages import page

PASSWORD = "正确的密码-2026"
FAILURE_LIMIT = 5  # docs/security.md: five wrong passwords for one account, then a 15-minute pause


@pytest.fixture
def official_with_password(world):
    user = world.shop_official
    user.set_password(PASSWORD)
    user.save()
    return user


def _api_log_in(client, username, password, language="zh-hans"):
    return client.post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )


def _page_log_in(client, username, password):
    return client.post("/log-in/", {"username": username, "password": password})


def _admin_log_in(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


LOG_INS = {"api": (APIClient, _api_log_in), "page": (Client, _page_log_in), "admin": (Client, _admin_log_in)}


@pytest.mark.parametrize("way_in", LOG_INS)
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(official_with_password, way_in):
    make_client, log_in = LOG_INS[way_in]
    username = official_with_password.username
    for _attempt in range(FAILURE_LIMIT - 1):
        refused = log_in(make_client(), username, "猜的密码")
        assert refused.status_code in (200, 400)  # the admin answers a wrong password with its form
    assert log_in(make_client(), username, "猜的密码").status_code == 429  # the fifth locks the account
    locked = log_in(make_client(), username, PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "15" in text and ("分钟" in text or "minutes" in text)
    assert "_auth_user_id" not in make_client().session


def test_the_api_says_so_in_the_users_language(official_with_password):
    username = official_with_password.username
    for _attempt in range(FAILURE_LIMIT):
        _api_log_in(APIClient(), username, "猜的密码")
    chinese = _api_log_in(APIClient(), username, PASSWORD)
    assert chinese.status_code == 429 and chinese.json()["code"] == "locked_out"
    assert "分钟" in chinese.json()["detail"]
    english = _api_log_in(APIClient(), username, PASSWORD, language="en")
    assert "minutes" in english.json()["detail"]


def test_the_page_says_so_on_the_log_in_page(official_with_password):
    username = official_with_password.username
    for _attempt in range(FAILURE_LIMIT):
        _page_log_in(Client(), username, "猜的密码")
    locked = _page_log_in(Client(), username, PASSWORD)
    assert locked.status_code == 429 and "分钟" in page(locked) and 'name="username"' not in page(locked)


def test_an_administrator_unlocks_the_account(official_with_password):
    username = official_with_password.username
    for _attempt in range(FAILURE_LIMIT):
        _api_log_in(APIClient(), username, "猜的密码")
    assert _api_log_in(APIClient(), username, PASSWORD).status_code == 429
    call_command("axes_reset_username", username, verbosity=0)
    assert _api_log_in(APIClient(), username, PASSWORD).status_code == 204


def test_other_accounts_are_not_locked_by_one_accounts_failures(official_with_password, world):
    for _attempt in range(FAILURE_LIMIT + 2):
        _api_log_in(APIClient(), official_with_password.username, "猜的密码")
    other = world.home_official
    other.set_password(PASSWORD)
    other.save()
    assert _api_log_in(APIClient(), other.username, PASSWORD).status_code == 204


def test_log_in_and_sign_up_refuse_a_post_from_another_site(official_with_password):
    # Log-in CSRF: another site must not sign a visitor in to an account of its choosing.
    for path, body in [
        ("/api/auth/login/", {"username": official_with_password.username, "password": PASSWORD}),
        ("/log-in/", {"username": official_with_password.username, "password": PASSWORD}),
        ("/api/auth/sign-up/", {"username": "newcomer", "password": "a-long-password-2026"}),
        ("/sign-up/", {"username": "newcomer", "password1": "a-long-password-2026"}),
    ]:
        cross_site = Client(enforce_csrf_checks=True)
        response = cross_site.post(path, body, HTTP_ORIGIN="https://evil.example")
        assert response.status_code == 403, (path, response.status_code)
        assert "_auth_user_id" not in cross_site.session


def test_the_api_log_in_works_from_the_sites_own_pages(official_with_password):
    client = Client(enforce_csrf_checks=True)
    client.get("/log-in/")  # sets the CSRF cookie, as the page does for its script
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/auth/login/",
        {"username": official_with_password.username, "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 204


@pytest.mark.parametrize("password_like", ["{username}", "{username}1", "1{username}"])
def test_a_password_like_the_user_name_is_refused_at_sign_up(places, password_like):
    username = "zhangsan2026"
    body = {
        "username": username,
        "password": password_like.format(username=username),
        "real_name": "张三",
        "id_number": factories.resident_id(serial="777"),
        "phone": "13812340000",
    }
    response = APIClient().post("/api/auth/sign-up/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "password" in response.data
