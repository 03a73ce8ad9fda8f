"""A database made by the first released Duban upgrades to today's schema, nothing lost.

tests/fixtures/first_release/ was written by that release's own code (commit 1e91b28;
scripts/make_first_release_fixture.py says how), not by today's migrations replayed: the
office that installed Duban in November 2026 has exactly such a file. Each later release
adds its own fixture folder beside it and one entry to RELEASES.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main as duban
from bot.integrity import check
from storage.db import open_database
from storage.migrations import migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELEASES = ("first_release",)
FIRST_RELEASE_MIGRATIONS = [
    "0001_ledger",
    "0002_conversation",
    "0003_visits",
    "0004_reminders",
    "0005_report_jobs",
]

# What a person relies on in each table, read before and after the upgrade. 0012 renamed
# two columns when it gave people and messages a platform: {account} and {chat} name them.
BEFORE_0012 = {"account": "CAST(tg_user_id AS TEXT)", "chat": "CAST(chat_id AS TEXT)"}
AFTER_0012 = {"account": "account", "chat": "chat"}
KEPT = {
    "items": "SELECT code, problem, status, deadline, target FROM items ORDER BY id",
    "people": "SELECT name, role, language, active, {account} FROM people ORDER BY id",
    "units": "SELECT name FROM units ORDER BY id",
    "companies": "SELECT name, town_id FROM companies ORDER BY id",
    "findings": "SELECT visit_id, item_id, text FROM findings ORDER BY id",
    "visits": "SELECT company_id, latitude, longitude, ended_at FROM visits ORDER BY id",
    "evidence": "SELECT item_id, finding_id, kind, sha256, caption FROM evidence ORDER BY id",
    "acks": "SELECT item_id, unit_id, kind, acked_at FROM acks ORDER BY id",
    "audit_events": (
        "SELECT id, at, action, item_id, entity, entity_id, actor, before, after "
        "FROM audit_events ORDER BY id"
    ),
    "inbox": "SELECT update_id, status FROM inbox ORDER BY update_id",
    "outbox": ("SELECT id, {chat}, method, payload, status, message_id FROM outbox ORDER BY id"),
    "closeout_requests": "SELECT item_id, text, status, reason FROM closeout_requests",
    "deadline_history": "SELECT item_id, deadline, reason FROM deadline_history",
}


def _copy(release: str, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(FIXTURES / release, tmp_path / release)
    return tmp_path / release / "duban.sqlite", tmp_path / release / "media"


def _read(path: Path, names: dict[str, str]) -> tuple[dict[str, int], dict[str, list[tuple]]]:
    with sqlite3.connect(path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        kept = {
            table: conn.execute(query.format(**names)).fetchall() for table, query in KEPT.items()
        }
    return counts, kept


@pytest.mark.parametrize("release", RELEASES)
def test_fixture_is_what_that_release_wrote(release: str) -> None:
    """The fixture is an old schema with real rows, not today's schema in disguise."""
    counts, kept = _read(FIXTURES / release / "duban.sqlite", BEFORE_0012)
    with sqlite3.connect(FIXTURES / release / "duban.sqlite") as conn:
        applied = [name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == FIRST_RELEASE_MIGRATIONS
    for table in KEPT:
        assert counts[table] > 0, f"the fixture has no {table}"
    assert {role for _name, role, *_ in kept["people"]} == {
        "admin", "inspector", "contact", "leader"
    }  # fmt: skip


@pytest.mark.parametrize("release", RELEASES)
def test_upgrade_keeps_every_row_and_the_audit_chain_verifies(release: str, tmp_path: Path) -> None:
    """Every migration since that release applies; no table loses a row (0006 turned the
    finding-made inspector rows into involvement, on purpose), every value a person relies
    on reads the same, and the audit chain and evidence files verify."""
    path, media = _copy(release, tmp_path)
    before_counts, before = _read(path, BEFORE_0012)
    with sqlite3.connect(path) as conn:  # 0006 made these involvement, not assignments
        involved = conn.execute(
            "SELECT item_id, person_id FROM item_inspectors WHERE assigned_by = 'finding'"
        ).fetchall()

    db = open_database(path)
    try:
        report = check(db, media)
        still_pending = list(migrations.pending(db))
    finally:
        db.close()
    after_counts, after = _read(path, AFTER_0012)

    assert still_pending == []
    before_counts["item_inspectors"] -= len(involved)
    for table, count in before_counts.items():
        if table == "_sqlite_migrations":
            continue
        assert after_counts.get(table, 0) >= count, f"{table}: {count} → {after_counts.get(table)}"
    with sqlite3.connect(path) as conn:
        now_involved = conn.execute("SELECT item_id, person_id FROM item_involvement").fetchall()
    assert set(involved) <= set(now_involved)
    for table, rows in before.items():  # migrations may add rows (file_stored events), after
        assert after[table][: len(rows)] == rows, f"{table} changed in the upgrade"
    assert after["items"] == before["items"] and after["evidence"] == before["evidence"]
    assert report.problems == []
    assert report.events >= before_counts["audit_events"]
    assert report.files == len([file for file in media.rglob("*") if file.is_file()])


@pytest.mark.parametrize("release", RELEASES)
def test_duban_verify_passes_on_the_upgraded_database(
    release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """What the office would run after upgrading: `duban verify` says all is well."""
    path, media = _copy(release, tmp_path)
    open_database(path).close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("MEDIA_DIR", str(media))
    assert duban(["--lang", "en", "verify"]) == 0
    assert "mismatch" not in capsys.readouterr().out.lower()
