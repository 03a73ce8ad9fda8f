"""Buttons that no longer apply say so: double taps, old company lists, late withdrawals.

Each tap here is what a phone does when its user taps twice before the spinner stops, or
scrolls up to a message from an earlier visit: the bot re-checks the state, answers the tap
and changes nothing it should not.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.lifecycle import Role
from sandbox.phones import CallbackAnswer
from tests.harness import (
    AnyPhone,
    Duban,
    answered,
    button_token,
    office,
    start_visit,
    tap_token,
)

pytestmark = pytest.mark.both_platforms


def _count(duban: Duban, sql: str, *args: object) -> int:
    db = duban.db()
    try:
        return db.execute(sql, list(args)).fetchone()[0]
    finally:
        db.close()


def _card(phone: AnyPhone, number: int) -> Any:
    """A finding's confirmation as the phone shows it now."""
    for message in phone.bot_messages:
        if f"发现 {number} 已记录" in message.text:
            return message
    raise AssertionError(f"no card of finding {number}")


async def _answer(duban: Duban, query_id: str) -> dict:
    """The bot's answer to one tap, once it came."""
    await duban.processed()
    for _ in range(200):
        answers = duban.answers(query_id)
        if answers:
            return answers[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"tap {query_id} was never answered")


async def _told(duban: Duban, phone: AnyPhone, taps: list[str], words: str) -> int:
    """How many of the ``taps`` were answered with ``words``: Telegram's toasts, one per
    tap; on DingTalk, which has no toasts, the messages that came for them."""
    if duban.platform == "dingtalk":
        await duban.settle()
        return sum(words in message.text for message in phone.bot_messages)
    answers = [(await _answer(duban, query)).get("text") or "" for query in taps]
    return sum(words in answer for answer in answers)


def _alert(duban: Duban, answer: CallbackAnswer | None) -> None:
    """Telegram shows this answer as an alert to dismiss, not a passing toast; DingTalk has
    neither: its answer is a message (``answered``)."""
    if duban.platform == "telegram":
        assert answer is not None and answer.show_alert, answer


async def test_two_fast_taps_on_a_company_start_one_visit(duban: Duban) -> None:
    """Tapping a company twice before the first answer starts one visit with one card; the
    second tap is told the visit has already started."""
    duban.seed_research_item()
    wang = await duban.register(6801, "王督查", Role.INSPECTOR)
    await wang.send("/visit 卓远")
    await wang.expect("匹配的企业")
    message, data = wang.find_button("卓远半导体（高新区）")

    first = await tap_token(wang, message, data)
    second = await tap_token(wang, message, data)
    await wang.expect("走访中")
    await duban.settle()

    assert await _told(duban, wang, [first, second], "已经开始") == 1
    assert len([m for m in wang.bot_messages if "走访中" in m.text]) == 1
    assert _count(duban, "SELECT count(*) FROM visits") == 1


