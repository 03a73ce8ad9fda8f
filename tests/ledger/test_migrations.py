"""Schema upgrades at start-up, and refusal of a database from a newer Duban."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.db import connect, open_database
from storage.migrations import SchemaTooNewError, migrations, upgrade


def test_empty_database_gets_every_migration(tmp_path: Path) -> None:
    """A fresh file becomes a full schema with the pragmas every connection needs."""
    db = open_database(tmp_path / "duban.sqlite")
    assert not migrations.pending(db)
    assert {"items", "audit_events", "inbox", "outbox", "evidence"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_older_database_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    """A database made by an earlier version upgrades itself and loses nothing."""
    path = tmp_path / "old.sqlite"
    names = [m.name for m in migrations.pending(connect(":memory:"))]
    old = connect(path)
    migrations.apply(old, stop_before=names[-1] if len(names) > 1 else None)
    old.execute(
        "INSERT INTO units (name, created_at) VALUES ('科技局', '2024-01-01T00:00:00+00:00')"
    )
    old.close()

    db = connect(path)
    upgrade(db)
    assert not migrations.pending(db)
    assert db.execute("SELECT name FROM units").fetchall() == [("科技局",)]


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    """Old code never runs on a schema it does not know; the message says what to do."""
    path = tmp_path / "new.sqlite"
    open_database(path).close()
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('duban', '9999_from_the_future', '2030-01-01')"
    )
    raw.commit()
    raw.close()
    with pytest.raises(SchemaTooNewError, match="9999_from_the_future"):
        open_database(path)


def test_audit_events_cannot_be_changed_or_deleted() -> None:
    """The trail is append-only, even for someone with a SQL prompt."""
    db = open_database(":memory:")
    db.execute(
        "INSERT INTO audit_events (entity, action, actor_kind, actor, at) "
        "VALUES ('item', 'created', 'cli', 'me', '2024-01-01T00:00:00+00:00')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_events SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_events")
