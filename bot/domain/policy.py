"""Working policy: the reminder ladder, thresholds and push times the office may change.

The office changes these from the chat (``/settings``), so each field has a stable key (its
field name, which is also its key in the ``policy`` table), a JSON value for storage, a text
form an admin types and reads back, and a documented default. A ``Policy`` is always valid:
it checks itself when built, so a bad stored value fails loudly instead of silently
reminding nobody.

Every text form shown by ``describe()`` is accepted again by ``parse_setting()``.

A refused value says why by naming a ``Refusal`` and its values, never by an English
sentence: the admin who typed it reads the reason in their own language, worded from the
catalogue (``policy.error.<refusal>``) by the service that asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from enum import StrEnum
from typing import Any

from bot.domain.lifecycle import DomainError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PROGRESS_EVERY = ("monthly", "quarterly", "off")


class Refusal(StrEnum):
    """Why a setting value was refused: each names the catalogue message
    ``policy.error.<value>``, filled in with the values the PolicyError carries (listed here)."""

    UNKNOWN_SETTING = "unknown_setting"  # known: the settings that exist
    DAYS_LIST = "days_list"  # not whole numbers of days separated by commas
    DAYS_REPEATED = "days_repeated"  # a number of days given twice
    DAYS_RANGE = "days_range"  # low, high: a number of days outside them
    DAYS_ORDER = "days_order"  # not distinct and largest first
    FLAG = "flag"  # not on or off
    NUMBER_DAYS = "number_days"  # example: not a whole number of days
    NUMBER_WORKDAYS = "number_workdays"  # example
    NUMBER_HOURS = "number_hours"  # example
    NUMBER_METRES = "number_metres"  # example
    RANGE_DAYS = "range_days"  # low, high, value: a number outside low..high
    RANGE_WORKDAYS = "range_workdays"  # low, high, value
    RANGE_HOURS = "range_hours"  # low, high, value
    RANGE_METRES = "range_metres"  # low, high, value
    TIME = "time"  # not a local time of day like 09:00
    TIME_MINUTES = "time_minutes"  # a time with seconds
    PROGRESS = "progress"  # not monthly, quarterly or off
    WEEKDAY = "weekday"  # not a day of the week
    TEXT = "text"  # not text at all
    TEXT_TOO_LONG = "text_too_long"  # limit, length: longer than the limit
    TEXT_PRINTABLE = "text_printable"  # control characters or untidy spaces
    IN_QUIET_HOURS = "in_quiet_hours"  # time, start, end: a push time in quiet hours
    CLASH = "clash"  # the value breaks another setting: PolicyError.clash says how
    STORED = "stored"  # value: what the database holds is not a value of this setting


class PolicyError(DomainError):
    """A setting value was refused. ``refusal`` and ``values`` say why for the catalogue
    (``policy.error.<refusal>``); a CLASH carries the other setting's own refusal in
    ``clash``. The exception's text names them for the log only."""

    key = "error.policy"

    def __init__(
        self,
        setting: str,
        refusal: Refusal,
        *,
        clash: PolicyError | None = None,
        **values: object,
    ) -> None:
        shown = ", ".join(f"{name}={value}" for name, value in values.items())
        detail = f"{setting}: {refusal.value}" + (f" ({shown})" if shown else "")
        super().__init__(detail + (f": {clash}" if clash is not None else ""))
        self.setting = setting
        self.refusal = refusal
        self.clash = clash
        self.values = values


