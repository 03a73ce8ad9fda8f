"""Invitation-only registration, help and language: /start, /help, /lang and their buttons.

The command menus and /help come from the registry (bot/registry.py), which itself imports
this module: it is read at call time, inside the functions, so that importing this module
first never hands the registry a half-loaded copy of it.
"""

from __future__ import annotations

from bot.actions import EVERYONE, button, button_to, command
from bot.domain.lifecycle import Role
from bot.domain.people import Invitation, Person, changes_on_redeem
from bot.i18n import LANGUAGES, Safe, t
from bot.runtime.work import Work
from bot.services import invitations
from bot.services.report_menus import show_menu
from storage import people


def refuse_stranger(work: Work) -> None:
    """One polite line, nothing else: no data, no buttons."""
    work.reply("start.invitation_only")


@command("start", roles=EVERYONE, help="cmd.start", strangers=True, shown_to=frozenset())
def start(work: Work, text: str) -> None:
    """``/start <code>`` registers; a registered person is greeted; anyone else refused.

    A code is never left behind: the update that carried it is cleaned in the inbox in this
    same commit, whatever becomes of the code.
    """
    words = text.split()
    code = words[0] if words else None
    if not code:
        if work.person is not None and work.person.active:
            work.reply("start.already", name=work.person.name, role=role_label(work, work.person))
            return
        refuse_stranger(work)
        return
    if work.update_id is not None:
        people.forget_code_in_update(work.db, work.update_id, code)
    registered = work.person is not None and work.person.active
    if invitations.sender_is_settings_admin(work):
        work.reply(invitations.sender_settings_admin_key(work, "invites.settings_admin_start"))
        return
    invitation = people.get_invitation(work.db, code)
    if invitation is None:
        if registered:
            work.reply("invites.unknown_code")
        else:
            refuse_stranger(work)
        return
    refusal = invitation.refusal(work.at)
    if refusal:
        work.reply(refusal)
        return
    if invitation.links_person is not None:
        _link(work, invitation)
        return
    if work.person is not None and registered:
        ask_to_confirm(work, work.person, invitation)
        return
    person = _redeem(work, invitation, work.lang)
    _welcome(work, person, "start.welcome")


def ask_to_confirm(work: Work, person: Person, invitation: Invitation) -> None:
    """A registered person tapped a link: show what the invitation would change and change
    nothing until they confirm."""
    lines = []
    for change in changes_on_redeem(person, invitation):
        before, after = change.before, change.after
        if change.field == "role":
            before, after = (
                invitations.role_name(work.lang, before),
                invitations.role_name(work.lang, after),
            )
        lines.append(
            work.t(
                "invites.change_line",
                field=work.t(f"invites.field.{change.field}"),
                before=before or work.t("invites.nothing"),
                after=after or work.t("invites.nothing"),
            )
        )
    work.reply(
        "invites.confirm_change",
        name=person.name,
        role=invitations.role_name(work.lang, person.role),
        unit=invitations.unit_part(work.lang, person.unit),
        changes=Safe("\n".join(lines) or work.t("invites.no_change")),
        keyboard=[
            [
                button_to(accept_change, work.t("invites.confirm"), invitation=invitation.id),
                button_to(keep_as_is, work.t("invites.keep"), invitation=invitation.id),
            ]
        ],
    )


@button("invite.accept", roles=EVERYONE)
def accept_change(work: Work, invitation: object = None) -> None:
    """A registered person confirmed what the invitation changes: redeem it now, if it still
    can be (it may have been used, revoked or expired since they were asked). The question
    is edited into the outcome, so its buttons do not stay behind."""
    if invitations.sender_is_settings_admin(work):
        _answer(work, invitations.sender_settings_admin_key(work, "invites.settings_admin_start"))
        return
    if work.person is None:  # the button dispatcher lets only its registered owner this far
        refuse_stranger(work)
        return
    found = _invitation_from_button(work, invitation)
    if found is None:
        _answer(work, "invites.unknown_code")
        return
    if _answered_already(work, found):
        return
    refusal = found.refusal(work.at)
    if refusal:
        _answer(work, refusal)
        return
    person = _redeem(work, found, work.person.language)
    _welcome(work, person, "invites.changed")


@button("invite.keep", roles=EVERYONE)
def keep_as_is(work: Work, invitation: object = None) -> None:
    """A registered person declined: nothing changes and the invitation stays unused.

    Unless ✅ of the same question was tapped first: then "nothing changed" would be untrue,
    and they are told who they are now instead.
    """
    if work.person is None:  # the button dispatcher lets only its registered owner this far
        refuse_stranger(work)
        return
    found = _invitation_from_button(work, invitation)
    if found is not None and _answered_already(work, found):
        return
    _answer(work, "invites.kept")


