"""Migration 0014_leader_units (issue 14): a database from before 分管 upgrades with its
people and units kept, and every leader in it still hears of every red item."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2024-01-01T00:00:00+00:00"


def test_a_database_from_before_leader_units_upgrades_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    old = connect(path)
    migrations.apply(old, stop_before="0014_leader_units")
    old.execute(f"INSERT INTO units (id, name, created_at) VALUES (1, '科技局', '{T}')")
    old.execute(
        "INSERT INTO people (id, account, name, role, language, created_at) "
        f"VALUES (5, '7301', '陈主任', 'leader', 'zh', '{T}')"
    )
    old.conn.commit()
    assert "leader_units" not in old.table_names()
    old.close()

    db = connect(path)
    assert upgrade(db)[0] == "0014_leader_units"
    assert db.execute("SELECT name, role FROM people").fetchall() == [("陈主任", "leader")]
    assert db.execute("SELECT name FROM units").fetchall() == [("科技局",)]
    # Nobody oversees anything yet: every leader hears of all, as before the upgrade.
    assert db.execute("SELECT COUNT(*) FROM leader_units").fetchone()[0] == 0
    db.execute("INSERT INTO leader_units (person_id, unit_id) VALUES (5, 1)")
    with pytest.raises(sqlite3.IntegrityError):  # a unit that does not exist
        db.execute("INSERT INTO leader_units (person_id, unit_id) VALUES (5, 99)")
    with pytest.raises(sqlite3.IntegrityError):  # the same unit twice
        db.execute("INSERT INTO leader_units (person_id, unit_id) VALUES (5, 1)")
