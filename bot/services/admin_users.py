"""The office's people work from the chat: invitations, roles, deactivation, handover."""

from __future__ import annotations

import sqlite_utils

from bot.actions import ADMINS, button, button_to, command, step
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.people import Invitation, Person
from bot.i18n import Safe
from bot.runtime.work import Work
from bot.services import account_unlinking, invitations, joining, registration
from storage import dialogs, people
from storage.policy import load_policy
from storage.rows import fetch_values

ROLES = (Role.INSPECTOR, Role.CONTACT, Role.ADMIN, Role.LEADER)
NAME_LIMIT = 40


# --- invitations ---------------------------------------------------------------------


@command("invite", roles=ADMINS, help="cmd.invite")
def invite_start(work: Work) -> None:
    """The invitations still open (each with revoke), then step 1: which role?"""
    admin = work.registered
    dialogs.clear(work.db, admin.id)
    invitations.show_pending(work)
    keyboard = [
        [button_to(invite_role, work.t(f"role.{role.value}"), role=role.value)] for role in ROLES
    ]
    work.reply("invite.choose_role", keyboard=keyboard)


@button("invite.role", roles=ADMINS)
def invite_role(work: Work, role: str) -> None:
    """Step 2: contacts need a unit; everyone else goes straight to the name."""
    admin = work.registered
    if role not in {r.value for r in ROLES}:
        return
    if role == Role.CONTACT.value:
        units = fetch_values(work.db, "SELECT name FROM units ORDER BY id")
        keyboard = [
            [button_to(invite_unit, name, role=role, unit=name) for name in pair]
            for pair in (units[i : i + 2] for i in range(0, len(units), 2))
        ]
        dialogs.put(work.db, admin.id, "invite.unit", {"role": role}, work.at)
        work.reply("invite.choose_unit", keyboard=keyboard)
        return
    _ask_name(work, admin, role, None)


@button("invite.unit", roles=ADMINS)
def invite_unit(work: Work, role: str, unit: str) -> None:
    admin = work.registered
    _ask_name(work, admin, role, unit.strip()[:NAME_LIMIT])


def _ask_name(work: Work, admin: Person, role: str, unit: str | None) -> None:
    dialogs.put(work.db, admin.id, "invite.name", {"role": role, "unit": unit}, work.at)
    work.reply("invite.ask_name")


