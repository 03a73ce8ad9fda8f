"""The office's working policy: defaults, storage values and what an admin may type."""

from __future__ import annotations

import json
from datetime import time

import pytest

from bot.domain.policy import SETTING_KEYS, Policy, PolicyError, Refusal, parse_setting


def test_defaults_are_the_documented_practice() -> None:
    """A fresh install reminds 7, 3 and 1 days ahead and pushes at 09:00 outside 21:00–08:00."""
    policy = Policy.defaults()
    assert policy.reminder_days_before == (7, 3, 1)
    assert policy.remind_on_deadline_day is True
    assert policy.overdue_every_days == 3
    assert policy.red_after_overdue_days == 30
    assert policy.daily_push_time == time(9, 0)
    assert (policy.quiet_start, policy.quiet_end) == (time(21, 0), time(8, 0))
    assert policy.ack_overdue_workdays == 2
    assert policy.lookback_after_days == 90
    assert policy.visit_idle_hours == 4
    assert policy.invitation_days == 7
    assert policy.ongoing_progress_every == "monthly"
    assert (policy.weekly_digest_day, policy.weekly_digest_time) == (0, time(9, 0))


def test_values_survive_a_json_round_trip() -> None:
    """What the database stores as JSON reads back as the same policy."""
    policy = Policy(reminder_days_before=(5, 2), weekly_digest_day=4, quiet_end=time(7, 30))
    stored = json.loads(json.dumps(policy.to_values()))
    assert Policy.from_values(stored) == policy
    assert stored["reminder_days_before"] == [5, 2]
    assert stored["weekly_digest_day"] == "fri"
    assert stored["quiet_end"] == "07:30"


def test_unknown_keys_are_ignored_and_missing_keys_default() -> None:
    """A value left by another version of the bot does not stop it from starting."""
    policy = Policy.from_values({"overdue_every_days": 5, "retired_setting": True})
    assert policy == Policy(overdue_every_days=5)


def test_a_corrupt_stored_value_is_named() -> None:
    """A bad value in the database fails loudly with its key, rather than reminding nobody."""
    with pytest.raises(PolicyError, match=r"^overdue_every_days: stored \(value='3'\)"):
        Policy.from_values({"overdue_every_days": "3"})
    with pytest.raises(PolicyError, match=r"^overdue_every_days: range_days \(low=1, high=60"):
        Policy.from_values({"overdue_every_days": 0})


def test_days_list_accepts_chinese_separators() -> None:
    """An admin may type 7，3、1 from a Chinese keyboard; the order does not matter."""
    assert parse_setting("reminder_days_before", "7，3、1") == (7, 3, 1)
    assert parse_setting("reminder_days_before", " 1, 7 ,3 ") == (7, 3, 1)
    assert parse_setting("reminder_days_before", "无") == ()


def test_days_list_error_says_what_is_expected() -> None:
    """A mistyped list is refused with the key and the refusal whose message shows the
    right form (the words are the catalogue's: tests/service/test_settings_refusals.py)."""
    with pytest.raises(PolicyError) as caught:
        parse_setting("reminder_days_before", "7,3,x")
    assert str(caught.value) == "reminder_days_before: days_list"
    assert (caught.value.setting, caught.value.refusal) == ("reminder_days_before", "days_list")
    with pytest.raises(PolicyError) as caught:
        parse_setting("reminder_days_before", "3,3")
    assert caught.value.refusal is Refusal.DAYS_REPEATED
    with pytest.raises(PolicyError) as caught:
        parse_setting("reminder_days_before", "0")
    assert (caught.value.refusal, caught.value.values) == (
        Refusal.DAYS_RANGE,
        {"low": 1, "high": 365},
    )


def test_numbers_may_carry_their_unit() -> None:
    """Typing 5天 or 6小时 works as well as a bare number."""
    assert parse_setting("overdue_every_days", "5天") == 5
    assert parse_setting("visit_idle_hours", "6小时") == 6
    assert parse_setting("ack_overdue_workdays", "3个工作日") == 3
    with pytest.raises(PolicyError, match=r"^visit_idle_hours: number_hours \(example=4\)"):
        parse_setting("visit_idle_hours", "5天")


def test_numbers_out_of_range_are_refused() -> None:
    """A value that would break reminders (every 0 days) is refused with the allowed range."""
    with pytest.raises(PolicyError) as caught:
        parse_setting("overdue_every_days", "0")
    assert (caught.value.refusal, caught.value.values) == (
        Refusal.RANGE_DAYS,
        {"low": 1, "high": 60, "value": 0},
    )


def test_times_accept_a_full_width_colon() -> None:
    """09:30, 9:30 and 9：30 all mean half past nine."""
    assert parse_setting("daily_push_time", "9：30") == time(9, 30)
    assert parse_setting("daily_push_time", "09:30") == time(9, 30)
    with pytest.raises(PolicyError, match=r"^quiet_start: time$"):
        parse_setting("quiet_start", "25:00")


