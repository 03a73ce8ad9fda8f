"""The dossier from the item card, as the office files it (issue 15): the PDF says what the
card says — level and why, deadline with the days overdue, target, co-units, the assigned
inspector, 备注 — and every page names the item, the office (as /settings has it), when it
was made and 第 N 页 共 M 页."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.domain.audit import ActorKind, Origin
from storage import ledger
from storage.policy import set_policy_value
from tests.harness import Duban, history_world, last_document, open_card
from tests.pdf_text import pdf_pages

pytestmark = pytest.mark.both_platforms

WAIT = 20.0
OFFICE = "如皋市人大常委会办公室"
NOTES = "企业反映高层次人才住房补贴未兑现，需人社局配合"


def _card_value(card: str, label: str) -> str:
    """A card line's value as paper shows it: after "label：", without the colour's emoji."""
    line = next(line for line in card.splitlines() if line.startswith(f"{label}："))
    value = line.removeprefix(f"{label}：")
    return value.split(" ", 1)[1] if label == "督办等级" else value


async def test_the_dossier_carries_the_cards_facts_and_says_whose_it_is_on_every_page(
    duban: Duban,
) -> None:
    codes, _ = await history_world(duban, 6501, 6502)
    code = codes["valve"]  # 工信局's, overdue three days
    db = duban.db()
    try:
        origin = Origin(ActorKind.SYSTEM, "test", datetime.now(UTC))
        set_policy_value(db, "office_name", OFFICE, origin)
        item_id = db.execute("SELECT id FROM items WHERE code = ?", [code]).fetchone()[0]
        inspector = db.execute("SELECT id FROM people WHERE name = '王督查'").fetchone()[0]
        ledger.assign_inspector(db, item_id, inspector, origin)
        db.execute("UPDATE items SET notes = ? WHERE id = ?", [NOTES, item_id])
    finally:
        db.close()
    admin = duban.admin()

    card = (await open_card(admin, code)).text
    level, deadline = _card_value(card, "督办等级"), _card_value(card, "办理时限")
    assert re.search(r"（逾期 [34] 天）$", deadline)  # seeded 3 days ago in UTC
    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await duban.settle(WAIT)
    pages = [
        page.replace("\n", "")
        for page in pdf_pages(admin.download(last_document(admin)["file_id"]))
    ]

    first = pages[0]
    for expected in (
        f"督办等级{level}",
        f"办理时限{deadline}",
        "跟踪督办目标引进人才20名",
        "督查人员王督查",
        f"备注{NOTES}",
        "审计链头第 ",
    ):
        assert expected in first, expected
    for number, page in enumerate(pages, start=1):
        assert page.startswith(code)
        assert OFFICE in page
        assert "档案生成于 " in page
        assert page.endswith(f"第 {number} 页 共 {len(pages)} 页")
