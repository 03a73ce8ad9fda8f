"""Reading the 办理时限 (deadline) cell of a supervision table.

Offices write deadlines in many ways: real Excel dates, ``2024.6.30``, ``6月底前``,
``三季度末``, ``长期坚持``, ``每月``. Reminders need one local date (or none, for ongoing
and recurring work), so every accepted form is mapped here, and anything else is refused
with a reason the office can act on, rather than guessed. Dates without a year belong to
the period's year. Pure: no I/O, no clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

RECURRING = ("monthly", "quarterly")

# Years outside this window are typing mistakes (20224, 1024), not deadlines.
_MIN_YEAR = 2000
_MAX_YEAR = 2099

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}

# A number as written in a month, day or quarter: Arabic (after NFKC) or Chinese (一…三十一).
_NUM = r"(\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
# An optional year in front: 2024年, 次年/明年 (the year after the period), 当年/本年/今年.
_YEAR = r"(?:(\d{4})年|(次年|明年|翌年)|(?:当年|本年|今年))?"

_NUMERIC_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_MONTH_DAY = re.compile(r"(\d{1,2})[-./](\d{1,2})")  # 6.30前, 6/30: this period's year
_DAY = re.compile(_YEAR + _NUM + r"月" + _NUM + r"[日号]")
_MONTH_END = re.compile(_YEAR + _NUM + r"月(?:份)?(?:底|末|中下旬|下旬)?")
_YEAR_END = re.compile(r"(?:(\d{4})|(次|明|翌)|当|本|今)?年(?:度内|底|末|内)")
_HALF = re.compile(_YEAR + r"(上|下)半年(?:底|末)?")
_QUARTER = re.compile(_YEAR + r"第?" + _NUM + r"季度?(?:末|底)?|" + _YEAR + r"q([1-4])")
# Trailing words that do not change the date: 前, 之前, 以前, 完成, 止, 为止.
_SUFFIX = re.compile(r"(?:(?:之|以)?前|完成|办结|为止|止)+$")
# A time of day after a date, as CSV files from Excel often carry ("2024-06-30 00:00:00").
_TIME_SUFFIX = re.compile(r"(?<=\d)(?:t|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")

_ONGOING = ("长期", "持续", "常态化", "长效", "ongoing", "long-term", "longterm", "continuous")
_MONTHLY = re.compile(
    r"monthly|everymonth|(?:每月|按月|逐月)(?:\d{1,2}[日号])?(?:底|末|初|中)?前?(?:报送|更新)?"
)
_QUARTERLY = re.compile(
    r"quarterly|everyquarter|(?:每季度?|按季度?|逐季度?)(?:末|底|初)?前?(?:报送|更新)?"
)


class DeadlineError(ValueError):
    """A deadline cell that cannot be read.

    ``reason`` is the English wording; ``kind`` and ``values`` name the fault for the
    catalogue (``deadline.error.<kind>``), so the sheet import, the CLI and a chat reply
    say it in their reader's language (as CoordinateError does for coordinates).
    """

    def __init__(self, kind: str, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class Deadline:
    """One item's deadline: a local date, or ongoing/recurring work without one.

    ``text`` keeps what the sheet said (``6月底前``), because the office wants to see its
    own wording next to the computed date.
    """

    date: dt.date | None
    text: str
    recurring: str | None = None  # 'monthly' | 'quarterly'
    ongoing: bool = False


NO_DEADLINE = Deadline(date=None, text="")


def parse_deadline(value: object, period_year: int) -> Deadline:
    """Read one deadline cell; dates without a year fall in ``period_year``.

    An empty cell gives a deadline with no date: the row can still be imported and the
    office fills the date in later. Raises DeadlineError for anything unreadable.
    """
    if value is None:
        return NO_DEADLINE
    if isinstance(value, dt.datetime):
        return _from_date(value.date(), value.date().isoformat())
    if isinstance(value, dt.date):
        return _from_date(value, value.isoformat())
    if isinstance(value, int | float):
        # A bare number is an Excel date whose cell lost its date format, or a typo;
        # reading 45473 as 2024-06-30 would be a guess, so the office is asked instead.
        shown = str(int(value)) if float(value).is_integer() else str(value)
        raise DeadlineError(
            "plain_number",
            f"cannot read '{shown}' as a date (it is a plain number; "
            f"format the cell as a date or write it like 2024-06-30)",
            text=shown,
        )
    if not isinstance(value, str):
        raise DeadlineError("unreadable", f"cannot read '{value}' as a date", text=str(value))
    text = value.strip()
    if not text:
        return NO_DEADLINE
    return _parse_text(text, period_year)


def _from_date(day: dt.date, text: str) -> Deadline:
    if not _MIN_YEAR <= day.year <= _MAX_YEAR:
        raise DeadlineError(
            "unlikely_year",
            f"cannot read '{text}' as a date (the year {day.year} is unlikely)",
            text=text,
            year=day.year,
        )
    return Deadline(date=day, text=text)


def _parse_text(text: str, period_year: int) -> Deadline:
    # NFKC folds full-width digits and punctuation (２０２４／６／３０) into ASCII.
    key = _TIME_SUFFIX.sub("", unicodedata.normalize("NFKC", text).lower())
    key = "".join(key.split())

    if key.startswith(_ONGOING):
        return Deadline(date=None, text=text, ongoing=True)
    if _MONTHLY.fullmatch(key):
        return Deadline(date=None, text=text, recurring="monthly")
    if _QUARTERLY.fullmatch(key):
        return Deadline(date=None, text=text, recurring="quarterly")

    key = _SUFFIX.sub("", key) or key
    day = _match_date(key, text, period_year)
    if day is None:
        raise DeadlineError("unreadable", f"cannot read '{text}' as a date", text=text)
    return _from_date(day, text)


def _match_date(key: str, text: str, period_year: int) -> dt.date | None:
    """The date a normalised deadline names, or None when no form matches."""
    if m := _NUMERIC_DATE.fullmatch(key):
        return _day(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_DAY.fullmatch(key):
        return _day(text, period_year, int(m[1]), int(m[2]))
    if m := _DAY.fullmatch(key):
        year = _year(m[1], m[2], period_year)
        return _day(text, year, _number(m[3]), _number(m[4]))
    if m := _MONTH_END.fullmatch(key):
        return _month_end(text, _year(m[1], m[2], period_year), _number(m[3]))
    if m := _YEAR_END.fullmatch(key):
        return dt.date(_year(m[1], m[2], period_year), 12, 31)
    if m := _HALF.fullmatch(key):
        month = 6 if m[3] == "上" else 12
        return _month_end(text, _year(m[1], m[2], period_year), month)
    if m := _QUARTER.fullmatch(key):
        if m[3] is not None:
            year, quarter = _year(m[1], m[2], period_year), _number(m[3])
        else:
            year, quarter = _year(m[4], m[5], period_year), int(m[6])
        if not 1 <= quarter <= 4:
            raise DeadlineError(
                "no_quarter",
                f"cannot read '{text}' as a date (there is no quarter {quarter})",
                text=text,
                quarter=quarter,
            )
        return _month_end(text, year, quarter * 3)
    return None


def _year(explicit: str | None, next_year: str | None, period_year: int) -> int:
    if explicit:
        return int(explicit)
    return period_year + 1 if next_year else period_year


def _number(token: str) -> int:
    """An Arabic or Chinese number as ``_NUM`` matches it (十二 → 12, 二十一 → 21)."""
    if token.isdigit():
        return int(token)
    if "十" not in token:
        return _CN_DIGITS[token]
    tens, _, units = token.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DeadlineError(
            "no_such_date", f"cannot read '{text}' as a date (there is no such date)", text=text
        ) from None


def _month_end(text: str, year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise DeadlineError(
            "no_month",
            f"cannot read '{text}' as a date (there is no month {month})",
            text=text,
            month=month,
        )
    return dt.date(year, month, calendar.monthrange(year, month)[1])
