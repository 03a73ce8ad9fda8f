"""Periods (批次) that stay as they were: after rolling 2024 → 2025 and later changes, the
2024 report and export still show 2024's items with their status and figures of 2024.

The database is rolled by the code's own functions at past clocks (tests/period_seed.py),
exactly the rows the ledger wrote before periods kept their picture: nothing is snapshotted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.builders.data import Filters, collect, units_with_items
from bot.cli.main import main
from bot.domain.lifecycle import Status
from bot.domain.reports import Scope
from bot.sheets.exporting import export_data
from storage.db import open_database
from storage.ledger import get_item
from storage.periods import period_items_as_of, period_names
from tests.desk import at_the_desk
from tests.period_seed import LOANS_DEADLINE, STARTUPS_DEADLINE, Rolled, seed_rolled

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 4, 1, 2, 0, tzinfo=UTC)
TODAY = date(2025, 4, 1)


@pytest.fixture
def rolled():
    db = open_database(":memory:")
    return db, seed_rolled(db)


def _by_code(picture) -> dict:
    return {found.item.code: found for found in picture.items}


def test_the_ledger_itself_has_moved_on(rolled) -> None:
    """The premise: today the item is closed in 2025 with 105, and 2024 holds one item."""
    db, seeded = rolled
    startups = get_item(db, seeded.ids["startups"])
    assert (startups.period, startups.status) == ("2025", Status.CLOSED)
    assert db.execute("SELECT count(*) FROM items WHERE period_id = 1").fetchone()[0] == 1


def test_2024_shows_every_item_it_had_as_of_its_last_day(rolled) -> None:
    """Rolled items are back in 2024, open, with the figure and deadline they had then."""
    db, seeded = rolled
    picture = period_items_as_of(db, "2024", TODAY, TZ)
    assert picture is not None and picture.day == date(2024, 12, 31)
    found = _by_code(picture)
    assert set(found) == set(seeded.codes.values())
    startups = found[seeded.codes["startups"]]
    assert startups.item.status is Status.OPEN and startups.item.closed_at is None
    assert startups.figure == 79.0
    assert startups.item.period == "2024"
    park = found[seeded.codes["park"]]
    assert park.item.status is Status.CLOSED and park.item.closed_at is not None
    loans = found[seeded.codes["loans"]].item
    assert (loans.deadline, loans.manual_level) == (LOANS_DEADLINE, "none")


def test_2025_shows_the_items_as_they_are_now(rolled) -> None:
    """The running period is today's ledger: closed with 105, extended, raised to red."""
    db, seeded = rolled
    picture = period_items_as_of(db, "2025", TODAY, TZ)
    assert picture is not None and picture.day == TODAY
    found = _by_code(picture)
    assert seeded.codes["park"] not in found
    assert found[seeded.codes["startups"]].item.status is Status.CLOSED
    assert found[seeded.codes["startups"]].figure == 105.0
    loans = found[seeded.codes["loans"]].item
    assert (loans.deadline, loans.manual_level) == (date(2025, 6, 30), "red")


def test_the_2024_export_shows_it_open_with_its_2024_figure(rolled) -> None:
    """The export of 2024: status, figure, deadline and level as of 2024-12-31."""
    db, seeded = rolled
    data = export_data(db, TZ, period="2024", now=NOW)
    rows = {item.code: item for item in data.items}
    assert len(rows) == 3
    startups = rows[seeded.codes["startups"]]
    assert (startups.status, startups.latest_figure) == ("open", 79.0)
    assert startups.deadline == STARTUPS_DEADLINE and startups.period == "2024"
    assert startups.level == "red"  # 61 days overdue on 2024-12-31 (red after 30)
    loans = rows[seeded.codes["loans"]]
    assert (loans.deadline, loans.level) == (LOANS_DEADLINE, "yellow")  # 11 days overdue
    assert rows[seeded.codes["park"]].status == "closed"
    assert data.as_of == date(2024, 12, 31)