def _answered_already(work: Work, invitation: Invitation) -> bool:
    """A later tap on a question this person already confirmed: say who they are now."""
    assert work.person is not None
    if invitation.used_by != work.person.id:
        return False
    role = role_label(work, work.person)
    _answer(work, "start.already", name=work.person.name, role=role)
    return True


def _answer(work: Work, key: str, /, **values: object) -> None:
    """Edit the tapped confirmation question into this answer (without buttons), or reply."""
    message_id = work.tapped_message
    show_menu(work, message_id, work.t(key, **values), [])


def _invitation_from_button(work: Work, invitation_id: object) -> Invitation | None:
    """The invitation a button names; None for a forged or malformed id."""
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        return None
    return people.invitation_by_id(work.db, invitation_id)


def _redeem(work: Work, invitation: Invitation, language: str) -> Person:
    """Use the invitation up for whoever sent this update, and tell those answerable."""
    redeemer = work.sender
    if redeemer is None:
        raise RuntimeError("an invitation is redeemed by the sender of an update")
    person = people.redeem_invitation(work.db, invitation, redeemer.address, language, work.origin)
    work.person, work.lang = person, person.language
    queue_command_menu(work, person)
    invitations.after_redeem(work, invitation, person, redeemer)
    return person


def _link(work: Work, invitation: Invitation) -> None:
    """A link invitation: the account that sent it becomes the invited person's account on
    this platform — unless it is someone's already (theirs: nothing to do; anyone else's:
    refused, an account is never taken from a person), or the person was deactivated since.
    A refused link leaves the invitation unused, for the right account to use."""
    assert invitation.links_person is not None
    redeemer = work.sender
    if redeemer is None:
        raise RuntimeError("an invitation is redeemed by the sender of an update")
    target = people.by_id(work.db, invitation.links_person)
    holder = people.by_address(work.db, redeemer.address)
    if holder is not None:
        key = "invites.link_already" if holder.id == target.id else "invites.link_taken"
        work.reply(key, name=holder.name)
        return
    if not target.active:
        work.reply("invites.link_person_inactive")
        return
    person = people.link_account(work.db, invitation, redeemer.address, work.origin)
    work.person, work.lang = person, person.language
    queue_command_menu(work, person)
    invitations.after_redeem(work, invitation, person, redeemer)
    work.reply(
        "invites.linked",
        platform=work.t(f"platform.{redeemer.address.platform}"),
        name=person.name,
        role=role_label(work, person),
        unit=invitations.unit_part(work.lang, person.unit),
    )


def _welcome(work: Work, person: Person, key: str) -> None:
    unit = invitations.unit_part(work.lang, person.unit)
    _answer(work, key, name=person.name, role=role_label(work, person), unit=unit)


def role_label(work: Work, person: Person) -> str:
    return work.t(f"role.{person.role.value}")


def menu_of(role: Role | None, lang: str) -> list[tuple[str, str]]:
    """The commands offered to ``role`` (None: someone unregistered), each with its one
    line in ``lang``: the command menu and /help, both from the registry."""
    from bot import registry  # read at call time: the registry imports this module

    return [(action.name, t(lang, action.help or "")) for action in registry.ACTIONS.menu(role)]


def queue_command_menu(work: Work, person: Person) -> None:
    """The person's own command menu, in their language (for their chat only)."""
    address = person.address
    if address is None:
        return
    work.set_commands(
        address,
        menu_of(person.role, person.language),
        key=f"menu:{address.id}:{person.role.value}:{person.language}:{work.at.isoformat()}",
    )


@command("lang", roles=EVERYONE, help="cmd.lang")
def choose_language(work: Work) -> None:
    """Offer the two languages as buttons, each named in its own language."""
    keyboard = [[button_to(set_language, t(lang, f"lang.{lang}"), lang=lang) for lang in LANGUAGES]]
    work.reply("lang.choose", keyboard=keyboard)


@command("help", roles=EVERYONE, help="cmd.help")
def show_help(work: Work) -> None:
    """The commands of this person's role, as their menu lists them."""
    role = work.person.role if work.person is not None else None
    lines = [work.t("help.title")]
    lines += [f"/{name} — {line}" for name, line in menu_of(role, work.lang)]
    if work.chat is not None:
        work.send(work.chat, "\n".join(lines))


def unknown_command(work: Work, word: str) -> None:
    """A command Duban does not have (a typo, or one from another bot): said as such, with
    the way to the ones it has — not the answer meant for stickers and polls."""
    work.reply("command.unknown", command=word[:40])


@button("lang", roles=EVERYONE)
def set_language(work: Work, lang: str = "") -> None:
    """Switch the person's language, and their command menu with it."""
    if lang not in LANGUAGES or work.person is None:
        return
    people.set_language(work.db, work.person.id, lang)
    work.lang = lang
    work.reply("lang.set")
    queue_command_menu(work, people.by_id(work.db, work.person.id))
