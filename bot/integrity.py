"""Re-checking the record: every evidence file against its sha256, the audit hash chain, and
optionally a chain head published earlier. ``duban verify`` and the weekly self-check both
run ``check``; it reads and hashes for seconds to minutes, so the bot runs it in the report
builder process (bot/jobs/self_check.py), never on the event loop.
"""

from __future__ import annotations

import hashlib
import html
import os
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.builders.build import IN, OUT
from bot.builders.timeline import media_file
from bot.domain.audit_chain import HEX64, ChainCheck, Head, Problem
from bot.i18n import t
from storage import evidence
from storage.audit import chain_rows
from storage.db import connect


@dataclass(frozen=True)
class IntegrityReport:
    files: int  # evidence files re-hashed
    events: int  # audit events walked
    head: Head | None  # the chain's newest event, as found
    problems: list[Problem]

    @property
    def clean(self) -> bool:
        return not self.problems


def check(
    db: sqlite_utils.Database, media_dir: Path, published_head: str | None = None
) -> IntegrityReport:
    """Everything ``duban verify`` looks at, read in one snapshot of the database."""
    db.conn.execute("BEGIN")  # deferred: a read snapshot, no write lock
    try:
        chain = ChainCheck(published_head=published_head)
        for row in chain_rows(db):
            chain.add(row)
        stored = _stored_rows(db)
        rows_problems = _rows_against_chain(stored, evidence.chained_hashes(db))
    finally:
        db.conn.execute("COMMIT")
    files, media_problems = _check_media(media_dir, _by_file(stored))
    problems = rows_problems + media_problems + chain.finish()
    return IntegrityReport(files, chain.events, chain.head, problems)


def check_path(
    db_path: Path, media_dir: Path, published_head: str | None = None
) -> IntegrityReport:
    """``check`` on a read-only connection of its own: the builder process's entry point."""
    db = connect(db_path, read_only=True)
    try:
        return check(db, media_dir, published_head)
    finally:
        db.close()


def _stored_rows(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """Every evidence row whose file was stored, with the sha256 it records."""
    return db.execute(
        "SELECT id, sha256 FROM evidence WHERE stored = 'stored' AND sha256 IS NOT NULL ORDER BY id"
    ).fetchall()


def _by_file(stored: list[tuple[int, str]]) -> dict[str, list[int]]:
    """Each stored file's sha256 with the evidence rows that point at it."""
    recorded: dict[str, list[int]] = {}
    for evidence_id, sha256 in stored:
        recorded.setdefault(sha256, []).append(evidence_id)
    return recorded


def _rows_against_chain(stored: list[tuple[int, str]], chained: dict[int, str]) -> list[Problem]:
    """Each stored evidence row's sha256 against the one the chain recorded when its file
    was stored: a file swapped together with its row's hash matches itself, not the chain."""
    problems = []
    for evidence_id, sha256 in stored:
        values = {"evidence": evidence_id, "stored": sha256}
        if evidence_id not in chained:
            problems.append(Problem("evidence_unchained", values))
        elif chained[evidence_id] != sha256:
            problems.append(
                Problem("evidence_rehashed", values | {"chained": chained[evidence_id]})
            )
    return problems


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _check_media(media_dir: Path, recorded: dict[str, list[int]]) -> tuple[int, list[Problem]]:
    """Re-hash every recorded file and every other content-addressed file in MEDIA_DIR."""
    problems: list[Problem] = []
    checked = 0
    seen: set[Path] = set()
    for sha256, evidence_ids in recorded.items():
        evidence = ", #".join(str(number) for number in evidence_ids)
        path = media_file(media_dir, sha256)
        if path is None:
            problems.append(Problem("media_missing", {"sha256": sha256, "evidence": evidence}))
            continue
        seen.add(path)
        checked += 1
        actual = file_sha256(path)
        if actual != sha256:
            problems.append(_altered(media_dir, path, sha256, actual, evidence))
    for path in _content_addressed(media_dir):
        if path in seen:
            continue
        checked += 1
        expected = path.name.split(".")[0]
        actual = file_sha256(path)
        if actual != expected:
            problems.append(_altered(media_dir, path, expected, actual, "—"))
    return checked, problems


def _altered(media_dir: Path, path: Path, expected: str, actual: str, evidence: str) -> Problem:
    values = {
        "path": str(path.relative_to(media_dir)),
        "evidence": evidence,
        "expected": expected,
        "actual": actual,
    }
    return Problem("media_altered", values)


def _content_addressed(media_dir: Path) -> list[Path]:
    """Files named by their sha256 (``ab/cd/<sha256>``, flat or with an extension); the
    report jobs' own folders (out/, in/) hold no evidence and are left alone."""
    found: list[Path] = []
    if not media_dir.is_dir():
        return found
    for folder, directories, names in os.walk(media_dir):
        if Path(folder) == media_dir:
            directories[:] = [name for name in directories if name not in (OUT, IN)]
        for name in names:
            if HEX64.match(name.split(".")[0]):
                found.append(Path(folder) / name)
    return sorted(found)


def describe(lang: str, problem: Problem) -> str:
    """One mismatch in plain words (catalogue HTML: values escaped, no tags)."""
    return t(lang, f"tamper.problem.{problem.kind}", **problem.values)


def plain(lang: str, problem: Problem) -> str:
    """The same, as text for a terminal."""
    return html.unescape(describe(lang, problem))
