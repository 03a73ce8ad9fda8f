"""People on both platforms (issue 16), one deployment serving Telegram and DingTalk over
one ledger: an invitation says how to join on each; an administrator links a Telegram
inspector's DingTalk account from /users; the inspector is then one person on both, reached
where they last wrote from; an account is never taken from its person, and the settings'
administrators stay as the settings make them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address, telegram_address
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import Sandbox
from storage import people
from tests.dingtalk.test_processor_scenarios import OFFICE
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban, running, with_dingtalk

INSPECTOR = 5301  # 王督查's Telegram id
DINGTALK_ID = "wang5301"  # and, once linked, their DingTalk staff id


@pytest.fixture
async def duban(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[Duban]:
    """Duban on Telegram and DingTalk at once, as a county office that serves both runs it."""
    settings = with_dingtalk(bot_sandbox, standin, tmp_path)
    async with running(Duban(bot_sandbox, settings)) as bot:
        await wait_until(lambda: standin.connections() == 1)
        yield bot


def _person(duban: Duban, user_id: int):
    db = duban.db()
    try:
        found = people.by_address(db, telegram_address(user_id))
        assert found is not None
        return found, people.accounts(db, found.id)
    finally:
        db.close()


def _link_code(text: str) -> str:
    """The code in an invitation's 「绑定 CODE」 line."""
    return text.split("绑定 ", 1)[1].split("」", 1)[0]


async def test_an_invitation_says_how_to_join_on_each_platform(duban: Duban) -> None:
    """Both front-ends configured: the message the office forwards has Telegram's start
    link and DingTalk's 「绑定 CODE」, with the same code, in the admin's language."""
    admin = duban.admin()
    await admin.send("/invite")
    await admin.expect("邀请哪类用户")
    await admin.tap("督查人员")
    await admin.expect("姓名")
    await admin.send("钱代表")
    message = await admin.expect("绑定")
    assert "Telegram：点击 https://t.me/" in message.text
    code = _link_code(message.text)
    assert f"?start={code}" in message.text
    english = duban.phone(5399, "Office", "en")
    await english.send(f"/start {duban.invitation(Role.ADMIN, 'Office')}")
    await english.expect("Welcome")
    await english.send("/invite")
    await english.expect("Whom are you inviting")
    await english.tap("inspector")
    await english.expect("name")
    await english.send("Qian")
    invite = await english.expect("DingTalk: send the Duban robot")
    assert "Telegram: open https://t.me/" in invite.text


async def test_a_telegram_inspector_links_dingtalk_and_is_reached_where_they_wrote_last(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    inspector = await duban.register(INSPECTOR, "王督查", Role.INSPECTOR)
    admin = duban.admin()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员 · Telegram")
    card = await admin.expect("平台：Telegram")
    assert "🔗 连接钉钉账号" in card.buttons
    await admin.tap("🔗 连接钉钉账号")
    invite = await admin.expect("连接钉钉账号的邀请")
    assert "t.me" not in invite.text  # they are on Telegram already: only DingTalk's way
    code = _link_code(invite.text)

    phone = standin.phone(DINGTALK_ID, "王督查")
    await phone.send(f"绑定 {code}")
    await phone.expect("已连接")
    await admin.expect("王督查")  # the inviter is told the invitation was used
    person, accounts = _person(duban, INSPECTOR)
    assert accounts == [telegram_address(INSPECTOR), dingtalk_address(DINGTALK_ID)]
    assert person.address == dingtalk_address(DINGTALK_ID)  # wrote last from DingTalk

    await phone.send("/help")  # the same person, with the inspector's commands
    await phone.expect("/visit")
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员 · Telegram、钉钉")
    card = await admin.expect("平台：Telegram、钉钉（消息发往钉钉）")
    assert not any("连接" in label for label in card.buttons)  # nothing left to link

    await inspector.send("/help")  # back on Telegram: messages follow them there
    await inspector.expect("可用命令")
    person, _ = _person(duban, INSPECTOR)
    assert person.address == telegram_address(INSPECTOR)


async def test_a_link_never_takes_an_account_from_its_person(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """Someone registered on DingTalk, the DingTalk admin of the settings, and the person
    themselves on Telegram all send the code: each is told why, nothing is linked, and the
    code stays good for the right account."""
    inspector = await duban.register(INSPECTOR, "王督查", Role.INSPECTOR)
    contact = standin.phone("li4521", "李联络")
    await contact.send(f"绑定 {duban.invitation(Role.CONTACT, '李联络', '科技局')}")
    await contact.expect("欢迎")
    admin = duban.admin()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员")
    await admin.expect("平台：Telegram")
    await admin.tap("🔗 连接钉钉账号")
    code = _link_code((await admin.expect("连接钉钉账号的邀请")).text)

    await contact.send(f"绑定 {code}")
    await contact.expect("此账号已登记为 **李联络**")
    office = standin.phone(OFFICE, "办公室")
    await office.send(f"绑定 {code}")
    await office.expect("ADMIN_IDS")
    _, accounts = _person(duban, INSPECTOR)
    assert accounts == [telegram_address(INSPECTOR)]

    await inspector.send(f"/start {code}")  # their own Telegram account: linked already
    await inspector.expect("此账号已经是 王督查 的账号")
    phone = standin.phone(DINGTALK_ID, "王督查")
    await phone.send(f"绑定 {code}")
    await phone.expect("已连接")


async def test_a_settings_admin_gets_no_link_button_and_a_stranger_stays_refused(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    admin = duban.admin()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("🔒 办公室管理员")
    card = await admin.expect("ADMIN_IDS")
    assert not any("连接" in label for label in card.buttons)
    stranger = standin.phone("stranger77", "陌生人")
    await stranger.send("/help")
    await stranger.expect("邀请")
    db = duban.db()
    try:
        assert people.by_address(db, dingtalk_address("stranger77")) is None
    finally:
        db.close()


async def test_a_link_to_someone_deactivated_since_is_refused(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """The office made the link, then deactivated the person (they left): the code links
    nothing, and the deactivated person's card offers no link any more."""
    await duban.register(INSPECTOR, "王督查", Role.INSPECTOR)
    admin = duban.admin()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员")
    await admin.expect("平台：Telegram")
    await admin.tap("🔗 连接钉钉账号")
    code = _link_code((await admin.expect("连接钉钉账号的邀请")).text)
    await admin.tap("停用")
    await admin.expect("王督查")
    phone = standin.phone(DINGTALK_ID, "王督查")
    await phone.send(f"绑定 {code}")
    await phone.expect("已停用")
    db = duban.db()
    try:
        assert people.by_address(db, dingtalk_address(DINGTALK_ID)) is None
    finally:
        db.close()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("⛔ 王督查")
    card = await admin.expect("已停用")
    assert not any("连接" in label for label in card.buttons)