def test_the_whole_export_shows_today(rolled) -> None:
    """Without a period the export is today's ledger, with today's latest figures."""
    db, seeded = rolled
    rows = {item.code: item for item in export_data(db, TZ, now=NOW).items}
    startups = rows[seeded.codes["startups"]]
    assert (startups.status, startups.latest_figure, startups.period) == ("closed", 105.0, "2025")


def test_the_2024_report_counts_it_open_with_its_2024_figure(rolled) -> None:
    """The report of 2024: three items, one closed, two overdue, 79 of 105 toward target."""
    db, _seeded = rolled
    data = collect(db, Scope("all"), Filters(batch="2024"), TODAY, TZ)
    assert (data.total, data.closed, data.overdue) == (3, 1, 2)
    assert (data.start, data.end) == (date(2024, 1, 1), date(2024, 12, 31))
    [target] = data.targets
    assert round(target.mean_percent, 1) == round(100 * 79 / 105, 1)
    assert {row.name: (row.total, row.closed) for row in data.units} == {
        "科技局": (2, 1),
        "财政局": (1, 0),
    }
    assert units_with_items(db, Filters(batch="2024"), TODAY, TZ) == ["科技局", "财政局"]


def test_a_unit_filter_narrows_the_period_as_it_stood(rolled) -> None:
    """Filters and a contact's scope apply to the period's items too."""
    db, _seeded = rolled
    data = collect(db, Scope("all"), Filters(batch="2024", unit="财政局"), TODAY, TZ)
    assert (data.total, data.overdue) == (1, 1)
    unit_id = db.execute("SELECT id FROM units WHERE name = '科技局'").fetchone()[0]
    mine = collect(db, Scope("unit", unit_id=unit_id), Filters(batch="2024"), TODAY, TZ)
    assert (mine.total, mine.closed) == (2, 1)


def test_periods_are_offered_newest_first_and_an_unknown_one_is_empty(rolled) -> None:
    db, _seeded = rolled
    assert period_names(db) == ["2025", "2024"]
    assert period_items_as_of(db, "2023", TODAY, TZ) is None
    assert export_data(db, TZ, period="2023", now=NOW).items == []


def test_duban_export_period_2024_after_the_roll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """``duban export --period 2024`` on a rolled database: 3 items, not 0, open with 79."""
    path = at_the_desk(monkeypatch, tmp_path)
    db = open_database(path)
    seeded: Rolled = seed_rolled(db)
    db.close()
    out = tmp_path / "2024.xlsx"
    assert main(["export", str(out), "--period", "2024"]) == 0
    assert "已导出 3 项" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)["全部事项"]
    headers = [cell.value for cell in sheet[2]]
    rows = {
        row[0]: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(3, values_only=True)
    }
    startups = rows[seeded.codes["startups"]]
    assert (startups["状态"], startups["最新数据"], startups["期次"]) == (
        "待办理",
        79,
        2024,
    )  # 期次 is a number (issue 15)


def test_a_period_exports_history_ends_with_the_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 2024 workbook's 事项历史 tells 2024's story: the close-out approved and the 105
    reported in 2025 are in the whole export's history, not in the 2024 one."""
    path = at_the_desk(monkeypatch, tmp_path)
    db = open_database(path)
    seeded: Rolled = seed_rolled(db)
    db.close()
    code = seeded.codes["startups"]

    def history(*period: str) -> list[tuple]:
        out = tmp_path / f"{'_'.join(period) or 'all'}.xlsx"
        assert main(["export", str(out), *period, "--history"]) == 0
        sheet = openpyxl.load_workbook(out)["事项历史"]
        return [row for row in sheet.iter_rows(2, values_only=True) if row[0] == code]

    whole, of_2024 = history(), history("--period", "2024")
    assert any(row[1] >= "2025" for row in whole)
    assert of_2024 and all(row[1] < "2025" for row in of_2024)
    assert of_2024 == [row for row in whole if row[1] < "2025"]
