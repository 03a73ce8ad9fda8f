"""The office's people work from the chat: invitations, roles, deactivation, handover."""

from __future__ import annotations

import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.people import Invitation, Person, deep_link
from bot.domain.permissions import require_admin
from bot.i18n import Safe
from bot.runtime.work import Button, Work
from bot.services import invitations
from bot.services.registration import queue_command_menu
from storage import dialogs, people
from storage.policy import load_policy
from storage.rows import fetch_values

ROLES = (Role.INSPECTOR, Role.CONTACT, Role.ADMIN, Role.LEADER)
NAME_LIMIT = 40


# --- invitations ---------------------------------------------------------------------


def invite_start(work: Work) -> None:
    """The invitations still open (each with revoke), then step 1: which role?"""
    admin = require_admin(work.person)
    dialogs.clear(work.db, admin.id)
    invitations.show_pending(work)
    keyboard = [
        [Button(work.t(f"role.{role.value}"), "invite.role", {"role": role.value})]
        for role in ROLES
    ]
    work.reply("invite.choose_role", keyboard=keyboard)


def invite_role(work: Work, role: str) -> None:
    """Step 2: contacts need a unit; everyone else goes straight to the name."""
    admin = require_admin(work.person)
    if role not in {r.value for r in ROLES}:
        return
    if role == Role.CONTACT.value:
        units = fetch_values(work.db, "SELECT name FROM units ORDER BY id")
        keyboard = [
            [Button(name, "invite.unit", {"role": role, "unit": name}) for name in pair]
            for pair in (units[i : i + 2] for i in range(0, len(units), 2))
        ]
        dialogs.put(work.db, admin.id, "invite.unit", {"role": role}, work.at)
        work.reply("invite.choose_unit", keyboard=keyboard)
        return
    _ask_name(work, admin, role, None)


def invite_unit(work: Work, role: str, unit: str) -> None:
    admin = require_admin(work.person)
    _ask_name(work, admin, role, unit.strip()[:NAME_LIMIT])


def _ask_name(work: Work, admin: Person, role: str, unit: str | None) -> None:
    dialogs.put(work.db, admin.id, "invite.name", {"role": role, "unit": unit}, work.at)
    work.reply("invite.ask_name")


