"""People who may use the bot, and the invitation rules that let them in."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.chat import Address
from bot.domain.lifecycle import Actor, Role

TELEGRAM = "telegram"  # the platform every person came from before DingTalk
# Platforms whose chats can send the bot a location. DingTalk's robots receive text,
# pictures, rich text, files, audio and video, never a location (its robot message types).
_SENDS_LOCATION = frozenset({TELEGRAM})


def sends_location(platform: str) -> bool:
    """Whether someone on ``platform`` can share where they are with the bot: if not, a
    visit asks them to confirm their arrival instead, and no location is held against it."""
    return platform in _SENDS_LOCATION


def telegram_address(number: int) -> Address:
    """A Telegram user or private chat as the bot addresses it (in a private chat the two
    ids are the same number)."""
    return Address(TELEGRAM, str(number))


DINGTALK = "dingtalk"  # the second front-end: a person's account is their DingTalk staff id


def dingtalk_address(staff_id: str) -> Address:
    """A DingTalk user's one-to-one chat with the robot, named by their staff id (the robot
    pushes to a staff id; each robot message names its sender's)."""
    return Address(DINGTALK, staff_id)


INVITATION_CODE_BYTES = 12  # 16 url-safe characters: unguessable, fits /start's 64 limit


@dataclass(frozen=True)
class Person:
    """Someone the bot knows; ``platform`` and ``account`` say where they write from and
    that platform's id of them, as text (None for someone invited who never wrote). A
    person with accounts on two platforms (storage ``person_accounts``) has here the one
    they last wrote from, which is where the bot writes to them."""

    id: int
    platform: str
    account: str | None
    name: str
    role: Role
    unit_id: int | None
    unit: str | None
    language: str
    active: bool
    reachable: bool = True  # False once the platform said the person blocked the bot

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.role, self.unit_id)

    @property
    def address(self) -> Address | None:
        """Where the bot writes to this person; None before they first wrote to it."""
        if self.account is None:
            return None
        return Address(self.platform, self.account)


@dataclass(frozen=True)
class Invitation:
    """An invitation as stored: the code itself is never kept, only its sha256.

    ``code`` is filled only on the object ``create_invitation`` returns, so the one place
    that made the code can show it (the admin's chat message, the CLI's output).
    """

    id: int
    code_hash: str
    role: Role
    unit_id: int | None
    unit: str | None
    name: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    used_by: int | None = None
    created_by_person: int | None = None  # the admin who made it in the chat, if one did
    message_key: str | None = None  # outbox key of the admin's message holding the link
    code: str | None = None
    # A link invitation: the registered person whose second account the redeemer becomes.
    links_person: int | None = None

    def refusal(self, now: datetime) -> str | None:
        """Why this invitation cannot be used now (a catalogue key), or None if it can."""
        if self.revoked_at is not None:
            return "start.invitation_revoked"
        if self.used_at is not None:
            return "start.invitation_used"
        if now >= self.expires_at:
            return "start.invitation_expired"
        return None


@dataclass(frozen=True)
class Change:
    """One field of a registered person that redeeming an invitation would change."""

    field: str  # "name", "role" or "unit"
    before: str | None
    after: str | None


def changes_on_redeem(person: Person, invitation: Invitation) -> list[Change]:
    """What redeeming ``invitation`` would do to an already registered ``person``.

    Shown to them before anything changes, so someone who taps a link meant for a
    different role (or the admin who just made it) sees what they would lose.
    """
    pairs = (
        ("name", person.name, invitation.name),
        ("role", person.role.value, invitation.role.value),
        ("unit", person.unit, invitation.unit),
    )
    return [Change(name, before, after) for name, before, after in pairs if before != after]


def fold_name(name: str) -> str:
    """A name as compared: full/half width, case and spaces do not matter (``王 督查`` typed
    on a phone, ``王督查`` in a sheet cell are one person)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def hash_code(code: str) -> str:
    """What the database keeps of an invitation code: a backup must not hold live links."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def new_invitation_code() -> str:
    return secrets.token_urlsafe(INVITATION_CODE_BYTES)


def invitation_expiry(now: datetime, role: Role, days: int, admin_hours: int) -> datetime:
    """Every invitation lapses after ``days``; one that makes an administrator after at most
    ``admin_hours``, because a forwarded admin link is a key to everything."""
    lifetime = timedelta(days=days)
    if role is Role.ADMIN:
        lifetime = min(lifetime, timedelta(hours=admin_hours))
    return now + lifetime


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
