import datetime
from decimal import Decimal

import pytest
from actions.normalize import parse_amount, parse_date

TODAY = datetime.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(
    "text, amount",
    [
        ("三千五百元", "3500"),
        ("三千五", "3500"),
        ("3.5k", "3500"),
        ("5K", "5000"),
        ("两千块", "2000"),
        ("八百多", "800"),
        ("1,299元", "1299"),
        ("¥299", "299"),
        ("两万八", "28000"),
        ("1.2万", "12000"),
        ("九十九块九", "99.9"),
        ("花了3500块钱", "3500"),
        ("200 yuan", "200"),
        ("3000 RMB", "3000"),
    ],
)
def test_amounts_as_people_write_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["不记得了", "很多钱", ""])
def test_no_amount(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text, day",
    [
        ("昨天", "2026-11-29"),
        ("前天", "2026-11-28"),
        ("3天前", "2026-11-27"),
        ("上周三", "2026-11-25"),
        ("上星期日", "2026-11-29"),
        ("上上周五", "2026-11-20"),
        ("周三", "2026-11-25"),  # the last Wednesday, not the coming one
        ("这周一", "2026-11-30"),
        ("10月1日", "2026-10-01"),
        ("十月一号", "2026-10-01"),
        ("12月24日", "2025-12-24"),  # not yet this year: last year's
        ("2026年11月3日", "2026-11-03"),
        ("双十一那天", "2026-11-11"),
        ("双12", "2025-12-12"),
        ("618买的", "2026-06-18"),
        ("last Friday", "2026-11-27"),
        ("上个月15号", "2026-10-15"),
        ("上月3日", "2026-10-03"),
        ("上个月十五号买的", "2026-10-15"),
        ("这个月1号", "2026-11-01"),
        ("上上个月20号", "2026-09-20"),
        ("去年3月5号", "2025-03-05"),
        ("今年十月一号", "2026-10-01"),
        ("yesterday", "2026-11-29"),
        ("2 days ago", "2026-11-28"),
    ],
)
def test_dates_as_people_write_them(text, day):
    assert parse_date(text, today=TODAY) == datetime.date.fromisoformat(day)


@pytest.mark.parametrize("text", ["不记得了", "2月30日", "这个月31号"])
def test_no_date(text):
    assert parse_date(text, today=TODAY) is None
