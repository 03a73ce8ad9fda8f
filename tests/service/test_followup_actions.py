"""The follow-up actions at the service level, without a sandbox: who the registry turns away
and with which words, and how a close-out's evidence reaches its verifiers.

The refusals are the words each screen gave before its role check moved into the
declaration (bot/actions.py ``roles=``/``refusal=``), so a contact typing /settings or an
administrator typing /mine reads exactly what they read before. The evidence is sent as the
verifier saw it before the neutral layer: photos in albums of ten (one left over as a single
photo), then each other file alone, then the card with the two decision buttons.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.chat import Address, Sender
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.domain.visits import MediaIn
from bot.i18n import t
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import Work, WorkEnv, run_work
from bot.services import closeout
from storage import evidence, followup, ledger, people
from storage.db import insert_row, open_database

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai: no quiet hours
ENV = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
ADMIN_CHAT = 7001
CHAT = Address("telegram", "7002")  # where the person acting wrote from


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    yield database
    database.close()


def registered(db: sqlite_utils.Database, role: Role, unit_id: int | None = None) -> Person:
    """A registered person as storage reads them back (no chat of their own is needed:
    the answer goes to the chat of the update, ``CHAT``)."""
    person_id = insert_row(
        db,
        "people",
        {
            "name": "测试",
            "role": role.value,
            "unit_id": unit_id,
            "language": "zh",
            "created_at": AT.isoformat(),
        },
    )
    return people.by_id(db, person_id)


def queued(db: sqlite_utils.Database) -> list[tuple[str, dict]]:
    """Everything queued, oldest first, as (Bot API method, payload)."""
    rows = db.execute("SELECT method, payload FROM outbox ORDER BY id").fetchall()
    return [(method, json.loads(payload)) for method, payload in rows]


def refused_with(db: sqlite_utils.Database, person: Person, kind: str, name: str, **args) -> str:
    """Ask for a declared command or button as ``person``; the one text they were sent."""
    action = (ACTIONS.commands if kind == "command" else ACTIONS.buttons)[name]
    words = ("",) if action.takes_text else ()  # a command's text, when it takes one
    run_work(
        db,
        perform,
        (action, *words),
        args,
        env=ENV,
        at=AT,
        lang=person.language,
        chat=CHAT,
        person=person,
        update_id=None,
        sender=Sender(CHAT, person.name),
        source="test",
    )
    ((method, payload),) = queued(db)
    assert (method, payload["chat_id"]) == ("sendMessage", int(CHAT.id))
    return payload["text"]


@pytest.mark.parametrize(
    ("role", "kind", "name", "args", "key"),
    [
        (Role.CONTACT, "command", "settings", {}, "admin.only"),
        (Role.CONTACT, "command", "acks", {}, "admin.only"),
        (Role.INSPECTOR, "command", "holiday", {}, "admin.only"),
        (Role.LEADER, "command", "period", {}, "admin.only"),
        (Role.ADMIN, "command", "mine", {}, "mine.contacts_only"),
        (Role.CONTACT, "button", "settings.key", {"key": "overdue_every_days"}, "admin.only"),
        (Role.LEADER, "button", "ext.approve", {"request": 1}, "admin.only"),
        (Role.CONTACT, "button", "ext.refuse", {"request": 1}, "admin.only"),
        (Role.ADMIN, "button", "ack", {"acks": [1]}, "error.not_permitted"),
        (Role.INSPECTOR, "button", "ext.start", {"item": 1}, "ext.lead_only"),
        (Role.CONTACT, "button", "digest.full", {"week": "2026-03-02"}, "report.not_allowed"),
    ],
)
def test_a_role_turned_away_reads_what_the_screen_always_said(
    db: sqlite_utils.Database, role: Role, kind: str, name: str, args: dict, key: str
) -> None:
    unit_id = ledger.ensure_named(db, "units", "水利局", Origin.system(AT, "test"))
    person = registered(db, role, unit_id=unit_id if role is Role.CONTACT else None)
    assert refused_with(db, person, kind, name, **args) == t("zh", key)


def photo(n: int, kind: str = "photo") -> MediaIn:
    return MediaIn(
        kind, f"file-{kind}-{n}", f"u-{kind}-{n}", 1000, None, None, "", None, AT, "telegram"
    )


def test_a_close_out_sends_the_verifier_its_evidence_then_the_card(
    db: sqlite_utils.Database,
) -> None:
    origin = Origin.system(AT, "test")
    ledger.ensure_period(db, "2026年", 2026, origin)
    admin = people.ensure_admin(db, ADMIN_CHAT, "王主任", "zh", origin)
    item = ledger.create_item(db, ItemFields(problem="排水沟堵塞", unit="水利局"), "2026年", origin)
    contact = registered(db, Role.CONTACT, unit_id=item.unit_id)
    files = [photo(n) for n in range(11)] + [photo(1, "document"), photo(2, "video")]
    ids = [
        evidence.add_evidence(
            db,
            media=media,
            finding_id=None,
            item_id=item.id,
            person_id=contact.id,
            at=AT,
            update_id=None,
        )
        for media in files
    ]
    request = followup.add_closeout(db, item.id, contact.id, "已疏通", AT, None)
    followup.attach_evidence(db, ids, "closeout_id", request)

    def ask(work: Work) -> int:
        return closeout.send_verification(work, item, request)

    for _ in range(2):  # a replayed update queues nothing twice
        asked = run_work(
            db,
            ask,
            (),
            {},
            env=ENV,
            at=AT,
            lang="zh",
            chat=CHAT,
            person=contact,
            update_id=None,
            sender=Sender(CHAT, contact.name),
            source="closeout-test",
        )
        assert asked == 1

    sent = queued(db)
    assert {payload["chat_id"] for _, payload in sent} == {ADMIN_CHAT}
    assert [method for method, _ in sent] == [
        "sendMediaGroup",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendMessage",
    ]
    album = sent[0][1]["media"]
    assert [entry["media"] for entry in album] == [f"file-photo-{n}" for n in range(10)]
    assert {entry["type"] for entry in album} == {"photo"}
    assert sent[1][1]["photo"] == "file-photo-10"
    assert sent[2][1]["document"] == "file-document-1"
    assert sent[3][1]["video"] == "file-video-2"
    card = sent[4][1]
    assert "排水沟堵塞" in card["text"]
    tokens = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    stored = db.execute(
        f"SELECT action, payload, person_id FROM buttons WHERE token IN "
        f"({','.join('?' * len(tokens))}) ORDER BY action",
        tokens,
    ).fetchall()
    assert [(a, json.loads(p), o) for a, p, o in stored] == [
        ("co.approve", {"request": request}, admin.id),
        ("co.return", {"request": request}, admin.id),
    ]
