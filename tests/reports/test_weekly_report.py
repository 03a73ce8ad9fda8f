"""The weekly report workbook: the digest's week, its sheets, and the 通报's unit order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.builders.build import BuildContext
from bot.builders.data import ranking
from bot.builders.week_figures import collect_week
from bot.builders.weekly_report import build_weekly
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.people import telegram_address
from bot.domain.permissions import ReportsNotForYou
from bot.platforms.telegram.render import TelegramRenderer
from storage import ledger, people
from storage.db import open_database
from storage.report_jobs import ReportJob

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 30)  # the digest of this week covers 23–29 November
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def db():
    database = open_database(":memory:")
    origin = Origin.cli(local(1, 9))
    ledger.ensure_period(database, "2026", 2026, origin)
    return database


def _item(db, problem: str, unit: str | None, deadline: date | None, closed: datetime | None):
    item = ledger.create_item(
        db, ItemFields(problem, unit=unit, deadline=deadline), "2026", Origin.cli(local(1, 9))
    )
    if closed is not None:
        db.execute(
            "UPDATE items SET status = 'closed', closed_at = ? WHERE id = ?",
            [closed.astimezone(UTC).isoformat(), item.id],
        )
    return ledger.get_item(db, item.id)


def _world(db) -> dict[str, str]:
    """Items around the week's edges, in four units and one without a unit."""
    items = {
        "closed": _item(db, "孵化器入驻率不足", "科技局", date(2026, 12, 31), local(25, 15)),
        "sunday": _item(db, "研发投入偏低", "科技局", date(2026, 12, 31), local(29, 23, 30)),
        "monday": _item(db, "人才公寓未交付", "人社局", date(2026, 12, 31), local(30, 0, 30)),
        "before": _item(db, "上周已销号", "财政局", date(2026, 12, 31), local(22, 23, 59)),
        "late": _item(db, '=HYPERLINK("http://x")', "工信局", date(2026, 11, 24), None),
        "edge": _item(db, "时限周日", "工信局", date(2026, 11, 29), None),  # overdue from Monday
        "red": _item(db, "专利质押融资未落地", "财政局", date(2026, 9, 1), None),
        "nobody": _item(db, "无承办单位", None, None, None),
    }
    return {name: item.code for name, item in items.items()}


def _context(tmp_path: Path) -> BuildContext:
    return BuildContext(db_path=tmp_path / "unused.sqlite", media_dir=tmp_path, tz=TZ, now=NOW)


def _job(person_id: int, language: str) -> ReportJob:
    params = {"week": MONDAY.isoformat()}
    return ReportJob(
        7, "weekly", person_id, telegram_address(1), language, params, "pending", 0, NOW
    )


def _person(db, role: str = "leader", language: str = "zh") -> int:
    person = people.ensure_admin(db, 500, "李主任", language, Origin.cli(local(1, 9)))
    db.execute("UPDATE people SET role = ? WHERE id = ?", [role, person.id])
    return person.id


