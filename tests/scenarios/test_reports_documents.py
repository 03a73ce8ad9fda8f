"""Import by chat, item history, meeting documents and the evidence .zip, on the phones."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.builders import export_job
from bot.domain.lifecycle import Role
from tests.harness import (
    Duban,
    export_menu_for_company,
    history_world,
    last_document,
    last_workbook,
)
from tests.report_seed import seed, zip_inputs
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

WAIT = 20.0


def _sheet(rows: list[list[object]]) -> bytes:
    return xlsx(["序号", "问题", "措施", "承办单位", "办理时限", "领域", "镇区", "企业"], rows)


GOOD = [1, "研发投入偏低", "建研发中心", "科技局", "2030-06-30", "高企培育", "磨头镇", "卓远半导体"]
SECOND = [2, "人才引进难", "落实人才政策", "人社局", "2030-12-31", "人才引进", "吴窑镇", "力威机械"]
BAD = [
    2,
    "人才引进难",
    "落实人才政策",
    "人社局",
    "2030-12-31",
    "不存在的领域",
    "吴窑镇",
    "力威机械",
]


async def test_admin_imports_sheet_by_chat_after_preview(duban: Duban) -> None:
    """A sheet with a row error comes back annotated; the fixed sheet imports on confirm."""
    admin = duban.admin()
    await admin.send_document(_sheet([GOOD, BAD]), "任务表.xlsx", XLSX)
    await admin.expect("正在检查表格")
    preview = await admin.expect("导入预览", within=WAIT)
    assert "1 处错误" in preview.text
    assert '第 3 行「领域」：无法识别的领域"不存在的领域"' in preview.text
    assert not preview.buttons  # nothing can be imported while a row is wrong
    await duban.settle(WAIT)
    book = last_workbook(admin)
    sheet = book.active
    assert sheet.cell(row=1, column=9).value == "错误（督办机器人）"
    assert '「领域」：无法识别的领域"不存在的领域"' in sheet.cell(row=3, column=9).value
    assert sheet.cell(row=3, column=1).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=3, column=6).comment is not None
    assert sheet.cell(row=2, column=9).value is None

    await admin.send_document(_sheet([GOOD, SECOND]), "任务表.xlsx", XLSX)
    preview = await admin.expect("新增 2 项，修改 0 项", within=WAIT)
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 2 项", within=WAIT)
    db = duban.db()
    try:
        problems = [row[0] for row in db.execute("SELECT problem FROM items ORDER BY code")]
        actors = {row[0] for row in db.execute("SELECT actor_kind FROM audit_events")}
    finally:
        db.close()
    assert problems == ["研发投入偏低", "人才引进难"]
    assert "import" in actors
    # The confirmation works once: the preview loses its buttons.
    assert not [m for m in admin.bot_messages if "确认导入" in " ".join(m.buttons)]


async def test_leader_sheet_is_refused_politely(duban: Duban) -> None:
    """Only administrators import: a leader's spreadsheet gets a polite explanation."""
    leader = await duban.register(6201, "周主任", Role.LEADER)
    await leader.send_document(_sheet([GOOD]), "任务表.xlsx", XLSX)
    await leader.expect("只有管理员可以通过发送表格导入")


