"""``duban inbox list`` and ``duban inbox retry ID``: set-aside updates from the command line.

The same rows and the same replay as ``/stuck`` in the chat. The CLI only changes the inbox
row; the running bot notices the pending row at its next look (every few seconds) and
processes it, so the bot need not be stopped — or started: a stopped bot runs it at start.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.retries import sender_label, summarise
from storage import inbox, people

ERROR_CHARS = 200


def list_set_aside(db: sqlite_utils.Database, tz: ZoneInfo) -> int:
    """Print every set-aside update, one block each; exit status 0."""
    count, rows = inbox.set_aside(db)
    if not count:
        print("no update is set aside")
        return 0
    print(f"{count} update(s) set aside; replay one with: duban inbox retry ID")
    for row in rows:
        summary = summarise(row.raw)
        person = people.by_telegram_id(db, summary.user_id) if summary.user_id is not None else None
        who = sender_label(summary, person.name if person else None) or "unknown sender"
        preview = f" {summary.preview!r}" if summary.preview else ""
        error = " ".join(row.error.split())[:ERROR_CHARS]
        last = f", last at {row.failed_at.astimezone(tz):%Y-%m-%d %H:%M}" if row.failed_at else ""
        print(
            f"\n#{row.update_id}  {row.received_at.astimezone(tz):%Y-%m-%d %H:%M}  {who}\n"
            f"  {summary.kind}{preview}, failed {row.attempts} times{last}\n  {error}"
        )
    return 0


def retry(db: sqlite_utils.Database, update_id: int) -> int:
    """Put one set-aside update back in line; 0 if it was, 1 (with the reason) if not."""
    outcome = inbox.replay(db, update_id, Origin.cli(datetime.now(UTC)))
    if outcome == "replayed":
        print(f"update #{update_id} is back in line; the running bot processes it within seconds")
        return 0
    reason = {
        "pending": "it is already waiting to be processed",
        "done": "it was processed already",
    }.get(outcome, "there is no such update")
    print(f"duban: update #{update_id} was not replayed: {reason}", file=sys.stderr)
    return 1
