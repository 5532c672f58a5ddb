"""Scheduled and queued work runs in django-q2's worker, as `make run` and docker-compose start it:
the schedules exist after migrating, and a complaint filed queues the detection of early warnings,
which a real worker process (`manage.py qcluster`) runs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_q.models import OrmQ, Schedule

from mediation.models import EarlyWarning, WarningKind
from tests import factories


def test_the_documented_schedules_exist_after_migrating(db):
    schedules = {schedule.name: schedule for schedule in Schedule.objects.all()}
    # docs/analysis.md, "When detection runs".
    assert schedules["early warnings, hourly"].schedule_type == Schedule.MINUTES
    assert schedules["early warnings, hourly"].minutes == 60
    assert schedules["early warnings, the day before"].schedule_type == Schedule.DAILY
    assert schedules["ODR periods run out"].schedule_type == Schedule.DAILY
    assert all(schedule.repeats == -1 for schedule in schedules.values())


@pytest.mark.django_db(transaction=True)
def test_a_complaint_filed_queues_detection_and_the_worker_process_runs_it(places, tmp_path: Path):
    shop = factories.shop(region="440305", name="深圳南山乐游游泳健身有限公司")
    for index in range(5):
        consumer = factories.consumer(home_region="440305", phone=f"1381234{index:04d}")
        factories.complaint(
            consumer=consumer, entity=shop, category="S03", facts="办了游泳年卡充了三千，现在店关门了，老板跑路了。"
        )
    # Each filing queued its detection with the complaint, in the database's own queue.
    assert OrmQ.objects.count() == 5
    assert not EarlyWarning.objects.exists()

    database = connection.settings_dict
    log = tmp_path / "qcluster.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "DJANGO_SETTINGS_MODULE": "channels_app.settings",
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (OrmQ.objects.exists() or not EarlyWarning.objects.exists()):
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert not OrmQ.objects.exists(), log.read_text()
    (warning,) = EarlyWarning.objects.all()
    assert warning.kind == WarningKind.PREPAID_RUNAWAY
    assert warning.entity == shop
    assert warning.observed == 5
