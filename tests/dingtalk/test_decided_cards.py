"""Decision cards redrawn once someone decided, on Telegram and on DingTalk (issue 16: "updates
a card after a decision"): every person who was asked sees, on the card itself, what was
decided, by whom and when, and the card no longer offers its buttons. A button kept from
the old card is still refused ("已经处理过了") and changes nothing.

On Telegram the message is edited; on DingTalk the interactive card is updated in place.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.audit import Origin
from bot.domain.lifecycle import Event, Role
from bot.i18n.fit import TEXT_LIMIT, utf16_len
from sandbox.images import make_jpeg
from storage import ledger, people
from tests.conftest import CLOCK_START
from tests.dingtalk.scenario_phone import DingTalkScenarioPhone, as_read
from tests.harness import (
    ADMIN_ID,
    ON_BOTH_FRONT_ENDS,
    AnyPhone,
    Duban,
    at,
    button_token,
    now_showing,
    office,
    register_on_telegram,
    telegram_office,
)

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"
CARD = "销号核验"
ASKED = "申请延至：2024-06-28"  # the extension request's card, not the answers about it
LOOK_BACK = "请核实问题是否已真正解决"  # the look-back task
PROPOSAL = "企业坐标待确认：力威机械"  # a company's place proposed from a visit
OFFICE = "办公室管理员"  # the administrator's name (tests.harness: ``office``, ``telegram_office``)
CONTACT, WANG, LI = 7101, 7102, 7103  # 赵联络, 王督查 and 李督查's phones


def item_code(duban: Duban) -> str:
    db = duban.db()
    try:
        return str(db.execute("SELECT code FROM items").fetchone()[0])
    finally:
        db.close()


def closeout_state(duban: Duban) -> tuple:
    db = duban.db()
    try:
        item = db.execute("SELECT status FROM items").fetchone()
        request = db.execute("SELECT status, decided_by FROM closeout_requests").fetchone()
        return tuple(item) + tuple(request)
    finally:
        db.close()


def everything_said(phone: AnyPhone) -> list[str]:
    """Everything the bot said to this person, oldest first: on Telegram each message as it
    shows now, on DingTalk each message and each card update as it came."""
    if isinstance(phone, DingTalkScenarioPhone):
        return [as_read(item.text) for item in phone.received()]
    return [message.text for message in phone.bot_messages]


async def redrawn(phone: AnyPhone, words: str, line: str, *, within: float = 20.0) -> Any:
    """The message holding ``words`` once it shows ``line`` (the edit or card update may
    arrive a moment after the decider's own answer)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        try:
            shown = now_showing(phone, words)
        except AssertionError:  # not delivered yet
            shown = None
        if shown is not None and line in shown.text:
            return shown
        if asyncio.get_running_loop().time() > deadline:
            said = shown.text if shown is not None else ""
            raise AssertionError(f"{phone.user_id}'s {words!r} never said {line!r}: {said!r}")
        await asyncio.sleep(0.05)


async def asked_to_verify(duban: Duban) -> tuple[AnyPhone, AnyPhone, AnyPhone]:
    """赵联络 asks to close an item 王督查 was assigned to; 王督查 and the office (both on
    the test's platform) each get the verification card. Returns (office, inspector,
    contact)."""
    admin, inspector, contact = await close_out_requested(duban)
    for verifier in (admin, inspector):
        card = await verifier.expect(CARD)
        assert card.buttons == ["✅ 销号", "↩️ 退办"]
    return admin, inspector, contact


async def close_out_requested(duban: Duban) -> tuple[AnyPhone, AnyPhone, AnyPhone]:
    """赵联络's close-out request, with a note and a photo, of an item 王督查 was assigned
    to; returns (office, inspector, contact), all on the test's platform."""
    admin = await office(duban)
    contact = await duban.register(CONTACT, "赵联络", Role.CONTACT, unit=UNIT)
    inspector = await duban.register(WANG, "王督查", Role.INSPECTOR)
    item = duban.seed_task(
        "孵化器入驻率不足", UNIT, CLOCK_START.date(), inspectors=(duban.person_id(WANG),)
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
    return admin, inspector, contact


async def test_an_approval_redraws_every_verifiers_card(duban_clock: Duban) -> None:
    """The office approves: its own card and 王督查's both say who closed it and when, with no
    buttons left; 王督查's ✅ 销号, kept from before, is answered and changes nothing."""
    duban = duban_clock
    admin, inspector, contact = await asked_to_verify(duban)
    kept = button_token(inspector, now_showing(inspector, CARD), "✅ 销号")

    await admin.tap("✅ 销号")
    await admin.expect("已销号")
    await contact.expect("已通过核验并销号")
    for verifier in (admin, inspector):
        card = await redrawn(verifier, CARD, f"✅ 已由{OFFICE}于 ")
        assert re.search(rf"✅ 已由{OFFICE}于 06-03 \d\d:\d\d 核验销号", card.text), card.text
        assert "孵化器入驻率不足" in card.text  # the card itself, redrawn, not a new message
        assert card.buttons == []
    decided = closeout_state(duban)
    assert decided == ("closed", "approved", duban.person_id(ADMIN_ID))

    await duban.forge_tap(inspector, kept)
    await inspector.expect("已经处理过了")
    assert closeout_state(duban) == decided


async def test_a_card_still_queued_goes_out_decided(duban_clock: Duban) -> None:
    """Asked at 21:30, in quiet hours, the verification cards wait for the morning; the office
    approves from the item's card that evening. At 08:00 the cards go out already saying who
    closed it and when, with no buttons: nobody is offered a choice made overnight."""
    duban = duban_clock
    await duban.travel(at(6, 3, 21, 30))
    admin, inspector, _ = await close_out_requested(duban)
    assert not any(CARD in text for text in everything_said(inspector))  # deferred to 08:00

    code = item_code(duban)
    await admin.send(f"/item {code}")
    await admin.expect(re.compile(rf"{code}[^\n]*\n状态"))
    await admin.tap("✅ 销号")  # the item card's own decision buttons
    await admin.expect(f"{code} 已销号")
    await duban.travel(at(6, 4, 8, 1))
    for verifier in (admin, inspector):
        card = await redrawn(verifier, CARD, f"✅ 已由{OFFICE}于 ")
        assert re.search(rf"✅ 已由{OFFICE}于 06-03 21:\d\d 核验销号", card.text), card.text
        assert card.buttons == []
        assert sum(CARD in text for text in everything_said(verifier)) == 1  # sent as decided
    assert closeout_state(duban) == ("closed", "approved", duban.person_id(ADMIN_ID))


async def test_a_return_redraws_every_verifiers_card(duban_clock: Duban) -> None:
    """王督查 returns the request with a reason: both cards say who returned it, when and
    why, with no buttons; the office's ✅ 销号, kept from before, is refused."""
    duban = duban_clock
    admin, inspector, contact = await asked_to_verify(duban)
    kept = button_token(admin, now_showing(admin, CARD), "✅ 销号")

    await inspector.tap("↩️ 退办")
    await inspector.expect("请输入退办")
    # Before the reason is typed nothing is decided: the cards still offer both choices.
    assert now_showing(admin, CARD).buttons == ["✅ 销号", "↩️ 退办"]
    await inspector.send("入驻企业名单缺少合同")
    await inspector.expect("已退回承办单位")
    await contact.expect("被退回")
    for verifier in (admin, inspector):
        card = await redrawn(verifier, CARD, "↩️ 已由王督查于 ")
        assert re.search(r"↩️ 已由王督查于 06-03 \d\d:\d\d 退回：入驻企业名单缺少合同", card.text)
        assert card.buttons == []

    await duban.forge_tap(admin, kept)
    await admin.expect("已经处理过了")
    assert closeout_state(duban) == ("in_progress", "returned", duban.person_id(WANG))


@ON_BOTH_FRONT_ENDS
@pytest.mark.parametrize("deciding_on", ["telegram", "dingtalk"])
async def test_an_extension_decision_redraws_both_offices_cards(
    duban_clock: Duban, deciding_on: str
) -> None:
    """Two administrators, one on each platform, are asked about 赵联络's extension; the one
    on ``deciding_on`` (where 赵联络 is too) refuses it: both requests say so, by whom and
    when, without buttons, and the other administrator's 同意, kept from before, is
    refused."""
    duban = duban_clock
    on_telegram = await telegram_office(duban)
    on_dingtalk = await office(duban)
    deciding, watching = (
        (on_telegram, on_dingtalk) if deciding_on == "telegram" else (on_dingtalk, on_telegram)
    )
    if deciding_on == "telegram":
        contact = await register_on_telegram(duban, CONTACT, "赵联络", Role.CONTACT, UNIT)
    else:
        contact = await duban.register(CONTACT, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban.seed_task("高新技术企业净增", UNIT, CLOCK_START.date().replace(month=6, day=14))
    await contact.send(f"/item {item.code}")
    await contact.expect(re.compile(rf"{item.code}[^\n]*\n状态"))
    await contact.tap("⏳ 申请延期")
    await contact.expect("请输入新的完成日期")
    await contact.send("2024-06-28")
    await contact.expect("请说明延期理由")
    await contact.send("等待省级认定结果")
    await contact.expect("等待办公室审批")
    for admin in (deciding, watching):
        card = await admin.expect("延期申请")
        assert card.buttons == ["同意", "不同意"]
    kept = button_token(watching, now_showing(watching, ASKED), "同意")

    await deciding.tap("不同意")
    await deciding.expect("已不同意")
    await contact.expect("未获同意")
    for admin in (deciding, watching):
        card = await redrawn(admin, ASKED, f"✖️ 已由{OFFICE}于 ")
        assert re.search(rf"✖️ 已由{OFFICE}于 06-03 \d\d:\d\d 不同意延期，原时限不变", card.text)
        assert "等待省级认定结果" in card.text and card.buttons == []

    await duban.forge_tap(watching, kept)
    await watching.expect("已经处理过了")
    db = duban.db()
    try:
        assert db.execute("SELECT status FROM extension_requests").fetchone() == ("refused",)
        assert db.execute("SELECT deadline FROM items").fetchone() == ("2024-06-14",)
    finally:
        db.close()


def closed_item(duban: Duban, inspectors: tuple[int, ...]) -> None:
    """An item of 市场监管局 closed on the scenarios' first morning (2024-06-03)."""
    item = duban.seed_task(
        "专利侵权查处不力", "市场监管局", CLOCK_START.date(), inspectors=inspectors
    )
    db = duban.db()
    try:
        admin = people.by_id(db, duban.person_id(ADMIN_ID))
        origin = Origin.cli(CLOCK_START)
        ledger.apply_event(db, item.id, Event.REQUEST_CLOSE, admin.actor, origin, has_evidence=True)
        ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, admin.actor, origin)
    finally:
        db.close()


async def test_a_look_back_redraws_every_inspectors_task(duban_clock: Duban) -> None:
    """Ninety days after close-out both of the item's inspectors are asked to look back;
    王督查 confirms the fix holds: both tasks say so, by whom and when, without buttons, and
    李督查's ↩️ 重新打开, kept from before, is refused."""
    duban = duban_clock
    await office(duban)
    wang = await duban.register(WANG, "王督查", Role.INSPECTOR)
    li = await duban.register(LI, "李督查", Role.INSPECTOR)
    closed_item(duban, (duban.person_id(WANG), duban.person_id(LI)))
    await duban.sweep(at(6, 3))
    await duban.sweep(at(9, 2))  # ninety days on is Sunday 1 September
    for inspector in (wang, li):
        task = await inspector.expect("请核实问题是否已真正解决")
        assert task.buttons == ["✅ 确认巩固", "↩️ 重新打开"]
    kept = button_token(li, now_showing(li, LOOK_BACK), "↩️ 重新打开")

    await wang.tap("✅ 确认巩固")
    await wang.expect("整改成果巩固")
    for inspector in (wang, li):
        task = await redrawn(inspector, LOOK_BACK, "✅ 已由王督查于 ")
        assert re.search(r"✅ 已由王督查于 09-02 \d\d:\d\d 确认巩固", task.text), task.text
        assert task.buttons == []

    await duban.forge_tap(li, kept)
    await li.expect("这项回头看已经处理过了")
    db = duban.db()
    try:
        assert db.execute("SELECT outcome FROM lookbacks").fetchone() == ("holds",)
        assert db.execute("SELECT status FROM items").fetchone() == ("closed",)
    finally:
        db.close()


@ON_BOTH_FRONT_ENDS
async def test_a_place_proposal_redraws_both_offices_cards(duban_clock: Duban) -> None:
    """王督查 (Telegram) sends his location at a company with no coordinates: both
    administrators are asked to confirm it as the company's place; the one on DingTalk
    confirms, and the Telegram administrator's card says so too, without buttons, its
    ✖️ 不采用, kept from before, refused. (A DingTalk robot takes no location, so only a
    Telegram visit proposes a place; the decision is on either platform.)"""
    duban = duban_clock
    duban.seed_item(
        "高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局",
        deadline=CLOCK_START.date() + timedelta(days=20),
    )  # fmt: skip
    on_dingtalk = await office(duban)
    on_telegram = await telegram_office(duban)
    wang = await register_on_telegram(duban, WANG, "王督查", Role.INSPECTOR)
    await wang.send("/visit")
    await wang.expect("选择企业")
    await wang.send("力威")
    await wang.expect("匹配的企业")
    await wang.tap("力威机械（磨头镇）")
    await wang.expect("发送当前位置")
    await wang.send_location(32.37, 120.593)
    await wang.expect("已记录到场位置")
    for admin in (on_dingtalk, on_telegram):
        card = await admin.expect(PROPOSAL)
        assert card.buttons == ["✅ 确认为企业坐标", "✖️ 不采用"]
    kept = button_token(on_telegram, now_showing(on_telegram, PROPOSAL), "✖️ 不采用")

    await on_dingtalk.tap("✅ 确认为企业坐标")
    await on_dingtalk.expect("已确认 力威机械 的坐标")
    for admin in (on_dingtalk, on_telegram):
        card = await redrawn(admin, PROPOSAL, f"✅ 已由{OFFICE}于 ")
        assert re.search(rf"✅ 已由{OFFICE}于 06-03 \d\d:\d\d 确认为企业坐标", card.text), card.text
        assert card.buttons == []

    await duban.forge_tap(on_telegram, kept)
    await on_telegram.expect("这条坐标建议已处理过了")
    db = duban.db()
    try:
        place = db.execute("SELECT latitude, longitude FROM companies").fetchone()
        assert place == (32.37, 120.593)
    finally:
        db.close()


async def test_a_long_card_keeps_its_pointer_and_its_outcome(duban_clock: Duban) -> None:
    """A close-out explained in 6 300 characters: its card was shortened when sent, ending
    with the pointer to /history. Once approved it still ends with that pointer, then who
    closed it: the outcome is never what gets cut off."""
    duban = duban_clock
    admin = await office(duban)
    contact = await duban.register(CONTACT, "赵联络", Role.CONTACT, unit=UNIT)
    await duban.register(WANG, "王督查", Role.INSPECTOR)
    item = duban.seed_task(
        "孵化器入驻率不足", UNIT, CLOCK_START.date(), inspectors=(duban.person_id(WANG),)
    )
    await contact.send(f"/item {item.code}")
    await contact.expect(re.compile(rf"{item.code}[^\n]*\n状态"))
    await contact.tap("✅ 申请销号")
    await contact.expect("申请")
    for number, part in enumerate(("甲" * 2100, "乙" * 2100, "丙" * 2100), start=1):
        await contact.send(part)
        await contact.expect(f"文字 {number} 段")
    await contact.tap("提交")
    await contact.expect("已送 2 位核验人员审核")
    pointer = f"全文请发送 /history {item.code} 查看）"
    assert pointer in (await admin.expect(CARD)).text

    await admin.tap("✅ 销号")
    await admin.expect(f"{item.code} 已销号")
    card = await redrawn(admin, CARD, f"✅ 已由{OFFICE}于 ")
    words = card.text.rstrip()
    assert re.search(pointer + rf"\n+✅ 已由{OFFICE}于 06-03 \d\d:\d\d 核验销号$", words), words[
        -200:
    ]
    assert "甲" * 1000 in words and card.buttons == []
    if duban.platform == "telegram":
        assert utf16_len(words) <= TEXT_LIMIT
