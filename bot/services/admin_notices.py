"""Telling the administrators about trouble, each in their own language."""

from __future__ import annotations

from bot.chat import Address
from bot.domain.lifecycle import Role
from bot.domain.people import DINGTALK
from bot.i18n import Safe, t
from bot.runtime.work import Work
from storage import people


def first_time(work: Work, once: str) -> bool:
    """Mark the administrators as told about ``once``; False if they were told before
    (in an earlier pass, or before a restart: the marker is in the database)."""
    return bool(
        work.db.execute(
            "INSERT OR IGNORE INTO admin_notices (key, created_at) VALUES (?, ?)",
            [once, work.at.isoformat()],
        ).rowcount
    )


def notify_admins(work: Work, key: str, /, *, once: str | None = None, **values: object) -> None:
    """Send every active admin the message; with ``once``, only the first time ever."""
    if once is not None and not first_time(work, once):
        return
    for admin in people.active_people(work.db, role=Role.ADMIN):
        if admin.address is not None:
            work.send(admin.address, t(admin.language, key, **values))


def person_unreachable(work: Work, chat: Address) -> None:
    """Mark a person who blocked the bot, and tell the admins once. DingTalk has no block:
    it refuses a staff id it no longer knows, and the admins are told that instead."""
    if not people.set_reachable(work.db, chat, False):
        return
    person = people.by_address(work.db, chat)
    if person is None:
        return
    key = (
        "admin.user_unreachable_dingtalk" if chat.platform == DINGTALK else "admin.user_blocked_bot"
    )
    for admin in people.active_people(work.db, role=Role.ADMIN):
        if admin.address is None or admin.id == person.id:
            continue
        unit = f"，{person.unit}" if person.unit and admin.language == "zh" else ""
        if person.unit and admin.language == "en":
            unit = f", {person.unit}"
        work.send(
            admin.address,
            t(
                admin.language,
                key,
                name=person.name,
                role=Safe(t(admin.language, f"role.{person.role.value}")),
                unit=unit,
            ),
        )
