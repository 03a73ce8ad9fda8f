"""The ledger export printed as the office prints it (issue 15): LibreOffice Calc turns the
workbook into PDF pages, and each page is read back as text. A real county sheet of 48
items used to print as 50 A4 pages of column strips with no header after the first; a
50-item table over 6 towns must now take at most 20 pages, every page with its header row,
its page number and the export's title."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.builders.build import BuildContext
from bot.builders.export_job import write_export
from bot.builders.scope import Scope
from bot.cli.demo import ROWS
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from storage import ledger
from storage.db import open_database
from tests.office import needs_office, page_texts, to_pdf

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
TOWNS = ("高新区", "磨头镇", "吴窑镇", "下原镇", "石庄镇", "如城街道")
BIG_TOWN, BIG_COMPANY = "高新区", "卓远半导体"
BIG_BLOCK = 40  # items of one company: more than a page holds
TITLE = "科技创新督办事项台账（截至 2026-12-07）"
CODE = re.compile(r"\b2026-\d{3}\b")


def _fifty_items(db) -> None:
    """50 items with the demo table's real wording: 40 of one company in one town (a block
    longer than a page), the other 10 spread over five towns."""
    origin = Origin.cli(NOW - timedelta(days=60))
    ledger.ensure_period(db, "2026", 2026, origin)
    for number in range(50):
        area, problem, measure, unit, co_units, deadline, target, _, company, _ = ROWS[
            number % len(ROWS)
        ]
        if number < BIG_BLOCK:
            town, company = BIG_TOWN, BIG_COMPANY
        else:
            town, company = TOWNS[1 + number % 5], company or f"企业{number % 3}"
        due = NOW.date() + timedelta(days=deadline) if isinstance(deadline, int) else None
        fields = ItemFields(
            problem,
            seq=str(number + 1),
            measure=measure,
            unit=unit,
            co_units=tuple(name for name in co_units.split("、") if name),
            deadline=due,
            deadline_text="" if due else str(deadline),
            target=target,
            area=area,
            town=town,
            company=company,
        )
        ledger.create_item(db, fields, "2026", origin)


@needs_office
def test_fifty_items_over_six_towns_print_in_twenty_pages_with_headers(tmp_path: Path) -> None:
    db = open_database(":memory:")
    _fifty_items(db)
    context = BuildContext(db_path=tmp_path / "unused", media_dir=tmp_path, tz=TZ, now=NOW)
    made = write_export(context, db, Scope(), tmp_path / "export", "zh")
    pages = page_texts(to_pdf(made.workbook))

    assert 1 < len(pages) <= 20
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page, number
        assert TITLE in page, number  # the title, naming the programme and the day
        if CODE.search(page):  # an item table or the history: its header row is there
            header = next(line for line in page.splitlines() if "督办编号" in line)
            assert "承办单位" in header or "操作人" in header, number
        elif number > 1:  # the summary's units, run over: their header again
            assert "承办单位" in page or "镇区" in page, number

    # The big company's block spans pages: each of them repeats the town sheet's title and
    # header, and names the company on its rows.
    block_pages = [page for page in pages if f"{BIG_TOWN}（{BIG_BLOCK} 项）" in page]
    assert len(block_pages) >= 2
    for page in block_pages:
        assert "督办编号" in page and BIG_COMPANY in page
    # Every item is printed on the all-items sheet and again on its town's sheet.
    printed = [code for page in pages for code in CODE.findall(page)]
    assert all(printed.count(f"2026-{n:03d}") >= 2 for n in range(1, 51))
