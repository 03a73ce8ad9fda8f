"""The cards of a decision, redrawn at the service level (bot/services/decided_cards.py),
without a sandbox: which outbox rows change and how. The phones' view, on both platforms,
is tests/dingtalk/test_decided_cards.py.

Three administrators were asked (``notify.tell`` keys each card ``<dedup>:<person id>``):
one card was sent, one is still queued, one could never be delivered. Another message
shares the key's prefix (the unit's notice ``lookback:<id>:reopened:<person>``) and is not
a card of the decision.
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
from bot.domain.people import Person
from bot.runtime.work import Work, WorkEnv, run_work
from bot.services import decided_cards, notify
from storage import outbox, people
from storage.db import open_database

AT = datetime(2026, 3, 2, 2, 12, tzinfo=UTC)  # a Monday, 10:12 in Shanghai: no quiet hours
ENV = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
DEDUP = "lookback:7"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    yield database
    database.close()


def run(db: sqlite_utils.Database, person: Person, fn) -> None:
    """``fn(work)`` as ``person``'s update would run it (one transaction)."""
    chat = person.address
    run_work(
        db,
        fn,
        (),
        {},
        env=ENV,
        at=AT,
        lang=person.language,
        chat=chat,
        person=person,
        update_id=None,
        sender=Sender(chat, person.name) if chat else None,
        source=f"test:{fn.__name__}",
    )


def row(db: sqlite_utils.Database, key: str) -> tuple[str, str, dict]:
    method, status, payload = db.execute(
        "SELECT method, status, payload FROM outbox WHERE dedup_key = ?", [key]
    ).fetchone()
    return method, status, json.loads(payload)


def test_every_card_is_redrawn_once_decided_but_one_never_delivered(
    db: sqlite_utils.Database,
) -> None:
    origin = Origin.system(AT, "test")
    wang = people.ensure_admin(db, 7001, "王主任", "zh", origin)
    smith = people.ensure_admin(db, 7002, "Smith", "en", origin)
    lost = people.ensure_admin(db, 7003, "李主任", "zh", origin)

    def ask(work: Work) -> None:
        keyboard = [[notify.open_item_button("zh", 1)]]
        notify.tell(
            work, [wang, smith, lost], "lb.already", dedup=DEDUP, keyboard=lambda _: keyboard
        )
        notify.tell(work, [wang], "lb.already", dedup=f"{DEDUP}:reopened")

    run(db, wang, ask)
    sent_id = db.execute("SELECT id FROM outbox WHERE dedup_key = ?", [f"{DEDUP}:{smith.id}"])
    outbox.mark_sent(db, sent_id.fetchone()[0], 555, AT)
    dead_id = db.execute("SELECT id FROM outbox WHERE dedup_key = ?", [f"{DEDUP}:{lost.id}"])
    outbox.mark_dead(db, dead_id.fetchone()[0], "Forbidden: bot was blocked by the user")
    before = db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def decide(work: Work) -> None:
        decided_cards.mark_decided(work, DEDUP, "decided.lb_holds")

    run(db, wang, decide)

    # Wang's card, still queued, goes out decided: rewritten in place, no buttons.
    method, status, payload = row(db, f"{DEDUP}:{wang.id}")
    assert (method, status) == ("sendMessage", "pending")
    assert payload["text"] == "这项回头看已经处理过了。\n\n✅ 已由王主任于 03-02 10:12 确认巩固"
    assert "reply_markup" not in payload
    # Smith's card, sent, is edited in his language; the edit has no buttons either.
    (edit,) = db.execute(
        "SELECT method, chat, payload FROM outbox WHERE dedup_key LIKE ?",
        [f"{DEDUP}:{smith.id}:edit:%"],
    ).fetchall()
    changed = json.loads(edit[2])
    assert (edit[0], edit[1], changed["message_id"]) == ("editMessageText", "7002", 555)
    assert changed["text"].endswith("\n\n✅ Confirmed as holding by 王主任 at 03-02 10:12")
    assert "inline_keyboard" not in json.dumps(changed)
    # Nothing else: not the undelivered card, not the other message sharing the prefix.
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == before + 1
    assert row(db, f"{DEDUP}:{lost.id}")[1] == "dead"
    assert "确认巩固" not in row(db, f"{DEDUP}:reopened:{wang.id}")[2]["text"]


def test_a_queued_dingtalk_card_is_rewritten_without_its_buttons(
    db: sqlite_utils.Database,
) -> None:
    """On DingTalk a card with buttons is an interactive card; still queued when decided, it
    is sent as the decided card: the outcome after its words, an empty button list."""
    origin = Origin.system(AT, "test")
    wang = people.ensure_admin(db, Address("dingtalk", "office0001"), "王主任", "zh", origin)

    def ask(work: Work) -> None:
        keyboard = [[notify.open_item_button("zh", 1)]]
        notify.tell(work, [wang], "lb.already", dedup=DEDUP, keyboard=lambda _: keyboard)

    run(db, wang, ask)
    assert row(db, f"{DEDUP}:{wang.id}")[2]["buttons"] != []

    def decide(work: Work) -> None:
        decided_cards.mark_decided(work, DEDUP, "decided.lb_holds")

    run(db, wang, decide)
    method, status, payload = row(db, f"{DEDUP}:{wang.id}")
    assert (method, status) == ("card", "pending")
    assert payload["html"].endswith("\n\n✅ 已由王主任于 03-02 10:12 确认巩固")
    assert not payload.get("buttons")
