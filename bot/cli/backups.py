"""``duban backup`` (one full backup now, as the daily job takes it), ``duban restore``
(a backup into an empty data folder, then the check ``duban verify`` makes) and
``duban alive`` (the container's health check: the database opens and answers)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.backup import RestoreRefused, resolve_folder, restore, take
from bot.config import Settings
from bot.i18n import plain
from bot.integrity import check
from bot.integrity import plain as problem_text
from storage.backups import record_backup
from storage.db import connect, open_database
from storage.policy import load_policy

EXIT_OK, EXIT_PROBLEMS, EXIT_REFUSED = 0, 1, 2


def _say(lang: str, key: str, /, **values: object) -> None:
    print(plain(lang, key, **values))


def _complain(lang: str, key: str, /, **values: object) -> None:
    print(plain(lang, key, **values), file=sys.stderr)


def run_backup_cli(settings: Settings, lang: str) -> int:
    """One backup into the policy's folder, recorded as the daily job records it; exit 1
    when evidence files had to be left out (the backup is made all the same)."""
    db = open_database(settings.database_path)
    policy = load_policy(db)
    folder = resolve_folder(policy.backup_dir, settings.database_path)
    try:
        report = take(
            settings.database_path,
            settings.media_dir,
            folder,
            datetime.now(UTC),
            policy.backup_keep,
        )
    except (OSError, sqlite3.Error) as error:
        _complain(lang, "cli.backup.failed", reason=error)
        return EXIT_REFUSED
    record_backup(db, report.taken_at, report.folder)
    _say(lang, "cli.backup.taken", folder=report.folder, files=report.files, linked=report.linked)
    if report.deleted:
        names = ", ".join(report.deleted)
        _say(lang, "cli.backup.removed", count=len(report.deleted), names=names)
    for problem in report.problems:
        _complain(lang, "cli.backup.left_out", problem=problem_text(lang, problem))
    if report.problems:
        _complain(lang, "cli.backup.left_out_count", count=len(report.problems))
        return EXIT_PROBLEMS
    return EXIT_OK


def run_restore_cli(settings: Settings, backup: Path, media: Path | None, lang: str) -> int:
    """Restore, then check the result as ``duban verify`` does: exit 0 only when every
    evidence file and audit event holds."""
    media_dir = media if media is not None else settings.media_dir
    try:
        restored = restore(backup, settings.database_path, media_dir)
    except RestoreRefused as refused:
        _complain(lang, f"backup.refused.{refused.key}", **refused.values)
        return EXIT_REFUSED
    _say(
        lang,
        "cli.restore.done",
        backup=backup,
        database=restored.database,
        files=restored.files,
        media=media_dir,
    )
    if media_dir.resolve() != settings.media_dir.resolve():
        _say(lang, "cli.restore.other_media", media=media_dir, configured=settings.media_dir)
    report = check(open_database(restored.database), media_dir)
    _say(lang, "cli.verify.checked", files=report.files, events=report.events)
    if report.head is not None:
        _say(lang, "cli.verify.head", event=report.head.event_id, hash=report.head.hash)
    for problem in report.problems:
        _say(lang, "cli.verify.mismatch", problem=problem_text(lang, problem))
    if report.problems:
        _say(lang, "cli.verify.mismatches", count=len(report.problems))
        return EXIT_PROBLEMS
    _say(lang, "cli.verify.ok")
    return EXIT_OK


def run_alive_cli(settings: Settings, lang: str) -> int:
    """Exit 0 when the database opens read-only and answers a query, else 1 saying why."""
    path = settings.database_path
    if not path.is_file():
        _complain(lang, "cli.no_database", path=path)
        return EXIT_PROBLEMS
    try:
        db = connect(path, read_only=True)
        try:
            db.execute("SELECT count(*) FROM sweep_state").fetchone()
        finally:
            db.close()
    except sqlite3.Error as error:
        _complain(lang, "cli.alive.failed", path=path, reason=error)
        return EXIT_PROBLEMS
    _say(lang, "cli.alive.ok", path=path)
    return EXIT_OK
