"""Webhook mode: Telegram posts updates to the bot, which answers 200 only once they are saved.

The sandbox plays Telegram: setWebhook, then each update posted to the bot's URL with the
secret header, retried after any answer but 2xx. Phones see the same bot as in polling mode.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.runtime.webhook import SECRET_HEADER
from sandbox.server import Sandbox
from storage import inbox
from tests.harness import TOKEN, Duban, inspector_on_visit, make_settings, running
from tests.webhooks import free_port, webhook_env

pytestmark = pytest.mark.telegram_only(
    "Telegram's webhook mode (setWebhook, its secret header, its retries): a DingTalk bot "
    "opens its own Stream connection, tested in tests/dingtalk/test_stream_inbox.py"
)

SAVED = "发现 1 已记录"


@pytest.fixture
async def hooked(bot_sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Duban]:
    """Duban in webhook mode; the sandbox retries a failed post after 0.1 s, not 1 s."""
    bot_sandbox.api.webhooks.first_retry = 0.1
    settings = make_settings(bot_sandbox, tmp_path, **webhook_env(free_port()))
    async with running(Duban(bot_sandbox, settings)) as bot:
        yield bot


async def webhook_info(sandbox: Sandbox) -> dict:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sandbox.url}/bot{TOKEN}/getWebhookInfo") as answer,
    ):
        return (await answer.json())["result"]


def inbox_count(duban: Duban) -> int:
    db = duban.db()
    try:
        return db.execute("SELECT count(*) FROM inbox").fetchone()[0]
    finally:
        db.close()


async def test_phone_gets_help_and_a_photo_finding_is_stored_once(hooked: Duban) -> None:
    """The bot registers its webhook (secret, the poller's updates) and never polls; /help
    is answered; a photo on a visit becomes one finding with one piece of evidence."""
    sandbox = hooked.sandbox
    info = await webhook_info(sandbox)
    assert info["url"] == hooked.settings.webhook.url
    assert info["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]
    assert not sandbox.state.calls_to("getUpdates"), "webhook mode must not poll"

    admin = hooked.admin()
    await admin.send("/help")
    await admin.expect("可用命令")

    inspector = await inspector_on_visit(hooked, 6401)
    await inspector.send_photo(caption="车间无防护罩")
    await inspector.expect(SAVED)
    await hooked.settle()
    db = hooked.db()
    try:
        findings = db.execute("SELECT text FROM findings").fetchall()
        photos = db.execute("SELECT count(*) FROM evidence WHERE kind = 'photo'").fetchone()[0]
    finally:
        db.close()
    assert findings == [("车间无防护罩",)]
    assert photos == 1
    assert (await webhook_info(sandbox))["pending_update_count"] == 0


async def test_a_forged_secret_stores_nothing(hooked: Duban) -> None:
    """A post without the secret, or with a wrong one, is refused and leaves no inbox row."""
    url = hooked.settings.webhook.url
    forged = {
        "update_id": 777001,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/help",
            "chat": {"id": 6402, "type": "private"},
            "from": {"id": 6402, "is_bot": False, "first_name": "冒充"},
        },
    }
    before = inbox_count(hooked)
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {SECRET_HEADER: "not-the-secret"}):
            async with session.post(url, json=forged, headers=headers) as answer:
                assert answer.status == 403
    assert inbox_count(hooked) == before
    db = hooked.db()
    try:
        assert not db.execute("SELECT 1 FROM inbox WHERE update_id = 777001").fetchone()
    finally:
        db.close()


@pytest.mark.parametrize("refusal", ["database or disk is full", "database is locked"])
async def test_a_refused_commit_answers_non_200_and_the_update_arrives_later_once(
    hooked: Duban, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """While the database refuses to store the update the bot answers 503 (the sandbox
    records it as Telegram does) and nothing is answered; once it takes writes again the
    same update is delivered, stored once and answered once."""
    store = hooked.runtime.store
    run = store.run
    refusals = {"left": 3}

    async def refusing(fn, *args, **kwargs):
        if fn is inbox.save_updates and refusals["left"]:
            refusals["left"] -= 1
            raise sqlite3.OperationalError(refusal)
        return await run(fn, *args, **kwargs)

    monkeypatch.setattr(store, "run", refusing)
    admin = hooked.admin()
    await admin.send("/help")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while refusals["left"]:
        assert loop.time() < deadline, "the sandbox did not retry"
        await asyncio.sleep(0.05)
    await admin.expect("可用命令")
    await hooked.settle()
    info = await webhook_info(hooked.sandbox)
    assert info["last_error_message"] == "Wrong response from the webhook: 503 Service Unavailable"
    assert info["pending_update_count"] == 0
    assert inbox_count(hooked) == 1
    await admin.expect_silence(0.5)
    assert sum("可用命令" in m.text for m in admin.bot_messages) == 1


async def test_back_to_polling_deletes_the_webhook(bot_sandbox: Sandbox, tmp_path: Path) -> None:
    """Started in webhook mode, then without a URL: the bot deletes the webhook itself and
    what was sent while it was down arrives by getUpdates."""
    port = free_port()
    bot_sandbox.api.webhooks.first_retry = 0.1
    hooked = Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path, **webhook_env(port)))
    async with running(hooked):
        assert (await webhook_info(bot_sandbox))["url"]
    polling = Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))
    admin = polling.admin()
    await admin.send("/help")
    async with running(polling):
        await admin.expect("可用命令", within=15)
        assert (await webhook_info(bot_sandbox))["url"] == ""
        assert bot_sandbox.state.calls_to("deleteWebhook")
