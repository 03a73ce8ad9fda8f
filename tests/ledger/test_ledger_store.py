"""The ledger's repository: every change audited, deadlines kept, rolling keeps history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.audit import ActorKind, Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Actor, Event, NotPermitted, Role, Status
from storage import ledger
from storage.audit import item_events
from storage.db import open_database

AT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
ADMIN = Actor(100, Role.ADMIN)


@pytest.fixture
def db():
    database = open_database(":memory:")
    ledger.ensure_period(database, "2024", 2024, Origin.cli(AT))
    return database


def _item(db, **overrides):
    fields = ItemFields(
        problem="孵化器建设进度缓慢",
        seq="12",
        measure="加快双创载体建设",
        unit="科技局",
        co_units=("工信局",),
        deadline=date(2024, 6, 30),
        deadline_text="6月底",
        target="净增100家",
        target_number=100.0,
        area="双创载体",
        town="高新区",
        company="卓远半导体",
    )
    return ledger.create_item(
        db, ItemFields(**{**fields.__dict__, **overrides}), "2024", Origin.cli(AT)
    )


def test_code_follows_the_sheet_number_and_never_collides(db) -> None:
    """Codes like 2024-012 are stable and unique even when 序号 repeats across sheets."""
    first = _item(db)
    second = _item(db, problem="另一问题")
    assert first.code == "2024-012"
    assert second.code == "2024-013"


def test_creation_and_sheet_update_are_audited_with_before_and_after(db) -> None:
    """Who changed what, from which file, is on record for every item."""
    item = _item(db)
    origin = Origin(ActorKind.IMPORT, "ab" * 32, AT)
    changed = ledger.update_sheet_fields(
        db, item.id, ItemFields(problem=item.problem, seq="12", unit="工信局"), origin
    )
    assert changed["unit"] == ("科技局", "工信局")
    events = item_events(db, item.id)
    assert [e["action"] for e in events] == ["created", "sheet_updated"]
    assert events[1]["actor"] == "ab" * 32
    assert events[1]["before"]["unit"] == "科技局"
    assert events[1]["after"]["unit"] == "工信局"


def test_lifecycle_change_is_checked_and_audited(db) -> None:
    """A close-out can only be approved by someone outside the unit; each step is recorded."""
    item = _item(db)
    contact = Actor(5, Role.CONTACT, item.unit_id)
    origin = Origin(ActorKind.USER, "555", AT, update_id=42)
    item = ledger.apply_event(db, item.id, Event.REQUEST_CLOSE, contact, origin, has_evidence=True)
    assert item.status is Status.CLOSE_REQUESTED
    with pytest.raises(NotPermitted):
        ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, contact, origin)
    item = ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, ADMIN, origin)
    assert item.status is Status.CLOSED and item.closed_at == AT
    last = item_events(db, item.id)[-1]
    assert last["action"] == "approve_close" and last["update_id"] == 42


def test_extension_keeps_every_earlier_deadline(db) -> None:
    """延期 moves the deadline; the old one stays in the history."""
    item = _item(db)
    item = ledger.extend_deadline(db, item.id, date(2024, 9, 30), "设备未到", ADMIN, Origin.cli(AT))
    item = ledger.extend_deadline(db, item.id, date(2024, 12, 31), "再延", ADMIN, Origin.cli(AT))
    assert item.deadline == date(2024, 12, 31)
    assert item.status is Status.OPEN
    kept = [(h["deadline"], h["deadline_text"]) for h in ledger.deadline_history(db, item.id)]
    assert kept == [("2024-06-30", "6月底"), ("2024-09-30", "2024-09-30")]


def test_rolling_carries_unfinished_items_with_code_and_history(db) -> None:
    """滚动办理: open items move to the new period, closed ones stay, codes do not change."""
    open_item = _item(db)
    closed = _item(db, problem="已解决的问题", seq="13")
    ledger.apply_event(db, closed.id, Event.REQUEST_CLOSE, ADMIN, Origin.cli(AT), has_evidence=True)
    ledger.apply_event(db, closed.id, Event.APPROVE_CLOSE, Actor(9, Role.LEADER), Origin.cli(AT))

    carried = ledger.roll_over(db, "2025", 2025, Origin.cli(AT))
    assert carried == [open_item.code]
    assert ledger.get_item(db, open_item.code).period == "2025"
    assert ledger.get_item(db, closed.code).period == "2024"
    periods = db.execute(
        "SELECT p.name FROM item_periods ip JOIN periods p ON p.id = ip.period_id "
        "WHERE item_id = ? ORDER BY p.year",
        [open_item.id],
    ).fetchall()
    assert periods == [("2024",), ("2025",)]
    assert [e["action"] for e in item_events(db, open_item.id)] == ["created", "rolled_over"]
