"""Upgrading to 0006_inspector_assignments: finding-made "assignments" become involvement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.domain.audit import Origin
from bot.domain.lifecycle import Actor, Event, Role, Status, may
from storage import ledger
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2025-03-01T08:00:00+00:00"


def _old_database(path: Path) -> None:
    """A 0005 database: 王 assigned by the office, 李 only by tying a finding, 张 both ways."""
    old = connect(path)
    migrations.apply(old, stop_before="0006_inspector_assignments")
    sql = [
        f"INSERT INTO periods (id, name, year, created_at) VALUES (1, '2025', 2025, '{T}')",
        f"INSERT INTO units (id, name, created_at) VALUES (1, '科技局', '{T}')",
        "INSERT INTO people (id, tg_user_id, name, role, created_at) VALUES "
        f"(1, 101, '王督查', 'inspector', '{T}'), (2, 102, '李代表', 'inspector', '{T}'), "
        f"(3, 103, '张督查', 'inspector', '{T}')",
        "INSERT INTO items (id, code, period_id, problem, unit_id, status, created_at, "
        f"updated_at, last_activity_at) VALUES (1, '2025-001', 1, '研发投入不足', 1, "
        f"'close_requested', '{T}', '{T}', '{T}')",
        "INSERT INTO item_inspectors (item_id, person_id, assigned_by, assigned_at) VALUES "
        f"(1, 1, 'office', '{T}'), (1, 2, 'finding', '{T}'), (1, 3, 'office', '{T}')",
        "INSERT INTO findings (item_id, person_id, text, created_at) VALUES "
        f"(1, 2, '现场发现', '{T}'), (1, 3, '设备闲置', '2025-03-02T08:00:00+00:00')",
    ]
    for statement in sql:
        old.execute(statement)
    old.conn.commit()
    old.close()


def test_finding_rows_become_involvement_and_lose_the_right_to_verify(tmp_path: Path):
    """After the upgrade only the office's inspectors verify; 李 is shown as involved."""
    path = tmp_path / "old.sqlite"
    _old_database(path)
    db = connect(path)
    assert upgrade(db)[0] == "0006_inspector_assignments"

    item = ledger.get_item(db, 1)
    assert item.inspector_ids == {1, 3}
    assert item.involved_ids == {2, 3}  # 张 logged a finding as well as being assigned
    assert (
        db.execute("SELECT count(*) FROM item_inspectors WHERE assigned_by = 'finding'").fetchone()[
            0
        ]
        == 0
    )
    li = Actor(2, Role.INSPECTOR)
    assert not may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, li, item.parties)
    assert may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, Actor(1, Role.INSPECTOR), item.parties)


def test_office_assignment_of_an_involved_inspector_takes_effect(tmp_path: Path):
    """Assigning 李 after the upgrade makes them a verifier (no row keeps ``finding``)."""
    path = tmp_path / "old.sqlite"
    _old_database(path)
    db = connect(path)
    upgrade(db)
    origin = Origin.cli(datetime(2025, 3, 5, tzinfo=UTC))
    assert ledger.assign_inspector(db, 1, 2, origin)
    item = ledger.get_item(db, 1)
    assert 2 in item.inspector_ids and 2 in item.involved_ids
    assert may(Event.APPROVE_CLOSE, Status.CLOSE_REQUESTED, Actor(2, Role.INSPECTOR), item.parties)
    row = db.execute(
        "SELECT assigned_by FROM item_inspectors WHERE item_id = 1 AND person_id = 2"
    ).fetchone()
    assert row == ("office",)
