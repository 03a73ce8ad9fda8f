"""People who may use the bot, and the invitation rules that let them in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.lifecycle import Actor, Role

INVITATION_CODE_BYTES = 12  # 16 url-safe characters: unguessable, fits /start's 64 limit


@dataclass(frozen=True)
class Person:
    id: int
    tg_user_id: int | None
    name: str
    role: Role
    unit_id: int | None
    unit: str | None
    language: str
    active: bool
    reachable: bool = True  # False once Telegram said the person blocked the bot

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.role, self.unit_id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Invitation:
    code: str
    role: Role
    unit_id: int | None
    unit: str | None
    name: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None

    def refusal(self, now: datetime) -> str | None:
        """Why this invitation cannot be used now (a catalogue key), or None if it can."""
        if self.revoked_at is not None:
            return "start.invitation_revoked"
        if self.used_at is not None:
            return "start.invitation_used"
        if now >= self.expires_at:
            return "start.invitation_expired"
        return None


def new_invitation_code() -> str:
    return secrets.token_urlsafe(INVITATION_CODE_BYTES)


def invitation_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
