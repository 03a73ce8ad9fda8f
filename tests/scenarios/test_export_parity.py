"""Chat and desk alike (issue 14): /export offers the period (批次) as well as the town, unit
or company, and ``duban export`` with the same scope gives the same workbook, sheet by sheet."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli.main import main
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from storage import ledger
from tests.desk import at_the_desk
from tests.harness import Duban, last_document, last_workbook
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

WAIT = 30.0


def _seed(duban: Duban) -> dict[str, str]:
    """The report ledger (this year) and two items of period 2019, one in 磨头镇."""
    db = duban.db()
    try:
        now = datetime.now(UTC)
        codes = dict(seed(db, now).codes)
        origin = Origin.cli(now)
        ledger.ensure_period(db, "2019", 2019, origin)
        for label, town in (("old_motou", "磨头镇"), ("old_wuyao", "吴窑镇")):
            fields = ItemFields(problem=f"旧批次：{label}", unit="科技局", town=town)
            codes[label] = ledger.create_item(db, fields, "2019", origin).code
        codes["this_year"] = str(now.year)
        return codes
    finally:
        db.close()


def _values(book: openpyxl.Workbook) -> dict[str, list[tuple]]:
    """Every sheet's cells, as the office reads them."""
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _codes(book: openpyxl.Workbook) -> list[str]:
    sheet = book["全部事项"]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]


async def test_export_of_a_period_and_town_matches_the_desk(
    duban: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leader chooses 2019 and 磨头镇 in /export and gets that one item; ``duban export
    --period 2019 --town 磨头镇 --history`` writes the same sheets with the same cells."""
    codes = _seed(duban)
    leader = await duban.register(6201, "孙主任", Role.LEADER)
    await leader.send("/export")
    await leader.expect("导出督办台账")
    await leader.tap("按批次")
    periods = await leader.expect("选择批次")
    assert periods.buttons == [f"{codes['this_year']} 批次", "2019 批次"]  # newest first
    await leader.tap("2019 批次")
    await leader.expect("范围：2019 批次\n请选择格式，或在本批次内再按镇区、承办单位或企业选择")
    await leader.tap("按镇区")
    await leader.expect("选择镇区")
    await leader.tap("磨头镇")
    await leader.expect("范围：2019 批次·磨头镇")
    await leader.tap("📗 Excel 表格")
    await leader.expect("已导出 1 项（2019 批次·磨头镇）", within=WAIT)
    await duban.settle(WAIT)
    assert "2019_批次_磨头镇" in last_document(leader)["file_name"]
    chat = last_workbook(leader)
    assert _codes(chat) == [codes["old_motou"]]

    settings = duban.settings
    at_the_desk(monkeypatch, tmp_path, settings.database_path, settings.media_dir)
    out = tmp_path / "desk.xlsx"
    assert main(["export", str(out), "--period", "2019", "--town", "磨头镇", "--history"]) == 0
    desk = openpyxl.load_workbook(out)
    assert desk.sheetnames == chat.sheetnames
    assert "事项历史" in desk.sheetnames
    assert _values(desk) == _values(chat)


async def test_a_company_within_this_years_period(duban: Duban) -> None:
    """Within this year's period a company's export names both, still offers the company's
    dossier, and holds the company's one item of the period."""
    codes = _seed(duban)
    this_year = codes["this_year"]
    leader = await duban.register(6202, "周主任", Role.LEADER)
    await leader.send("/export")
    await leader.expect("导出督办台账")
    await leader.tap("按批次")
    await leader.expect("选择批次")
    await leader.tap(f"{this_year} 批次")
    await leader.expect(f"范围：{this_year} 批次")
    await leader.tap("按企业")
    await leader.expect("企业在哪个镇区")
    await leader.tap("磨头镇")
    await leader.expect("选择磨头镇的企业")
    await leader.tap("卓远半导体")
    menu = await leader.expect(f"范围：{this_year} 批次·卓远半导体")
    assert "📄 企业档案（PDF）" in menu.buttons
    assert "按镇区" not in menu.buttons  # narrowed already
    await leader.tap("📗 Excel 表格")
    await leader.expect(f"已导出 1 项（{this_year} 批次·卓远半导体）", within=WAIT)
    await duban.settle(WAIT)
    assert _codes(last_workbook(leader)) == [codes["chip"]]