@step("invite.", roles=ADMINS, refusal="admin.only")
def invite_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers during /invite: a unit name not among the buttons, then the name."""
    admin = work.registered
    text = " ".join(text.split())
    if not text or len(text) > NAME_LIMIT:
        work.reply("invite.name_invalid", limit=NAME_LIMIT)
        return
    if state == "invite.unit":
        _ask_name(work, admin, data["role"], text)
        return
    dialogs.clear(work.db, admin.id)
    invitation = people.create_invitation(
        work.db,
        role=Role(data["role"]),
        name=text,
        unit=data.get("unit"),
        days=work.policy.invitation_days,
        admin_hours=work.policy.admin_invitation_hours,
        origin=work.origin,
        created_by_person=admin.id,
    )
    _show_invitation(work, invitation)


def _show_invitation(work: Work, invitation: Invitation) -> None:
    """The link, shown once: the outbox drops this text once it is sent (invitation_jobs),
    and the message is edited when the link is used or revoked."""
    assert invitation.code is not None  # a new invitation carries its code, once
    link = joining.how_to_join(work, invitation.code)
    unit = Safe(work.t("start.welcome_unit", unit=invitation.unit)) if invitation.unit else ""
    key = invitations.link_message_key(invitation.id)
    work.send(
        work.chat,
        work.t(
            "invite.created",
            name=invitation.name,
            role=work.t(f"role.{invitation.role.value}"),
            unit=unit,
            link=link,
            expires=_local(work, invitation.expires_at),
        ),
        keyboard=[[button_to(invite_revoke, work.t("invite.revoke"), invitation=invitation.id)]],
        key=key,
    )
    people.set_invitation_message(work.db, invitation.id, key)


@button("invite.revoke", roles=ADMINS)
def invite_revoke(work: Work, invitation: object = None, code: object = None) -> None:
    """Revoke an invitation from its own message or from the /invite list.

    ``code``: revoke buttons made before invitations were kept as sha256 carried the code
    itself; such a button names no invitation now and is told it revokes nothing.
    """
    found = None
    if isinstance(invitation, int) and not isinstance(invitation, bool):
        found = people.invitation_by_id(work.db, invitation)
    if found is None or not people.revoke_invitation(work.db, found.id, work.origin):
        work.reply("invite.not_revocable")
        return
    invitations.mark_revoked(work, found)
    work.reply("invite.revoked")


def _local(work: Work, moment) -> str:
    return moment.astimezone(work.tz).strftime("%Y-%m-%d %H:%M")


# --- people --------------------------------------------------------------------------


@command("users", roles=ADMINS, help="cmd.users")
def list_users(work: Work) -> None:
    """Everyone registered, each a button to manage them."""
    everyone = people.all_people(work.db)
    if not everyone:
        work.reply("users.none")
        return
    platforms = people.platforms_by_person(work.db)
    keyboard = [
        [
            button_to(
                show_user,
                f"{_marker(work, p)}{p.name} · {work.t(f'role.{p.role.value}')}"
                + (f" · {p.unit}" if p.unit else "")
                + (
                    f" · {joining.platform_names(work, platforms[p.id])}"
                    if p.id in platforms
                    else ""
                ),
                person=p.id,
            )
        ]
        for p in everyone
    ]
    work.reply("users.title", count=len(everyone), keyboard=keyboard)


def _refuse_settings_admin(work: Work, person: Person) -> bool:
    """An ADMIN_IDS administrator is one on every update: changing them here would be undone
    at their next message, so it is refused with the reason (True if refused)."""
    if invitations.person_is_settings_admin(work, person):
        refused = invitations.person_settings_admin_key(
            work, "users.settings_admin_refused", person
        )
        work.reply(refused, name=person.name)
        return True
    return False


def _marker(work: Work, person: Person) -> str:
    """🔒 an ADMIN_IDS administrator (nothing here changes them), ⛔ a deactivated person."""
    if invitations.person_is_settings_admin(work, person):
        return "🔒 "
    return "" if person.active else "⛔ "


@button("users.show", roles=ADMINS)
def show_user(work: Work, person: int) -> None:
    """One person's card: their role to change, deactivation and handover."""
    shown = people.by_id(work.db, person)
    keyboard = [
        [
            button_to(change_role, work.t(f"role.{role.value}"), person=shown.id, role=role.value)
            for role in ROLES
            if role is not shown.role
        ],
    ]
    if shown.active:
        keyboard.append(
            [
                button_to(deactivate, work.t("users.deactivate"), person=shown.id),
                button_to(handover_choose, work.t("users.handover"), person=shown.id),
            ]
        )
    settings_admin = invitations.person_is_settings_admin(work, shown)
    if settings_admin:
        note = invitations.person_settings_admin_key(work, "users.settings_admin_note", shown)
        state = Safe(f"{work.t('users.active')}\n{work.t(note)}")
    else:
        state = work.t("users.active" if shown.active else "users.inactive")
    state = Safe(f"{state}\n{_platforms_line(work, shown)}")
    if shown.active and not settings_admin:
        keyboard += [
            [
                button_to(
                    link_invite,
                    work.t("users.link", platform=joining.platform_name(work, platform)),
                    person=shown.id,
                )
            ]
            for platform in _unlinked(work, shown)
        ]
    keyboard += account_unlinking.unlink_buttons(work, shown)
    work.reply(
        "users.card",
        name=shown.name,
        role=work.t(f"role.{shown.role.value}"),
        unit=shown.unit or "—",
        state=state,
        keyboard=keyboard,
    )


@button("users.role", roles=ADMINS)
def change_role(work: Work, person: int, role: str) -> None:
    """Give someone another role (a contact needs a unit); their command menu follows."""
    someone = people.by_id(work.db, person)
    if role not in {r.value for r in ROLES}:
        return
    if role == someone.role.value:  # a second tap, or an old card: the first one changed it
        work.answer_tap("users.role_already", name=someone.name, role=work.t(f"role.{role}"))
        return
    if _refuse_settings_admin(work, someone):
        return
    if role == Role.CONTACT.value and someone.unit_id is None:
        work.reply("users.contact_needs_unit")
        return
    people.update_person(work.db, someone.id, {"role": role}, work.origin)
    registration.queue_command_menu(work, people.by_id(work.db, someone.id))
    work.reply("users.role_changed", name=someone.name, role=work.t(f"role.{role}"))


@button("users.deactivate", roles=ADMINS)
def deactivate(work: Work, person: int) -> None:
    """Stop someone using the bot (from their card, or the notice that they used a link)."""
    someone = people.by_id(work.db, person)
    if work.person is not None and someone.id == work.person.id:
        work.reply("users.not_yourself")
        return
    if _refuse_settings_admin(work, someone):
        return
    if not someone.active:  # a second tap, or the old notice's ⛔ 立即停用: nothing to change
        work.answer_tap("users.already_inactive", alert=True, name=someone.name)
        return
    people.update_person(work.db, someone.id, {"active": 0}, work.origin)
    work.reply("users.deactivated", name=someone.name)


