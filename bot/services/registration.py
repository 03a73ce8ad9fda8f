"""Invitation-only registration, help and language: each runs inside one Work."""

from __future__ import annotations

from bot.commands import commands_for
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.i18n import LANGUAGES, Safe, t
from bot.work import Button, Work
from storage import people


def refuse_stranger(work: Work) -> None:
    """One polite line, nothing else: no data, no buttons."""
    work.reply("start.invitation_only")


def start(work: Work, code: str | None, language: str) -> Person | None:
    """``/start <code>`` registers; a registered person is greeted; anyone else refused."""
    if not code:
        if work.person is not None and work.person.active:
            work.reply("start.already", name=work.person.name, role=role_label(work, work.person))
            return work.person
        refuse_stranger(work)
        return None
    invitation = people.get_invitation(work.db, code)
    if invitation is None:
        refuse_stranger(work)
        return None
    refusal = invitation.refusal(work.at)
    if refusal:
        work.reply(refusal)
        return None
    person = people.redeem_invitation(work.db, invitation, work.tg_user_id, language, work.origin)
    work.person, work.lang = person, person.language
    unit = Safe(work.t("start.welcome_unit", unit=person.unit)) if person.unit else ""
    work.reply("start.welcome", name=person.name, role=role_label(work, person), unit=unit)
    queue_command_menu(work, person)
    return person


def role_label(work: Work, person: Person) -> str:
    return work.t(f"role.{person.role.value}")


def queue_command_menu(work: Work, person: Person) -> None:
    """The person's own command menu, in their language (setMyCommands for their chat)."""
    commands = [
        {"command": name, "description": t(person.language, key)}
        for name, key in commands_for(person.role)
    ]
    work.queue(
        "setMyCommands",
        person.tg_user_id,
        {"commands": commands, "scope": {"type": "chat", "chat_id": person.tg_user_id}},
        key=f"menu:{person.tg_user_id}:{person.role.value}:{person.language}:{work.at.isoformat()}",
    )


def show_help(work: Work) -> None:
    person = work.person
    role: Role | None = person.role if person else None
    lines = [work.t("help.title")]
    lines += [f"/{name} — {work.t(key)}" for name, key in commands_for(role)]
    work.send_text(work.chat_id, "\n".join(lines))


def choose_language(work: Work) -> None:
    keyboard = [[Button(t(lang, f"lang.{lang}"), "lang", {"lang": lang}) for lang in LANGUAGES]]
    work.reply("lang.choose", keyboard=keyboard)


def set_language(work: Work, language: str) -> None:
    if language not in LANGUAGES or work.person is None:
        return
    people.set_language(work.db, work.person.id, language)
    work.lang = language
    work.reply("lang.set")
    queue_command_menu(work, people.by_id(work.db, work.person.id))
