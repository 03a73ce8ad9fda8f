"""Invitation-only registration, as people meet it on their phones."""

from __future__ import annotations

import pytest

from bot.domain.lifecycle import Role
from bot.registry import ACTIONS
from tests.harness import Duban

pytestmark = pytest.mark.both_platforms


async def test_stranger_is_refused_politely_and_given_nothing(duban: Duban) -> None:
    """Anyone without an invitation gets one polite line, no data and no buttons."""
    stranger = duban.phone(5001, "路人")
    await stranger.send("/start")
    reply = await stranger.expect("仅限受邀人员")
    assert not reply.buttons
    await stranger.send("/help")
    await stranger.expect("仅限受邀人员")


@pytest.mark.telegram_only(
    "a stranger is refused in the office's default language: DingTalk does not tell the "
    "robot the phone's language"
)
async def test_english_stranger_is_refused_in_english(duban: Duban) -> None:
    """The refusal follows the phone's language."""
    stranger = duban.phone(5002, "Visitor", language="en")
    await stranger.send("hello")
    await stranger.expect("by invitation only")


async def test_invitation_registers_once_and_only_once(duban: Duban) -> None:
    """An invitation link makes its holder an inspector; the same link fails for anyone else."""
    code = duban.invitation(Role.INSPECTOR, "王督查")
    inspector = duban.phone(5003, "王")
    await inspector.send(f"/start {code}")
    await inspector.expect("欢迎，王督查！您已登记为督查人员")
    await inspector.send("/help")
    shown = await inspector.expect("可用命令")
    # The inspector's commands as the registry declares them (/visit among them).
    assert all(f"/{a.name} — " in shown.text for a in ACTIONS.menu(Role.INSPECTOR))

    other = duban.phone(5004, "李")
    await other.send(f"/start {code}")
    await other.expect("已经使用过了")
    await other.send("/help")
    await other.expect("仅限受邀人员")


async def test_language_can_be_switched(duban: Duban) -> None:
    """A registered person can switch to English and is answered in English from then on."""
    phone = await duban.register(5005, "赵联络", Role.CONTACT, unit="科技局")
    await phone.send("/lang")
    await phone.expect("请选择语言")
    await phone.tap("English")
    await phone.expect("Language set to English")
    await phone.send("/help")
    await phone.expect("Commands")


async def test_an_unknown_command_is_answered_as_such_with_help(duban: Duban) -> None:
    """A mistyped command is told it is not one, with the way to /help, in the person's
    language — not the answer meant for stickers and polls; a stranger is still refused."""
    phone = await duban.register(5006, "钱督查", Role.INSPECTOR)
    await phone.send("/vist 卓远")
    reply = await phone.expect("没有 /vist 这个命令")
    assert "/help" in reply.text and "暂不处理这类消息" not in reply.text
    await phone.send("/lang")
    await phone.expect("请选择语言")
    await phone.tap("English")
    await phone.expect("Language set to English")
    await phone.send("/reprot")
    await phone.expect("There is no command /reprot. Send /help")

    stranger = duban.phone(5007, "路人")
    await stranger.send("/vist")
    await stranger.expect("仅限受邀人员")
