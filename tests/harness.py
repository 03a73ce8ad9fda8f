"""Duban running against the sandbox, driven by scripted phones: the scenario tests' world."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.main import BotRuntime
from sandbox.phones import Phone
from sandbox.server import Sandbox
from storage import people
from storage.db import connect

TOKEN = "424242:" + "D" * 35
ADMIN_ID = 9000


def make_settings(sandbox: Sandbox, tmp_path: Path, **extra: str) -> Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": sandbox.url,
        "DATABASE_PATH": str(tmp_path / "duban.sqlite"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "ADMIN_IDS": str(ADMIN_ID),
        "TIMEZONE": "Asia/Shanghai",
        **extra,
    }
    return load_settings(env, dotenv=tmp_path / "no.env")


@dataclass
class Duban:
    """The bot in-process, its sandbox, and helpers to act as people."""

    sandbox: Sandbox
    settings: Settings
    clock: FakeClock | None = None
    runtime: BotRuntime | None = None
    phones: list[Phone] = field(default_factory=list)

    async def start(self) -> None:
        self.runtime = BotRuntime(self.settings, self.clock)
        await self.runtime.start()

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def db(self) -> sqlite_utils.Database:
        """A separate connection for a test's own reads and set-up writes."""
        return connect(self.settings.database_path)

    def phone(self, user_id: int, name: str, language: str = "zh") -> Phone:
        phone = self.sandbox.phone(user_id=user_id, name=name, language=language, token=TOKEN)
        self.phones.append(phone)
        return phone

    def invitation(self, role: Role, name: str, unit: str | None = None) -> str:
        db = self.db()
        try:
            at = self.clock.now() if self.clock else datetime.now(UTC)
            return people.create_invitation(
                db, role=role, name=name, unit=unit, days=7, origin=Origin.cli(at)
            ).code
        finally:
            db.close()

    async def register(
        self, user_id: int, name: str, role: Role, unit: str | None = None, language: str = "zh"
    ) -> Phone:
        """A person who has accepted an invitation, ready to use the bot."""
        phone = self.phone(user_id, name, language)
        await phone.send(f"/start {self.invitation(role, name, unit)}")
        await phone.expect("欢迎" if language == "zh" else "Welcome")
        return phone

    def admin(self, language: str = "zh") -> Phone:
        """The administrator configured in ADMIN_IDS."""
        return self.phone(ADMIN_ID, "办公室管理员", language)

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until every update is processed and every message sent."""
        deadline = asyncio.get_running_loop().time() + seconds
        db = self.db()
        try:
            while True:
                busy = db.execute(
                    "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending') + "
                    "(SELECT count(*) FROM outbox WHERE status = 'pending')"
                ).fetchone()[0]
                if not busy:
                    return
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{busy} updates or messages still pending")
                await asyncio.sleep(0.05)
        finally:
            db.close()