@dataclass(frozen=True)
class Policy:
    """The office's working rules. Defaults follow the committee office's usual practice."""

    # Remind this many days before a deadline (largest first); () turns them off.
    reminder_days_before: tuple[int, ...] = (7, 3, 1)
    # Remind on the deadline day itself.
    remind_on_deadline_day: bool = True
    # While overdue, remind again every this many working days, counted from the item's own
    # deadline, until the item is closed (bot.domain.reminders).
    overdue_every_days: int = 3
    # Overdue items are yellow; red once overdue by more than this many days (提级监督).
    red_after_overdue_days: int = 30
    # The one daily digest per person goes out at this local time on working days.
    daily_push_time: time = time(9, 0)
    # Urgent messages that arrive in quiet hours wait until quiet_end (never dropped).
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    # A contact who has not acknowledged (签收) an item after this many working days is late.
    ack_overdue_workdays: int = 2
    # A closed item is looked at again (回头看) this many days after close-out.
    lookback_after_days: int = 90
    # A visit with no new message for this many hours is ended automatically.
    visit_idle_hours: int = 4
    # An invitation link stays valid this many days.
    invitation_days: int = 7
    # An invitation that makes an administrator is a key to everything: it lapses sooner.
    admin_invitation_hours: int = 24
    # 长期坚持 items get a progress request on the last working day of each month/quarter.
    ongoing_progress_every: str = "monthly"
    # The weekly digest for admins and leaders: weekday (0 = Monday) and local time.
    weekly_digest_day: int = 0
    weekly_digest_time: time = time(9, 0)
    # A visit whose location is farther than this many metres from the company is flagged
    # 位置不符 (never refused): 500 m covers a large works and a poor phone fix.
    presence_radius_m: int = 500
    # The raw text of a processed update (what people typed, where they stood) is dropped
    # this many days after it was handled; its id stays, so a repeat is still recognised.
    update_retention_days: int = 90
    # What the office's documents say of themselves (workbooks, 通报, dossiers, charts).
    # Empty means the catalogue's wording in the reader's language (bot/builders/letterhead.py).
    # The issuing office, in 通报 headers, 落款 and every document's footer.
    office_name: str = ""
    # The programme supervised, in titles: 关于{programme}督办事项办理情况的通报.
    programme: str = ""
    # The 代字 of a 通报's 文号: 皋人大办 gives 皋人大办〔2026〕12号.
    notice_prefix: str = ""
    # The 通报's closing section 下步要求, as the office words it (lines kept).
    notice_requirements: str = ""
    # The daily backup (bot/jobs/backups.py): the folder it goes into, relative to the
    # database's folder unless absolute; by default next to the database, which protects
    # against mistakes and a damaged file but not a lost disk: point it at another disk.
    backup_dir: str = "backups"
    # The local time it is taken: at night, when nobody is visiting.
    backup_time: time = time(3, 0)
    # How many backups are kept (one a day, so a week); older ones are deleted.
    backup_keep: int = 7

    def __post_init__(self) -> None:
        for name in SETTING_KEYS:
            _SETTINGS[name].check(getattr(self, name))
        for name in ("daily_push_time", "weekly_digest_time"):
            if self.is_quiet(getattr(self, name)):
                raise PolicyError(
                    name,
                    Refusal.IN_QUIET_HOURS,
                    time=_show_time(getattr(self, name)),
                    start=_show_time(self.quiet_start),
                    end=_show_time(self.quiet_end),
                )

    def is_quiet(self, local_time: time) -> bool:
        """Whether a local time of day lies in quiet hours, which may wrap past midnight;
        equal start and end mean no quiet hours at all."""
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= local_time < end
        return local_time >= start or local_time < end

    @classmethod
    def defaults(cls) -> Policy:
        return cls()

    def to_values(self) -> dict[str, object]:
        """Every key with its JSON-serialisable value, as the storage keeps them."""
        return {name: _SETTINGS[name].encode(getattr(self, name)) for name in SETTING_KEYS}

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Policy:
        """Build from stored values: unknown keys are ignored (an older or newer version
        wrote them), missing keys take their default, and a bad value raises PolicyError."""
        # Each setting decodes to its own type, which the Policy checks as it is built.
        known: dict[str, Any] = {
            name: _SETTINGS[name].decode(name, values[name])
            for name in SETTING_KEYS
            if name in values
        }
        return cls(**known)

    def with_setting(self, key: str, text: str) -> Policy:
        """This policy with one value changed from an admin's typed text, fully checked.

        A value that is fine alone but clashes with another setting (quiet hours covering the
        push time) is refused under the key the admin is changing, so the message makes sense.
        """
        changes: dict[str, Any] = {key: parse_setting(key, text)}  # checked as it is built
        try:
            return replace(self, **changes)
        except PolicyError as error:
            if error.setting == key:
                raise
            raise PolicyError(key, Refusal.CLASH, clash=error) from error

    def describe(self) -> list[SettingView]:
        """What the ``/settings`` screen lists, in a fixed order; labels come from i18n."""
        default = Policy()
        return [
            SettingView(
                key=name,
                value=_SETTINGS[name].show(getattr(self, name)),
                default=_SETTINGS[name].show(getattr(default, name)),
            )
            for name in SETTING_KEYS
        ]


@dataclass(frozen=True)
class SettingView:
    """One line of the settings screen: the key (for the i18n label), current and default."""

    key: str
    value: str
    default: str

    @property
    def changed(self) -> bool:
        return self.value != self.default


