"""The site installable on a phone and usable offline (issue 22, part 6): the web app manifest and its
icons, the service worker served from the root, the offline page with the 12315 hotline in both
languages, and a filing draft sent twice (kept offline and sent again, or sent twice at once) filing
its cases once. The installability fields are the Web App Manifest specification's (W3C) and those
Chromium requires to offer installing (name or short_name, start_url, display standalone, icons of
192 and 512 px); the colours are site.css's own."""

import json
import re
import threading
import uuid

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.db import connection
from PIL import Image

from mediation.models import Case, CaseKind
from mediation.models.submissions import FilingSubmission
from tests import factories
from tests.mediation.web.pages import browser, page
from tests.mediation.web.test_filing_pages import complaint_form, report_form


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def css_variable(name: str) -> str:
    css = (settings.BASE_DIR / "mediation" / "static" / "web" / "site.css").read_text()
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", css).group(1).lower()


# The manifest


@pytest.mark.parametrize(("language", "lang"), [(None, "zh-hans"), ("en", "en")])
def test_the_manifest_has_what_installing_needs_in_the_visitors_language(places, language, lang):
    response = browser(None, language).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["lang"] == lang
    assert manifest["name"] and manifest["short_name"] == "12315"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"].lower() == css_variable("accent")
    assert manifest["background_color"].lower() == css_variable("bg")
    if lang == "en":
        assert manifest["name"] == "12315 Consumer disputes"


def test_the_manifest_names_icons_of_192_and_512_pixels_and_a_maskable_one_each_of_its_declared_size(places):
    icons = json.loads(browser().get("/manifest.webmanifest").content)["icons"]
    declared = {(icon["sizes"], icon.get("purpose", "any")) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any")} <= declared
    assert any(purpose == "maskable" for _sizes, purpose in declared)
    for icon in icons:
        assert icon["type"] == "image/png" and icon["src"].startswith("/static/app/")
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon
        with Image.open(found) as image:
            assert image.format == "PNG"
            assert "{}x{}".format(*image.size) == icon["sizes"]
        if icon["purpose"] == "maskable":
            # A maskable icon has no transparent corners: the launcher's mask cuts into its colour.
            with Image.open(found) as image:
                assert image.convert("RGBA").getpixel((0, 0))[3] == 255


@pytest.mark.parametrize("path", ["/", "/log-in/"])
def test_every_page_links_the_manifest_theme_colour_touch_icon_and_worker_script(places, path):
    shown = page(browser().get(path))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in shown
    assert f'<meta name="theme-color" content="{css_variable("accent")}">' in shown
    assert re.search(r'<link rel="apple-touch-icon" href="/static/app/apple-touch-icon\.png">', shown)
    assert re.search(r'<script src="/static/web/app\.js" data-service-worker="/sw\.js" defer>', shown)
    assert finders.find("app/apple-touch-icon.png") and finders.find("web/app.js")


def test_the_content_security_policy_allows_the_sites_own_worker_and_manifest_and_nothing_else(places):
    policy = browser().get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["worker-src"] == "'self'" and directives["manifest-src"] == "'self'"


# The service worker


def test_the_worker_is_javascript_from_the_root_never_cached_without_being_asked_again(places):
    response = browser().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in ("application/javascript", "text/javascript")
    assert "no-cache" in response["Cache-Control"]


def precache_of(worker: str) -> list[str]:
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker).group(1))


def test_the_worker_keeps_the_static_files_the_pages_use_and_the_offline_page_in_each_language(places):
    worker = page(browser().get("/sw.js"))
    precache = precache_of(worker)
    for path in ("web/site.css", "web/forms.js", "web/app.js", "web/filing.js", "web/filing-draft.js"):
        assert f"/static/{path}" in precache
    for icon in json.loads(browser().get("/manifest.webmanifest").content)["icons"]:
        assert icon["src"] in precache
    offline = json.loads(re.search(r"const OFFLINE = (\{.*?\});", worker).group(1))
    assert offline == {"zh-hans": "/offline/?language=zh-hans", "en": "/offline/?language=en"}
    # Pages are never kept: only GET requests for static files are answered from the cache.
    assert 'if (request.method !== "GET") return;' in worker
    assert "cache.put(request" in worker and worker.count("cache.put(") == 2  # static files and the language


