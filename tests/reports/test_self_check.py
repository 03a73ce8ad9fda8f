"""The weekly self-check's message: once a week, with the head, and within Telegram's limit
however much is wrong."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.audit import Origin
from bot.domain.audit_chain import Head, Problem
from bot.integrity import IntegrityReport
from bot.runtime.work import WorkEnv, run_work
from bot.services.self_check import publish
from storage import people
from storage.db import open_database

MONDAY = date(2024, 6, 3)
AT = datetime(2024, 6, 3, 1, 5, tzinfo=UTC)  # 09:05 in Shanghai


def _publish(db, report: IntegrityReport) -> int:
    return run_work(
        db,
        publish,
        (MONDAY, report),
        {},
        env=WorkEnv(ZoneInfo("Asia/Shanghai"), "duban_bot"),
        at=AT,
        lang="zh",
        chat=None,
        person=None,
        update_id=None,
        sender=None,
        source="integrity-test",
    )


def _texts(db) -> list[str]:
    return [json.loads(row[0])["text"] for row in db.execute("SELECT payload FROM outbox")]


def test_many_mismatches_fit_one_message_and_say_how_many_more(tmp_path: Path) -> None:
    """Two hundred altered events (English, the longer language): the first few in words,
    the count of the rest, the head, all under 4 096 characters; a second publish for the
    same week sends nothing."""
    db = open_database(tmp_path / "duban.sqlite")
    people.ensure_admin(db, 9000, "Office", "en", Origin.cli(AT))
    problems = [
        Problem(
            "event_altered",
            {
                "event": n,
                "action": "approve_close",
                "at": AT.isoformat(),
                "stored": "a" * 64,
                "computed": "b" * 64,
            },
        )
        for n in range(200)
    ]
    head = Head(250, "c" * 64, AT.isoformat())
    assert _publish(db, IntegrityReport(12, 250, head, problems)) == 1
    (text,) = _texts(db)
    assert len(text) < 4096
    assert "200 mismatches" in text
    assert "Audit event #0 (approve_close" in text
    assert "… and 195 more" in text
    assert "c" * 64 in text and "event #250" in text
    assert _publish(db, IntegrityReport(12, 250, head, problems)) == 0
    assert len(_texts(db)) == 1
