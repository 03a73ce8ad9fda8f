"""The office exports from the chat, edits the workbook and sends it back: the 督查人员 and
纬度/经度 columns go out and come back, so an unedited file changes nothing and a name added
in Excel assigns that inspector."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.presence import Point
from storage import ledger, people, presence
from tests.harness import Duban, office

pytestmark = pytest.mark.both_platforms

WAIT = 30.0
LIWEI = Point(32.37, 120.56)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _audit_count(duban: Duban) -> int:
    db = duban.db()
    try:
        return db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    finally:
        db.close()


async def test_exported_workbook_sent_back_changes_nothing_until_a_name_is_added(
    duban: Duban,
) -> None:
    """The chat export's 全部事项 sheet names 王督查 and 力威机械's coordinates; sent back
    as it is, the preview says the sheet matches the ledger and nothing is written; with
    李督查 added to the 督查人员 cell it offers one assignment, and on confirmation 李督查 is
    assigned and a notice is queued for them."""
    item = duban.seed_item(
        "高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局",
        deadline=datetime.now(UTC).date() + timedelta(days=5),
    )  # fmt: skip
    admin = await office(duban)
    await duban.register(6871, "王督查", Role.INSPECTOR)
    await duban.register(6872, "李督查", Role.INSPECTOR)
    db = duban.db()
    try:
        origin = Origin.cli(datetime.now(UTC))
        with db.atomic():
            company = db.execute("SELECT id FROM companies WHERE name = '力威机械'").fetchone()
            presence.set_company_point(db, company[0], LIWEI, "sheet", origin)
            wang_id = db.execute("SELECT id FROM people WHERE name = '王督查'").fetchone()[0]
            ledger.assign_inspector(db, item.id, wang_id, origin)
    finally:
        db.close()

    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("按镇区")
    await admin.expect("选择镇区")
    await admin.tap("磨头镇")
    await admin.expect("范围：磨头镇")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 1 项（磨头镇）", within=WAIT)
    await duban.settle(WAIT)
    document = next(m for m in reversed(admin.bot_messages) if m.document)
    exported = admin.download(document.document["file_id"])
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["全部事项"]
    headers = [cell.value for cell in sheet[2]]
    row = dict(zip(headers, [cell.value for cell in sheet[3]], strict=True))
    assert row["督办编号"] == item.code
    assert (row["督查人员"], row["纬度"], row["经度"]) == ("王督查", 32.37, 120.56)

    before = _audit_count(duban)
    await admin.send_document(exported, "台账.xlsx", XLSX)
    unchanged = await admin.expect("表格与台账一致，无需导入", within=WAIT)
    assert "新增 0 项，修改 0 项，未变 1 项" in unchanged.text
    assert "督查指派" not in unchanged.text and "企业坐标" not in unchanged.text
    assert not unchanged.buttons
    assert _audit_count(duban) == before

    sheet.cell(row=3, column=headers.index("督查人员") + 1).value = "王督查、李督查"
    edited = io.BytesIO()
    book.save(edited)
    await admin.send_document(edited.getvalue(), "台账.xlsx", XLSX)
    preview = await admin.expect("将新增 1 项督查指派", within=WAIT)
    assert "企业坐标" not in preview.text
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 0 项，修改 0 项", within=WAIT)
    # The notice is queued in the import's own commit (held back in quiet hours).
    db = duban.db()
    try:
        assigned = ledger.get_item(db, item.id).inspector_ids
        li = people.by_id(db, duban.person_id(6872)).address
        assert li is not None
        payloads = db.execute("SELECT payload FROM outbox WHERE chat = ?", [li.id])
        # DingTalk's payload keeps the services' words as "html", beside its markdown
        words = "html" if duban.platform == "dingtalk" else "text"
        notices = [json.loads(row[0]).get(words, "") for row in payloads]
    finally:
        db.close()
    assert assigned == {wang_id, duban.person_id(6872)}
    assert any("办公室指派您督查" in text and item.code in text for text in notices)
