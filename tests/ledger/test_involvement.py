"""Involvement (logged a finding, added evidence) against office assignment, in storage."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Actor, Event, Role, Status, may
from storage import ledger
from storage.db import open_database
from storage.review import merge_items

ORIGIN = Origin.cli(datetime(2025, 3, 1, tzinfo=UTC))
T = "2025-03-01T08:00:00+00:00"


def _world():
    db = open_database(":memory:")
    ledger.ensure_period(db, "2025", 2025, ORIGIN)
    first = ledger.create_item(db, ItemFields("研发投入不足", unit="科技局"), "2025", ORIGIN)
    second = ledger.create_item(db, ItemFields("研发投入偏低", unit="科技局"), "2025", ORIGIN)
    db.execute(
        "INSERT INTO people (id, account, name, role, created_at) VALUES "
        f"(1, 101, '王督查', 'inspector', '{T}'), (2, 102, '李代表', 'inspector', '{T}')"
    )
    return db, first.id, second.id


def test_involvement_is_shown_and_grants_nothing():
    """A finding makes 李代表 involved (audited once); he may not verify until assigned, and
    removing the assignment later leaves the involvement on record."""
    db, item_id, _ = _world()
    assert ledger.record_involvement(db, item_id, 2, ORIGIN)
    assert not ledger.record_involvement(db, item_id, 2, ORIGIN)
    item = ledger.get_item(db, item_id)
    assert (item.involved_ids, item.inspector_ids) == ({2}, frozenset())
    li = Actor(2, Role.INSPECTOR)
    assert not may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, li, item.parties)

    assert ledger.assign_inspector(db, item_id, 2, ORIGIN)
    assert may(
        Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, li, ledger.get_item(db, item_id).parties
    )
    assert ledger.unassign_inspector(db, item_id, 2, ORIGIN)
    assert ledger.unassign_inspector(db, item_id, 2, ORIGIN) is None
    item = ledger.get_item(db, item_id)
    assert (item.involved_ids, item.inspector_ids) == ({2}, frozenset())
    actions = [
        row[0]
        for row in db.execute(
            "SELECT action FROM audit_events WHERE item_id = ? AND action LIKE 'inspector%'",
            [item_id],
        )
    ]
    assert actions == ["inspector_involved", "inspector_assigned", "inspector_unassigned"]


def test_merging_a_duplicate_keeps_assignments_and_involvement_apart():
    """The office merges an on-the-spot duplicate: its assigned inspector stays assigned and
    its involved inspector stays merely involved on the item it is merged into."""
    db, target, duplicate = _world()
    ledger.assign_inspector(db, duplicate, 1, ORIGIN)
    ledger.record_involvement(db, duplicate, 2, ORIGIN)
    merge_items(db, duplicate, target, ORIGIN)
    item = ledger.get_item(db, target)
    assert (item.inspector_ids, item.involved_ids) == ({1}, {2})
