"""Migration 0007: invitation codes kept only as their sha256, with no plain code left."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from storage.db import connect, open_database
from storage.people import get_invitation
from tests.invitation_seed import LIVE, REVOKED, USED, old_database

CODES = (LIVE, USED, REVOKED)


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    old_database(path, 9000, traces=True)
    assert all(code.encode() in path.read_bytes() for code in CODES)  # the seed holds them
    open_database(path).close()
    return path


def test_no_plain_code_remains_in_the_file(upgraded: Path) -> None:
    """After the upgrade the database file holds none of the codes, used or not — not in
    the table, the buttons, the inbox, the outbox, the audit trail or free pages."""
    data = upgraded.read_bytes()
    assert not any(code.encode() in data for code in CODES)
    wal = upgraded.with_name(upgraded.name + "-wal")
    assert not wal.exists() or not any(code.encode() in wal.read_bytes() for code in CODES)


def test_codes_are_found_by_their_hash(upgraded: Path) -> None:
    """Links already sent keep working: the typed code is hashed and found, with its state."""
    db = connect(upgraded)
    try:
        live, used, revoked = (get_invitation(db, code) for code in CODES)
        assert live.code_hash == hashlib.sha256(LIVE.encode()).hexdigest()
        assert live.name == "王督查" and live.used_at is None and live.revoked_at is None
        assert used.used_at is not None and revoked.revoked_at is not None
        assert live.created_by_person == 1 and live.message_key == "u7:1"
        assert get_invitation(db, "not-a-code") is None
    finally:
        db.close()


def test_old_traces_point_at_the_invitation_not_its_code(upgraded: Path) -> None:
    """The old revoke button now names the invitation by id; the audit trail stays
    append-only after its revocation event was cleaned."""
    db = connect(upgraded)
    try:
        live = get_invitation(db, LIVE)
        payload = db.execute("SELECT payload FROM buttons WHERE token = 'tok1'").fetchone()[0]
        assert json.loads(payload) == {"invitation": live.id}
        with pytest.raises(Exception, match="append-only"):
            db.execute("UPDATE audit_events SET actor = 'x'")
    finally:
        db.close()


def test_upgrade_with_the_update_trigger_dropped_by_hand(tmp_path: Path) -> None:
    """An old database whose append-only UPDATE trigger someone dropped (as 0009 allows for)
    still upgrades: the revocation's code is cleaned and both triggers are there after."""
    path = tmp_path / "old.sqlite"
    old_database(path, 9000, traces=True)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER audit_events_no_update")
    conn.close()
    open_database(path).close()
    assert REVOKED.encode() not in path.read_bytes()
    db = connect(path)
    try:
        with pytest.raises(Exception, match="append-only"):
            db.execute("UPDATE audit_events SET actor = 'x'")
        with pytest.raises(Exception, match="append-only"):
            db.execute("DELETE FROM audit_events")
    finally:
        db.close()
