"""An album's one confirmation when its first send fails: the retry carries the newest count,
never a second message, and it never goes out sooner than the sender's retry time.

The photos of an album arrive as separate updates; the bot confirms them with one message
that it rewrites while it waits (storage.outbox.coalesce). A send that fails with a 5xx or a
timeout waits for a retry (``attempts > 0``); the album's later photos must rewrite that
waiting row rather than queue a second confirmation. The scenario runs on a FakeClock, so
the rest of the album is processed while the row waits for its retry on every run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.chat import Address
from storage import outbox
from storage.db import open_database
from tests.harness import Duban, inspector_on_visit

ALBUM = "13000000000000077"
PREFIX = "finding:1:1:"
AT = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)


# --- the scenario, through the sandbox ----------------------------------------------------


def _confirmation_rows(duban: Duban) -> list[tuple]:
    db = duban.db()
    try:
        return db.execute(
            "SELECT method, status, attempts, not_before, payload FROM outbox "
            "WHERE dedup_key LIKE 'finding:%' ORDER BY id"
        ).fetchall()
    finally:
        db.close()


async def _first_send_failed(duban: Duban, seconds: float = 10.0) -> tuple:
    """The confirmation row once its first send has failed and it waits for a retry."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        rows = _confirmation_rows(duban)
        if rows and rows[0][2] >= 1:
            return rows[0]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the confirmation was never tried: {rows}")
        await asyncio.sleep(0.02)


async def test_album_confirmation_whose_send_failed_is_retried_counting_every_photo(
    clocked_duban: Duban,
) -> None:
    """When the album's confirmation fails to send, the photos that follow are counted by
    its retry: the inspector gets one message counting them all; every photo is stored once."""
    duban = clocked_duban
    inspector = await inspector_on_visit(duban, 7302)

    sent = [duban.send_album_photo(inspector, ALBUM, 0)]
    await duban.all_processed()  # "1 photo" waits for the album to settle (frozen clock)
    calls_before = len(duban.sandbox.state.calls_to("sendMessage"))
    fault = duban.sandbox.faults.inject("sendMessage", times=1, status=500, delivered=False)
    await duban.travel(duban.clock.now() + timedelta(seconds=3))
    method, status, attempts, retry_at, payload = await _first_send_failed(duban)
    assert fault.fired == 1
    assert (method, status, attempts) == ("sendMessage", "pending", 1)
    assert "照片 1 张" in json.loads(payload)["text"]

    # The rest of the album arrives while the row waits for its retry (the clock stands).
    sent += [duban.send_album_photo(inspector, ALBUM, shade) for shade in (1, 2, 3)]
    await duban.all_processed()
    rows = _confirmation_rows(duban)
    assert len(rows) == 1, rows  # rewritten, not a second confirmation queued
    method, status, attempts, not_before, payload = rows[0]
    assert (method, status, attempts) == ("sendMessage", "pending", 1)
    assert "照片 4 张" in json.loads(payload)["text"]
    assert not_before >= retry_at  # not sooner than the retry time the sender chose

    await duban.travel(duban.clock.now() + timedelta(seconds=3))
    await inspector.expect("照片 4 张")
    await duban.settle()

    confirmations = [m for m in inspector.bot_messages if "发现 1" in m.text]
    assert len(confirmations) == 1, [m.text for m in confirmations]
    assert "照片 4 张" in confirmations[0].text
    calls = duban.sandbox.state.calls_to("sendMessage")[calls_before:]
    assert [(c.get("fault") is not None, "照片 4 张" in c["params"]["text"]) for c in calls] == [
        (True, False),  # the failed first send ("1 photo", not delivered)
        (False, True),  # its retry, with the newest count
    ]
    assert duban.album_evidence(ALBUM) == sent  # each photo once


# --- the outbox on its own ----------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.db")
    try:
        yield database
    finally:
        database.close()


def _text(photos: int) -> dict:
    return {"chat_id": 42, "text": f"照片 {photos} 张", "parse_mode": "HTML"}


def _confirm(db: sqlite_utils.Database, photos: int, at: datetime, delay: timedelta) -> str:
    return outbox.coalesce(
        db,
        prefix=PREFIX,
        to=Address("telegram", "42"),
        method="sendMessage",
        payload=_text(photos),
        at=at,
        not_before=at + delay,
    )


def _rows(db: sqlite_utils.Database) -> list[tuple]:
    return db.execute(
        "SELECT dedup_key, method, attempts, not_before, payload FROM outbox ORDER BY id"
    ).fetchall()


def test_rewriting_a_retried_row_never_brings_its_retry_forward(db: sqlite_utils.Database) -> None:
    """A confirmation waiting out Telegram's retry_after is rewritten with the newest count
    but still waits until the retry time the sender chose."""
    key = _confirm(db, 1, AT, timedelta(seconds=2))
    row_id = db.execute("SELECT id FROM outbox WHERE dedup_key = ?", [key]).fetchone()[0]
    retry_at = AT + timedelta(seconds=32)  # a 429 with retry_after=30 at AT+2
    outbox.mark_retry(db, row_id, "Too Many Requests: retry after 30", retry_at)

    # A local (Shanghai) time reads later as text than the UTC retry time, but is earlier.
    local = ZoneInfo("Asia/Shanghai")
    assert _confirm(db, 3, AT.astimezone(local), timedelta(seconds=5)) == key
    assert _rows(db) == [
        (key, "sendMessage", 1, retry_at.isoformat(), json.dumps(_text(3), ensure_ascii=False))
    ]
    assert outbox.due(db, AT + timedelta(seconds=10)) == []

    # A rewrite proposing a later moment than the retry time still moves the row later.
    later = AT + timedelta(seconds=40)
    assert outbox.replace_pending(db, key, _text(4), later)
    assert _rows(db)[0][3] == later.isoformat()
    assert outbox.replace_pending(db, key, _text(5))  # no time given: the row keeps its own
    assert _rows(db)[0][3:] == (later.isoformat(), json.dumps(_text(5), ensure_ascii=False))


def test_a_retried_row_rewritten_in_flight_is_followed_by_an_edit(
    db: sqlite_utils.Database,
) -> None:
    """A retry that goes out with the old count while newer photos are counted is followed
    by an edit of the message it delivered, not by a second message."""
    key = _confirm(db, 1, AT, timedelta(seconds=2))
    row_id = db.execute("SELECT id FROM outbox WHERE dedup_key = ?", [key]).fetchone()[0]
    outbox.mark_retry(db, row_id, "Internal Server Error", AT + timedelta(seconds=3))
    (on_its_way,) = outbox.due(db, AT + timedelta(seconds=3))  # the sender takes the retry
    assert on_its_way.attempts == 1

    assert _confirm(db, 4, AT + timedelta(seconds=3), timedelta(seconds=2)) == key
    outbox.mark_sent(db, row_id, 555, AT + timedelta(seconds=4), on_its_way.payload)

    rows = _rows(db)
    assert [(k, m) for k, m, *_ in rows] == [
        (key, "sendMessage"),
        (f"{key}:edit", "editMessageText"),
    ]
    edit = json.loads(rows[1][4])
    assert (edit["message_id"], edit["text"]) == (555, "照片 4 张")
