"""The bot's DingTalk sending side against the stand-in, without the rest of the bot.

The DingTalk renderer is dt-in's, so these tests queue outbox rows with the contract's
payloads directly (storage.outbox.enqueue) and let the real DingTalkSender deliver them.
An administrator on Telegram is registered so a given-up row has someone to tell (their
notice is rendered by the Telegram renderer that exists on this branch).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.chat import Address
from bot.clock import SystemClock
from bot.config import load_settings
from bot.domain.audit import Origin
from bot.platforms.dingtalk.openapi import DingTalkConfig, DingTalkOpenAPI
from bot.platforms.dingtalk.sender import DingTalkSender
from bot.runtime.context import Resources
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.dingtalk.state import Session
from storage import outbox, people
from storage.db import Store
from storage.outbox import Outgoing

ADMIN_ID = 9000


def config_for(standin: DingTalkStandIn) -> DingTalkConfig:
    """The stand-in app's credentials, both hosts aimed at the stand-in."""
    return DingTalkConfig(
        client_id=standin.state.client_id,
        client_secret=standin.state.client_secret,
        robot_code=standin.state.robot_code,
        card_template_id="duban-card-template",
        openapi_endpoint=standin.url,
        oapi_endpoint=standin.url,
    )


def open_session(standin: DingTalkStandIn, staff_id: str, lifetime: float = 600.0) -> str:
    """A sessionWebhook for ``staff_id`` as a robot message would carry it (negative
    ``lifetime``: one DingTalk has already let expire)."""
    session = uuid.uuid4().hex
    standin.state.sessions[session] = Session(staff_id, time.time() + lifetime)
    return f"{standin.url}/robot/sendBySession?session={session}"


@dataclass
class Kit:
    """A store, the resources the sender needs, and the sender itself."""

    store: Store
    services: Resources
    sender: DingTalkSender
    webhooks: dict[str, str] = field(default_factory=dict)
    blocked: list[Address] = field(default_factory=list)

    async def queue(self, staff_id: str, method: str, payload: dict, key: str = "") -> int:
        """Queue one DingTalk row; its id."""
        to = Address("dingtalk", staff_id)
        at = datetime.now(UTC)

        def put(db) -> int:  # type: ignore[no-untyped-def]
            outbox.enqueue(
                db, key=key or uuid.uuid4().hex, to=to, method=method, payload=payload, at=at
            )
            return int(db.execute("SELECT max(id) FROM outbox").fetchone()[0])

        return await self.store.run(put)

    async def row(self, row_id: int) -> Outgoing:
        """The row as the sender reads it (its payload may have been rewritten)."""

        def read(db) -> Outgoing:  # type: ignore[no-untyped-def]
            found = db.execute(
                "SELECT platform, chat, method, payload, attempts FROM outbox WHERE id = ?",
                [row_id],
            ).fetchone()
            platform, chat, method, payload, attempts = found
            return Outgoing(row_id, Address(platform, chat), method, json.loads(payload), attempts)

        return await self.store.run(read)

    async def status(self, row_id: int) -> tuple[str, int | None, int, str | None]:
        """The row's status, message_id, attempts and last error."""
        return await self.store.run(
            lambda db: tuple(
                db.execute(
                    "SELECT status, message_id, attempts, last_error FROM outbox WHERE id = ?",
                    [row_id],
                ).fetchone()
            )
        )

    async def deliver(self, row_id: int) -> bool:
        """One attempt at the row, as the sender's loop makes it; True when finished."""
        return await self.sender._deliver(await self.row(row_id))


@asynccontextmanager
async def dingtalk_kit(
    standin: DingTalkStandIn, tmp_path: Path, *, call_timeout: float = 5.0
) -> AsyncIterator[Kit]:
    """A fresh database with a Telegram administrator, and a DingTalkSender aimed at the
    stand-in whose session-webhook lookup reads ``kit.webhooks``."""
    settings = load_settings(
        {
            "DATABASE_PATH": str(tmp_path / "duban.sqlite"),
            "MEDIA_DIR": str(tmp_path / "media"),
            "ADMIN_IDS": str(ADMIN_ID),
            "TIMEZONE": "Asia/Shanghai",
        },
        dotenv=tmp_path / "no.env",
    )
    store = Store(settings.database_path)
    await store.open()
    clock = SystemClock()
    origin = Origin.system(clock.now(), "test")
    await store.run(people.ensure_admin, ADMIN_ID, "管理员", "zh", origin)
    services = Resources(settings, store, clock)
    webhooks: dict[str, str] = {}
    blocked: list[Address] = []

    async def lookup(staff_id: str) -> str | None:
        return webhooks.get(staff_id)

    async def on_blocked(chat: Address) -> None:
        blocked.append(chat)

    api = DingTalkOpenAPI(config_for(standin), timeout=call_timeout)
    sender = DingTalkSender(services, on_blocked, config_for(standin), lookup, api=api)
    try:
        yield Kit(store, services, sender, webhooks, blocked)
    finally:
        await sender.close()
        await store.close()
