"""An item due today says so, and English counts agree with their number (issue 14):
今天到期 / due today instead of 还有 0 天 / in 0 days; 1 day, not 1 days."""

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


def _item(recording: Recording, problem: str, days: int) -> str:
    """An item whose deadline is ``days`` from today (negative: overdue); its code."""
    origin = Origin.system(NOW, "test")
    ledger.ensure_period(recording.db, "2026", 2026, origin)
    deadline = local_day(NOW, SHANGHAI) + timedelta(days=days)
    fields = ItemFields(problem=problem, unit="科技局", deadline=deadline)
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