def parse_setting(key: str, text: str) -> object:
    """Turn an admin's typed value into the field's value, or raise PolicyError saying why."""
    setting = _SETTINGS.get(key)
    if setting is None:
        raise PolicyError(key, Refusal.UNKNOWN_SETTING, known=", ".join(SETTING_KEYS))
    value = setting.parse(key, text.strip())
    setting.check(value)
    return value


# --- one small codec per kind of value -----------------------------------------------------


@dataclass(frozen=True)
class _Setting:
    """How one field is parsed from text, checked, stored as JSON and shown back."""

    parse: Callable[[str, str], object]
    check: Callable[[object], None]
    encode: Callable[[object], object]
    decode: Callable[[str, object], object]
    show: Callable[[object], str]


_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_OFF_WORDS = frozenset({"none", "off", "no", "-", "无", "不提醒", "关", "关闭"})


def _parse_days_list(key: str, text: str) -> tuple[int, ...]:
    if text.lower() in _OFF_WORDS:
        return ()
    parts = [part for part in _SEPARATORS.split(text) if part]
    if not parts or not all(part.isdecimal() for part in parts):
        raise PolicyError(key, Refusal.DAYS_LIST)
    return _days_list_value(key, [int(part) for part in parts])


def _days_list_value(key: str, days: list[int]) -> tuple[int, ...]:
    if len(set(days)) != len(days):
        raise PolicyError(key, Refusal.DAYS_REPEATED)
    return tuple(sorted(days, reverse=True))


def _check_days_list(value: object) -> None:
    key = "reminder_days_before"
    if not isinstance(value, tuple) or not all(_is_int(day) for day in value):
        raise PolicyError(key, Refusal.DAYS_LIST)
    if any(not 1 <= day <= 365 for day in value):
        raise PolicyError(key, Refusal.DAYS_RANGE, low=1, high=365)
    if list(value) != sorted(set(value), reverse=True):
        raise PolicyError(key, Refusal.DAYS_ORDER)


def _decode_days_list(key: str, raw: object) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(_is_int(day) for day in raw):
        raise PolicyError(key, Refusal.STORED, value=repr(raw))
    return _days_list_value(key, raw)


def _encode_days_list(value: object) -> object:
    assert isinstance(value, tuple)
    return list(value)


def _show_days_list(value: object) -> str:
    assert isinstance(value, tuple)
    return ",".join(str(day) for day in value) if value else "none"


_TRUE_WORDS = frozenset({"on", "yes", "true", "1", "是", "开", "开启"})
_FALSE_WORDS = frozenset({"off", "no", "false", "0", "否", "关", "关闭"})


def _parse_flag(key: str, text: str) -> bool:
    word = text.lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise PolicyError(key, Refusal.FLAG)


def _check_flag(value: object) -> None:
    if not isinstance(value, bool):
        raise PolicyError("remind_on_deadline_day", Refusal.FLAG)


def _decode_flag(key: str, raw: object) -> bool:
    if not isinstance(raw, bool):
        raise PolicyError(key, Refusal.STORED, value=repr(raw))
    return raw


def _show_flag(value: object) -> str:
    return "on" if value else "off"


@dataclass(frozen=True)
class _Unit:
    """What a count counts, as its two refusals say it: not a number, out of range."""

    number: Refusal
    range: Refusal


_IN_DAYS = _Unit(Refusal.NUMBER_DAYS, Refusal.RANGE_DAYS)
_IN_WORKDAYS = _Unit(Refusal.NUMBER_WORKDAYS, Refusal.RANGE_WORKDAYS)
_IN_HOURS = _Unit(Refusal.NUMBER_HOURS, Refusal.RANGE_HOURS)
_IN_METRES = _Unit(Refusal.NUMBER_METRES, Refusal.RANGE_METRES)


def _count(key: str, low: int, high: int, unit: _Unit, suffixes: str, example: int) -> _Setting:
    """A whole number between low and high; the admin may add a unit word (3天, 4小时)."""
    pattern = re.compile(rf"(\d+)\s*(?:{suffixes})?", re.IGNORECASE)

    def parse(key: str, text: str) -> int:
        match = pattern.fullmatch(text)
        if match is None:
            raise PolicyError(key, unit.number, example=example)
        return int(match.group(1))

    def check(value: object) -> None:
        if not _is_int(value):
            raise PolicyError(key, unit.number, example=example)
        assert isinstance(value, int)
        if not low <= value <= high:
            raise PolicyError(key, unit.range, low=low, high=high, value=value)

    def decode(key: str, raw: object) -> int:
        if not _is_int(raw):
            raise PolicyError(key, Refusal.STORED, value=repr(raw))
        assert isinstance(raw, int)
        return raw

    return _Setting(parse=parse, check=check, encode=_same, decode=decode, show=str)


