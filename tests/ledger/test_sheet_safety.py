"""Files refused before any parser runs: wrong format, damaged, too big, zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from bot.sheets import safety
from bot.sheets.model import SheetFileError
from bot.sheets.reader import read_sheet

YEAR = 2024


def small_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["序号", "问题", "承办单位", "办理时限"])
    for number in range(1, 200):
        sheet.append([number, f"问题{number}", "科技局", "年底"])
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300 MB sheet of zeros squeezed into a ~300 KB file named .xlsx.

    Streamed through zipfile at compresslevel 9, so nothing uncompressed touches disk.
    """
    path = tmp_path_factory.mktemp("bomb") / "任务表.xlsx"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(zeros)
    return path


def test_zip_bomb_is_refused_unopened(zip_bomb: Path) -> None:
    """A zip bomb disguised as a workbook is refused from its directory alone."""
    assert zip_bomb.stat().st_size < 1_000_000
    with pytest.raises(SheetFileError, match="zip bomb"):
        read_sheet(zip_bomb, YEAR)


def test_total_uncompressed_size_is_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many moderately compressed parts adding up past the limit are refused too."""
    path = tmp_path / "big.xlsx"
    chunk = bytes(range(256)) * 4096  # 1 MB that barely compresses
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/media/a.bin", chunk)
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 512 * 1024)
    with pytest.raises(SheetFileError, match=r"would inflate to 1 MB \(limit 0 MB\)"):
        read_sheet(path, YEAR)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    """Files past the size limit are refused before they are read."""
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(safety.MAX_FILE_BYTES + 1)
    with pytest.raises(SheetFileError, match="20 MB are accepted"):
        read_sheet(path, YEAR)


def test_truncated_workbook_is_refused(tmp_path: Path) -> None:
    """A workbook cut off in transfer is reported as damaged, asking to send it again."""
    whole = small_workbook(tmp_path / "whole.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SheetFileError, match="damaged or truncated"):
        read_sheet(cut, YEAR)


def test_corrupted_member_is_refused(tmp_path: Path) -> None:
    """A workbook whose compressed data was damaged fails the CRC check, not mid-import."""
    path = small_workbook(tmp_path / "bad.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(SheetFileError, match="damaged"):
        read_sheet(path, YEAR)


def test_non_zip_named_xlsx_is_refused(tmp_path: Path) -> None:
    """A text or HTML file renamed to .xlsx is refused with one clear line."""
    path = tmp_path / "fake.xlsx"
    path.write_text("<html><table><tr><td>问题</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(SheetFileError, match=r"^fake.xlsx is not an .xlsx workbook"):
        read_sheet(path, YEAR)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    """A zip archive without xl/workbook.xml is not taken for a workbook."""
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not a sheet")
    with pytest.raises(SheetFileError, match="not an Excel workbook"):
        read_sheet(path, YEAR)


def test_legacy_xls_is_refused(tmp_path: Path) -> None:
    """An .xls file is refused with how to convert it."""
    path = tmp_path / "任务表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(SheetFileError, match=r"save it as \.xlsx"):
        read_sheet(path, YEAR)


def test_password_protected_or_xls_content_named_xlsx(tmp_path: Path) -> None:
    """An OLE file named .xlsx (old format, or a password) gets the same advice."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(SheetFileError, match="password-protected"):
        read_sheet(path, YEAR)


@pytest.mark.parametrize("name", ["任务表.pdf", "任务表.docx", "任务表"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    """Only .xlsx and .csv are read."""
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(SheetFileError, match=r"only \.xlsx and \.csv files can be read"):
        read_sheet(path, YEAR)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """An empty upload is named as such."""
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SheetFileError, match="is empty"):
        read_sheet(path, YEAR)