@button("users.handover", roles=ADMINS)
def handover_choose(work: Work, person: int) -> None:
    """Who takes over a departing person's items: the other active people of their role."""
    someone = people.by_id(work.db, person)
    if _refuse_settings_admin(work, someone):
        return
    candidates = [p for p in people.active_people(work.db, role=someone.role) if p.id != someone.id]
    if not candidates:
        work.reply("users.no_successor")
        return
    keyboard = [[button_to(handover, p.name, person=someone.id, to=p.id)] for p in candidates]
    work.reply("users.choose_successor", name=someone.name, keyboard=keyboard)


@button("users.handover_to", roles=ADMINS)
def handover(work: Work, person: int, to: int) -> None:
    """Hand a departing person's items and open visits to a successor, then deactivate."""
    someone = people.by_id(work.db, person)
    if _refuse_settings_admin(work, someone):
        return
    successor = people.by_id(work.db, to)
    counts = people.hand_over(work.db, someone.id, successor.id, work.origin)
    people.update_person(work.db, someone.id, {"active": 0}, work.origin)
    work.reply(
        "users.handed_over",
        name=someone.name,
        successor=successor.name,
        items=counts["items"],
        visits=counts["visits"],
    )


def _platforms_line(work: Work, person: Person) -> str:
    """Where this person is on: their platforms, and which one the bot writes to when they
    have more than one (the one they last wrote from)."""
    mine = {account.platform for account in people.accounts(work.db, person.id)}
    if not mine:
        return work.t("users.platforms_none")
    names = joining.platform_names(work, mine)
    if len(mine) == 1 or person.address is None:
        return work.t("users.platforms", platforms=names)
    current = joining.platform_name(work, person.address.platform)
    return work.t("users.platforms_reached", platforms=names, current=current)


def _unlinked(work: Work, person: Person) -> list[str]:
    """The front-ends of this deployment the person has no account on yet: each gets a 🔗
    button on their card. Someone who never wrote from anywhere has none (their
    first invitation is still theirs to use)."""
    mine = {account.platform for account in people.accounts(work.db, person.id)}
    if not mine:
        return []
    return [p for p in joining.PLATFORM_ORDER if p in work.env.front_ends and p not in mine]


@button("users.link", roles=ADMINS)
def link_invite(work: Work, person: int) -> None:
    """A link invitation for this person's account on another platform: made for them (it
    names them, their role and unit), it adds an account to them instead of registering
    someone; sent like any invitation, through a trusted channel, and revocable from /invite.

    A county office's way: the person tells the office they now use 浙政钉 too; an
    administrator opens their card in /users, taps 🔗 连接钉钉账号 and forwards the message;
    the person sends 「绑定 CODE」 to the robot there. Settings administrators get no such
    button: each platform's list of them (ADMIN_IDS, DINGTALK_ADMIN_IDS) already makes them
    administrators there."""
    someone = people.by_id(work.db, person)
    if _refuse_settings_admin(work, someone):
        return
    if not someone.active:
        work.reply("users.link_not_active", name=someone.name)
        return
    wanted = _unlinked(work, someone)
    if not wanted:  # linked meanwhile (an old card): say where they are
        mine = {account.platform for account in people.accounts(work.db, someone.id)}
        work.reply("users.platforms", platforms=joining.platform_names(work, mine))
        return
    policy = work.policy
    invitation = people.create_invitation(
        work.db,
        role=someone.role,
        name=someone.name,
        unit=someone.unit,
        days=policy.invitation_days,
        admin_hours=policy.admin_invitation_hours,
        origin=work.origin,
        created_by_person=work.registered.id,
        links_person=someone.id,
    )
    assert invitation.code is not None  # a new invitation carries its code, once
    key = invitations.link_message_key(invitation.id)
    work.send(
        work.chat,
        work.t(
            "users.link_created",
            name=someone.name,
            platform=joining.platform_names(work, wanted),
            how=joining.how_to_join(work, invitation.code, wanted),
            expires=_local(work, invitation.expires_at),
        ),
        keyboard=[[button_to(invite_revoke, work.t("invite.revoke"), invitation=invitation.id)]],
        key=key,
    )
    people.set_invitation_message(work.db, invitation.id, key)


def cli_invitation(
    db: sqlite_utils.Database, role: Role, name: str, unit: str | None, origin: Origin
) -> Invitation:
    """``duban invite``: the same invitation an admin makes in the chat."""
    policy = load_policy(db)
    return people.create_invitation(
        db,
        role=role,
        name=name,
        unit=unit,
        days=policy.invitation_days,
        admin_hours=policy.admin_invitation_hours,
        origin=origin,
    )