_TIME = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})")


def _parse_time(key: str, text: str) -> time:
    match = _TIME.fullmatch(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise PolicyError(key, Refusal.TIME)
    return time(int(match.group(1)), int(match.group(2)))


def _time_check(key: str) -> Callable[[object], None]:
    def check(value: object) -> None:
        if not isinstance(value, time) or value.tzinfo is not None:
            raise PolicyError(key, Refusal.TIME)
        if value.second or value.microsecond:
            raise PolicyError(key, Refusal.TIME_MINUTES)

    return check


def _decode_time(key: str, raw: object) -> time:
    if not isinstance(raw, str):
        raise PolicyError(key, Refusal.STORED, value=repr(raw))
    return _parse_time(key, raw)


def _show_time(value: object) -> str:
    assert isinstance(value, time)
    return value.strftime("%H:%M")


_PROGRESS_WORDS = {
    "monthly": "monthly",
    "month": "monthly",
    "每月": "monthly",
    "按月": "monthly",
    "月": "monthly",
    "quarterly": "quarterly",
    "quarter": "quarterly",
    "每季度": "quarterly",
    "按季度": "quarterly",
    "季度": "quarterly",
    "off": "off",
    "none": "off",
    "never": "off",
    "关": "off",
    "关闭": "off",
    "不提醒": "off",
}


def _parse_progress(key: str, text: str) -> str:
    value = _PROGRESS_WORDS.get(text.lower())
    if value is None:
        raise PolicyError(key, Refusal.PROGRESS)
    return value


def _check_progress(value: object) -> None:
    if value not in PROGRESS_EVERY:
        raise PolicyError("ongoing_progress_every", Refusal.PROGRESS)


def _decode_progress(key: str, raw: object) -> str:
    if raw not in PROGRESS_EVERY:
        raise PolicyError(key, Refusal.STORED, value=repr(raw))
    assert isinstance(raw, str)
    return raw


def _weekday_words() -> dict[str, int]:
    """Every way an admin may name a weekday: mon, Monday, 周一, 星期一, or ISO 1–7."""
    words: dict[str, int] = {"周天": 6, "星期天": 6}
    english = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for number, (short, long, zh) in enumerate(
        zip(WEEKDAYS, english, "一二三四五六日", strict=True)
    ):
        words.update({short: number, long: number, f"周{zh}": number, f"星期{zh}": number})
        words[str(number + 1)] = number
    return words


_WEEKDAY_WORDS = _weekday_words()


def _parse_weekday(key: str, text: str) -> int:
    value = _WEEKDAY_WORDS.get(text.lower())
    if value is None:
        raise PolicyError(key, Refusal.WEEKDAY)
    return value


def _check_weekday(value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 6:
        raise PolicyError("weekly_digest_day", Refusal.WEEKDAY)


def _decode_weekday(key: str, raw: object) -> int:
    if not isinstance(raw, str) or raw not in WEEKDAYS:
        raise PolicyError(key, Refusal.STORED, value=repr(raw))
    return WEEKDAYS.index(raw)


def _show_weekday(value: object) -> str:
    assert isinstance(value, int)
    return WEEKDAYS[value]


_DEFAULT_WORDS = frozenset({"default", "默认", "-", "none", "无"})


def _text(key: str, limit: int, lines: bool = False) -> _Setting:
    """Free text up to ``limit`` characters; a default word (默认, default) empties it, and
    empty means the catalogue's wording. One-line texts have their spaces collapsed."""

    def clean(text: str) -> str:
        text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t ")
        if lines:
            rows = (" ".join(row.split()) for row in text.splitlines())
            return "\n".join(row for row in rows if row)
        return " ".join(text.split())

    def parse(key: str, text: str) -> str:
        return "" if text.strip().lower() in _DEFAULT_WORDS else clean(text)

    def check(value: object) -> None:
        if not isinstance(value, str):
            raise PolicyError(key, Refusal.TEXT)
        if len(value) > limit:
            raise PolicyError(key, Refusal.TEXT_TOO_LONG, limit=limit, length=len(value))
        if value != clean(value):
            raise PolicyError(key, Refusal.TEXT_PRINTABLE)

    def decode(key: str, raw: object) -> str:
        if not isinstance(raw, str):
            raise PolicyError(key, Refusal.STORED, value=repr(raw))
        return raw

    return _Setting(parse=parse, check=check, encode=_same, decode=decode, show=_show_text)


def _folder(key: str, limit: int) -> _Setting:
    """A folder as typed: one line of printable text with no spaces around it; a default
    word (默认, default) or nothing gives the default folder."""
    default = "backups"

    def parse(key: str, text: str) -> str:
        text = text.strip()
        return default if not text or text.lower() in _DEFAULT_WORDS else text

    def check(value: object) -> None:
        if not isinstance(value, str) or not value:
            raise PolicyError(key, Refusal.TEXT)
        if len(value) > limit:
            raise PolicyError(key, Refusal.TEXT_TOO_LONG, limit=limit, length=len(value))
        if not value.isprintable() or value != value.strip():
            raise PolicyError(key, Refusal.TEXT_PRINTABLE)

    def decode(key: str, raw: object) -> str:
        if not isinstance(raw, str):
            raise PolicyError(key, Refusal.STORED, value=repr(raw))
        return raw

    return _Setting(parse=parse, check=check, encode=_same, decode=decode, show=str)


def _show_text(value: object) -> str:
    assert isinstance(value, str)
    return value or "default"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _same(value: object) -> object:
    return value


def _time_setting(key: str) -> _Setting:
    return _Setting(
        parse=_parse_time,
        check=_time_check(key),
        encode=_show_time,
        decode=_decode_time,
        show=_show_time,
    )


_DAYS = "天|日|days?|d"
_SETTINGS: dict[str, _Setting] = {
    "reminder_days_before": _Setting(
        parse=_parse_days_list,
        check=_check_days_list,
        encode=_encode_days_list,
        decode=_decode_days_list,
        show=_show_days_list,
    ),
    "remind_on_deadline_day": _Setting(
        parse=_parse_flag,
        check=_check_flag,
        encode=_same,
        decode=_decode_flag,
        show=_show_flag,
    ),
    "overdue_every_days": _count(
        "overdue_every_days", 1, 60, _IN_DAYS, "个?工作日|workdays?|working days?|" + _DAYS, 3
    ),
    "red_after_overdue_days": _count("red_after_overdue_days", 0, 3650, _IN_DAYS, _DAYS, 30),
    "daily_push_time": _time_setting("daily_push_time"),
    "quiet_start": _time_setting("quiet_start"),
    "quiet_end": _time_setting("quiet_end"),
    "ack_overdue_workdays": _count(
        "ack_overdue_workdays",
        1,
        30,
        _IN_WORKDAYS,
        "个?工作日|workdays?|working days?|天|days?",
        2,
    ),
    "lookback_after_days": _count("lookback_after_days", 1, 3650, _IN_DAYS, _DAYS, 90),
    "visit_idle_hours": _count("visit_idle_hours", 1, 168, _IN_HOURS, "个?小时|hours?|h", 4),
    "invitation_days": _count("invitation_days", 1, 365, _IN_DAYS, _DAYS, 7),
    "admin_invitation_hours": _count(
        "admin_invitation_hours", 1, 168, _IN_HOURS, "个?小时|hours?|h", 24
    ),
    "ongoing_progress_every": _Setting(
        parse=_parse_progress,
        check=_check_progress,
        encode=_same,
        decode=_decode_progress,
        show=str,
    ),
    "weekly_digest_day": _Setting(
        parse=_parse_weekday,
        check=_check_weekday,
        encode=_show_weekday,
        decode=_decode_weekday,
        show=_show_weekday,
    ),
    "weekly_digest_time": _time_setting("weekly_digest_time"),
    "presence_radius_m": _count(
        "presence_radius_m", 50, 100_000, _IN_METRES, "米|公尺|m|metres?|meters?", 500
    ),
    "update_retention_days": _count("update_retention_days", 7, 3650, _IN_DAYS, _DAYS, 90),
    "office_name": _text("office_name", 40),
    "programme": _text("programme", 30),
    "notice_prefix": _text("notice_prefix", 12),
    "notice_requirements": _text("notice_requirements", 1000, lines=True),
    "backup_dir": _folder("backup_dir", 200),
    "backup_time": _time_setting("backup_time"),
    "backup_keep": _count("backup_keep", 1, 365, _IN_DAYS, "份|个|backups?|" + _DAYS, 7),
}
SETTING_KEYS: tuple[str, ...] = tuple(field.name for field in fields(Policy))
