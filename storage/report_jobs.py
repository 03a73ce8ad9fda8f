"""Report jobs: a report, export, document or sheet import someone asked for in the chat.

A job row is written in the transaction of the request (with the "working on it…" reply), so
it is never lost; the runner (bot/builders/runner.py) builds it off the event loop and
delivers the result in the transaction that marks the job done.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.chat import Address
from bot.logs import redact
from storage.db import insert_row
from storage.rows import fetch_one, fetch_value, fetch_values

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class ReportJob:
    id: int
    kind: str
    person_id: int
    chat: Address  # the chat the job was asked for in, where its result goes
    language: str
    params: dict
    status: str
    attempts: int
    created_at: datetime

    @property
    def progress_key(self) -> str:
        """Outbox key of the "working on it…" message, edited into the result later."""
        return progress_key(self.id)


def progress_key(job_id: int) -> str:
    return f"job:{job_id}:progress"


_SELECT = (
    "SELECT id, kind, person_id, platform, chat, language, params, status, attempts, "
    "created_at FROM report_jobs"
)


def _job(row: sqlite3.Row) -> ReportJob:
    return ReportJob(
        row["id"],
        row["kind"],
        row["person_id"],
        Address(row["platform"], row["chat"]),
        row["language"],
        json.loads(row["params"]),
        row["status"],
        row["attempts"],
        datetime.fromisoformat(row["created_at"]),
    )


def create(
    db: sqlite_utils.Database,
    *,
    kind: str,
    person_id: int,
    chat: Address,
    language: str,
    params: dict,
    at: datetime,
    update_id: int | None,
) -> int:
    return insert_row(
        db,
        "report_jobs",
        {
            "kind": kind,
            "person_id": person_id,
            "platform": chat.platform,
            "chat": chat.id,
            "language": language,
            "params": json.dumps(params, ensure_ascii=False),
            "created_at": at.isoformat(),
            "update_id": update_id,
        },
    )


def get(db: sqlite_utils.Database, job_id: int) -> ReportJob | None:
    row = fetch_one(db, f"{_SELECT} WHERE id = ?", [job_id])
    return _job(row) if row else None


def is_pending(db: sqlite_utils.Database, *, kind: str, person_id: int, params: dict) -> bool:
    """Whether this person already waits for this very job (a second tap meanwhile)."""
    row = db.execute(
        "SELECT 1 FROM report_jobs WHERE status = 'pending' AND kind = ? AND person_id = ? "
        "AND params = ? LIMIT 1",
        [kind, person_id, json.dumps(params, ensure_ascii=False)],
    ).fetchone()
    return row is not None


def next_pending(db: sqlite_utils.Database, skip: tuple[int, ...] = ()) -> ReportJob | None:
    """The oldest pending job not in ``skip`` (jobs this process is already running)."""
    # "id NOT IN (NULL)" would match nothing, so an empty skip list adds no condition.
    skipping = f" AND id NOT IN ({','.join('?' * len(skip))})" if skip else ""
    row = fetch_one(
        db, f"{_SELECT} WHERE status = 'pending'{skipping} ORDER BY id LIMIT 1", list(skip)
    )
    return _job(row) if row else None


def start_attempt(db: sqlite_utils.Database, job_id: int) -> int:
    """Count an attempt before building; returns the attempt number."""
    db.execute("UPDATE report_jobs SET attempts = attempts + 1 WHERE id = ?", [job_id])
    return fetch_value(db, "SELECT attempts FROM report_jobs WHERE id = ?", [job_id])


def record_error(db: sqlite_utils.Database, job_id: int, error: str) -> None:
    """Keep why a job failed, redacted as the inbox's errors are: an exception's text may
    quote a file URL, and those hold the bot token."""
    db.execute("UPDATE report_jobs SET last_error = ? WHERE id = ?", [redact(error)[:2000], job_id])


def finish(db: sqlite_utils.Database, job_id: int, status: str, at: datetime) -> bool:
    """Mark a pending job done or failed; False if it was finished before (a re-run)."""
    return bool(
        db.execute(
            "UPDATE report_jobs SET status = ?, finished_at = ? WHERE id = ? "
            "AND status = 'pending'",
            [status, at.isoformat(), job_id],
        ).rowcount
    )


def finished_before(db: sqlite_utils.Database, moment: datetime) -> list[int]:
    """Jobs finished before ``moment`` (their files may go)."""
    return fetch_values(
        db,
        "SELECT id FROM report_jobs WHERE status != 'pending' AND finished_at < ?",
        [moment.isoformat()],
    )


def file_still_queued(db: sqlite_utils.Database, path_fragment: str) -> bool:
    """Whether a pending outbox row still refers to a file under ``path_fragment``."""
    row = db.execute(
        "SELECT 1 FROM outbox WHERE status = 'pending' AND instr(payload, ?) > 0 LIMIT 1",
        [path_fragment],
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class Earlier:
    """The latest job a person asked for with the same kind and options: whether it is
    still being built, and when it was delivered."""

    id: int
    status: str  # pending, done or failed
    finished_at: datetime | None


def latest_alike(
    db: sqlite_utils.Database, *, kind: str, person_id: int, params: dict
) -> Earlier | None:
    """This person's latest job of this kind with exactly these options, if any."""
    row = fetch_one(
        db,
        "SELECT id, status, finished_at FROM report_jobs WHERE kind = ? AND person_id = ? "
        "AND params = ? ORDER BY id DESC LIMIT 1",
        [kind, person_id, json.dumps(params, ensure_ascii=False)],
    )
    if row is None:
        return None
    finished = row["finished_at"]
    return Earlier(row["id"], row["status"], datetime.fromisoformat(finished) if finished else None)
