"""Unlinking one of a person's two accounts (issue 16, people on both platforms), as the
office does it from /users on Telegram or on DingTalk: two taps, the second a confirmation;
the person's messages go to the account that stays and they are told there; the unlinked
account is a stranger to the bot again and may be linked anew; a person's only account is
never taken, and every tap looks at the accounts as they are now."""

from __future__ import annotations

import json

import pytest

from bot.domain.audit import AuditAction
from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address, telegram_address
from sandbox.phones import Phone
from storage import people
from tests.harness import (
    ON_BOTH_FRONT_ENDS,
    AnyPhone,
    Duban,
    answered,
    office,
    register_on_telegram,
    telegram_office,
)

# One person's two accounts: a deployment that serves both front-ends.
pytestmark = ON_BOTH_FRONT_ENDS

INSPECTOR = 5301  # 王督查's Telegram id
STAFF_ID = f"staff{INSPECTOR}"  # and their DingTalk staff id, once linked (``duban.phone``)
PLATFORM_NAMES = {"telegram": "Telegram", "dingtalk": "钉钉"}


async def office_on(duban: Duban, platform: str) -> AnyPhone:
    """The administrator on ``platform``: ADMIN_IDS on Telegram, DINGTALK_ADMIN_IDS on DingTalk."""
    return await (telegram_office(duban) if platform == "telegram" else office(duban))


async def told(phone: AnyPhone, label: str, words: str) -> None:
    """Tap ``label`` and read the bot's answer to the tap: Telegram's toast or alert, the
    message DingTalk shows in its place (its cards have no toast)."""
    await answered(phone, await phone.tap(label), words)


async def open_card(office: AnyPhone, shows: str) -> list[str]:
    """/users, then 王督查's card; its buttons."""
    await office.send("/users")
    await office.expect("位用户")
    await office.tap("王督查")
    return (await office.expect(shows)).buttons


async def link_dingtalk(duban: Duban, office: AnyPhone) -> tuple[Phone, AnyPhone]:
    """王督查 registered on Telegram, then their DingTalk account linked from /users (they
    wrote last from DingTalk, so the bot writes there): their two phones."""
    telegram = await register_on_telegram(duban, INSPECTOR, "王督查", Role.INSPECTOR)
    await open_card(office, "平台：Telegram")
    await office.tap("🔗 连接钉钉账号")
    invite = await office.expect("连接钉钉账号的邀请")
    code = invite.text.split("绑定 ", 1)[1].split("」", 1)[0]
    dingtalk = duban.phone(INSPECTOR, "王督查")
    await dingtalk.send(f"绑定 {code}")
    await dingtalk.expect("已连接")
    return telegram, dingtalk


def _telegram_menu(phone: Phone) -> list[str]:
    """The command menu 王督查's Telegram chat shows (the chat's own, set by the bot)."""
    scope = json.dumps({"type": "chat", "chat_id": INSPECTOR}, sort_keys=True) + "|"
    return [entry["command"] for entry in phone.actions.bot.commands[scope]]


def _inspector(duban: Duban):
    """王督查 as the ledger holds them now, with their accounts."""
    db = duban.db()
    try:
        person_id = db.execute("SELECT id FROM people WHERE name = '王督查'").fetchone()[0]
        unlinked = db.execute(
            "SELECT count(*) FROM audit_events WHERE entity = 'person' AND entity_id = ? "
            "AND action = ?",
            [person_id, AuditAction.ACCOUNT_UNLINKED.value],
        ).fetchone()[0]
        return people.by_id(db, person_id), people.accounts(db, person_id), unlinked
    finally:
        db.close()


