"""The invitations.forget_links job: once an invitation message is sent, the outbox keeps
no word of it, on Telegram or on DingTalk, so a backup holds no live code (issue 16)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from storage import people
from storage.db import open_database
from storage.people import SCRUBBED_TEXT

AT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


def _invitation_message(
    db: sqlite_utils.Database, key: str, platform: str, payload: dict, status: str
) -> str:
    """An invitation whose message is the outbox row ``key``; returns its code."""
    invitation = people.create_invitation(
        db, role=Role.INSPECTOR, name=key, unit=None, days=7, origin=Origin.cli(AT)
    )
    words = json.dumps(payload, ensure_ascii=False).replace("CODE", invitation.code)
    db.execute(
        "INSERT INTO outbox (dedup_key, platform, chat, method, payload, created_at, "
        "not_before, status) VALUES (?, ?, 'office', ?, ?, ?, ?, ?)",
        [key, platform, "card", words, AT.isoformat(), AT.isoformat(), status],
    )
    people.set_invitation_message(db, invitation.id, key)
    return invitation.code


def test_every_field_holding_the_code_is_scrubbed_once_sent(tmp_path: Path) -> None:
    """A DingTalk card keeps its words three times (markdown text, html, title): all go,
    also on a row whose text an earlier version of the job already scrubbed; Telegram's
    text goes as before and gains no field; a message still pending keeps its words."""
    db = open_database(tmp_path / "duban.sqlite")
    try:
        link = "https://t.me/bot?start=CODE 绑定 CODE"
        dingtalk = _invitation_message(
            db,
            "invite:1",
            "dingtalk",
            {"title": "CODE", "text": link, "html": link, "buttons": []},
            "sent",
        )
        earlier = _invitation_message(
            db, "invite:2", "dingtalk", {"title": "…", "text": SCRUBBED_TEXT, "html": link}, "sent"
        )
        telegram = _invitation_message(db, "invite:3", "telegram", {"text": link}, "dead")
        pending = _invitation_message(db, "invite:4", "dingtalk", {"text": link}, "pending")

        assert people.forget_sent_links(db) == 3
        assert people.forget_sent_links(db) == 0  # nothing left to clean
        payloads = dict(db.execute("SELECT dedup_key, payload FROM outbox").fetchall())
    finally:
        db.close()
    stored = " ".join(payloads.values())
    assert dingtalk not in stored and earlier not in stored and telegram not in stored
    assert pending in payloads["invite:4"]
    assert json.loads(payloads["invite:1"]) == {
        "title": SCRUBBED_TEXT,
        "text": SCRUBBED_TEXT,
        "html": SCRUBBED_TEXT,
        "buttons": [],
    }
    assert json.loads(payloads["invite:3"]) == {"text": SCRUBBED_TEXT}
