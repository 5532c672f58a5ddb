"""Texts in Chromium against daphne (issue 22, part 5). An official accepts a complaint on its page
whose complainant agreed to texts; the task worker (`manage.py qcluster`, as `make run` starts it),
with the file backend writing into a directory of the test, sends the notice in numbered parts of at
most 70 characters, once. And a text sent to 12315 is completed into a case by a hotline official on
a phone: from the intake page to the text, the prefilled form, the case."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case, IncomingSms, IncomingSmsStatus, IntakeChannel, OutgoingSms, SmsStatus
from mediation.services.sms import consumer_sms_consent_set
from mediation.services.sms_incoming import incoming_sms_receive
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import DESK_SCREEN, PHONE_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = re.compile(r"^\((\d+)/(\d+)\)")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def start_worker(outbox: Path, log: Path) -> subprocess.Popen:
    """The task worker as `make run` starts it, its texts going to files in `outbox`."""
    database = connection.settings_dict
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "DJANGO_SETTINGS_MODULE": "channels_app.settings",
            "SMS_BACKEND": "mediation.sms.backends.filebased.SmsBackend",
            "SMS_FILE_PATH": str(outbox),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def test_an_accepted_complaint_is_texted_in_parts(web, places, tmp_path):
    world = factories.World(places)
    consumer_sms_consent_set(consumer=world.consumer, agreed=True)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    base = f"http://127.0.0.1:{web['web_port']}"
    official_session = session_cookie(world.shop_official)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        official = page_as(browser, base, viewport=DESK_SCREEN, session=official_session, language="zh-hans")
        official.goto(f"{base}/cases/{case.number}/")
        official.locator("form.action-accept button[type=submit]").click()
        expect(official.locator(".notices .notice").first).to_be_visible()
        browser.close()

    outbox, log = tmp_path / "texts", tmp_path / "qcluster.log"
    worker = start_worker(outbox, log)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not list(outbox.glob("*.json")):
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
        time.sleep(2)  # a second text, if one were wrongly sent, would be written by now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    files = list(outbox.glob("*.json"))
    assert len(files) == 1, log.read_text()
    message = json.loads(files[0].read_text(encoding="utf-8"))
    assert message["to"] == "+8613812345678"
    assert case.number in message["body"] and world.shop_bureau.name in message["body"]
    parts = message["parts"]
    assert len(parts) > 1
    assert all(utf16_units(part) <= 70 for part in parts), [utf16_units(part) for part in parts]
    assert [MARKER.match(part).groups() for part in parts] == [
        (str(i), str(len(parts))) for i in range(1, len(parts) + 1)
    ]
    assert "".join(MARKER.sub("", part, count=1) for part in parts) == message["body"]
    assert sum(case.number in part for part in parts) >= 1  # whole in a part, never cut
    outgoing = OutgoingSms.objects.get()
    assert (
        outgoing.status == SmsStatus.SENT and outgoing.parts == parts and outgoing.provider_reference == files[0].name
    )


def test_a_text_received_is_completed_into_a_case_by_a_hotline_official_on_a_phone(web, places):
    world = factories.World(places)
    facts = "短信投诉：在西湖区鑫达电器买的洗衣机漏水，商家不给修。"
    incoming, _new = incoming_sms_receive(phone="+8613755556666", text=facts, provider_reference="e2e-1")
    base = f"http://127.0.0.1:{web['web_port']}"
    official_session = session_cookie(world.shop_official)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        official = page_as(browser, base, viewport=PHONE_SCREEN, session=official_session, language="en")
        official.goto(f"{base}/hotline/")
        official.locator(".texts-waiting a").click()
        official.locator("table.texts a").first.click()
        official.wait_for_url(re.compile(rf"/hotline/texts/{incoming.pk}/$"))
        expect(official.locator("blockquote.text")).to_contain_text(facts)
        expect(official.locator("#id_phone")).to_have_value("+8613755556666")
        expect(official.locator("#id_facts")).to_have_value(facts)
        expect(official.locator("#id_intake_channel")).to_be_disabled()
        expect(official.locator("#id_sms_consent")).not_to_be_checked()
        official.locator("input[name=kind][value=complaint]").check()
        official.fill("#id_business", world.shop.uscc)
        official.select_option("#id_category", "G02")
        official.fill("#id_real_name", "钱七")
        official.select_option("#id_demand", "repair")
        official.fill("#id_amount", "2199")
        official.locator("#id_sms_consent").check()
        official.get_by_role("button", name="File the case").click(no_wait_after=True)
        # Polled: with the installable app's service worker in the page, Playwright's own wait for
        # the navigation after a form's POST does not always see it end.
        expect(official).to_have_url(re.compile(r"/cases/TS\d+/$"), timeout=30000)
        number = official.url.rstrip("/").rsplit("/", 1)[-1]
        expect(official.get_by_text(f"Case {number} is filed")).to_be_visible()
        browser.close()
    case = Case.objects.get(number=number)
    assert case.facts == facts and case.intake_channel == IntakeChannel.SMS
    assert case.consumer.identity.phone == "+8613755556666" and case.consumer.sms_consent_at is not None
    incoming = IncomingSms.objects.get(pk=incoming.pk)
    assert incoming.status == IncomingSmsStatus.FILED and incoming.case == case