async def test_old_company_buttons_after_the_visit_ended_start_nothing(duban: Duban) -> None:
    """After /done, a company button from the earlier search and the 按镇区 button of the
    earlier /visit answer "already ended" and start no visit (no empty summary follows)."""
    duban.seed_research_item()
    admin = await office(duban)
    wang = await duban.register(6811, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("/done")
    await wang.expect("走访结束")
    await admin.expect("走访结束")
    await duban.settle()

    answer = await wang.tap("卓远半导体（高新区）")
    await answered(wang, answer, "已经结束")
    _alert(duban, answer)
    answer = await wang.tap("按镇区")
    await answered(wang, answer, "已经结束")
    await wang.expect_silence()
    assert _count(duban, "SELECT count(*) FROM visits") == 1
    assert _count(duban, "SELECT count(*) FROM visits WHERE ended_at IS NULL") == 0

    # A new /visit offers fresh buttons that work.
    await wang.send("/visit 卓远")
    await wang.expect("匹配的企业")
    await wang.tap("卓远半导体（高新区）")
    await wang.expect("走访中")
    assert _count(duban, "SELECT count(*) FROM visits WHERE ended_at IS NULL") == 1


async def test_withdraw_after_done_corrects_card_summary_and_counts(duban: Duban) -> None:
    """A finding withdrawn after /done: its card says 已撤回 and loses its buttons, every
    summary is edited to the new count with a correction line, the lead unit's contact is
    told to disregard the notice, /visits counts one; a second tap is answered."""
    item = duban.seed_research_item()
    admin = await office(duban)
    contact = await duban.register(6822, "赵联络", Role.CONTACT, unit="科技局")
    wang = await duban.register(6821, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("设备老化严重")
    await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    await wang.send("企业希望对接高校")
    await wang.expect("发现 2")
    await wang.send("/done")
    summary = await wang.expect("走访结束")
    assert "发现 2 条" in summary.text
    assert "发现 2 条" in (await admin.expect("走访结束")).text
    await contact.expect(item.code)
    await duban.settle()

    card = _card(wang, 1)
    withdraw = button_token(wang, card, "撤回")
    await tap_token(wang, card, withdraw)
    await wang.expect("已撤回这条发现")
    corrected = await admin.expect("已更正")
    assert "发现 1 条" in corrected.text and item.code not in corrected.text
    await contact.expect("更正")
    await duban.settle()

    card = _card(wang, 1)
    assert "已撤回" in card.text and not card.buttons
    # The summary as it reads now: edited on Telegram; on DingTalk, where a message without
    # buttons cannot be edited, the corrected summary is a new message.
    own = next(m for m in reversed(wang.bot_messages) if "走访结束" in m.text)
    assert "发现 1 条" in own.text and "已更正" in own.text
    await wang.send("/visits")
    assert "1 条" in (await wang.expect("卓远半导体")).text

    # The old button, tapped again from a phone that had not yet shown the edit.
    answer = await duban.forged_tap(wang, withdraw)
    await answered(wang, answer, "已经撤回")
    _alert(duban, answer)
    await wang.expect_silence()
    withdrawn = "SELECT count(*) FROM audit_events WHERE entity = 'finding' AND action = ?"
    assert _count(duban, withdrawn, "withdrawn") == 1


async def test_move_after_done_corrects_the_summary(duban: Duban) -> None:
    """A finding tied after /done (from its card) moves the summary's line from 未关联 to
    the item, and the item's lead unit is told as if it had been tied during the visit."""
    item = duban.seed_research_item()
    admin = await office(duban)
    contact = await duban.register(6832, "赵联络", Role.CONTACT, unit="科技局")
    wang = await duban.register(6831, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("研发费用归集不规范")
    await wang.expect("发现 1")
    await wang.send("/done")
    assert "未关联事项：1 条" in (await admin.expect("走访结束")).text
    await duban.settle()

    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    corrected = await admin.expect("已更正")
    assert item.code in corrected.text and "未关联" not in corrected.text
    await contact.expect(item.code)


async def test_withdraw_tapped_twice_fast_withdraws_once(duban: Duban) -> None:
    """Two fast taps on 撤回: one withdrawal, one confirmation, and the other tap is told
    the finding was already withdrawn."""
    duban.seed_research_item()
    wang = await duban.register(6841, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("这条记错了")
    await wang.expect("发现 1")
    message, data = wang.find_button("撤回")

    queries = [await tap_token(wang, message, data) for _ in range(2)]
    await wang.expect("已撤回这条发现")
    await duban.settle()

    assert await _told(duban, wang, queries, "已经撤回") == 1
    assert len([m for m in wang.bot_messages if "已撤回这条发现" in m.text]) == 1
    withdrawn = "SELECT count(*) FROM audit_events WHERE entity = 'finding' AND action = ?"
    assert _count(duban, withdrawn, "withdrawn") == 1


async def test_second_tap_on_done_is_answered(duban: Duban) -> None:
    """The 结束走访 button tapped again after the visit ended sends no second summary and
    answers that the visit has ended."""
    duban.seed_research_item()
    wang = await duban.register(6851, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    card = next(m for m in wang.bot_messages if "走访中" in m.text)
    done = next(b for b in card.buttons if "结束" in b)
    token = button_token(wang, card, done)
    await wang.tap(done)
    await wang.expect("走访结束")
    await duban.settle()

    query = await tap_token(wang, card, token)
    assert await _told(duban, wang, [query], "已经结束") == 1
    await wang.expect_silence()
    assert len([m for m in wang.bot_messages if "走访结束" in m.text]) == 1


async def test_stale_company_button_in_english(duban: Duban) -> None:
    """An English-speaking inspector's old company button says so in English."""
    duban.seed_research_item()
    smith = await duban.register(6861, "Smith", Role.INSPECTOR, language="en")
    await smith.send("/visit 卓远")
    await smith.expect("Companies matching")
    await smith.tap("卓远半导体（高新区）")
    await smith.expect("visit open since")
    await smith.send("/done")
    await smith.expect("Visit finished")
    await duban.settle()

    answer = await smith.tap("卓远半导体（高新区）")
    await answered(smith, answer, "already ended")


async def test_finding_moved_away_and_back_after_done_restores_the_notice(duban: Duban) -> None:
    """A finding moved after /done to another unit's item and then back: each lead unit's
    contact ends with the notice that is true now — 科技局 sees its item again (not the
    "nothing to do" correction it was shown in between), 应急局 is told to disregard."""
    item = duban.seed_research_item()
    other = duban.seed_item(
        "安全台账缺失", company="卓远半导体", town="高新区", unit="应急局",
        deadline=datetime.now(UTC).date() + timedelta(days=20),
    )  # fmt: skip
    await office(duban)
    keji = await duban.register(6872, "赵联络", Role.CONTACT, unit="科技局")
    yingji = await duban.register(6873, "钱联络", Role.CONTACT, unit="应急局")
    wang = await duban.register(6871, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("设备老化严重")
    await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    await wang.send("/done")
    await wang.expect("走访结束")
    await keji.expect(item.code)
    await duban.settle()

    await wang.tap("移到其他事项")
    await wang.expect("移到哪个事项")
    await wang.tap(other.code)
    await keji.expect("无需处理")
    await yingji.expect(other.code)
    await duban.settle()

    await wang.tap("移到其他事项")
    await wang.expect("移到哪个事项")
    await wang.tap(item.code)
    await yingji.expect("无需处理")
    await duban.settle()

    notices = [m for m in keji.bot_messages if "卓远半导体" in m.text]
    assert len(notices) == 1
    assert item.code in notices[0].text and "无需处理" not in notices[0].text
    notices = [m for m in yingji.bot_messages if "卓远半导体" in m.text]
    assert len(notices) == 1 and "无需处理" in notices[0].text


async def test_old_tie_button_names_the_item_the_finding_is_tied_to_now(duban: Duban) -> None:
    """A finding tied to one item, then moved to another: tapping the first tie button
    again (an old message) is answered with the item it is tied to now, and moves nothing."""
    item = duban.seed_research_item()
    other = duban.seed_item(
        "安全台账缺失", company="卓远半导体", town="高新区", unit="应急局",
        deadline=datetime.now(UTC).date() + timedelta(days=20),
    )  # fmt: skip
    wang = await duban.register(6881, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("设备老化严重")
    await wang.expect("发现 1")
    _, tie_first = wang.find_button(item.code)
    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    await wang.tap("移到其他事项")
    await wang.expect("移到哪个事项")
    await wang.tap(other.code)
    await wang.expect(f"已关联：{other.code}")
    await duban.settle()

    # From a phone that had not yet shown the edit.
    answer = await duban.forged_tap(wang, tie_first)
    # Telegram's toast, or on DingTalk (no toasts) a message.
    said = answer.text if answer is not None else (await wang.expect("已关联到")).text
    assert other.code in said and item.code not in said, said
    await wang.expect_silence()
    tied = "SELECT item_id FROM findings WHERE person_id = ?"
    assert _count(duban, tied, duban.person_id(6881)) == other.id
