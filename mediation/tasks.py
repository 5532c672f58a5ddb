"""The product's scheduled and queued work, run by django-q2's worker (`manage.py qcluster`).

The schedules are kept in the database by `schedules_ensure`, which runs after every migration:
- early warnings across the country, every hour, over the window ending today;
- the same just after midnight over the window ending yesterday, which the hourly run last saw
  before the day was over;
- the ODR periods that ran out, passed to the authority, every day;
- the room messages a seated person has missed, every 2 minutes;
- the time limits near or passed, told to the handling officials, every hour (once per case and
  time limit);
- the reminders of mediation sessions, a day and an hour before each, every 5 minutes (once per
  session, reminder and person);
- the publication of penalty decisions whose last public day has passed, ended just after midnight.
A complaint filed queues the detection of what it may complete (`complaint_filed_queue`); a
notification to e-mail queues its e-mail (`notification_email_send`); a notice texted queues its text
(`sms_send`, mediation.services.sms)."""

import datetime

from django.db import transaction
from django.utils import timezone

SCHEDULES = {
    # name: (function, schedule type, minutes between runs, first run at (local time))
    "early warnings, hourly": ("mediation.tasks.early_warnings_detect_today", "I", 60, None),
    "early warnings, the day before": ("mediation.tasks.early_warnings_detect_yesterday", "D", None, (0, 10)),
    "ODR periods run out": ("mediation.tasks.odr_periods_run_out", "D", None, (0, 20)),
    "room messages missed": ("mediation.tasks.room_messages_missed_tell", "I", 2, None),
    "time limits near or passed": ("mediation.tasks.deadlines_tell", "H", None, None),
    "mediation session reminders": ("mediation.tasks.session_reminders_send", "I", 5, None),
    # The publication of penalty decisions whose period ended (市场监督管理行政处罚信息公示规定 Art. 13).
    "penalty publications end": ("mediation.tasks.penalty_publications_end", "D", None, (0, 5)),
}


def early_warnings_detect_today() -> int:
    from mediation.services.early_warnings import warnings_detect

    return len(warnings_detect(day=timezone.localdate()))


def early_warnings_detect_yesterday() -> int:
    from mediation.services.early_warnings import warnings_detect

    return len(warnings_detect(day=timezone.localdate() - datetime.timedelta(days=1)))


def early_warnings_detect_for_complaint(case_id: int) -> int:
    from mediation.services.early_warnings import warnings_detect_for_complaint

    return len(warnings_detect_for_complaint(case_id=case_id))


def odr_periods_run_out() -> int:
    from mediation.services.deadlines import odr_escalate_overdue

    return len(odr_escalate_overdue())


def notification_email_send(notification_id: int) -> bool:
    from mediation.services.notifications import notification_email_send as send

    return send(notification_id=notification_id)


def sms_send(outgoing_id: int) -> bool:
    from mediation.services.sms import sms_send as send

    return send(outgoing_id=outgoing_id)


def room_messages_missed_tell() -> int:
    from mediation.services.notifications import room_messages_missed_tell as tell

    return tell()


def deadlines_tell() -> int:
    from mediation.services.notifications import deadlines_tell as tell

    return tell()


def penalty_publications_end() -> int:
    from mediation.services.penalties import penalty_publications_end as end

    return end()


def session_reminders_send() -> int:
    from mediation.services.scheduling import session_reminders_send as send

    return send()


def complaint_filed_queue(case_id: int) -> None:
    """Once the filing commits, queue the detection of the patterns the complaint may complete. The
    queue is a table of the same database: the task is not lost if no worker is running yet."""
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task("mediation.tasks.early_warnings_detect_for_complaint", case_id, group="early warnings")
    )


def schedules_ensure(**_signal) -> None:
    """Create or update the schedules above (idempotent; connected to post_migrate)."""
    from django_q.models import Schedule

    now = timezone.localtime()
    for name, (function, kind, minutes, at) in SCHEDULES.items():
        next_run = now + datetime.timedelta(minutes=1)
        if at is not None:
            next_run = now.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
            if next_run <= now:
                next_run += datetime.timedelta(days=1)
        schedule = Schedule.objects.filter(name=name).first()
        if schedule is None:
            Schedule.objects.create(
                name=name, func=function, schedule_type=kind, minutes=minutes, next_run=next_run, repeats=-1
            )
        elif (schedule.func, schedule.schedule_type, schedule.minutes) != (function, kind, minutes):
            schedule.func, schedule.schedule_type, schedule.minutes = function, kind, minutes
            schedule.save(update_fields=["func", "schedule_type", "minutes"])
