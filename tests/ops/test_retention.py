"""Retention (issue 17): what the daily job drops, what it never touches, and that the bot
still says everything it has to once the rows are gone.

The bot runs against the sandbox on a fake clock; the job is run by name after the clock
is moved, as the scheduler would run it that day.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain.lifecycle import Role
from storage import inbox
from storage.rows import fetch_value, fetch_values
from tests.harness import Duban, office, start_visit

FINDING = "研发中心设备尚未到位"
SET_ASIDE_TEXT = "这条消息处理失败，等管理员重试"


def _value(duban: Duban, sql: str, params: list | None = None) -> object:
    db = duban.db()
    try:
        return fetch_value(db, sql, params or [])
    finally:
        db.close()


def _values(duban: Duban, sql: str, params: list | None = None) -> list:
    db = duban.db()
    try:
        return fetch_values(db, sql, params or [])
    finally:
        db.close()


async def _finished_visit(duban: Duban) -> tuple:
    """An administrator, a contact and an inspector who made a visit with a location and
    a finding tied to an item, and ended it; plus an update set aside after failing."""
    item = duban.seed_research_item()
    admin = await office(duban)
    await duban.register(6902, "赵联络", Role.CONTACT, unit="科技局")
    wang = await duban.register(6901, "王督查", Role.INSPECTOR)
    await start_visit(wang)
    await wang.send_location(32.39, 120.57)
    await wang.expect("已记录到场位置")
    await wang.send(FINDING)
    card = await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect(f"已关联：{item.code}")
    await wang.send("/done")
    await wang.expect("走访结束")
    summary = await admin.expect("走访结束")
    assert "发现 1 条" in summary.text
    await duban.settle()
    db = duban.db()
    try:
        db.execute(
            "INSERT INTO inbox (update_id, platform, event, raw, received_at, status, attempts) "
            "VALUES (?, 'telegram', ?, ?, ?, 'set_aside', 5)",
            [
                10**9,
                str(10**9),
                json.dumps(
                    {"update_id": 10**9, "message": {"text": SET_ASIDE_TEXT}}, ensure_ascii=False
                ),
                duban._now().isoformat(),
            ],
        )
        db.conn.commit()
    finally:
        db.close()
    return item, admin, wang, card, summary


async def _days_later(duban: Duban, days: int) -> None:
    assert duban.clock is not None and duban.runtime is not None
    duban.clock.advance(timedelta(days=days))
    await duban.runtime.run_job("retention")


async def test_a_month_keeps_everything_three_months_drop_texts_and_sent_rows(
    clocked_duban: Duban,
) -> None:
    """Ten days on nothing is pruned. Ninety-one days on, every processed update has lost
    its text and location but kept its id (a repeat is still ignored); the set-aside update,
    the audit chain, the findings and the evidence are untouched; delivered messages and
    expired buttons are gone; an old button is refused politely."""
    duban = clocked_duban
    _, _, wang, card, _ = await _finished_visit(duban)
    updates = _values(duban, "SELECT update_id FROM inbox WHERE status = 'done'")
    sent = _value(duban, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    kept_counts = {
        table: _value(duban, f"SELECT count(*) FROM {table}")
        for table in ("audit_events", "findings", "evidence", "visits", "people", "items")
    }
    assert sent and len(updates) > 5

    await _days_later(duban, 10)
    assert _value(duban, "SELECT count(*) FROM outbox WHERE status = 'sent'") == sent
    assert _value(duban, "SELECT count(*) FROM inbox WHERE raw = '{}'") == 0

    await _days_later(duban, 81)
    assert _values(duban, "SELECT update_id FROM inbox WHERE status = 'done'") == updates
    raws = _values(duban, "SELECT raw FROM inbox WHERE status = 'done'")
    assert set(raws) == {"{}"}
    assert not any(FINDING in raw or "32.39" in raw for raw in raws)
    set_aside = _value(duban, "SELECT raw FROM inbox WHERE status = 'set_aside'")
    assert SET_ASIDE_TEXT in str(set_aside)
    for table, count in kept_counts.items():
        assert _value(duban, f"SELECT count(*) FROM {table}") == count, table
    assert _value(duban, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 0
    assert _value(duban, "SELECT count(*) FROM buttons") == 0

    db = duban.db()
    try:  # Telegram sending an old update again: its id is known, it is not handled twice
        assert inbox.save_updates(db, [{"update_id": updates[-1]}], duban._now()) == 0
    finally:
        db.close()

    withdraw = next(data for label, data in _card_buttons(card) if "撤回" in label)
    answer = await duban.forged_tap(wang, withdraw)
    assert "按钮已失效" in answer.text
    await wang.send("/help")
    await wang.expect("可用命令")


def _card_buttons(card) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (button["text"], button["callback_data"])
        for row in card.inline_keyboard
        for button in row
        if "callback_data" in button
    ]


async def test_the_office_can_keep_update_texts_longer(clocked_duban: Duban) -> None:
    """An administrator sets 已处理消息原文保留 to 120 days in /settings (3 days is refused
    politely): at 91 days the texts are still there; at 121 they are dropped."""
    duban = clocked_duban
    _, admin, *_ = await _finished_visit(duban)
    label = "已处理消息原文保留（天）"
    await admin.send("/settings")
    assert f"{label}：90" in (await admin.expect(label)).text
    await admin.tap(label)
    await admin.expect("请输入新的值")
    await admin.send("3天")
    await admin.expect("须在 7 到 3650 天之间，不能是 3")
    await admin.tap(label)
    await admin.expect("请输入新的值")
    await admin.send("120天")
    await admin.expect(f"「{label}」已改为 120")
    await duban.settle()

    await _days_later(duban, 91)
    assert _value(duban, "SELECT count(*) FROM inbox WHERE raw = '{}'") == 0
    await _days_later(duban, 30)
    assert _value(duban, "SELECT count(*) FROM inbox WHERE status = 'done' AND raw != '{}'") == 0


async def test_a_correction_after_pruning_arrives_as_a_new_message(clocked_duban: Duban) -> None:
    """A finding withdrawn 40 days after its visit, when the summary's and the card's rows
    are pruned: the administrator's corrected summary and the inspector's card arrive as
    new messages (nothing can be edited without them), saying what changed."""
    duban = clocked_duban
    _, admin, wang, card, summary = await _finished_visit(duban)
    await _days_later(duban, 40)
    assert _value(duban, "SELECT count(*) FROM outbox WHERE dedup_key LIKE 'visit-summary:%'") == 0

    finding = _value(duban, "SELECT id FROM findings")
    token = duban.make_button(duban.person_id(6901), "finding.withdraw", {"finding": finding})
    await wang.send("/help")  # the withdraw button sits under a newer message than these
    await wang.expect("可用命令")
    await duban.forged_tap(wang, token)
    corrected = await admin.expect("已更正")
    assert corrected.message_id != summary.message_id
    assert "发现 0 条" in corrected.text
    own = await wang.expect("已更正")
    assert "发现 0 条" in own.text
    assert sum("走访结束" in message.text for message in wang.bot_messages) == 2
    new_card = await wang.expect("已撤回")
    assert new_card.message_id != card.message_id
    assert "已撤回" not in card.text
