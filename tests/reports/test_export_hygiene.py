"""Exports that hold whatever people typed or sent: control characters, formulas, files of
any kind. The workbook must open, no cell may run, no file in the .zip may run."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.builders.build import BuildContext
from bot.builders.export_job import archive_suffix, build_export
from bot.domain.people import telegram_address
from bot.platforms.telegram.render import TelegramRenderer
from bot.sheets.safety import SheetRows
from bot.sheets.writer import write_csv
from storage.db import open_database
from storage.report_jobs import ReportJob
from tests.report_seed import seed, store_media

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
DIRTY = "研发\x07中心\x00未建成\x1b[0m"  # a bell, a NUL, an escape sequence


def _evidence(db, media: Path, finding_id: int, item_id: int, person: int, name: str | None):
    sha = store_media(media, f"file {name}".encode())
    db["evidence"].insert(
        {
            "item_id": item_id,
            "finding_id": finding_id,
            "person_id": person,
            "kind": "document",
            "file_id": f"f-{name}",
            "file_unique_id": f"u-{name}",
            "file_name": name,
            "sha256": sha,
            "caption": '=HYPERLINK("http://x")\x08',
            "taken_at": (NOW - timedelta(days=1)).isoformat(),
            "stored": "stored",
            "created_at": (NOW - timedelta(days=1)).isoformat(),
        }
    )


@pytest.fixture
def world(tmp_path: Path):
    """One item whose finding and files carry control characters, formulas and odd names
    (as rows written before input was cleaned, or by another tool, would)."""
    db = open_database(tmp_path / "duban.sqlite")
    seeded = seed(db, NOW.astimezone(UTC))
    person = {"account": "1", "name": "办公室\x01", "role": "admin", "language": "zh"}
    admin = db["people"].insert({**person, "created_at": NOW.isoformat()}).last_pk
    item_id = seeded.ids["chip"]
    company = db.execute("SELECT company_id FROM items WHERE id = ?", [item_id]).fetchone()[0]
    moment = NOW.isoformat()
    visit = {"company_id": company, "started_by": admin, "started_at": moment}
    visit_id = db["visits"].insert({**visit, "last_activity_at": moment}).last_pk
    finding = {"visit_id": visit_id, "item_id": item_id, "person_id": admin, "text": DIRTY}
    finding_id = db["findings"].insert({**finding, "created_at": moment}).last_pk
    media = tmp_path / "media"
    for name in ("整改报告.PDF", "page.html", "run.exe", "照片.jpg", "no-extension", None):
        _evidence(db, media, finding_id, item_id, admin, name)
    params = {"filter": {}, "format": "zip"}
    job = ReportJob(1, "export", admin, telegram_address(1), "zh", params, "pending", 0, NOW)
    context = BuildContext(db_path=tmp_path / "duban.sqlite", media_dir=media, tz=TZ, now=NOW)
    return db, job, context, seeded.codes["chip"]


def test_export_with_control_characters_and_odd_files_opens_cleanly(world) -> None:
    """The workbook is written (no IllegalCharacterError), the finding reads without its
    control characters, a caption that looks like a formula stays text, and evidence keeps
    only known extensions: .pdf and .jpg stay, .html, .exe and none become .bin."""
    db, job, context, code = world
    result = build_export(context, job, db)
    ((_, payload),) = TelegramRenderer().render(result.sends[0], "1", "zh")
    part = Path(payload["document"]["path"])
    archive = zipfile.ZipFile(part)
    names = sorted(n for n in archive.namelist() if n.startswith("evidence/"))
    suffixes = sorted(Path(n).suffix for n in names)
    assert suffixes == [".bin", ".bin", ".bin", ".bin", ".jpg", ".pdf"]
    assert any(n.endswith("-page.bin") for n in names)
    assert any(n.endswith("-run.bin") for n in names)

    book = openpyxl.load_workbook(archive.open(next(n for n in archive.namelist()
                                                    if n.endswith(".xlsx"))))  # fmt: skip
    history = [row for row in book["事项历史"].iter_rows(values_only=True) if row[0] == code]
    assert "研发中心未建成[0m" in [row[4] for row in history]
    evidence = book["佐证材料"]
    caption = evidence.cell(row=2, column=5)
    assert caption.value == '=HYPERLINK("http://x")' and caption.data_type == "s"
    assert caption.quotePrefix


def test_sheet_rows_write_only_what_a_workbook_holds(tmp_path: Path) -> None:
    """The one safe writer drops control characters and lone surrogates, cuts text at
    Excel's limit, and keeps formula-like text as text; the file saves and reads back."""
    book = openpyxl.Workbook()
    rows = SheetRows(book.active)
    rows.append(["a\x00b\x1fc\ud800", "=1+1", "x" * 40_000, 3])
    rows.put(1, 5, "@SUM(A1)\x0b")
    book.save(tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert sheet["A1"].value == "abc"
    assert sheet["B1"].value == "=1+1" and sheet["B1"].data_type == "s"
    assert len(sheet["C1"].value) == 32_767 and sheet["D1"].value == 3
    assert sheet["E1"].value == "@SUM(A1)" and sheet["E1"].data_type == "s"


@pytest.mark.parametrize(
    ("name", "fallback", "suffix"),
    [
        ("现场.JPG", "", ".jpg"),
        ("方案.docx", "", ".docx"),
        ("录音.amr", "", ".amr"),
        ("说明.txt", "", ".txt"),
        ("图.svg", "", ".bin"),
        ("宏.xlsm", "", ".bin"),
        ("快捷方式.lnk", "", ".bin"),
        ("a.pdf.exe", "", ".bin"),
        (None, ".jpg", ".jpg"),
        (None, "", ".bin"),
    ],
)
def test_archive_suffix_keeps_only_known_kinds(name, fallback, suffix) -> None:
    """Known kinds keep their extension (lower-cased); anything else is .bin."""
    assert archive_suffix(name, fallback) == suffix


def test_csv_export_drops_control_characters(world, tmp_path: Path) -> None:
    """The .csv export holds no control characters either (Excel shows them as boxes or
    stops reading)."""
    from bot.sheets.exporting import export_data

    db, _, context, _ = world
    db.execute("UPDATE items SET problem = ? WHERE id = 1", [DIRTY])
    data = export_data(db, context.tz, now=context.now, language="zh")
    write_csv(tmp_path / "out.csv", data)
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "研发中心未建成[0m" in text and "\x07" not in text and "\x00" not in text