def test_the_worker_is_the_same_for_everybody(world):
    anonymous = page(browser().get("/sw.js"))
    signed_in = page(browser(world.consumer_user, "en").get("/sw.js"))
    assert anonymous == signed_in
    assert world.consumer_user.username not in signed_in


def test_a_changed_static_file_makes_a_new_worker_version(places, settings, tmp_path):
    version = re.compile(r'const VERSION = "([0-9a-f]+)";')
    static = tmp_path / "static"
    (static / "web").mkdir(parents=True)
    settings.STATICFILES_DIRS = [static]
    extra = static / "web" / "zz-extra.js"
    extra.write_text("console.log(1);\n")
    first = page(browser().get("/sw.js"))
    assert "/static/web/zz-extra.js" in precache_of(first)
    extra.write_text("console.log(2);\n")
    second = page(browser().get("/sw.js"))
    assert version.search(first).group(1) != version.search(second).group(1)
    assert page(browser().get("/sw.js")) == second  # the same files, the same worker


# The offline page


@pytest.mark.parametrize(
    ("language", "query", "lang", "hotline"),
    [
        ("zh-hans", "", "zh-hans", "拨打12315热线："),
        ("en", "", "en", "the 12315 hotline:"),
        ("zh-hans", "?language=en", "en", "the 12315 hotline:"),
        ("en", "?language=zh-hans", "zh-hans", "拨打12315热线："),
    ],
)
def test_the_offline_page_gives_the_hotline_in_the_language_asked(places, language, query, lang, hotline):
    response = browser(None, language).get(f"/offline/{query}")
    assert response.status_code == 200
    shown = page(response)
    assert f'<html lang="{lang}">' in shown
    assert hotline in shown and '<a href="tel:12315">12315</a>' in shown
    if lang == "en":
        assert "The site cannot be reached" in shown


def test_the_offline_page_holds_nothing_of_the_visitors_and_ignores_an_unknown_language(world):
    shown = page(browser(world.consumer_user, "en").get("/offline/?language=fr"))
    assert '<html lang="en">' in shown
    assert "csrfmiddlewaretoken" not in shown and "<form" not in shown
    assert world.consumer_user.username not in shown and "My cases" not in shown


def test_the_offline_page_keeps_the_large_text_mode_chosen_in_the_header(places):
    client = browser(None, "en")
    client.cookies["display_mode"] = "large"
    assert '<html lang="en" class="large">' in page(client.get("/offline/"))


# Filing a draft once


