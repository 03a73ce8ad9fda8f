"""Stale and repeated taps, as an impatient thumb or an old chat produces them.

Every button re-checks the state it acts on: a burst of taps does the thing once, a button
of a visit or finding that has moved on answers so at the tap (an alert) and changes nothing.
"""

from __future__ import annotations

import asyncio

from bot.domain.lifecycle import Role
from tests.harness import Duban, button_data, start_visit


def _rows(duban: Duban, sql: str) -> list[tuple]:
    db = duban.db()
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


async def _answers(duban: Duban, queries: list[str]) -> list[dict]:
    """The bot's answer to each tap, waiting until every tap was answered."""
    await duban.all_processed()
    for _ in range(200):
        found = [duban.answers(query) for query in queries]
        if all(found):
            return [answers[0] for answers in found]
        await asyncio.sleep(0.05)
    raise AssertionError("not every tap was answered")


async def test_a_burst_of_five_taps_on_a_company_starts_one_visit(duban: Duban) -> None:
    """Five taps before the first answer: one visit, one card, four alerts saying it has
    already started."""
    duban.seed_research_item()
    wang = await duban.register(7101, "王督查", Role.INSPECTOR)
    await wang.send("/visit 卓远")
    await wang.expect("匹配的企业")
    message, data = wang.find_button("卓远半导体（高新区）")
    queries = [wang.actions.tap(message.message_id, data) for _ in range(5)]
    await wang.expect("走访中")

    answers = await _answers(duban, queries)
    await duban.settle()
    assert sum("已经开始" in (a.get("text") or "") for a in answers) == 4
    assert all(a.get("show_alert") for a in answers if a.get("text"))
    assert _rows(duban, "SELECT count(*) FROM visits") == [(1,)]
    assert _rows(duban, "SELECT count(*) FROM visit_members") == [(1,)]
    assert len([m for m in wang.bot_messages if "走访中" in m.text]) == 1


async def test_join_button_of_a_finished_visit_joins_nothing(duban: Duban) -> None:
    """李 is offered to join 王's visit; 王 finishes; 李's tap on the old join button is
    told the visit has ended, and 李 is in no visit."""
    duban.seed_research_item()
    wang = await duban.register(7111, "王督查", Role.INSPECTOR)
    li = await duban.register(7112, "李督查", Role.INSPECTOR)
    await start_visit(wang)
    await li.send("/visit")
    choice = await li.expect("选择企业")
    join = button_data(choice, "加入")
    await wang.send("/done")
    await wang.expect("走访结束")
    await duban.settle()

    answer = await li.answer_to(li.actions.tap(choice.message_id, join))
    assert "已经结束" in answer.text and answer.show_alert
    await li.expect_silence()
    members = _rows(duban, "SELECT p.name FROM visit_members m JOIN people p ON p.id = m.person_id")
    assert members == [("王督查",)]


async def test_old_buttons_of_a_withdrawn_finding_change_nothing(duban: Duban) -> None:
    """After 撤回, the tie, files and new-item buttons the phone still had are answered
    "already withdrawn" and the finding stays withdrawn and untied."""
    item = duban.seed_research_item()
    wang = await duban.register(7121, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("消防通道堵塞")
    await wang.send_photo()
    card = await wang.expect("照片 1 张")
    old = [button_data(card, label) for label in (item.code, "新问题", "逐个整理")]
    await wang.tap("撤回")
    await wang.expect("已撤回这条发现")
    await duban.settle()

    for data in old:
        answer = await duban.forged_tap(wang, data)
        assert "已经撤回" in answer.text and answer.show_alert
    await wang.expect_silence()
    assert _rows(duban, "SELECT item_id, withdrawn FROM findings") == [(None, 1)]
    assert _rows(duban, "SELECT count(*) FROM items") == [(1,)]


async def test_one_file_withdrawn_twice_fast_is_withdrawn_once(duban: Duban) -> None:
    """Two fast taps on a single file's 撤回: one withdrawal, one confirmation, one alert;
    the finding's card counts no photo any more."""
    duban.seed_research_item()
    wang = await duban.register(7131, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send("围墙破损")
    await wang.send_photo()
    await wang.expect("照片 1 张")
    await wang.tap("逐个整理")
    await wang.expect("点一个文件")
    await wang.tap("📷 1")
    shown = await wang.expect_message()
    data = button_data(shown, "撤回")
    queries = [wang.actions.tap(shown.message_id, data) for _ in range(2)]

    answers = await _answers(duban, queries)
    await duban.settle()
    assert sum("已经撤回" in (a.get("text") or "") for a in answers) == 1
    audit = "SELECT count(*) FROM audit_events WHERE entity = 'evidence' AND action = 'withdrawn'"
    assert _rows(duban, audit) == [(1,)]
    card = next(m for m in wang.bot_messages if "发现 1 已记录" in m.text)
    assert "照片" not in card.text
