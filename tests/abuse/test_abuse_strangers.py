"""Strangers: every command, every button and every kind of message from someone without an
invitation gets one polite line and changes nothing. The lists come from the built
Application, so a handler added tomorrow is covered without touching this file."""

from __future__ import annotations

import asyncio
import secrets

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler

from bot.domain.lifecycle import Role
from bot.registry import ACTIONS
from sandbox.images import make_jpeg
from sandbox.phones import Phone
from tests.harness import Duban

REFUSAL = "仅限受邀人员"
# Tables a refusal may add to (the inbox and outbox), and the periodic sweep's own marker.
UNTOUCHED = ("inbox", "outbox", "sweep_state")


def registered_handlers(duban: Duban) -> tuple[set[str], list[MessageHandler], int]:
    """Commands, message handlers and callback handlers of the running Application."""
    application = duban.runtime.application
    commands: set[str] = set()
    messages: list[MessageHandler] = []
    callbacks = 0
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, CommandHandler):
                commands |= set(handler.commands)
            elif isinstance(handler, MessageHandler):
                messages.append(handler)
            elif isinstance(handler, CallbackQueryHandler):
                callbacks += 1
            else:
                assert isinstance(handler, TypeHandler), f"unexpected handler {handler!r}"
    return commands, messages, callbacks


def send_every_kind(duban: Duban, phones: list[Phone]) -> list[dict]:
    """One message of each kind a person can send, each from its own stranger."""
    kinds = iter(phones)
    sent = [
        next(kinds).actions.send_text("你好"),
        next(kinds).actions.send_photo(make_jpeg(64, 48), "门口"),
        next(kinds).actions.send_document(b"a,b\n1,2\n", "表.csv", "text/csv"),
        next(kinds).actions.send_voice(b"OggS\x00voice"),
        next(kinds).actions.send_video(b"\x00\x00\x00\x18ftypmp42"),
        next(kinds).actions.send_location(32.37, 120.56),
        next(kinds).actions.send_text("/nosuch"),  # a command no declaration has
    ]
    forwarded = next(kinds)
    sent.append(
        duban.send_raw(
            forwarded,
            {
                "text": "转发",
                "forward_origin": {"type": "hidden_user", "date": 1, "sender_user_name": "某人"},
            },
        )
    )
    sticker = next(kinds)
    sent.append(
        duban.send_raw(
            sticker,
            {
                "sticker": {
                    "file_id": "CAAC",
                    "file_unique_id": "u1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
        )
    )
    return sent


async def test_stranger_gets_one_polite_line_for_everything(duban: Duban) -> None:
    """Whatever a stranger sends or taps — every command, every button action (with a real
    token made for someone else, or a random one), every kind of message — they get one
    polite refusal and the bot's records do not change."""
    # Someone real, who owns the tokens the strangers will press.
    owner = await duban.register(8001, "王督查", Role.INSPECTOR)
    await duban.settle()
    owner_id = duban.person_id(8001)
    outbox_before = duban.table_counts()["outbox"]
    inbox_before = duban.table_counts()["inbox"]

    commands, message_handlers, callback_handlers = registered_handlers(duban)
    assert {"start", "help", "users", "visit", "export"} <= commands
    assert callback_handlers == 1  # all buttons go through handlers/dispatch.py

    texts = [f"/{command}" for command in sorted(commands)]
    texts += ["/start 不存在的邀请码", "/users@duban_424242_bot", "/visit 卓远半导体 ../../"]
    tokens = [duban.make_button(owner_id, action, {}) for action in sorted(ACTIONS.buttons)]
    tokens += [secrets.token_urlsafe(12) for _ in range(3)] + ["x" * 64, "lang"]
    before = duban.table_counts(skip=UNTOUCHED)

    phones = [duban.phone(10_000 + n, f"路人{n}") for n in range(len(texts) + len(tokens) + 9)]
    cursor = iter(phones)
    for text in texts:
        await next(cursor).send(text)
    queries = [(duban.forge_callback(next(cursor), token)) for token in tokens]
    sent = send_every_kind(duban, [next(cursor) for _ in range(9)])

    # Every MessageHandler of the Application is reached by one of the messages sent.
    bot = duban.runtime.application.bot
    reached = {
        id(handler)
        for message in sent
        for handler in message_handlers
        if handler.check_update(Update.de_json({"update_id": 1, "message": message}, bot))
    }
    missing = [
        h for h in message_handlers if id(h) not in reached and h.callback.__name__ != "ignore"
    ]
    assert not missing, f"no stranger test message reaches {missing}"

    await duban.received(inbox_before + len(phones))
    await duban.settle(30)
    await asyncio.sleep(0.2)
    for phone in phones:
        said = [m.text for m in phone.bot_messages if m.text != "…"]
        assert len(said) == 1 and REFUSAL in said[0], f"{phone.user_id} saw {said}"
        assert not phone.bot_messages[-1].buttons
    for query_id in queries:
        answers = duban.answers(query_id)
        assert len(answers) == 1 and not answers[0].get("text"), answers  # answered quietly
    assert duban.table_counts(skip=UNTOUCHED) == before
    assert duban.table_counts()["outbox"] == outbox_before + len(phones)
    assert owner.latest is not None and REFUSAL not in owner.latest.text  # nothing for them


async def test_stranger_edits_and_blocks_are_quietly_dropped(duban: Duban) -> None:
    """An edited message or blocking the bot from a stranger gets nothing at all (there is
    nothing to refuse), and the update is finished, not retried."""
    stranger = duban.phone(10_900, "路人")
    await stranger.send("/start")
    await stranger.expect(REFUSAL)
    message = stranger.messages[0].data
    duban.send_raw(stranger, {**message, "text": "改过的", "edit_date": 2}, kind="edited_message")
    stranger.block_bot()
    stranger.unblock()
    await duban.settle()
    await stranger.expect_silence(0.3)
    db = duban.db()
    try:
        assert db.execute("SELECT DISTINCT status FROM inbox").fetchall() == [("done",)]
        assert db.execute("SELECT count(*) FROM people").fetchone()[0] == 0
    finally:
        db.close()