def test_the_form_carries_a_draft_key_and_the_draft_script(world):
    shown = page(browser(world.consumer_user, "en").get("/file/"))
    key = re.search(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"', shown)
    assert key and uuid.UUID(key.group(1))
    assert f'data-draft-owner="{world.consumer_user.pk}"' in shown
    assert "/static/web/filing-draft.js" in shown


def form_of_kind(world, kind: str) -> dict:
    if kind == "report":
        return report_form(world)
    if kind == "both":
        return {**complaint_form(world, kind="both"), "violation_type": "counterfeit"}
    return complaint_form(world)


@pytest.mark.parametrize(
    ("kind", "kinds"), [("complaint", ["complaint"]), ("report", ["report"]), ("both", ["complaint", "report"])]
)
def test_a_draft_sent_again_files_nothing_and_shows_the_cases_it_filed(world, kind, kinds):
    key = uuid.uuid4()
    client = browser(world.consumer_user, "en")
    first = client.post("/file/", {**form_of_kind(world, kind), "submission_key": str(key)})
    cases = list(Case.objects.order_by("kind"))
    assert sorted(case.kind for case in cases) == kinds
    assert first.status_code == 302
    submission = FilingSubmission.objects.get(key=key)
    assert submission.user == world.consumer_user
    assert submission.complaint == next((case for case in cases if case.kind == CaseKind.COMPLAINT), None)
    assert submission.report == next((case for case in cases if case.kind == CaseKind.REPORT), None)

    again = client.post("/file/", {**form_of_kind(world, kind), "submission_key": str(key)})
    assert Case.objects.count() == len(kinds)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    numbers = ", ".join(case.number for case in sorted(cases, key=lambda case: case.kind != CaseKind.COMPLAINT))
    told = [str(message) for message in get_messages(again.wsgi_request)]
    # After the first sending's "Case … is filed" (one for each case), this, once.
    assert told[len(kinds) :] == [f"This form was already sent and filed as {numbers}. Nothing was filed again."]


def test_a_refused_draft_keeps_its_key_free_for_the_corrected_sending(world):
    key = str(uuid.uuid4())
    client = browser(world.consumer_user, "en")
    refused = client.post("/file/", {**complaint_form(world, facts=""), "submission_key": key})
    assert refused.status_code == 400 and not Case.objects.exists()
    assert not FilingSubmission.objects.exists()
    assert f'name="submission_key" value="{key}"' in page(refused)  # the page keeps the draft's key
    filed = client.post("/file/", {**complaint_form(world), "submission_key": key})
    assert filed.status_code == 302 and Case.objects.count() == 1


def test_another_persons_key_is_refused_and_files_nothing(world, places):
    key = str(uuid.uuid4())
    browser(world.consumer_user, "en").post("/file/", {**complaint_form(world), "submission_key": key})
    other = factories.consumer(real_name="王五")
    response = browser(other.user, "en").post("/file/", {**complaint_form(world), "submission_key": key})
    assert response.status_code == 403
    assert "This form was sent from another account." in page(response)
    assert Case.objects.count() == 1 and Case.objects.get().consumer == world.consumer
    # Nor does the other person learn which cases the key filed.
    status = browser(other.user, "en").get(f"/file/submissions/{key}/")
    assert status.status_code == 404 and json.loads(status.content) == {"filed": False}


def test_a_key_that_is_not_a_uuid_is_a_problem_of_the_form_not_an_error(world):
    response = browser(world.consumer_user, "en").post("/file/", {**complaint_form(world), "submission_key": "x"})
    assert response.status_code == 400 and not Case.objects.exists()
    assert response.context["form"].errors["submission_key"]


def test_the_draft_script_learns_whether_its_draft_was_filed(world):
    key = str(uuid.uuid4())
    client = browser(world.consumer_user, "en")
    assert client.get(f"/file/submissions/{key}/").status_code == 404
    client.post("/file/", {**complaint_form(world), "submission_key": key})
    case = Case.objects.get()
    answer = client.get(f"/file/submissions/{key}/")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert json.loads(answer.content) == {"filed": True, "cases": [case.number], "location": f"/cases/{case.number}/"}
    assert browser().get(f"/file/submissions/{key}/").status_code == 302  # to log in


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections to PostgreSQL")
def test_a_draft_sent_twice_at_the_same_moment_files_once(places):
    world = factories.World(places)
    key = str(uuid.uuid4())
    form = {**complaint_form(world), "submission_key": key}
    barrier = threading.Barrier(2)
    statuses: list = [None, None]

    def send(index):
        try:
            client = browser(world.consumer_user, "en")
            barrier.wait()
            statuses[index] = client.post("/file/", form)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            statuses[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    case = Case.objects.get()
    assert [getattr(response, "status_code", response) for response in statuses] == [302, 302]
    assert {response["Location"] for response in statuses} == {f"/cases/{case.number}/"}
    assert FilingSubmission.objects.get().complaint == case
