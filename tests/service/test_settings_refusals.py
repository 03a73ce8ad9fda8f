"""A refused /settings value says why in the admin's own language (issue 15): the policy
names the refusal, the chat words it, so a Chinese admin never reads "expected whole numbers
of days…" and an English admin reads it in English. Nothing refused is saved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from storage import people
from storage.policy import load_policy
from tests.recording import Recording
from tests.report_seed import _person

ENGLISH_WORDS = ("expected", "must be", "between", "conflicts", "characters")


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite")
    yield recording
    recording.close()


def test_a_chinese_admin_reads_every_refusal_in_chinese(recording: Recording) -> None:
    admin = recording.desk(_person(recording.db, "办公室", Role.ADMIN, None, 6501))
    admin.send("/settings")
    admin.expect("提醒规则")

    admin.tap("到期前提醒天数")
    admin.send("7，3，x")
    refused = admin.expect("无法保存「到期前提醒天数」").text
    assert "请输入用逗号分隔的整数天数，如 7,3,1" in refused
    admin.send("3，3")  # asked again: the dialog stays open after a refusal
    assert "同一个天数只能出现一次" in admin.expect("无法保存").text
    admin.send("400")
    assert "每个天数须在 1 到 365 之间" in admin.expect("无法保存").text

    admin.tap("逾期后每隔几个工作日提醒")
    admin.send("0")
    assert "须在 1 到 60 天之间，不能是 0" in admin.expect("无法保存").text

    admin.tap("走访闲置自动结束（小时）")
    admin.send("5天")
    assert "请输入整数小时数，如 4" in admin.expect("无法保存").text

    admin.tap("免打扰结束")
    admin.send("10:00")
    refused = admin.expect("无法保存「免打扰结束」").text
    assert "会与「每日推送时间」冲突：09:00 在免打扰时段 21:00–10:00 之内" in refused

    admin.tap("每日推送时间")
    admin.send("25:00")
    assert "请输入当地时间（时：分），如 09:00" in admin.expect("无法保存").text

    admin.tap("发文机关")
    admin.send("如" * 41)
    assert "最多 40 个字，现为 41 个字" in admin.expect("无法保存「发文机关」").text

    admin.tap("周报星期")
    admin.send("某天")
    assert "请输入星期几，如 周一" in admin.expect("无法保存").text

    for shown in admin.shown:
        assert not any(word in shown.text for word in ENGLISH_WORDS), shown.text
    policy = load_policy(recording.db)
    assert policy.reminder_days_before == (7, 3, 1)
    assert policy.overdue_every_days == 3 and policy.office_name == ""
    assert policy.quiet_end.strftime("%H:%M") == "08:00"


def test_an_english_admin_reads_every_refusal_in_english(recording: Recording) -> None:
    admin_id = _person(recording.db, "Office", Role.ADMIN, None, 6502)
    people.set_language(recording.db, admin_id, "en")
    admin = recording.desk(admin_id)
    admin.send("/settings")
    admin.expect("Remind days before deadline")

    admin.tap("Remind days before deadline")
    admin.send("7,3,x")
    refused = admin.expect("Cannot save “Remind days before deadline”").text
    assert "expected whole numbers of days separated by commas, like 7,3,1 (or none)" in refused

    admin.tap("Overdue: remind every N working days")
    admin.send("0")
    assert "must be between 1 and 60 days, not 0" in admin.expect("Cannot save").text

    admin.tap("Location mismatch beyond (metres)")
    admin.send("10")
    assert "must be between 50 and 100000 metres, not 10" in admin.expect("Cannot save").text

    admin.tap("Quiet hours end")
    admin.send("10:00")
    refused = admin.expect("Cannot save “Quiet hours end”").text
    assert "conflicts with “Daily push time”: 09:00 falls in the quiet hours 21:00–10:00" in (
        refused
    )

    admin.tap("Remind on the deadline day")
    admin.send("maybe")
    assert "expected on or off" in admin.expect("Cannot save").text

    admin.tap("Issuing office")
    admin.send("O" * 41)
    assert "at most 40 characters, not 41" in admin.expect("Cannot save “Issuing office”").text

    for shown in admin.shown:
        assert "请输入" not in shown.text and "须在" not in shown.text, shown.text
    policy = load_policy(recording.db)
    assert policy.overdue_every_days == 3 and policy.presence_radius_m == 500
    assert policy.remind_on_deadline_day is True and policy.office_name == ""


def test_a_stored_setting_nobody_can_read_is_said_politely(recording: Recording) -> None:
    """A policy value edited by hand into the database stops what needs the policy with
    a message in the reader's language, never a traceback or an English sentence."""
    admin = recording.desk(_person(recording.db, "办公室", Role.ADMIN, None, 6503))
    recording.db.execute(
        "INSERT INTO policy (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
        ["visit_idle_hours", json.dumps("四小时"), "2026-12-01T00:00:00+00:00", "sql"],
    )
    admin.send("/settings")
    assert "办公室的工作设置中有一项无效" in admin.expect("/settings").text
