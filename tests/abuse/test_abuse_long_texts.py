"""Texts longer than Telegram takes: the close-out card still reaches its verifiers,
shortened with a pointer, and /history shows every character."""

from __future__ import annotations

from datetime import date

from bot.domain.lifecycle import Role
from bot.i18n.fit import TEXT_LIMIT, utf16_len
from tests.harness import Duban, office

UNIT = "科技局"
PARTS = ("甲" * 2100, "乙" * 2100, "丙" * 2100)


async def test_long_close_out_reaches_its_verifiers_and_history_shows_all(
    duban_clock: Duban,
) -> None:
    """A contact types three texts of 2 100 characters and asks to close the item: each
    verifier gets the card (shortened, ending with "/history CODE"), with both buttons;
    nothing is given up; /history then shows all 6 300 characters over several messages."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7301, "赵联络", Role.CONTACT, unit=UNIT)
    inspector = await duban_clock.register(7302, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "孵化器入驻率不足", UNIT, date(2024, 6, 28), inspectors=(duban_clock.person_id(7302),)
    )
    await contact.send(f"/item {item.code}")
    await contact.expect(item.code)
    await contact.tap("✅ 申请销号")
    await contact.expect("申请")
    for number, part in enumerate(PARTS, start=1):
        await contact.send(part)
        await contact.expect(f"文字 {number} 段")
    await contact.tap("提交")
    await contact.expect("已送 2 位核验人员审核")

    for verifier in (inspector, admin):
        card = await verifier.expect("销号核验")
        assert utf16_len(card.text) <= TEXT_LIMIT
        assert card.text.rstrip().endswith(f"/history {item.code} 查看）")
        assert "…" in card.text and "甲" * 1000 in card.text
        assert card.buttons == ["✅ 销号", "↩️ 退办"]
    await duban_clock.settle()
    db = duban_clock.db()
    try:
        dead = db.execute("SELECT count(*) FROM outbox WHERE status = 'dead'").fetchone()[0]
        stored = db.execute("SELECT text FROM closeout_requests").fetchone()[0]
    finally:
        db.close()
    assert dead == 0
    assert stored == "\n".join(PARTS)  # every typed character is kept

    before = len(inspector.bot_messages)
    await inspector.send(f"/history {item.code}")
    await inspector.expect(item.code)
    await duban_clock.settle()
    shown = "".join(m.text for m in inspector.bot_messages[before:])
    for part in PARTS:
        assert shown.count(part[0]) == len(part), "the history shows every character"
    assert all(utf16_len(m.text) <= TEXT_LIMIT for m in inspector.bot_messages)
