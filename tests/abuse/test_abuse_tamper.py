"""Someone with the database file, the sqlite3 shell and MEDIA_DIR tries to bend the record
without it showing: ``duban verify`` must name each attempt and exit 1."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.desk import at_the_desk
from tests.tamper_tools import PHOTO, last_event, ledger_with_a_photo


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desk's database path, in a fresh folder."""
    return at_the_desk(monkeypatch, tmp_path)


def _sql(db_path: Path, *statements: str) -> None:
    """Run statements as the sqlite3 shell would, the delete trigger dropped first."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DROP TRIGGER audit_events_no_delete")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_a_removed_event_is_named_by_the_event_after_it(env: Path, capsys) -> None:
    """Deleting an event from the middle of the trail breaks the next event's link."""
    ledger_with_a_photo(env, env.parent / "media")
    _sql(env, "DELETE FROM audit_events WHERE id = 2")
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert "Audit event #3 records the previous hash" in out
    assert "the event before it (#1)" in out


def test_cutting_off_the_newest_events_fails_against_the_published_head(env: Path, capsys) -> None:
    """Removing the newest events leaves a chain valid in itself; the head published before
    (in the weekly message, an export or a dossier) is no longer in it."""
    ledger_with_a_photo(env, env.parent / "media")
    _, published = last_event(env)
    _sql(env, "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
    assert main(["--lang", "en", "verify"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "verify", "--head", published]) == 1
    assert f"The published head {published} is not in the audit chain" in capsys.readouterr().out


def test_an_event_inserted_by_hand_is_not_part_of_the_chain(env: Path, capsys) -> None:
    """A row slipped in with INSERT (the triggers allow inserts) carries no valid hash."""
    ledger_with_a_photo(env, env.parent / "media")
    _sql(
        env,
        "INSERT INTO audit_events (item_id, entity, entity_id, action, actor_kind, actor, at) "
        "VALUES (1, 'item', 1, 'approve_close', 'user', '6001', '2024-06-03T02:00:00+00:00')",
    )
    assert main(["--lang", "en", "verify"]) == 1
    assert "has no chain hash: it was not written by Duban" in capsys.readouterr().out


def test_a_photo_swapped_for_another_under_the_same_name_is_named(env: Path, capsys) -> None:
    """Replacing a stored photo with a different picture, keeping its file name."""
    photo = ledger_with_a_photo(env, env.parent / "media")
    other = b"\xff\xd8 another picture entirely \xff\xd9"
    photo.write_bytes(other)
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert hashlib.sha256(other).hexdigest() in out
    assert f"should have sha256 {hashlib.sha256(PHOTO).hexdigest()}" in out


def test_a_photo_swapped_together_with_its_rows_hash_is_named(env: Path, capsys) -> None:
    """The other picture written under its own sha256 and the evidence row pointed at it
    (the evidence table has no triggers): file and row agree, the chain does not."""
    photo = ledger_with_a_photo(env, env.parent / "media")
    other = b"\xff\xd8 another picture entirely \xff\xd9"
    digest = hashlib.sha256(other).hexdigest()
    planted = env.parent / "media" / digest[:2] / digest[2:4] / digest
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(other)
    photo.unlink()
    conn = sqlite3.connect(env)
    with conn:
        conn.execute("UPDATE evidence SET sha256 = ? WHERE id = 1", [digest])
    conn.close()
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"Evidence #1 records sha256 {digest}" in out
    assert f"the audit chain recorded {photo.name} when its file was stored" in out


def test_an_evidence_row_inserted_by_hand_is_named(env: Path, capsys) -> None:
    """A stored evidence row with a real file but no file_stored event: not stored by Duban."""
    ledger_with_a_photo(env, env.parent / "media")
    other = b"\xff\xd8 a picture from elsewhere \xff\xd9"
    digest = hashlib.sha256(other).hexdigest()
    planted = env.parent / "media" / digest[:2] / digest[2:4] / digest
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(other)
    conn = sqlite3.connect(env)
    with conn:
        conn.execute(
            "INSERT INTO evidence (item_id, kind, sha256, taken_at, stored, created_at) "
            "VALUES (1, 'photo', ?, '2024-06-03T02:00:00+00:00', 'stored', "
            "'2024-06-03T02:00:00+00:00')",
            [digest],
        )
    conn.close()
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"Evidence #2 has sha256 {digest}, which the audit chain never recorded" in out


def test_a_file_planted_under_a_hash_name_is_named(env: Path, capsys) -> None:
    """A file put into MEDIA_DIR under some sha256 that is not its content's is a mismatch,
    even when no evidence row points at it yet."""
    ledger_with_a_photo(env, env.parent / "media")
    name = "ab" * 32
    planted = env.parent / "media" / "ab" / "ab" / name
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"planted")
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"Evidence file changed: ab/ab/{name} (evidence #—) should have sha256 {name}" in out


def test_the_append_only_triggers_survive_the_upgrade(env: Path) -> None:
    """Through the bot's own connection, events still cannot be changed or deleted."""
    ledger_with_a_photo(env, env.parent / "media")
    conn = sqlite3.connect(env)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_events SET hash = NULL")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_events")
    finally:
        conn.close()