def invite_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers during /invite: a unit name not among the buttons, then the name."""
    admin = require_admin(work.person)
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
    link = deep_link(work.bot_username, invitation.code)
    unit = Safe(work.t("start.welcome_unit", unit=invitation.unit)) if invitation.unit else ""
    key = invitations.link_message_key(invitation.id)
    work.send_text(
        work.chat_id,
        work.t(
            "invite.created",
            name=invitation.name,
            role=work.t(f"role.{invitation.role.value}"),
            unit=unit,
            link=link,
            expires=_local(work, invitation.expires_at),
        ),
        keyboard=[
            [Button(work.t("invite.revoke"), "invite.revoke", {"invitation": invitation.id})]
        ],
        key=key,
    )
    people.set_invitation_message(work.db, invitation.id, key)


def invite_revoke(work: Work, invitation_id: object) -> None:
    """Revoke an invitation from its own message or from the /invite list."""
    require_admin(work.person)
    invitation = None
    if isinstance(invitation_id, int) and not isinstance(invitation_id, bool):
        invitation = people.invitation_by_id(work.db, invitation_id)
    if invitation is None or not people.revoke_invitation(work.db, invitation.id, work.origin):
        work.reply("invite.not_revocable")
        return
    invitations.mark_revoked(work, invitation)
    work.reply("invite.revoked")


def _local(work: Work, moment) -> str:
    return moment.astimezone(work.tz).strftime("%Y-%m-%d %H:%M")


# --- people --------------------------------------------------------------------------


def list_users(work: Work) -> None:
    require_admin(work.person)
    everyone = people.all_people(work.db)
    if not everyone:
        work.reply("users.none")
        return
    keyboard = [
        [
            Button(
                f"{_marker(work, p)}{p.name} · {work.t(f'role.{p.role.value}')}"
                + (f" · {p.unit}" if p.unit else ""),
                "users.show",
                {"person": p.id},
            )
        ]
        for p in everyone
    ]
    work.reply("users.title", count=len(everyone), keyboard=keyboard)


def _refuse_settings_admin(work: Work, person: Person) -> bool:
    """An ADMIN_IDS administrator is one on every update: changing them here would be undone
    at their next message, so it is refused with the reason (True if refused)."""
    if invitations.is_settings_admin(work, person.tg_user_id):
        work.reply("users.settings_admin_refused", name=person.name)
        return True
    return False


def _marker(work: Work, person: Person) -> str:
    """🔒 an ADMIN_IDS administrator (nothing here changes them), ⛔ a deactivated person."""
    if invitations.is_settings_admin(work, person.tg_user_id):
        return "🔒 "
    return "" if person.active else "⛔ "


def show_user(work: Work, person_id: int) -> None:
    require_admin(work.person)
    person = people.by_id(work.db, person_id)
    keyboard = [
        [
            Button(
                work.t(f"role.{role.value}"),
                "users.role",
                {"person": person.id, "role": role.value},
            )
            for role in ROLES
            if role is not person.role
        ],
    ]
    if person.active:
        keyboard.append(
            [
                Button(work.t("users.deactivate"), "users.deactivate", {"person": person.id}),
                Button(work.t("users.handover"), "users.handover", {"person": person.id}),
            ]
        )
    if invitations.is_settings_admin(work, person.tg_user_id):
        state = Safe(f"{work.t('users.active')}\n{work.t('users.settings_admin_note')}")
    else:
        state = work.t("users.active" if person.active else "users.inactive")
    work.reply(
        "users.card",
        name=person.name,
        role=work.t(f"role.{person.role.value}"),
        unit=person.unit or "—",
        state=state,
        keyboard=keyboard,
    )


def change_role(work: Work, person_id: int, role: str) -> None:
    require_admin(work.person)
    person = people.by_id(work.db, person_id)
    if role not in {r.value for r in ROLES}:
        return
    if role == person.role.value:  # a second tap, or an old card: the first one changed it
        work.answer_tap("users.role_already", name=person.name, role=work.t(f"role.{role}"))
        return
    if _refuse_settings_admin(work, person):
        return
    if role == Role.CONTACT.value and person.unit_id is None:
        work.reply("users.contact_needs_unit")
        return
    people.update_person(work.db, person.id, {"role": role}, work.origin)
    changed = people.by_id(work.db, person.id)
    if changed.tg_user_id is not None:
        queue_command_menu(work, changed)
    work.reply("users.role_changed", name=person.name, role=work.t(f"role.{role}"))


def deactivate(work: Work, person_id: int) -> None:
    admin = require_admin(work.person)
    person = people.by_id(work.db, person_id)
    if person.id == admin.id:
        work.reply("users.not_yourself")
        return
    if _refuse_settings_admin(work, person):
        return
    if not person.active:  # a second tap, or the old notice's ⛔ 立即停用: nothing to change
        work.answer_tap("users.already_inactive", alert=True, name=person.name)
        return
    people.update_person(work.db, person.id, {"active": 0}, work.origin)
    work.reply("users.deactivated", name=person.name)


def handover_choose(work: Work, person_id: int) -> None:
    require_admin(work.person)
    person = people.by_id(work.db, person_id)
    if _refuse_settings_admin(work, person):
        return
    candidates = [p for p in people.active_people(work.db, role=person.role) if p.id != person.id]
    if not candidates:
        work.reply("users.no_successor")
        return
    keyboard = [
        [Button(p.name, "users.handover_to", {"person": person.id, "to": p.id})] for p in candidates
    ]
    work.reply("users.choose_successor", name=person.name, keyboard=keyboard)


def handover(work: Work, person_id: int, successor_id: int) -> None:
    """Hand a departing person's items and open visits to a successor, then deactivate."""
    require_admin(work.person)
    person = people.by_id(work.db, person_id)
    if _refuse_settings_admin(work, person):
        return
    successor = people.by_id(work.db, successor_id)
    counts = people.hand_over(work.db, person.id, successor.id, work.origin)
    people.update_person(work.db, person.id, {"active": 0}, work.origin)
    work.reply(
        "users.handed_over",
        name=person.name,
        successor=successor.name,
        items=counts["items"],
        visits=counts["visits"],
    )


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
