"""An item due today says so, and English counts agree with their number (issue 14):
今天到期 / due today instead of 还有 0 天 / in 0 days; 1 day, not 1 days. The item card and
a visit's item lines say a deadline in the same words (issue 15: bot/services/due_words.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import local_day
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from storage import ledger, people
from tests.recording import SHANGHAI, Recording
from tests.report_seed import _person

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, a Tuesday


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite", now=NOW)
    yield recording
    recording.close()


def _item(recording: Recording, problem: str, days: int, company: str | None = None) -> str:
    """An item whose deadline is ``days`` from today (negative: overdue); its code."""
    origin = Origin.system(NOW, "test")
    ledger.ensure_period(recording.db, "2026", 2026, origin)
    deadline = local_day(NOW, SHANGHAI) + timedelta(days=days)
    town = "磨头镇" if company else None
    fields = ItemFields(
        problem=problem, unit="科技局", deadline=deadline, company=company, town=town
    )
    return ledger.create_item(recording.db, fields, "2026", origin).code


def test_the_card_of_an_item_due_today_says_due_today(recording: Recording) -> None:
    today, one_day_late = _item(recording, "研发投入偏低", 0), _item(recording, "人才引进难", -1)
    admin_id = _person(recording.db, "办公室", Role.ADMIN, None, 6401)
    admin = recording.desk(admin_id)

    admin.send(f"/item {today}")
    card = admin.expect(today).text
    assert "（今天到期）" in card and "还有 0 天" not in card
    admin.send(f"/item {one_day_late}")
    assert "（逾期 1 天）" in admin.expect(one_day_late).text

    people.set_language(recording.db, admin_id, "en")
    admin.send(f"/item {today}")
    card = admin.expect(today).text
    assert "(due today)" in card and "in 0 days" not in card
    admin.send(f"/item {one_day_late}")
    card = admin.expect(one_day_late).text
    assert "(1 day overdue)" in card and "1 days" not in card


def test_a_visit_lists_its_items_deadlines_in_the_cards_words(recording: Recording) -> None:
    """Standing at a company, the inspector reads each open item's deadline as its card
    says it: days left, due today or days overdue, in Chinese and in English."""
    codes = {
        days: _item(recording, f"问题{index}", days, company="卓远半导体")
        for index, days in enumerate((-12, -1, 0, 1, 30))
    }
    inspector_id = _person(recording.db, "王督查", Role.INSPECTOR, None, 6402)
    inspector = recording.desk(inspector_id)
    inspector.send("/visit 卓远")
    inspector.tap("卓远半导体（磨头镇）")
    card = inspector.expect("走访中").text
    lines = {days: _line_of(card, code) for days, code in codes.items()}
    assert lines[-12].endswith("截止 2026-02-26（逾期 12 天）")
    assert lines[-1].endswith("截止 2026-03-09（逾期 1 天）")
    assert lines[0].endswith("截止 2026-03-10（今天到期）")
    assert lines[1].endswith("截止 2026-03-11（还有 1 天）")
    assert lines[30].endswith("截止 2026-04-09（还有 30 天）")

    admin = recording.desk(_person(recording.db, "办公室", Role.ADMIN, None, 6403))
    admin.send(f"/item {codes[-12]}")
    assert "办理时限：2026-02-26（逾期 12 天）" in admin.expect(codes[-12]).text

    people.set_language(recording.db, inspector_id, "en")
    inspector.send("/visit")
    card = inspector.expect("visit open since").text
    lines = {days: _line_of(card, code) for days, code in codes.items()}
    assert lines[-12].endswith("due 2026-02-26 (12 days overdue)")
    assert lines[-1].endswith("due 2026-03-09 (1 day overdue)")
    assert lines[0].endswith("due 2026-03-10 (due today)")
    assert lines[1].endswith("due 2026-03-11 (in 1 day)")
    assert lines[30].endswith("due 2026-04-09 (in 30 days)")


def _line_of(card: str, code: str) -> str:
    (line,) = [line for line in card.splitlines() if code in line]
    return line
