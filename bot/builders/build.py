"""What a job builder gets and gives back: plain, picklable data shared by runner and builders.

A builder runs in the builder process (see runner.py) with its own read-only connection.
It writes its files under ``out_dir`` (MEDIA_DIR/out/<job id>) before returning, because
the outbox rows that point at them are committed right after: a row must never refer to a
file not on disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.chat import Album, Attachment
from bot.clock import local_day
from bot.runtime.work import Keyboard, Work
from storage.report_jobs import ReportJob

OUT = "out"  # MEDIA_DIR/out/<job id>/… : files made for people, removed after a while
IN = "in"  # MEDIA_DIR/in/<job id>/…  : files people sent us to import
ALBUM_SIZE = 10  # pictures shown together at most (Telegram's limit, the smallest we meet)


@dataclass(frozen=True)
class BuildContext:
    db_path: Path
    media_dir: Path
    tz: ZoneInfo
    now: datetime
    bot_username: str = ""

    def out_dir(self, job_id: int) -> Path:
        return self.media_dir / OUT / str(job_id)

    def in_dir(self, job_id: int) -> Path:
        return self.media_dir / IN / str(job_id)

    @property
    def today(self) -> date:
        """The office's day the job runs on (one rule: bot/clock.py local_day)."""
        return local_day(self.now, self.tz)


# A file a job made, to send after its text: one file, or up to ten photos together.
Send = Attachment | Album


class Commit(Protocol):
    """Changes to make in the delivering transaction (a picklable object, not a closure)."""

    def __call__(self, work: Work) -> tuple[str, Keyboard | None]: ...


@dataclass
class Result:
    """The text that replaces "working on it…", and the files to send after it (neutral
    messages of files on disk: bot/chat.py ``Attachment.on_disk``)."""

    text: str
    keyboard: Keyboard | None = None
    sends: list[Send] = field(default_factory=list)
    failed: bool = False
    # The files before the text (the text was not a "working on it…" message to edit): the
    # leader's weekly digest opens with its picture, its words and button under it.
    files_first: bool = False
    # Runs in the delivering transaction (on the database thread) before anything is
    # queued: an import applies its plan here and returns the text to show instead.
    commit: Commit | None = None


Builder = Callable[[BuildContext, ReportJob, sqlite_utils.Database], Result]


def write_file(path: Path, data: bytes) -> Path:
    """Write durably (temp file, fsync, rename) so a committed row finds a whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".part")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temp.replace(path)
    return path


def sync_file(path: Path) -> Path:
    """fsync a file some library wrote (openpyxl, fpdf2, zipfile) before rows point at it."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
    return path


def photo(path: Path, caption: str = "") -> Attachment:
    return Attachment.on_disk("photo", str(path), caption)


def document(path: Path, caption: str = "", file_name: str | None = None) -> Attachment:
    return Attachment.on_disk("document", str(path), caption, file_name or path.name)


def album(paths: list[Path], caption: str = "") -> list[Send]:
    """Photos from disk as albums of up to 10 (a single photo goes alone), the caption under
    the first; each album is one send, so each is given up alone if it fails."""
    sends: list[Send] = []
    for start in range(0, len(paths), ALBUM_SIZE):
        chunk = paths[start : start + ALBUM_SIZE]
        photos = [
            photo(path, caption if start == 0 and n == 0 else "") for n, path in enumerate(chunk)
        ]
        sends.append(photos[0] if len(photos) == 1 else Album(tuple(photos)))
    return sends