@pytest.mark.parametrize(
    ("office_is_on", "unlinked"), [("telegram", "dingtalk"), ("dingtalk", "telegram")]
)
async def test_the_office_unlinks_one_account_and_the_person_stays_reachable(
    duban: Duban, office_is_on: str, unlinked: str
) -> None:
    office = await office_on(duban, office_is_on)
    telegram, dingtalk = await link_dingtalk(duban, office)
    phones: dict[str, AnyPhone] = {"telegram": telegram, "dingtalk": dingtalk}
    stays = "telegram" if unlinked == "dingtalk" else "dingtalk"
    gone, kept = PLATFORM_NAMES[unlinked], PLATFORM_NAMES[stays]

    buttons = await open_card(office, "平台：Telegram、钉钉（消息发往钉钉）")
    assert "✂️ 解除Telegram账号" in buttons and "✂️ 解除钉钉账号" in buttons
    await office.tap(f"✂️ 解除{gone}账号")
    account = str(INSPECTOR) if unlinked == "telegram" else STAFF_ID
    ask = await office.expect(f"解除 王督查 的{gone}账号（{account}）？")
    assert f"王督查 的消息发往{kept}" in ask.text
    assert ask.buttons == ["✂️ 确认解除", "取消"]
    await office.tap("✂️ 确认解除")
    await office.expect(f"已解除 王督查 的{gone}账号。王督查 的消息今后发往{kept}。")

    # The person is told where they are now reached, on the account that stays.
    await phones[stays].expect(f"办公室已解除你的{gone}账号与督办的连接")
    person, accounts, audited = _inspector(duban)
    remaining = telegram_address(INSPECTOR) if stays == "telegram" else dingtalk_address(STAFF_ID)
    assert accounts == [remaining] and person.address == remaining
    assert audited == 1

    # The unlinked account is a stranger again (on Telegram its menu is a stranger's: just
    # /start); the other one works as before.
    await phones[unlinked].send("/help")
    await phones[unlinked].expect("邀请")
    if unlinked == "telegram":
        assert _telegram_menu(telegram) == ["start"]
    await phones[stays].send("/help")
    await phones[stays].expect("/visit")

    # A second tap on the confirmation, and the old card's other ✂️: each answered politely,
    # nothing changes.
    await told(office, "✂️ 确认解除", f"这个{gone}账号已不是 王督查 的账号")
    await told(office, f"✂️ 解除{kept}账号", f"{kept}是 王督查 唯一的账号，不能解除")
    assert _inspector(duban)[1:] == ([remaining], 1)

    # Their card now offers no ✂️, and links the unlinked platform anew.
    buttons = await open_card(office, f"平台：{kept}")
    assert not any("解除" in label for label in buttons)
    assert f"🔗 连接{gone}账号" in buttons


async def test_the_unlinked_dingtalk_account_may_be_linked_again(duban: Duban) -> None:
    """The account freed is invited anew (here: linked back to the same person, as after
    a phone came back from repair), with a new code."""
    office = await telegram_office(duban)
    telegram, dingtalk = await link_dingtalk(duban, office)
    await open_card(office, "平台：Telegram、钉钉")
    await office.tap("✂️ 解除钉钉账号")
    await office.expect("解除 王督查 的钉钉账号")
    await office.tap("✂️ 确认解除")
    await office.expect("已解除 王督查 的钉钉账号")
    await telegram.expect("办公室已解除你的钉钉账号")

    await open_card(office, "平台：Telegram")
    await office.tap("🔗 连接钉钉账号")
    invite = await office.expect("连接钉钉账号的邀请")
    await dingtalk.send(f"绑定 {invite.text.split('绑定 ', 1)[1].split('」', 1)[0]}")
    await dingtalk.expect("已连接")
    person, accounts, _ = _inspector(duban)
    assert accounts == [telegram_address(INSPECTOR), dingtalk_address(STAFF_ID)]
    assert person.address == dingtalk_address(STAFF_ID)


async def test_an_administrator_who_cancels_changes_nothing(duban: Duban) -> None:
    office = await office_on(duban, "dingtalk")
    await link_dingtalk(duban, office)
    await open_card(office, "平台：Telegram、钉钉")
    await office.tap("✂️ 解除Telegram账号")
    await office.expect("解除 王督查 的Telegram账号")
    await told(office, "取消", "已取消，王督查 的账号没有变化")
    _, accounts, audited = _inspector(duban)
    assert accounts == [telegram_address(INSPECTOR), dingtalk_address(STAFF_ID)]
    assert audited == 0


async def test_someone_on_one_platform_only_has_nothing_to_unlink(duban: Duban) -> None:
    """A person with one account: no ✂️ on their card (deactivation is the way to stop
    them using the bot)."""
    office = await telegram_office(duban)
    await duban.register(INSPECTOR, "王督查", Role.INSPECTOR)  # on DingTalk
    buttons = await open_card(office, "平台：钉钉")
    assert not any("解除" in label for label in buttons)
    assert "停用" in " ".join(buttons)
