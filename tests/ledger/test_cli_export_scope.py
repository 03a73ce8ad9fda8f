"""``duban export`` takes what the chat's /export takes (issue 14, "chat and CLI alike"): a
period, town, unit or company, the item history sheet and the evidence .zip; a name that
matches nothing is told apart from a scope with no items, in the office's language."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bot.cli.main import main
from tests.desk_world import desk_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return desk_world(tmp_path, monkeypatch)


def _codes(path: Path) -> list[str]:
    """The codes on the workbook's 全部事项 sheet, as the office reads them."""
    sheet = openpyxl.load_workbook(path)["全部事项"]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]


def test_town_unit_and_company_narrow_the_export(world, tmp_path: Path) -> None:
    """Each filter exports only its items, as the chat's 按镇区/按承办单位/按企业 do."""
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out), "--town", "吴窑镇"]) == 0
    assert _codes(out) == sorted([world["valve"], world["machine"]])
    assert main(["export", str(out), "--unit", "财政局"]) == 0
    assert _codes(out) == sorted([world["fund"], world["ip"]])
    assert main(["export", str(out), "--company", "卓远半导体"]) == 0
    assert _codes(out) == [world["chip"]]


def test_period_and_town_together(world, tmp_path: Path) -> None:
    """A period narrows a town further: 磨头镇 of 2019 is the old item alone."""
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out), "--town", "磨头镇"]) == 0
    assert _codes(out) == sorted([world["chip"], world["bearing"], world["old"]])
    assert main(["export", str(out), "--town", "磨头镇", "--period", "2019"]) == 0
    assert _codes(out) == [world["old"]]
    assert main(["export", str(out), "--period", world["this_year"], "--town", "磨头镇"]) == 0
    assert _codes(out) == sorted([world["chip"], world["bearing"]])


def test_unknown_names_are_refused_in_the_office_language(world, tmp_path: Path, capsys) -> None:
    """A misspelt town or period is named back, in Chinese by default, English with --lang
    en; nothing is written. A known town with no items is not an error."""
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out), "--town", "磨头"]) == 1
    assert capsys.readouterr().err.strip() == "duban：没有名为「磨头」的镇区"
    assert not out.exists()
    assert main(["export", str(out), "--period", "2030", "--company", "无名公司"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["duban：没有名为「2030」的批次", "duban：没有名为「无名公司」的企业"]
    assert main(["export", str(out), "--unit", "宣传部", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == "duban: there is no unit named “宣传部”"
    assert main(["export", str(out), "--town", "吴窑镇", "--period", "2019"]) == 0
    assert "已导出 0 项" in capsys.readouterr().out


def test_history_sheet_on_request(world, tmp_path: Path) -> None:
    """--history adds 事项历史 with the exported items' events; without it there is none."""
    plain, with_history = tmp_path / "plain.xlsx", tmp_path / "history.xlsx"
    assert main(["export", str(plain), "--company", "卓远半导体"]) == 0
    assert "事项历史" not in openpyxl.load_workbook(plain).sheetnames
    assert main(["export", str(with_history), "--company", "卓远半导体", "--history"]) == 0
    history = openpyxl.load_workbook(with_history)["事项历史"]
    assert [c.value for c in history[1]] == ["督办编号", "时间", "操作人", "事件", "内容"]
    rows = list(history.iter_rows(min_row=2, values_only=True))
    assert len(rows) >= 5 and {row[0] for row in rows} == {world["chip"]}
    assert any("设备采购周期长" in str(row[4]) for row in rows)  # the extension's reason


def test_evidence_zip_holds_workbook_files_and_manifest(world, tmp_path: Path, capsys) -> None:
    """--evidence-zip writes the .zip the chat sends: the workbook, each photo under
    evidence/<code>/, and manifest.csv with every file's sha256, which matches."""
    out, archive = tmp_path / "out.xlsx", tmp_path / "佐证.zip"
    arguments = ["export", str(out), "--company", "卓远半导体", "--evidence-zip", str(archive)]
    assert main(arguments) == 0
    said = capsys.readouterr().out
    assert f"佐证材料 3 个文件（连同表格）写入 1 个压缩包：{archive}" in said
    assert _codes(out) == [world["chip"]]
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        photos = [name for name in names if name.startswith(f"evidence/{world['chip']}/")]
        assert len(photos) == 3 and all(name.endswith(".jpg") for name in photos)
        workbooks = [name for name in names if name.endswith(".xlsx")]
        assert len(workbooks) == 1 and "卓远半导体" in workbooks[0]
        inner = openpyxl.load_workbook(io.BytesIO(opened.read(workbooks[0])))
        assert "佐证材料" in inner.sheetnames
        manifest = list(csv.reader(io.StringIO(opened.read("manifest.csv").decode("utf-8-sig"))))
        listed = {row[0]: row[1] for row in manifest[1:]}
        for name in photos:
            assert listed[name] == hashlib.sha256(opened.read(name)).hexdigest()


def test_csv_and_a_wrong_zip_name_are_refused(world, tmp_path: Path, capsys) -> None:
    """A CSV holds one table, so the extras need .xlsx; the archive's name ends in .zip."""
    table = tmp_path / "out.csv"
    assert main(["export", str(table), "--history"]) == 2
    assert ".csv 文件只有一张表" in capsys.readouterr().err and not table.exists()
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out), "--evidence-zip", str(tmp_path / "e.rar")]) == 2
    assert "须以 .zip 结尾" in capsys.readouterr().err and not out.exists()
    assert main(["export", str(table), "--unit", "科技局"]) == 0
    assert "高企培育" in table.read_text(encoding="utf-8-sig")


def test_evidence_in_parts_named_as_the_chat_names_them(
    world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Past the part limit the archive comes in parts, 佐证_1of3.zip …, each with its own
    manifest, together holding every photo once."""
    monkeypatch.setattr("bot.builders.export_job.PART_LIMIT", 1)  # one file a part
    out, archive = tmp_path / "out.xlsx", tmp_path / "佐证.zip"
    arguments = ["export", str(out), "--company", "卓远半导体", "--evidence-zip", str(archive)]
    assert main(arguments) == 0
    parts = sorted(tmp_path.glob("佐证_*of*.zip"))
    assert [part.name for part in parts] == [f"佐证_{n}of4.zip" for n in range(1, 5)]
    assert not archive.exists()
    assert "写入 4 个压缩包" in capsys.readouterr().out
    photos = []
    for part in parts:
        with zipfile.ZipFile(part) as opened:
            assert "manifest.csv" in opened.namelist()
            photos += [name for name in opened.namelist() if name.startswith("evidence/")]
    assert len(photos) == len(set(photos)) == 3
