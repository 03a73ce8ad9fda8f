"""Migration 0015_sweep_schedule (issue 14): the sweep's dates move from ``items`` to a
narrow table of their own, every item keeping the dates it had, and a changed item is still
looked at again at the next pass."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from storage.db import connect
from storage.migrations import migrations

T = "2024-01-01T00:00:00+00:00"


def _item(db: sqlite_utils.Database, item_id: int, next_on: str | None, swept_on: str | None):
    db.execute(
        "INSERT INTO items (id, code, period_id, problem, deadline, deadline_text, status, "
        "created_at, updated_at, last_activity_at, next_sweep_on, swept_on) "
        "VALUES (?, ?, 1, '问题', '2024-06-30', '2024-06-30', 'open', ?, ?, ?, ?, ?)",
        [item_id, f"2024-{item_id:03d}", T, T, T, next_on, swept_on],
    )


def test_every_item_keeps_its_dates_and_a_changed_item_is_looked_at_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    old = connect(path)
    migrations.apply(old, stop_before="0015_sweep_schedule")
    old.execute(f"INSERT INTO periods (id, name, year, created_at) VALUES (1, '2024', 2024, '{T}')")
    _item(old, 1, "2024-06-10", "2024-06-03")  # looked at, next look on the 10th
    _item(old, 2, None, "2024-06-03")  # nothing left to do
    _item(old, 3, "", None)  # new: at the next pass
    old.conn.commit()
    old.close()

    db = connect(path)
    # Up to the migration that turned these dates into day numbers (test_migration_sweep_days).
    assert next(m.name for m in migrations.pending(db)) == "0015_sweep_schedule"
    migrations.apply(db, stop_before="0018_sweep_days")
    assert db.execute("SELECT * FROM sweep_schedule ORDER BY item_id").fetchall() == [
        (1, "2024-06-10", "2024-06-03"),
        (2, None, "2024-06-03"),
        (3, "", None),
    ]
    assert "next_sweep_on" not in db["items"].columns_dict

    db.execute("UPDATE items SET deadline = '2024-09-30' WHERE id = 1")  # changed: look again
    assert db.execute("SELECT * FROM sweep_schedule WHERE item_id = 1").fetchall() == [
        (1, "", "2024-06-03")
    ]
