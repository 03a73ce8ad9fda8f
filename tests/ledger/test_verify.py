"""``duban verify`` at the office's desk: evidence files re-hashed, the audit chain walked,
a published head checked; exit 0 when everything matches, 1 with each mismatch in words."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli.main import main
from bot.domain.audit import AuditAction, Origin
from bot.domain.audit_chain import GENESIS, ChainCheck
from bot.domain.items import ItemFields
from storage import ledger
from storage.audit import chain_head, chain_rows, record
from storage.db import connect, open_database
from storage.migrations import migrations, upgrade
from tests.desk import at_the_desk
from tests.tamper_tools import PHOTO, edit_event, last_event, ledger_with_a_photo, recompute_chain


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desk's database path, in a fresh folder."""
    return at_the_desk(monkeypatch, tmp_path)


def test_clean_record_exits_0_and_prints_the_head(env: Path, capsys) -> None:
    """An untouched ledger: every file and event matches, and the head is printed to keep."""
    ledger_with_a_photo(env, env.parent / "media")
    assert main(["--lang", "en", "verify"]) == 0
    out = capsys.readouterr().out
    event_id, head = last_event(env)
    assert f"chain head: event #{event_id} {head}" in out
    assert "checked 1 evidence file and" in out
    assert "OK: every evidence file and every audit event matches" in out
    assert main(["--lang", "en", "verify", "--head", head.upper()]) == 0


def test_an_altered_photo_is_named_with_the_hash_it_should_have(env: Path, capsys) -> None:
    """One byte changed in a stored photo: exit 1, the file and both hashes named."""
    photo = ledger_with_a_photo(env, env.parent / "media")
    photo.write_bytes(PHOTO.replace(b"workshop", b"warehouse"))
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"Evidence file changed: {photo.relative_to(env.parent / 'media')}" in out
    assert f"should have sha256 {photo.name}" in out
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in out


def test_a_missing_photo_is_named(env: Path, capsys) -> None:
    """A stored photo removed from MEDIA_DIR is a mismatch too."""
    photo = ledger_with_a_photo(env, env.parent / "media")
    photo.unlink()
    assert main(["--lang", "en", "verify"]) == 1
    assert f"Evidence file missing: sha256 {photo.name}" in capsys.readouterr().out


def test_an_audit_row_edited_with_sqlite3_is_named(env: Path, capsys) -> None:
    """The append-only trigger dropped and one event's actor changed: exit 1, event named."""
    ledger_with_a_photo(env, env.parent / "media")
    edit_event(env, 2, "someone else")
    assert main(["--lang", "en", "verify"]) == 1
    out = capsys.readouterr().out
    assert "Audit event #2 (created," in out
    assert "It was changed outside Duban" in out


def test_a_recomputed_chain_is_caught_only_by_the_published_head(env: Path, capsys) -> None:
    """An edit with every later hash recomputed passes a plain check (the chain alone cannot
    tell), and fails against the head published before the edit."""
    ledger_with_a_photo(env, env.parent / "media")
    _, published = last_event(env)
    edit_event(env, 2, "someone else")
    recompute_chain(env)
    assert main(["--lang", "en", "verify"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "verify", "--head", published]) == 1
    out = capsys.readouterr().out
    assert f"The published head {published} is not in the audit chain" in out


def test_report_in_chinese(env: Path, capsys) -> None:
    """The office can read the report in Chinese."""
    ledger_with_a_photo(env, env.parent / "media")
    edit_event(env, 1, "someone else")
    assert main(["verify", "--lang", "zh"]) == 1
    assert "审计事件 #1（created" in capsys.readouterr().out


def test_a_malformed_head_is_refused_with_the_reason(env: Path, capsys) -> None:
    """A head copied wrongly is not silently treated as 'not found': exit 2 and why."""
    ledger_with_a_photo(env, env.parent / "media")
    assert main(["--lang", "en", "verify", "--head", "abc123"]) == 2
    assert "must be the 64 hex characters" in capsys.readouterr().err


