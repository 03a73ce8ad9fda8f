"""Backups that restore: the database through SQLite's online backup, the evidence files
listed by sha256 in a manifest, and a restore that refuses rather than half-restores.

A backup is one folder (names: bot/domain/backups.py) holding

- ``duban.sqlite``: a consistent copy made by ``sqlite3.Connection.backup`` while the bot
  keeps writing (WAL: the copy reads one snapshot, writers are not held up);
- ``media/``: every evidence file that copy records as stored, at the same relative path
  as in MEDIA_DIR. Files are hard-linked when the backup folder is on the same file system
  as MEDIA_DIR (no space used; evidence files are written once and never changed, and a
  changed one is caught by its hash on restore), else hard-linked to the previous backup's
  copy when that one is the same file, else copied;
- ``manifest.json``: the database's sha256 and every media file with its sha256, hashed
  as ``duban verify`` hashes them (bot/integrity.py).

It is written as ``<name>.partial`` and renamed when complete, so a crash or a full disk
never leaves a folder that looks like a backup. It reads and hashes for seconds to minutes,
so the bot runs ``take`` in its builder process (bot/jobs/backups.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from bot.builders.timeline import media_file
from bot.domain.audit_chain import Problem
from bot.domain.backups import PARTIAL, folder_name, newest, stale_partials, to_delete
from bot.integrity import file_sha256
from storage.db import backup as online_backup
from storage.db import connect
from storage.migrations import unknown_migrations

DATABASE = "duban.sqlite"
MEDIA = "media"
MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class BackupReport:
    folder: Path
    taken_at: datetime
    files: int  # evidence files in the manifest
    linked: int  # of which hard-linked (no space used)
    problems: list[Problem] = field(default_factory=list)  # files missing or altered
    deleted: list[str] = field(default_factory=list)  # older backups removed


class RestoreRefused(Exception):
    """A restore that would lose or mix data: nothing was written. ``key`` names the
    catalogue message (``backup.refused.<key>``) and ``values`` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


def resolve_folder(setting: str, database_path: Path) -> Path:
    """The policy's ``backup_dir``: absolute as typed, else relative to the database's folder."""
    folder = Path(setting).expanduser()
    return folder if folder.is_absolute() else database_path.parent / folder


def take(
    database_path: Path, media_dir: Path, backups_dir: Path, at: datetime, keep: int
) -> BackupReport:
    """One complete backup into ``backups_dir``, then the oldest beyond ``keep`` deleted."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    name = _free_name(backups_dir, at)
    partial = backups_dir / (name + PARTIAL)
    partial.mkdir()  # never another's: two backups in one second get different numbers
    try:
        copy = partial / DATABASE
        _snapshot(database_path, copy)
        previous = _newest(backups_dir)
        files, linked, problems = _copy_media(copy, media_dir, partial / MEDIA, previous)
        manifest = {
            "format": FORMAT,
            "taken_at": at.isoformat(),
            "database": DATABASE,
            "database_sha256": file_sha256(copy),
            "files": files,
        }
        _write_json(partial / MANIFEST, manifest)
        final = backups_dir / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    deleted = prune(backups_dir, keep, taken=name)
    return BackupReport(final, at, len(files), linked, problems, deleted)


def prune(backups_dir: Path, keep: int, taken: str | None = None) -> list[str]:
    """Delete the backups beyond the newest ``keep``, and the ``.partial`` folders of
    backups started before ``taken`` (left by a crash; a later one may still be written)."""
    names = [entry.name for entry in backups_dir.iterdir() if entry.is_dir()]
    doomed = to_delete(names, keep)
    if taken is not None:
        doomed += stale_partials(names, taken)
    for name in doomed:
        shutil.rmtree(backups_dir / name)
    return doomed


def _free_name(backups_dir: Path, at: datetime) -> str:
    """The moment's name, numbered past any backup of the same second, finished or not."""
    number = 1
    while any(
        (backups_dir / (folder_name(at, number) + ending)).exists() for ending in ("", PARTIAL)
    ):
        number += 1
    return folder_name(at, number)


def _newest(backups_dir: Path) -> Path | None:
    """The newest finished backup already there, whose files a new one may link to."""
    name = newest([entry.name for entry in backups_dir.iterdir() if entry.is_dir()])
    return backups_dir / name if name is not None else None


def _snapshot(database_path: Path, copy: Path) -> None:
    """The online backup, then a copy that stands alone: one file, no WAL beside it."""
    online_backup(database_path, copy)
    connection = sqlite3.connect(copy)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
    finally:
        connection.close()
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"the backup copy failed its check: {verdict}")


