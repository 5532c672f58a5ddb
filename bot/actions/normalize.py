"""Amounts and dates as people write them, made exact for the work order.

Chinese numerals go through cn2an (三千五百 → 3500, 两万八 → 28000); relative dates through
dateparser (昨天, 3天前, last Friday). What neither library reads and people write all the time is
handled here: 3.5k and 1.2万, 九十九块九 (the digit after 块 is tenths), 上周三, 10月1日 without a year,
上个月15号 and 去年3月5号, and the shopping festivals (双十一, 双12, 618)."""

import datetime
import re
from decimal import Decimal, InvalidOperation

import cn2an
import dateparser

_AMOUNT = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>k|千|w|万)?\s*(?P<currency>块钱|块|元|rmb|yuan|cny)?\s*(?P<tenths>\d)?(?!\d)",
    re.IGNORECASE,
)
_SCALE = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}


def parse_amount(text: str) -> Decimal | None:
    """The amount of money in `text`, in yuan, or None. 八百多 ("over 800") counts as 800."""
    cleaned = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text.strip())
    try:
        converted = cn2an.transform(cleaned, "cn2an")
    except (ValueError, KeyError):
        converted = cleaned
    match = _AMOUNT.search(converted)
    if match is None:
        return None
    try:
        amount = Decimal(match["number"])
    except InvalidOperation:
        return None
    if match["unit"]:
        amount *= _SCALE[match["unit"].lower()]
    if match["tenths"] and match["currency"] and match["currency"].startswith("块"):
        amount += Decimal(match["tenths"]) / 10
    return amount.quantize(Decimal("0.01"))


_WEEKDAY = re.compile(r"(?P<week>上上|上|这|本)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])")
_MONTH_DAY = re.compile(r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?")
# 上个月15号, 上月3日, 这个月1号, 上上个月20号; 去年3月5号, 今年10月1日.
_RELATIVE_MONTH = re.compile(r"(?P<back>上上|上|这|本)个?月(?P<day>\d{1,2})[日号]?")
_RELATIVE_YEAR = re.compile(r"(?P<year>前年|去年|今年)(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?")
_FESTIVALS = {"双十一": (11, 11), "双11": (11, 11), "双十二": (12, 12), "双12": (12, 12), "618": (6, 18)}


def _latest(month: int, day: int, today: datetime.date) -> datetime.date | None:
    """The most recent `month`-`day` not after today."""
    try:
        candidate = datetime.date(today.year, month, day)
        return candidate if candidate <= today else datetime.date(today.year - 1, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, today: datetime.date) -> datetime.date | None:
    """The day `text` names, read as a day in the past (a purchase, an incident), or None."""
    text = text.strip()
    for name, (month, day) in _FESTIVALS.items():
        if name in text:
            return _latest(month, day, today)
    weekday = _WEEKDAY.search(text)
    if weekday:
        day_index = "一二三四五六日天".index(weekday["day"])
        day_index = min(day_index, 6)  # 日 and 天 are both Sunday
        weeks_back = {"上上": 2, "上": 1}.get(weekday["week"] or "", 0)
        monday = today - datetime.timedelta(days=today.weekday(), weeks=weeks_back)
        found = monday + datetime.timedelta(days=day_index)
        if weekday["week"] is None and found > today:  # a bare 周三 means the last one
            found -= datetime.timedelta(weeks=1)
        return found
    try:
        digits = cn2an.transform(text, "cn2an")
    except (ValueError, KeyError):
        digits = text
    relative_month = _RELATIVE_MONTH.search(digits)
    if relative_month:
        back = {"上上": 2, "上": 1}.get(relative_month["back"], 0)
        month_index = today.year * 12 + today.month - 1 - back
        try:
            return datetime.date(month_index // 12, month_index % 12 + 1, int(relative_month["day"]))
        except ValueError:
            return None
    relative_year = _RELATIVE_YEAR.search(digits)
    if relative_year:
        year = today.year - {"前年": 2, "去年": 1, "今年": 0}[relative_year["year"]]
        try:
            return datetime.date(year, int(relative_year["month"]), int(relative_year["day"]))
        except ValueError:
            return None
    month_day = _MONTH_DAY.search(digits)
    if month_day:
        month, day = int(month_day["month"]), int(month_day["day"])
        if month_day["year"]:
            try:
                return datetime.date(int(month_day["year"]), month, day)
            except ValueError:
                return None
        return _latest(month, day, today)
    parsed = dateparser.parse(
        text,
        languages=["zh", "en"],
        settings={
            "RELATIVE_BASE": datetime.datetime.combine(today, datetime.time()),
            "PREFER_DATES_FROM": "past",
        },
    )
    return parsed.date() if parsed else None