def test_weekday_and_progress_words() -> None:
    """The weekly digest day and the ongoing-item rhythm accept Chinese and English words."""
    assert parse_setting("weekly_digest_day", "周三") == 2
    assert parse_setting("weekly_digest_day", "Friday") == 4
    assert parse_setting("weekly_digest_day", "7") == 6
    assert parse_setting("ongoing_progress_every", "每季度") == "quarterly"
    assert parse_setting("remind_on_deadline_day", "关") is False


def test_unknown_setting_lists_the_known_ones() -> None:
    """A typo in a key is answered with the list of keys that exist."""
    with pytest.raises(PolicyError) as caught:
        parse_setting("reminder_day", "7")
    assert caught.value.refusal is Refusal.UNKNOWN_SETTING
    assert caught.value.values == {"known": ", ".join(SETTING_KEYS)}


def test_push_time_inside_quiet_hours_is_refused_under_the_changed_key() -> None:
    """Moving quiet hours over the push time is refused, and the message names quiet_end."""
    policy = Policy.defaults()
    with pytest.raises(PolicyError) as caught:
        policy.with_setting("quiet_end", "10:00")
    assert (caught.value.setting, caught.value.refusal) == ("quiet_end", Refusal.CLASH)
    clash = caught.value.clash
    assert clash is not None and clash.setting == "daily_push_time"
    assert (clash.refusal, clash.values) == (
        Refusal.IN_QUIET_HOURS,
        {"time": "09:00", "start": "21:00", "end": "10:00"},
    )
    with pytest.raises(PolicyError) as caught:
        policy.with_setting("daily_push_time", "22:00")
    assert (caught.value.setting, caught.value.refusal) == ("daily_push_time", "in_quiet_hours")
    assert policy.with_setting("quiet_end", "7:00").quiet_end == time(7, 0)


def test_settings_screen_lists_every_key_with_value_and_default() -> None:
    """/settings shows each key's current value beside its default, in a fixed order."""
    policy = Policy.defaults().with_setting("overdue_every_days", "5")
    rows = policy.describe()
    assert [row.key for row in rows] == list(SETTING_KEYS)
    changed = [row for row in rows if row.changed]
    assert [(row.key, row.value, row.default) for row in changed] == [
        ("overdue_every_days", "5", "3")
    ]


def test_every_shown_value_can_be_typed_back() -> None:
    """Copying a value from the settings screen into /settings gives the same value."""
    policy = Policy(reminder_days_before=(), remind_on_deadline_day=False, weekly_digest_day=6)
    for row in policy.describe():
        assert parse_setting(row.key, row.value) == getattr(policy, row.key)
        assert parse_setting(row.key, row.default) == getattr(Policy(), row.key)


def test_document_texts_default_to_empty_and_take_typed_text() -> None:
    """The office names itself once; 默认 gives the catalogue's wording back."""
    policy = Policy()
    assert (policy.office_name, policy.programme, policy.notice_prefix) == ("", "", "")
    named = policy.with_setting("office_name", "  如皋市人大常委会   办公室 ")
    assert named.office_name == "如皋市人大常委会 办公室"
    assert named.with_setting("office_name", "默认").office_name == ""
    assert Policy.from_values(named.to_values()) == named


def test_notice_requirements_keep_their_lines_and_refuse_overlong_text() -> None:
    typed = "一、抓紧办理。\n\n  二、按时销号。\x07"
    assert Policy().with_setting("notice_requirements", typed).notice_requirements == (
        "一、抓紧办理。\n二、按时销号。"
    )
    with pytest.raises(PolicyError) as refused:
        Policy().with_setting("notice_prefix", "皋" * 13)
    assert refused.value.setting == "notice_prefix"
    assert (refused.value.refusal, refused.value.values) == (
        Refusal.TEXT_TOO_LONG,
        {"limit": 12, "length": 13},
    )
    with pytest.raises(PolicyError):
        Policy.from_values({"programme": 12})


def test_backup_settings_have_their_documented_defaults_and_are_checked() -> None:
    """Backups go into backups/ beside the database at 03:00, seven kept; the folder may be
    any path, 默认 gives the default back, and keeping none or a folder with a line break
    is refused."""
    policy = Policy()
    assert (policy.backup_dir, policy.backup_time, policy.backup_keep) == ("backups", time(3), 7)
    moved = policy.with_setting("backup_dir", " /srv/backup/duban ")
    assert moved.backup_dir == "/srv/backup/duban"
    assert moved.with_setting("backup_dir", "默认").backup_dir == "backups"
    assert policy.with_setting("backup_keep", "14份").backup_keep == 14
    assert policy.with_setting("backup_time", "2:30").backup_time == time(2, 30)
    with pytest.raises(PolicyError) as caught:
        policy.with_setting("backup_keep", "0")
    assert caught.value.refusal is Refusal.RANGE_DAYS
    with pytest.raises(PolicyError) as caught:
        Policy(backup_dir="/srv/\nbackup")
    assert caught.value.refusal is Refusal.TEXT_PRINTABLE
