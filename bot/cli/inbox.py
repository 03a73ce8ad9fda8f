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
from bot.i18n import plain
from storage import inbox, people

ERROR_CHARS = 200


def list_set_aside(db: sqlite_utils.Database, tz: ZoneInfo, lang: str = "zh") -> int:
    """Print every set-aside update, one block each; exit status 0. The error each failed
    with is the program's own (for whoever fixes it) and is printed as it was logged."""
    count, rows = inbox.set_aside(db)
    if not count:
        print(plain(lang, "cli.inbox.none"))
        return 0
    print(plain(lang, "cli.inbox.count", count=count))
    for row in rows:
        summary = summarise(row.raw)
        person = people.by_telegram_id(db, summary.user_id) if summary.user_id is not None else None
        who = sender_label(summary, person.name if person else None)
        who = who or plain(lang, "cli.inbox.unknown_sender")
        preview = f" {summary.preview!r}" if summary.preview else ""
        error = " ".join(row.error.split())[:ERROR_CHARS]
        last = ""
        if row.failed_at:
            last = plain(
                lang, "cli.inbox.last", at=f"{row.failed_at.astimezone(tz):%Y-%m-%d %H:%M}"
            )
        failed = plain(
            lang,
            "cli.inbox.failed",
            kind=plain(lang, f"faults.kind.{summary.kind}"),
            preview=preview,
            attempts=row.attempts,
            last=last,
        )
        print(
            f"\n#{row.update_id}  {row.received_at.astimezone(tz):%Y-%m-%d %H:%M}  {who}\n"
            f"  {failed}\n  {error}"
        )
    return 0


def retry(db: sqlite_utils.Database, update_id: int, lang: str = "zh") -> int:
    """Put one set-aside update back in line; 0 if it was, 1 (with the reason) if not."""
    outcome = inbox.replay(db, update_id, Origin.cli(datetime.now(UTC)))
    if outcome == "replayed":
        print(plain(lang, "cli.inbox.replayed", update=update_id))
        return 0
    reason_key = {"pending": "cli.inbox.pending", "done": "cli.inbox.done"}.get(
        outcome, "cli.inbox.missing"
    )
    reason = plain(lang, reason_key)
    print(plain(lang, "cli.inbox.not_replayed", update=update_id, reason=reason), file=sys.stderr)
    return 1