async def test_history_shows_every_kind_of_event_and_the_album(duban: Duban) -> None:
    """/history lists visits, progress toward the target, deadline changes, escalation,
    close-out and look-back; the photos come as one album and the dossier as a PDF."""
    codes, _ = await history_world(duban, 6202, 6203)
    admin = duban.admin()
    await admin.send(f"/history {codes['chip']}")
    shown = await admin.expect(codes["chip"])
    text = shown.text
    for expected in (
        "登记为督办事项",
        "走访 卓远半导体：研发中心未建成，设备未到位（照片 3）（王督查）",
        "办理进展：已新增认定高企4家；数值 4/10，完成 40%（赵联络）",
        "申请延期至 2099-12-31",
        "批准延期：期限 ",
        "→ 2099-12-31",
        "提级督办",
        "销号申请被退回：缺少验收报告",
        "销号申请通过",
        "回头看：问题未反弹",
    ):
        assert expected in text, expected
    await admin.tap("🖼 照片（3）")
    await duban.settle(WAIT)
    photos = [m for m in admin.bot_messages if m.photo]
    assert len(photos) == 3
    if duban.platform == "dingtalk":  # no albums, no captions: the captions follow as a message
        await admin.expect("车间照片1")
    else:
        assert len({p["media_group_id"] for p in photos}) == 1
        assert "车间照片1" in photos[0].text
    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await duban.settle(WAIT)
    pdf = admin.download(last_document(admin)["file_id"])
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile3" in pdf  # the CJK font is embedded (CFF outlines)
    assert pdf.count(b"/Subtype /Image") >= 3


async def test_contact_cannot_read_another_units_history(duban: Duban) -> None:
    """A contact sees their own unit's items only."""
    codes, _ = await history_world(duban, 6202, 6203)
    other = await duban.register(6204, "钱联络", Role.CONTACT, unit="工信局")
    await other.send(f"/history {codes['chip']}")
    await other.expect("这个事项不属于您的单位")
    await other.send(f"/history {codes['valve']}")
    await other.expect(codes["valve"])


async def test_ranking_notice_as_picture_and_pdf(duban: Duban) -> None:
    """The 通报 ranks units by close-out rate and comes as a picture and a PDF (a draft
    first: issuing it is tests/scenarios/test_notice_issue.py)."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    admin = duban.admin()
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("📄 通报（PDF 和图片）")
    await admin.expect("通报样稿", within=WAIT)
    await duban.settle(WAIT)
    assert any(m.photo for m in admin.bot_messages)
    document = last_document(admin)
    assert document["file_name"].endswith(".pdf")
    assert admin.download(document["file_id"]).startswith(b"%PDF")


async def test_company_export_with_evidence_zip(duban: Duban) -> None:
    """A company's items and their evidence come as a .zip; the links in the workbook
    point at the files inside it."""
    codes, _ = await history_world(duban, 6202, 6203)
    admin = duban.admin()
    await export_menu_for_company(admin, "磨头镇", "卓远半导体")
    await admin.tap("🗂 Excel + 佐证材料（.zip）")
    await admin.expect("3 个佐证文件，分 1 个压缩包", within=WAIT)
    await duban.settle(WAIT)
    archive = zipfile.ZipFile(io.BytesIO(admin.download(last_document(admin)["file_id"])))
    names = archive.namelist()
    workbook_name = next(name for name in names if name.endswith(".xlsx"))
    evidence_names = sorted(name for name in names if name.startswith("evidence/"))
    assert len(evidence_names) == 3
    assert all(name.startswith(f"evidence/{codes['chip']}/") for name in evidence_names)
    book = openpyxl.load_workbook(io.BytesIO(archive.read(workbook_name)))
    links = sorted(row[5].hyperlink.target for row in book["佐证材料"].iter_rows(min_row=2))
    assert links == evidence_names


def test_zip_parts_stay_under_the_limit(tmp_path: Path, monkeypatch) -> None:
    """Evidence is split over several parts so none passes the upload limit."""
    monkeypatch.setattr(export_job, "PART_LIMIT", 250_000)
    workbook, files = zip_inputs(tmp_path, 5)
    parts = export_job.write_zip_parts(tmp_path, workbook, "台账.xlsx", files)
    assert len(parts) == 3
    assert all(part.stat().st_size < 250_000 for part in parts)
    listed = [zipfile.ZipFile(part).namelist() for part in parts]
    assert all(names[-1] == export_job.MANIFEST for names in listed)  # each part has its own
    inside = [name for names in listed for name in names[:-1]]
    assert inside == ["台账.xlsx"] + [f"evidence/2024-001/{n}.jpg" for n in range(5)]
