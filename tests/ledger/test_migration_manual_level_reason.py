"""Upgrading to 0013_manual_level_reason: a level raised by hand before keeps its colour."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.domain.audit import Origin
from bot.domain.lifecycle import Actor, Role
from storage import ledger
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2025-03-01T08:00:00+00:00"


def _old_database(path: Path) -> None:
    """A 0012 database with one item the office raised to red by hand."""
    old = connect(path)
    migrations.apply(old, stop_before="0013_manual_level_reason")
    for statement in (
        f"INSERT INTO periods (id, name, year, created_at) VALUES (1, '2025', 2025, '{T}')",
        f"INSERT INTO units (id, name, created_at) VALUES (1, '科技局', '{T}')",
        "INSERT INTO people (id, platform, account, name, role, created_at) VALUES "
        f"(1, 'telegram', '9000', '王主任', 'admin', '{T}')",
        "INSERT INTO items (id, code, period_id, problem, unit_id, status, manual_level, "
        "created_at, updated_at, last_activity_at) VALUES (1, '2025-001', 1, '研发投入不足', 1, "
        f"'in_progress', 'red', '{T}', '{T}', '{T}')",
    ):
        old.execute(statement)
    old.conn.commit()
    old.close()


def test_a_raised_level_survives_and_can_be_lowered_with_a_reason(tmp_path: Path) -> None:
    """After the upgrade the item is still red by hand, with no reason nor person recorded;
    the office can then lower it with a reason, kept beside the level."""
    path = tmp_path / "old.sqlite"
    _old_database(path)
    db = connect(path)
    assert upgrade(db)[0] == "0013_manual_level_reason"
    assert ledger.get_item(db, 1).manual_level == "red"
    assert ledger.manual_level(db, 1) == ledger.ManualLevel("red", "", None)

    origin = Origin.cli(datetime(2025, 3, 5, tzinfo=UTC))
    changed = ledger.set_manual_level(
        db, 1, "blue", "专题会后进度追上", 1, Actor(1, Role.ADMIN), origin
    )
    assert changed.manual_level == "blue"
    assert ledger.manual_level(db, 1) == ledger.ManualLevel("blue", "专题会后进度追上", 1)