def test_no_database_is_an_error_not_a_new_empty_file(env: Path, capsys) -> None:
    """Verifying a path with no database says so and creates nothing."""
    assert main(["--lang", "en", "verify"]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not env.exists()


def test_events_chain_across_writers_and_bulk_imports(tmp_path: Path) -> None:
    """Single events, bulk-created items and events from a second connection form one
    unbroken chain, and the head is the newest event."""
    path = tmp_path / "duban.sqlite"
    first, second = open_database(path), connect(path)
    origin = Origin.cli(datetime(2024, 6, 3, tzinfo=UTC))
    ledger.ensure_period(first, "2024", 2024, origin)
    ledger.create_items(first, [ItemFields(f"问题{n}") for n in range(5)], "2024", origin)
    record(
        second, origin, entity="policy", action=AuditAction.CHANGED, after={"quiet_start": "21:00"}
    )
    record(
        first, origin, entity="policy", action=AuditAction.CHANGED, after={"quiet_start": "22:00"}
    )
    check = ChainCheck()
    for row in chain_rows(first):
        check.add(row)
    assert check.finish() == []
    assert check.events == 7  # five created items, two policy changes
    assert chain_head(second) == check.head


def test_upgrade_chains_the_events_already_there(tmp_path: Path) -> None:
    """A database from before the chain gets every old event linked, in order, and stays
    append-only."""
    path = tmp_path / "old.sqlite"
    old = connect(path)
    migrations.apply(old, stop_before="0009_audit_chain")
    for number in range(3):
        old.execute(
            "INSERT INTO audit_events (entity, action, actor_kind, actor, at) "
            "VALUES ('policy', ?, 'cli', 'office', '2024-01-01T00:00:00+00:00')",
            [f"set{number}"],
        )
    old.close()
    db = connect(path)
    upgrade(db)
    rows = list(chain_rows(db))
    assert rows[0]["prev_hash"] == GENESIS
    assert [row["prev_hash"] for row in rows[1:]] == [row["hash"] for row in rows[:-1]]
    check = ChainCheck()
    for row in rows:
        check.add(row)
    assert check.finish() == []
    with pytest.raises(Exception, match="append-only"):
        db.execute("UPDATE audit_events SET actor = 'x'")


def test_upgrade_puts_files_already_stored_into_the_chain(env: Path, capsys) -> None:
    """A photo stored before the chain held evidence hashes gets its file_stored event at
    the upgrade: verify is clean, and changing that row's sha256 afterwards is caught."""
    media = env.parent / "media"
    old = connect(env)
    migrations.apply(old, stop_before="0011_evidence_in_chain")
    digest = hashlib.sha256(PHOTO).hexdigest()
    path = media / digest[:2] / digest[2:4] / digest
    path.parent.mkdir(parents=True)
    path.write_bytes(PHOTO)
    old.execute(
        "INSERT INTO evidence (kind, sha256, taken_at, stored, created_at) "
        "VALUES ('photo', ?, '2024-06-03T01:00:00+00:00', 'stored', '2024-06-03T01:00:00+00:00')",
        [digest],
    )
    old.close()
    assert main(["--lang", "en", "verify"]) == 0  # opening it upgrades it
    assert "OK: every evidence file and every audit event matches" in capsys.readouterr().out
    db = connect(env)
    db.execute("UPDATE evidence SET sha256 = ? WHERE id = 1", ["ab" * 32])
    db.close()
    assert main(["--lang", "en", "verify"]) == 1
    assert f"the audit chain recorded {digest}" in capsys.readouterr().out


def test_every_export_publishes_the_head(env: Path, capsys) -> None:
    """`duban export` prints the chain head and writes it on the summary sheet, so each
    export is a copy of it kept outside the database."""
    ledger_with_a_photo(env, env.parent / "media")
    event_id, head = last_event(env)
    assert main(["export", "台账.xlsx"]) == 0
    assert f"审计链头：事件 #{event_id} {head}" in capsys.readouterr().out
    summary = openpyxl.load_workbook("台账.xlsx").worksheets[0]
    rows = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row[0]}
    assert rows["审计链头（sha256）"][:2] == (head, f"第 {event_id} 条审计事件")


def test_two_writers_at_once_never_fork_the_chain(tmp_path: Path) -> None:
    """The bot and `duban import` appending at the same moment (two connections, two
    threads): each append reads the head inside its write transaction, so the chain stays
    one line with every event in it."""
    path = tmp_path / "duban.sqlite"
    open_database(path).close()
    origin = Origin.cli(datetime(2024, 6, 3, tzinfo=UTC))

    def writer(name: str) -> None:
        db = connect(path)
        try:
            for number in range(150):  # each outside any transaction: record() takes one
                after = {"writer": name, "number": number}
                record(db, origin, entity="policy", action=AuditAction.CHANGED, after=after)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("bot", "cli")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db = connect(path)
    check = ChainCheck()
    for row in chain_rows(db):
        check.add(row)
    assert check.finish() == []
    assert check.events == 300
