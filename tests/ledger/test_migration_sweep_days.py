"""Migration 0018_sweep_days (issue 14): the sweep's dates become day numbers, every item
keeping the dates it had, and a changed item is still looked at at the next pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from storage.db import connect
from storage.migrations import migrations, upgrade
from storage.reminders import AT_NEXT_PASS, day_number

T = "2024-01-01T00:00:00+00:00"


def test_every_item_keeps_its_dates_as_day_numbers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = connect(path)
    migrations.apply(old, stop_before="0018_sweep_days")
    old.execute(f"INSERT INTO periods (id, name, year, created_at) VALUES (1, '2024', 2024, '{T}')")
    for item_id in (1, 2, 3):
        old.execute(
            "INSERT INTO items (id, code, period_id, problem, deadline, deadline_text, status, "
            "created_at, updated_at, last_activity_at) "
            "VALUES (?, ?, 1, '问题', '2024-06-30', '2024-06-30', 'open', ?, ?, ?)",
            [item_id, f"2024-{item_id:03d}", T, T, T],
        )
    old.execute("DELETE FROM sweep_schedule")
    old.execute(
        "INSERT INTO sweep_schedule (item_id, next_on, swept_on) VALUES "
        "(1, '2024-06-10', '2024-06-03'), (2, NULL, '2024-06-03'), (3, '', NULL)"
    )
    old.conn.commit()
    old.close()

    db = connect(path)
    assert "0018_sweep_days" in upgrade(db)
    assert db.execute("SELECT * FROM sweep_schedule ORDER BY item_id").fetchall() == [
        (1, day_number(date(2024, 6, 10)), day_number(date(2024, 6, 3))),
        (2, None, day_number(date(2024, 6, 3))),
        (3, AT_NEXT_PASS, None),
    ]
    assert day_number(date(2024, 6, 10)) == 19884  # days since 1970-01-01

    db.execute("UPDATE items SET deadline = '2024-09-30' WHERE id = 1")  # changed: look again
    assert db.execute("SELECT next_on FROM sweep_schedule WHERE item_id = 1").fetchall() == [
        (AT_NEXT_PASS,)
    ]