def test_the_week_is_monday_to_sunday_local(db) -> None:
    """An item closed at 23:30 on Sunday (local) is in the week; 00:30 on Monday is not,
    though it is still Sunday in UTC; a deadline on the Sunday is overdue only from Monday."""
    codes = _world(db)
    week = collect_week(db, MONDAY, NOW, TZ)
    assert (week.start, week.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert [item.code for item in week.closed] == [codes["closed"], codes["sunday"]]
    assert [item.code for item in week.newly_overdue] == [codes["late"]]
    assert [item.code for item in week.red] == [codes["red"]]
    assert (week.total, week.closed_total) == (8, 4)


def test_units_are_ranked_as_in_the_tongbao(db) -> None:
    """The units sheet follows the 通报's order; items without a lead unit come last."""
    _world(db)
    week = collect_week(db, MONDAY, NOW, TZ)
    tongbao = [row.name for row in ranking(db, NOW.date(), TZ)]
    assert [unit.name for unit in week.units] == [*tongbao, ""]


def test_workbook_sheets_cells_and_styling(db, tmp_path: Path) -> None:
    """Five sheets in Chinese with frozen bold headers and set widths; a problem that looks
    like a formula stays text; days overdue, close-out rates and the file's name."""
    codes = _world(db)
    result = build_weekly(_context(tmp_path), _job(_person(db), "zh"), db)
    assert not result.failed
    assert "督办周报（2026-11-23 至 2026-11-29）已生成" in result.text
    (send,) = result.sends
    ((method, payload),) = TelegramRenderer().render(send, "1", "zh")
    assert method == "sendDocument"
    assert payload["document"]["filename"] == "督办周报_2026-11-23至2026-11-29.xlsx"
    caption = payload["caption"]
    assert "本周销号：2 项" in caption and "总体销号率：50.0%（4/8）" in caption

    book = openpyxl.load_workbook(payload["document"]["path"])
    assert book.sheetnames == ["概况", "本周销号", "新增逾期", "红色事项", "单位排名"]
    summary = {r[0].value: r[1] for r in book["概况"].iter_rows(min_row=3) if r[0].value}
    assert summary["统计周期"].value == "2026-11-23 至 2026-11-29"
    assert summary["生成时间"].value == datetime(2026, 11, 30, 9, 0)
    assert (summary["红色事项（项）"].value, summary["督办事项总数"].value) == (1, 8)
    assert summary["总体销号率"].value == 0.5
    assert summary["总体销号率"].number_format == "0.0%"

    overdue = book["新增逾期"]
    assert overdue.freeze_panes == "A3"
    assert overdue["A2"].font.bold and overdue["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    assert overdue.column_dimensions["B"].width == 44
    assert overdue["A3"].value == codes["late"]
    assert overdue["B3"].value == '=HYPERLINK("http://x")'
    assert overdue["B3"].data_type == "s"  # shown as text, never run
    assert overdue["F3"].value == 6 and overdue["D3"].font.color.rgb.endswith("C00000")
    assert overdue.print_title_rows == "$1:$2"  # printed on every page

    red = book["红色事项"]
    assert red["A1"].value == "红色事项（1 项）· 截至 2026-11-30"
    assert (red["A3"].value, red["C3"].value, red["F3"].value) == (codes["red"], "财政局", 90)

    units = book["单位排名"]
    names = [cell.value for cell in units["B"][2:]]
    assert names[-1] == "（未指定承办单位）" and units.cell(len(names) + 2, 1).value is None
    top = [cell.value for cell in units[3]]
    assert top == [1, "科技局", 2, 2, 1.0, 0, 2, 0]
    assert units["E3"].number_format == "0.0%"


def test_english_workbook_for_an_english_reader(db, tmp_path: Path) -> None:
    """A person using English gets English sheet names, headers and file name."""
    _world(db)
    result = build_weekly(_context(tmp_path), _job(_person(db, language="en"), "en"), db)
    (send,) = result.sends
    ((_, payload),) = TelegramRenderer().render(send, "1", "en")
    assert payload["document"]["filename"] == "Weekly_report_2026-11-23_to_2026-11-29.xlsx"
    assert "Overall close-out rate: 50.0% (4/8)" in payload["caption"]
    book = openpyxl.load_workbook(payload["document"]["path"])
    assert book.sheetnames == ["Summary", "Closed this week", "Newly overdue", "Red items", "Units"]
    assert [c.value for c in book["Closed this week"][2]][-1] == "Closed on"
    assert book["Units"]["B2"].value == "Lead unit"


def test_a_contact_gets_no_weekly_report(db, tmp_path: Path) -> None:
    """The builder checks the role again: someone no longer a leader is refused."""
    _world(db)
    with pytest.raises(ReportsNotForYou):
        build_weekly(_context(tmp_path), _job(_person(db, role="contact"), "zh"), db)
