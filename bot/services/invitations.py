"""What happens around an invitation besides registering (bot/services/registration.py):
the inviter's notice, the admin's link message kept up to date, and the list of invitations
still open.

An invitation link is a bearer token: whoever taps it becomes the invited person. So the
person who made it is told at once who used it (as their platform names them: name,
@username, id), with a button to deactivate them, and the message that held the link says
it was used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.actions import button_to
from bot.chat import Address, Sender
from bot.domain.lifecycle import Role
from bot.domain.people import (
    DINGTALK,
    Invitation,
    Person,
    dingtalk_address,
    telegram_address,
)
from bot.domain.permissions import is_admin
from bot.i18n import Safe, t
from bot.runtime.work import Work
from bot.services import admin_users
from storage import people

# The /invite list shows at most this many (soonest to lapse first), so the message and its
# buttons stay well inside Telegram's limits; the title still counts them all.
PENDING_SHOWN = 30


def is_settings_admin(work: Work, who: Address | None) -> bool:
    """An administrator named in ADMIN_IDS (the configuration's Telegram user ids) or
    DINGTALK_ADMIN_IDS (DingTalk staff ids): no chat action changes their role."""
    if who is None:
        return False
    env = work.env
    return any(who == telegram_address(i) for i in env.admin_ids) or any(
        who == dingtalk_address(s) for s in env.dingtalk_admin_ids
    )


def person_is_settings_admin(work: Work, person: Person) -> bool:
    """Whether any of this person's accounts is named in the settings: linking a second
    platform must not open a way round ADMIN_IDS / DINGTALK_ADMIN_IDS (a change made while
    they are reached on the other account would be undone at their next message)."""
    return any(is_settings_admin(work, account) for account in people.accounts(work.db, person.id))


def sender_is_settings_admin(work: Work) -> bool:
    """Whether whoever sent this update is an administrator named in the settings."""
    return work.sender is not None and is_settings_admin(work, work.sender.address)


def settings_admin_key(work: Work, key: str, accounts: list[Address]) -> str:
    """The message ``key`` about a settings administrator, or its ``_dingtalk`` twin when
    no ADMIN_IDS id names these accounts: an administrator from DINGTALK_ADMIN_IDS is
    changed there, and telling the office to edit ADMIN_IDS sends it to the wrong line."""
    telegram = [telegram_address(number) for number in work.env.admin_ids]
    return key if any(account in telegram for account in accounts) else f"{key}_dingtalk"


def person_settings_admin_key(work: Work, key: str, person: Person) -> str:
    """``settings_admin_key`` for every account of this person."""
    return settings_admin_key(work, key, people.accounts(work.db, person.id))


def sender_settings_admin_key(work: Work, key: str) -> str:
    """``settings_admin_key`` for whoever sent this update."""
    return settings_admin_key(work, key, [work.sender.address] if work.sender else [])


def unit_part(lang: str, unit: str | None) -> str:
    return Safe(t(lang, "start.welcome_unit", unit=unit)) if unit else ""


def role_name(lang: str, role: Role | str) -> str:
    return t(lang, f"role.{Role(role).value}")


def _invitee(lang: str, invitation: Invitation) -> dict[str, str]:
    """The invited person as every invitation message names them (name, role, unit), so
    the notice, the edited link message and the /invite list never describe them apart."""
    return {
        "name": invitation.name,
        "role": role_name(lang, invitation.role),
        "unit": unit_part(lang, invitation.unit),
    }


# --- after a redemption --------------------------------------------------------------


def who(lang: str, redeemer: Sender) -> str:
    """The person who tapped the link as their platform names them (not as the invitation
    names them), and which platform's id that is: a DingTalk staff id called a Telegram ID
    would send the office looking in the wrong place."""
    key = "invites.who_dingtalk" if redeemer.address.platform == DINGTALK else "invites.who"
    username = (
        Safe(t(lang, "invites.who_username", username=redeemer.username))
        if redeemer.username
        else ""
    )
    return Safe(
        t(
            lang,
            key,
            full_name=redeemer.name or "—",
            username=username,
            id=redeemer.address.id,
        )
    )


def after_redeem(work: Work, invitation: Invitation, person: Person, redeemer: Sender) -> None:
    """Tell whoever is answerable for the invitation who used it, and mark its message used."""
    for admin in _answerable(work, invitation, person):
        lang, address = admin.language, admin.address
        if address is None:
            continue
        work.send(
            address,
            t(
                lang,
                "invites.used_notice",
                **_invitee(lang, invitation),
                who=who(lang, redeemer),
            ),
            keyboard=[
                [
                    button_to(
                        admin_users.deactivate, t(lang, "invites.deactivate_now"), person=person.id
                    )
                ]
            ],
            button_owner=admin.id,
            key=f"invite:{invitation.id}:notice:{admin.id}",
        )
    _edit_link_message(
        work,
        invitation,
        "used",
        lambda lang: t(
            lang,
            "invites.message_used",
            **_invitee(lang, invitation),
            who=who(lang, redeemer),
            at=_local(work, work.at),
        ),
    )


def _answerable(work: Work, invitation: Invitation, redeemed: Person) -> list[Person]:
    """The admin who made the invitation; if there is none now (made at the desk with
    ``duban invite``, or they are no longer an active admin), every active administrator."""
    if invitation.created_by_person is not None:
        inviter = people.by_id(work.db, invitation.created_by_person)
        reachable = inviter.active and is_admin(inviter) and inviter.address is not None
        if reachable and inviter.id != redeemed.id:
            return [inviter]
    return [
        admin
        for admin in people.active_people(work.db, role=Role.ADMIN)
        if admin.address is not None and admin.id != redeemed.id
    ]


# --- the admin's message holding the link --------------------------------------------


def link_message_key(invitation_id: int) -> str:
    return f"invite:{invitation_id}"


def _edit_link_message(
    work: Work, invitation: Invitation, what: str, text_in: Callable[[str], str]
) -> None:
    """Replace the link in the admin's invitation message by what became of it.

    Sent already: an edit (without the revoke button). Still waiting in the outbox: its text
    is rewritten, so the dead link is never delivered at all.
    """
    key = invitation.message_key
    message = people.invitation_message(work.db, key) if key else None
    if message is None:
        return
    reader = people.by_address(work.db, message.address)
    lang = reader.language if reader else work.env.default_language
    if message.status == "pending":
        work.rewrite_pending(message.address, key, text_in(lang))
    elif message.status == "sent" and message.message_id is not None:
        work.edit(message.address, message.message_id, text_in(lang), key=f"{key}:{what}")


def mark_revoked(work: Work, invitation: Invitation) -> None:
    _edit_link_message(
        work,
        invitation,
        "revoked",
        lambda lang: t(lang, "invites.message_revoked", **_invitee(lang, invitation)),
    )


# --- /invite: what is still open -----------------------------------------------------


def show_pending(work: Work) -> None:
    """The invitations nobody has used yet, each with a revoke button (nothing if none)."""
    everyone = people.pending_invitations(work.db, work.at)
    if not everyone:
        return
    pending = everyone[:PENDING_SHOWN]
    lines = [
        work.t(
            "invites.pending_line",
            **_invitee(work.lang, invitation),
            expires=_local(work, invitation.expires_at),
        )
        for invitation in pending
    ]
    keyboard = [
        [
            button_to(
                admin_users.invite_revoke,
                work.t(
                    "invites.revoke_one",
                    name=invitation.name,
                    role=role_name(work.lang, invitation.role),
                ),
                invitation=invitation.id,
            )
        ]
        for invitation in pending
    ]
    if len(everyone) > len(pending):
        lines.append(work.t("invites.pending_more", count=len(everyone) - len(pending)))
    work.reply(
        "invites.pending_title",
        count=len(everyone),
        lines=Safe("\n".join(lines)),
        keyboard=keyboard,
    )


def _local(work: Work, moment: datetime) -> str:
    return moment.astimezone(work.tz).strftime("%Y-%m-%d %H:%M")
