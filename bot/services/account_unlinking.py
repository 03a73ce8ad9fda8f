"""Unlinking one of a person's two accounts from /users (issue 16, people on both platforms).

A county office needs it when a phone changes hands: an inspector's DingTalk account was
linked, then their 浙政钉 account is closed or given to a colleague; the office takes that
account from them and the inspector keeps working on Telegram. Two taps, the second one a
confirmation that names the account and where the person's messages go afterwards; each
tap looks at the accounts as they are now (another administrator, a second tap or an old
card may have changed them), and a person's only account is never taken: deactivation is
the way to stop someone using the bot. The unlinked account is a stranger to the bot
again, free to be invited anew; the person is told on the account that stays.
"""

from __future__ import annotations

from bot.actions import ADMINS, button, button_to
from bot.chat import Address, Keyboard
from bot.domain.accounts import UnlinkRefusal, reached_after_unlink, unlink_refusal
from bot.domain.people import Person
from bot.i18n import t
from bot.runtime.work import Work
from bot.services import invitations, joining, notify, registration
from storage import people


def unlink_buttons(work: Work, person: Person) -> Keyboard:
    """One ✂️ button for each account of a person who has more than one (none for the
    settings' administrators, whose accounts the settings make)."""
    held = people.accounts(work.db, person.id)
    if len(held) < 2 or invitations.person_is_settings_admin(work, person):
        return []
    return [
        [
            button_to(
                unlink_ask,
                work.t("users.unlink", platform=joining.platform_name(work, account.platform)),
                person=person.id,
                platform=account.platform,
                account=account.id,
            )
        ]
        for account in held
    ]


@button("users.unlink", roles=ADMINS)
def unlink_ask(work: Work, person: int, platform: str, account: str) -> None:
    """Step 1: which account, whose, and where their messages go once it is unlinked."""
    someone = people.by_id(work.db, person)
    chosen = Address(platform, account)
    held = people.accounts(work.db, someone.id)
    if _refused(work, someone, chosen, unlink_refusal(held, chosen)):
        return
    remaining = reached_after_unlink(held, someone.address, chosen)
    keyboard = [
        [
            button_to(
                unlink_confirm,
                work.t("users.unlink_yes"),
                person=someone.id,
                platform=platform,
                account=account,
            ),
            button_to(unlink_cancel, work.t("users.unlink_no"), person=someone.id),
        ]
    ]
    work.reply(
        "users.unlink_confirm",
        name=someone.name,
        platform=joining.platform_name(work, platform),
        account=account,
        remaining=joining.platform_name(work, remaining.platform),
        keyboard=keyboard,
    )


@button("users.unlink_yes", roles=ADMINS)
def unlink_confirm(work: Work, person: int, platform: str, account: str) -> None:
    """Step 2: unlink it, if it is still theirs and not their only account."""
    someone = people.by_id(work.db, person)
    chosen = Address(platform, account)
    if _refused(work, someone, chosen, None):  # a settings administrator: never
        return
    refusal = people.unlink_account(work.db, someone.id, chosen, work.origin)
    if _refused(work, someone, chosen, refusal):
        return
    # The freed chat's command menu is a stranger's again (Telegram's; DingTalk has none).
    work.set_commands(
        chosen,
        registration.menu_of(None, someone.language),
        key=f"menu:{chosen.id}:unlinked:{work.at.isoformat()}",
    )
    now = people.by_id(work.db, someone.id)
    assert now.address is not None  # the account that stays
    remaining = now.address.platform
    work.reply(
        "users.unlinked",
        name=someone.name,
        platform=joining.platform_name(work, platform),
        remaining=joining.platform_name(work, remaining),
    )
    notify.tell(
        work,
        [now],
        "users.account_unlinked_notice",
        dedup=f"account_unlinked:{platform}:{account}:{work.at.isoformat()}",
        platform=lambda lang: t(lang, f"platform.{platform}"),
    )


@button("users.unlink_no", roles=ADMINS)
def unlink_cancel(work: Work, person: int) -> None:
    """The administrator changed their mind: nothing changes."""
    someone = people.by_id(work.db, person)
    work.answer_tap("users.unlink_cancelled", name=someone.name)


def _refused(work: Work, someone: Person, chosen: Address, refusal: UnlinkRefusal | None) -> bool:
    """Say why nothing was unlinked (True), or let the action go on (False)."""
    if invitations.person_is_settings_admin(work, someone):
        key = invitations.person_settings_admin_key(work, "users.settings_admin_refused", someone)
        work.reply(key, name=someone.name)
        return True
    if refusal is None:
        return False
    work.answer_tap(
        f"users.unlink_{refusal.value}",
        alert=True,
        name=someone.name,
        platform=joining.platform_name(work, chosen.platform),
    )
    return True
