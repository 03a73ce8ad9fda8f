"""Invitation-only registration, help and language: each runs inside one Work."""

from __future__ import annotations

from bot.commands import commands_for
from bot.domain.lifecycle import Role
from bot.domain.people import Invitation, Person
from bot.i18n import LANGUAGES, t
from bot.runtime.work import Button, Work
from bot.services.invitations import (
    Redeemer,
    after_redeem,
    ask_to_confirm,
    is_settings_admin,
    unit_part,
)
from bot.services.report_menus import show_menu
from storage import people


def refuse_stranger(work: Work) -> None:
    """One polite line, nothing else: no data, no buttons."""
    work.reply("start.invitation_only")


def start(
    work: Work, code: str | None, language: str, redeemer: Redeemer | None = None
) -> Person | None:
    """``/start <code>`` registers; a registered person is greeted; anyone else refused.

    A code is never left behind: the update that carried it is cleaned in the inbox in this
    same commit, whatever becomes of the code.
    """
    if not code:
        if work.person is not None and work.person.active:
            work.reply("start.already", name=work.person.name, role=role_label(work, work.person))
            return work.person
        refuse_stranger(work)
        return None
    if work.update_id is not None:
        people.forget_code_in_update(work.db, work.update_id, code)
    registered = work.person is not None and work.person.active
    if is_settings_admin(work, work.tg_user_id):
        work.reply("invites.settings_admin_start")
        return work.person
    invitation = people.get_invitation(work.db, code)
    if invitation is None:
        if registered:
            work.reply("invites.unknown_code")
        else:
            refuse_stranger(work)
        return None
    refusal = invitation.refusal(work.at)
    if refusal:
        work.reply(refusal)
        return None
    if registered:
        ask_to_confirm(work, work.person, invitation)
        return work.person
    person = _redeem(work, invitation, language, redeemer)
    _welcome(work, person, None, "start.welcome")
    return person


def accept_change(
    work: Work, invitation_id: object, redeemer: Redeemer, message_id: int | None = None
) -> Person | None:
    """A registered person confirmed what the invitation changes: redeem it now, if it still
    can be (it may have been used, revoked or expired since they were asked). The question
    is edited into the outcome, so its buttons do not stay behind."""
    if is_settings_admin(work, work.tg_user_id):
        _answer(work, message_id, "invites.settings_admin_start")
        return None
    if work.person is None:  # the button handler lets only its registered owner this far
        refuse_stranger(work)
        return None
    invitation = _invitation_from_button(work, invitation_id)
    if invitation is None:
        _answer(work, message_id, "invites.unknown_code")
        return None
    if _answered_already(work, invitation, message_id):
        return work.person
    refusal = invitation.refusal(work.at)
    if refusal:
        _answer(work, message_id, refusal)
        return None
    person = _redeem(work, invitation, work.person.language, redeemer)
    _welcome(work, person, message_id, "invites.changed")
    return person


def keep_as_is(work: Work, invitation_id: object, message_id: int | None = None) -> None:
    """A registered person declined: nothing changes and the invitation stays unused.

    Unless ✅ of the same question was tapped first: then "nothing changed" would be untrue,
    and they are told who they are now instead.
    """
    if work.person is None:  # the button handler lets only its registered owner this far
        refuse_stranger(work)
        return
    invitation = _invitation_from_button(work, invitation_id)
    if invitation is not None and _answered_already(work, invitation, message_id):
        return
    _answer(work, message_id, "invites.kept")


def _answered_already(work: Work, invitation: Invitation, message_id: int | None) -> bool:
    """A later tap on a question this person already confirmed: say who they are now."""
    assert work.person is not None
    if invitation.used_by != work.person.id:
        return False
    role = role_label(work, work.person)
    _answer(work, message_id, "start.already", name=work.person.name, role=role)
    return True


def _answer(work: Work, message_id: int | None, key: str, /, **values: object) -> None:
    """Edit the confirmation question into this answer (without buttons), or reply."""
    show_menu(work, message_id, work.t(key, **values), [])


def _invitation_from_button(work: Work, invitation_id: object) -> Invitation | None:
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        return None
    return people.invitation_by_id(work.db, invitation_id)


def _redeem(work: Work, invitation: Invitation, language: str, redeemer: Redeemer | None) -> Person:
    """Use the invitation up for whoever sent this update, and tell those answerable."""
    redeemer = redeemer or Redeemer(work.tg_user_id, "", None)
    person = people.redeem_invitation(work.db, invitation, work.tg_user_id, language, work.origin)
    work.person, work.lang = person, person.language
    queue_command_menu(work, person)
    after_redeem(work, invitation, person, redeemer)
    return person


def _welcome(work: Work, person: Person, message_id: int | None, key: str) -> None:
    unit = unit_part(work.lang, person.unit)
    _answer(work, message_id, key, name=person.name, role=role_label(work, person), unit=unit)


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
