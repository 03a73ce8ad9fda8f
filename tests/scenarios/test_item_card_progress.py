"""The item card shows where the responsible unit says it stands: the latest progress
report (local date, who, its start, figure and percentage of the target) and how many
reports there are, or that none was made yet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.lifecycle import Role
from sandbox.phones import ChatMessage, Phone
from storage import followup
from tests.harness import Duban, at, office

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"
TELEGRAM_LIMIT = 4096


async def card(phone: Phone, code: str, heading: str = "最新进展") -> ChatMessage:
    await phone.send(f"/item {code}")
    return await phone.expect(heading)


def seed_report(
    duban: Duban, item_id: int, tg_user_id: int, text: str, figure: float | None, when: datetime
) -> None:
    """A progress report made earlier, as storage records one (UTC)."""
    db = duban.db()
    try:
        person_id = duban.person_id(tg_user_id)
        followup.add_progress(db, item_id, person_id, text, figure, when.astimezone(UTC), None)
    finally:
        db.close()


async def test_card_shows_latest_progress_with_percentage(duban_clock: Duban) -> None:
    """After a contact reports "62" toward a target of 100, the card the contact, the
    office and a leader open shows that report — local date, who, text — with
    62 / 100（62%） and the number of reports in all."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(7201, "Li Wei", Role.LEADER, language="en")
    contact = await duban_clock.register(7202, "赵联络", Role.CONTACT, unit=UNIT)
    item = duban_clock.seed_task(
        "高新技术企业净增", UNIT, date(2024, 12, 31), target="净增100家", target_number=100
    )
    seed_report(duban_clock, item.id, 7202, "已摸底 30 家", 30, at(5, 20))

    # 07:30 on 4 June in Shanghai is still 3 June in UTC: the card shows the local date.
    await duban_clock.travel(at(6, 4, 7, 30))
    before = await card(contact, item.code)
    assert "2024-05-20 赵联络：已摸底 30 家" in before.text
    assert "30 / 100（30%）" in before.text and "累计 1 次" in before.text
    await contact.tap("📝 报告进展")
    await contact.expect("目标 100")
    await contact.send("已新增认定 62 家\n名单见<附件>")
    await contact.expect("文字 1 段")
    await contact.send("62")
    await contact.expect("完成数 62")
    await contact.tap("提交")
    await contact.expect("进展已记录")

    for phone in (contact, admin):
        shown = await card(phone, item.code)
        assert "2024-06-04 赵联络：已新增认定 62 家 名单见<附件>" in shown.text
        assert "完成数：62 / 100（62%）" in shown.text
        assert "累计 2 次" in shown.text and "已摸底" not in shown.text
        # under the item's facts, above the inspectors' findings
        assert shown.text.index("企业/镇区") < shown.text.index("最新进展")
        assert shown.text.index("最新进展") < shown.text.index("最近发现")

    shown = await card(leader, item.code, "Latest progress")
    assert "2024-06-04 赵联络: 已新增认定 62 家 名单见<附件>" in shown.text
    assert "Reported figure: 62 / 100 (62%)" in shown.text
    assert "reports so far: 2" in shown.text


async def test_card_says_when_no_progress_was_reported(duban_clock: Duban) -> None:
    """An item nobody reported on says so briefly on its card, in Chinese and English."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(7203, "Li Wei", Role.LEADER, language="en")
    item = duban_clock.seed_task(
        "产学研合作项目偏少", UNIT, date(2024, 9, 30), target="新增20项", target_number=20
    )
    shown = await card(admin, item.code)
    assert "尚无进展报告" in shown.text and "完成数" not in shown.text
    shown = await card(leader, item.code, "Latest progress")
    assert "No progress reported yet" in shown.text


async def test_card_shortens_a_long_report_and_reads_money_figures(duban_clock: Duban) -> None:
    """A report of thousands of characters shows as one shortened line (the card stays
    under Telegram's limit), and a money target in 万 reads as plain yuan, not 7.06e+07."""
    admin = await office(duban_clock)
    await duban_clock.register(7204, "钱联络", Role.CONTACT, unit="财政局")
    item = duban_clock.seed_task(
        "科技政策奖励兑现",
        "财政局",
        date(2024, 12, 31),
        target="兑现奖励7063.39万元",
        target_number=70633900,
    )
    long_text = "已兑现第一批奖励 <b>&</b>\n" + "企业名单与金额明细。" * 400
    seed_report(duban_clock, item.id, 7204, long_text, 35316950, at(6, 1, 15))
    shown = await card(admin, item.code)
    assert len(shown.text) < TELEGRAM_LIMIT
    assert "2024-06-01 钱联络：已兑现第一批奖励 <b>&</b> 企业名单" in shown.text
    assert "…" in shown.text and long_text[:400] not in shown.text
    assert "完成数：35,316,950 / 70,633,900（50%）" in shown.text
    assert "累计 1 次" in shown.text