def _stored_files(copy: Path) -> list[tuple[str, str]]:
    """Every evidence file the copied database says is stored: its sha256, and the
    evidence rows pointing at it as ``duban verify`` names them (``3, #7``)."""
    connection = sqlite3.connect(copy.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT sha256, group_concat(id, ', #') FROM "
            "(SELECT sha256, id FROM evidence WHERE stored = 'stored' AND sha256 IS NOT NULL "
            "ORDER BY id) GROUP BY sha256 ORDER BY sha256"
        ).fetchall()
    finally:
        connection.close()


def _copy_media(
    copy: Path, media_dir: Path, target: Path, previous: Path | None
) -> tuple[list[dict[str, str]], int, list[Problem]]:
    """Each stored file into ``target``, hashed: the manifest's entries, how many were
    linked, and the files missing or altered (left out of the backup, reported)."""
    entries: list[dict[str, str]] = []
    problems: list[Problem] = []
    linked = 0
    for sha256, evidence in _stored_files(copy):
        source = media_file(media_dir, sha256)
        if source is None:
            problems.append(Problem("media_missing", {"sha256": sha256, "evidence": evidence}))
            continue
        relative = source.relative_to(media_dir)
        actual = file_sha256(source)
        if actual != sha256:
            values = {"path": str(relative), "evidence": evidence, "expected": sha256}
            problems.append(Problem("media_altered", values | {"actual": actual}))
            continue
        earlier = previous / MEDIA / relative if previous is not None else None
        linked += _place(source, target / relative, earlier, sha256)
        entries.append({"path": relative.as_posix(), "sha256": sha256})
    return entries, linked, problems


def _place(source: Path, destination: Path, earlier: Path | None, sha256: str) -> int:
    """Hard-link (1) or copy (0) one file into the backup: linked to the live file when
    on the same file system, else to the previous backup's copy if it holds these bytes."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if _linked(source, destination):
        return 1
    same = earlier is not None and earlier.is_file() and file_sha256(earlier) == sha256
    if same and earlier is not None and _linked(earlier, destination):
        return 1
    shutil.copy2(source, destination)
    return 0


def _linked(origin: Path, destination: Path) -> bool:
    try:
        os.link(origin, destination)
    except OSError:
        return False  # another file system, or no links allowed there
    return True


def _write_json(path: Path, value: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    database: Path
    files: int


def restore(backup: Path, database_path: Path, media_dir: Path) -> Restored:
    """Put a backup back into an empty data directory; everything is checked before the
    first byte is written, and the database is put in place last, under its final name
    only when complete."""
    manifest = _checked(backup)
    _known_schema(backup / DATABASE)
    for sidecar in ("", "-wal", "-shm", "-journal"):
        live = Path(f"{database_path}{sidecar}")
        if live.exists():
            raise RestoreRefused("database_exists", path=live)
    if media_dir.exists() and any(media_dir.iterdir()):
        raise RestoreRefused("media_not_empty", path=media_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        destination = media_dir / entry["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup / MEDIA / entry["path"], destination)
    database_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = database_path.with_name(database_path.name + ".restoring")
    shutil.copy2(backup / DATABASE, incoming)
    os.replace(incoming, database_path)
    return Restored(database_path, len(manifest["files"]))


def _checked(backup: Path) -> dict:
    """The manifest, after every file it lists was found in the backup with its hash."""
    manifest = _manifest(backup / MANIFEST)
    database = backup / DATABASE
    if not database.is_file():
        raise RestoreRefused("file_missing", path=database)
    if file_sha256(database) != manifest["database_sha256"]:
        raise RestoreRefused("file_altered", path=database)
    for entry in manifest["files"]:
        path = backup / MEDIA / entry["path"]
        if not path.is_file():
            raise RestoreRefused("file_missing", path=path)
        if file_sha256(path) != entry["sha256"]:
            raise RestoreRefused("file_altered", path=path)
    return manifest


def _manifest(path: Path) -> dict:
    """The manifest as this version writes it, or a refusal: every listed path relative
    and inside the backup's media folder, every hash a string."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RestoreRefused("no_manifest", path=path) from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("database") != DATABASE
        or not isinstance(manifest.get("database_sha256"), str)
        or not isinstance(manifest.get("files"), list)
        or not all(_listed(entry) for entry in manifest["files"])
    ):
        raise RestoreRefused("no_manifest", path=path)
    return manifest


def _listed(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    relative, sha256 = entry.get("path"), entry.get("sha256")
    if not isinstance(relative, str) or not isinstance(sha256, str) or not relative:
        return False
    parts = PurePosixPath(relative).parts
    return not PurePosixPath(relative).is_absolute() and ".." not in parts


def _known_schema(database: Path) -> None:
    """A backup written by a newer version is not restored by this one: it could not run it."""
    db = connect(database, read_only=True)
    try:
        unknown = unknown_migrations(db)
    finally:
        db.close()
    if unknown:
        raise RestoreRefused("too_new", path=database, migrations=", ".join(unknown))
