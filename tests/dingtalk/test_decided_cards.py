"""Decision cards redrawn once someone decided, on Telegram and on DingTalk (issue 16: "updates
a card after a decision"): every person who was asked sees, on the card itself, what was
decided, by whom and when, and the card no longer offers its buttons. A button kept from
the old card is still refused ("已经处理过了") and changes nothing.

On Telegram the message is edited; on DingTalk the interactive card is updated in place.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.lifecycle import Role
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.images import make_jpeg
from sandbox.server import Sandbox
from tests.conftest import CLOCK_START
from tests.dingtalk.either import (
    PLATFORMS,
    EitherPhone,
    Platform,
    Shown,
    World,
    both_front_ends,
    keep_button,
    tap_again,
)

UNIT = "科技局"
CARD = "销号核验"
ASKED = "申请延至：2024-06-28"  # the extension request's card, not the answers about it


@pytest.fixture(params=PLATFORMS)
def platform(request: pytest.FixtureRequest) -> Platform:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def world(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[World]:
    """Both front-ends, on a clock set to a working Monday morning."""
    async with both_front_ends(bot_sandbox, standin, tmp_path, FakeClock(CLOCK_START)) as built:
        yield built


def person_id(world: World, name: str) -> int:
    db = world.duban.db()
    try:
        return int(db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchone()[0])
    finally:
        db.close()


def closeout_state(world: World) -> tuple:
    db = world.duban.db()
    try:
        item = db.execute("SELECT status FROM items").fetchone()
        request = db.execute("SELECT status, decided_by FROM closeout_requests").fetchone()
        return tuple(item) + tuple(request)
    finally:
        db.close()


async def redrawn(phone: EitherPhone, words: str, line: str, *, within: float = 20.0) -> Shown:
    """The message holding ``words`` once it shows ``line`` (the edit or card update may
    arrive a moment after the decider's own answer)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        shown = phone.now_showing(words)
        if line in shown.text:
            return shown
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{phone.name}'s {words!r} never said {line!r}: {shown.text!r}")
        await asyncio.sleep(0.05)


async def asked_to_verify(
    world: World, platform: Platform
) -> tuple[EitherPhone, EitherPhone, EitherPhone]:
    """赵联络 asks to close an item 王督查 was assigned to; 王督查 and the office (both on
    ``platform``) each get the verification card. Returns (office, inspector, contact)."""
    duban = world.duban
    office = await world.office(platform)
    contact = await world.person(platform, "赵联络", Role.CONTACT, unit=UNIT)
    inspector = await world.person(platform, "王督查", Role.INSPECTOR)
    item = duban.seed_task(
        "孵化器入驻率不足", UNIT, CLOCK_START.date(), inspectors=(person_id(world, "王督查"),)
    )
    await contact.send(f"/item {item.code}")
    await contact.expect(re.compile(rf"{item.code}[^\n]*\n状态"))
    await contact.tap("✅ 申请销号")
    await contact.expect("申请")
    await contact.send("入驻率已达 85%")
    await contact.send_photo(make_jpeg(640, 480, 7))
    await contact.expect("文件 1 个")
    await contact.tap("提交")
    await contact.expect("已送 2 位核验人员审核")
    await world.evidence_kept()
    for verifier in (office, inspector):
        card = await verifier.expect(CARD)
        assert card.buttons == ["✅ 销号", "↩️ 退办"]
    return office, inspector, contact


async def test_an_approval_redraws_every_verifiers_card(world: World, platform: Platform) -> None:
    """The office approves: its own card and 王督查's both say who closed it and when, with no
    buttons left; 王督查's ✅ 销号, kept from before, is answered and changes nothing."""
    office, inspector, contact = await asked_to_verify(world, platform)
    kept = keep_button(inspector, CARD, "✅ 销号")

    await office.tap("✅ 销号")
    await office.expect("已销号")
    await contact.expect("已通过核验并销号")
    for verifier in (office, inspector):
        card = await redrawn(verifier, CARD, "✅ 已由办公室于 ")
        assert re.search(r"✅ 已由办公室于 06-03 \d\d:\d\d 核验销号", card.text), card.text
        assert "孵化器入驻率不足" in card.text  # the card itself, redrawn, not a new message
        assert card.buttons == []
    decided = closeout_state(world)
    assert decided == ("closed", "approved", person_id(world, "办公室"))

    await tap_again(world, kept)
    await inspector.expect("已经处理过了")
    assert closeout_state(world) == decided


async def test_a_return_redraws_every_verifiers_card(world: World, platform: Platform) -> None:
    """王督查 returns the request with a reason: both cards say who returned it, when and
    why, with no buttons; the office's ✅ 销号, kept from before, is refused."""
    office, inspector, contact = await asked_to_verify(world, platform)
    kept = keep_button(office, CARD, "✅ 销号")

    await inspector.tap("↩️ 退办")
    await inspector.expect("请输入退办")
    # Before the reason is typed nothing is decided: the cards still offer both choices.
    assert office.now_showing(CARD).buttons == ["✅ 销号", "↩️ 退办"]
    await inspector.send("入驻企业名单缺少合同")
    await inspector.expect("已退回承办单位")
    await contact.expect("被退回")
    for verifier in (office, inspector):
        card = await redrawn(verifier, CARD, "↩️ 已由王督查于 ")
        assert re.search(r"↩️ 已由王督查于 06-03 \d\d:\d\d 退回：入驻企业名单缺少合同", card.text)
        assert card.buttons == []

    await tap_again(world, kept)
    await office.expect("已经处理过了")
    assert closeout_state(world) == ("in_progress", "returned", person_id(world, "王督查"))


async def test_an_extension_decision_redraws_both_offices_cards(
    world: World, platform: Platform
) -> None:
    """Two administrators, one on each platform, are asked about 赵联络's extension; the one
    on ``platform`` refuses it: both requests say so, by whom and when, without buttons,
    and the other administrator's 同意, kept from before, is refused."""
    duban = world.duban
    other: Platform = "dingtalk" if platform == "telegram" else "telegram"
    deciding = await world.office(platform)
    watching = await world.office(other)
    contact = await world.person(platform, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban.seed_task("高新技术企业净增", UNIT, CLOCK_START.date().replace(month=6, day=14))
    await contact.send(f"/item {item.code}")
    await contact.expect(re.compile(rf"{item.code}[^\n]*\n状态"))
    await contact.tap("⏳ 申请延期")
    await contact.expect("请输入新的完成日期")
    await contact.send("2024-06-28")
    await contact.expect("请说明延期理由")
    await contact.send("等待省级认定结果")
    await contact.expect("等待办公室审批")
    for office in (deciding, watching):
        card = await office.expect("延期申请")
        assert card.buttons == ["同意", "不同意"]
    kept = keep_button(watching, ASKED, "同意")

    await deciding.tap("不同意")
    await deciding.expect("已不同意")
    await contact.expect("未获同意")
    for office in (deciding, watching):
        card = await redrawn(office, ASKED, "✖️ 已由办公室于 ")
        assert re.search(r"✖️ 已由办公室于 06-03 \d\d:\d\d 不同意延期，原时限不变", card.text)
        assert "等待省级认定结果" in card.text and card.buttons == []

    await tap_again(world, kept)
    await watching.expect("已经处理过了")
    db = duban.db()
    try:
        assert db.execute("SELECT status FROM extension_requests").fetchone() == ("refused",)
        assert db.execute("SELECT deadline FROM items").fetchone() == ("2024-06-14",)
    finally:
        db.close()
