"""Export, edit, import again: the 督查人员 and 纬度/经度 columns survive the round trip.

An office exports the ledger, works on the file in Excel or WPS and imports it back. An
unedited export must change nothing (no assignment, no coordinates, no audit event, no
notice); a name added to a 督查人员 cell assigns that inspector, a moved 纬度 moves the company.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.presence import Point
from bot.sheets.exporting import export_ledger
from bot.sheets.importing import import_file
from storage import presence
from storage.db import open_database
from storage.ledger import assign_inspector, create_item, ensure_period, get_item

TZ = ZoneInfo("Asia/Shanghai")
SET_UP = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
LATER = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
T = SET_UP.isoformat()
LIWEI = Point(32.371234, 120.567891)


def _person(db: sqlite_utils.Database, tg_user_id: int, name: str) -> int:
    """A registered inspector; returns their id."""
    return db.execute(
        "INSERT INTO people (account, name, role, language, created_at) "
        "VALUES (?, ?, 'inspector', 'zh', ?)",
        [tg_user_id, name, T],
    ).lastrowid


@pytest.fixture
def db() -> sqlite_utils.Database:
    """Three items: 2024-001 at 力威机械 (which has coordinates) with 王督查 and Li Daibiao
    assigned in that order, 2024-002 at 卓远半导体 (none), 2024-003 with no company; 张三 is
    a registered inspector assigned to nothing."""
    database = open_database(":memory:")
    origin = Origin.cli(SET_UP)
    ensure_period(database, "2024", 2024, origin)
    fields = [
        ItemFields(
            "高企申报材料不全",
            seq="1",
            unit="科技局",
            deadline=date(2024, 6, 30),
            town="磨头镇",
            company="力威机械",
        ),
        ItemFields("研发投入低", seq="2", unit="工信局", town="高新区", company="卓远半导体"),
        ItemFields("科技金融产品少", seq="3", unit="财政局", ongoing=True),
    ]
    for item in fields:
        create_item(database, item, "2024", origin)
    wang = _person(database, 9101, "王督查")
    li = _person(database, 9102, "Li Daibiao")
    _person(database, 9103, "张三")
    first = get_item(database, "2024-001")
    assign_inspector(database, first.id, wang, origin)
    assign_inspector(database, first.id, li, Origin.cli(datetime(2024, 5, 2, tzinfo=UTC)))
    presence.set_company_point(database, first.company_id, LIWEI, "admin", origin)
    database.conn.commit()
    return database


def _state(db: sqlite_utils.Database) -> dict[str, object]:
    """Everything an import could touch: items, assignments, places, audit, outbox."""
    return {
        "items": db.execute("SELECT * FROM items ORDER BY id").fetchall(),
        "assigned": db.execute(
            "SELECT item_id, person_id, assigned_by, assigned_at FROM item_inspectors "
            "ORDER BY item_id, person_id"
        ).fetchall(),
        "places": db.execute(
            "SELECT name, latitude, longitude, coordinates_source, coordinates_at "
            "FROM companies ORDER BY id"
        ).fetchall(),
        "audit": db.execute("SELECT count(*) FROM audit_events").fetchone()[0],
        "outbox": db.execute("SELECT count(*) FROM outbox").fetchone()[0],
    }


def _read_table(path: Path) -> tuple[list[str], dict[str, list[object]]]:
    """The item table's header and its rows by code: the all-items sheet, or the CSV."""
    if path.suffix == ".csv":
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        return rows[0], {row[0]: row for row in rows[1:]}
    sheet = openpyxl.load_workbook(path)["全部事项"]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    return rows[0], {row[0]: row for row in rows[1:]}


def _edit(path: Path, code: str, header: str, value: object) -> None:
    """Change one cell of an item's row, as the office would in Excel or WPS."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        column = rows[0].index(header)
        next(row for row in rows if row[0] == code)[column] = value
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["全部事项"]
    column = [cell.value for cell in sheet[2]].index(header) + 1
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    sheet.cell(row, column).value = value
    workbook.save(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_writes_assigned_inspectors_and_company_coordinates(
    db: sqlite_utils.Database, tmp_path: Path, suffix: str
) -> None:
    """Each item row names its assigned inspectors (in the order assigned, joined with 、) and
    its company's coordinates; an item without them has empty cells."""
    path = tmp_path / f"台账{suffix}"
    assert export_ledger(db, path, TZ) == 3
    header, rows = _read_table(path)
    assert header[-3:] == ["督查人员", "纬度", "经度"]
    empty = "" if suffix == ".csv" else None
    first, second, third = rows["2024-001"], rows["2024-002"], rows["2024-003"]
    assert first[-3] == "王督查、Li Daibiao"
    assert [float(value) for value in first[-2:]] == [LIWEI.latitude, LIWEI.longitude]
    assert second[-3:] == [empty, empty, empty]
    assert third[-3:] == [empty, empty, empty]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_unedited_export_imports_back_changing_nothing(
    db: sqlite_utils.Database, tmp_path: Path, suffix: str
) -> None:
    """Re-importing an export as it was: every row matches its item by code, nobody is
    assigned or told, no company moves and the audit log gains no event."""
    path = tmp_path / f"台账{suffix}"
    export_ledger(db, path, TZ)
    before = _state(db)
    plan = import_file(db, path, None, dry_run=False, now=LATER)
    assert plan.errors == []
    assert (len(plan.new), len(plan.updates), plan.unchanged) == (0, 0, 3)
    assert (plan.assigned, plan.places) == (0, {})
    assert _state(db) == before


def test_a_deactivated_inspector_or_a_namesake_does_not_break_the_round_trip(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """The export names an assigned inspector who has since been deactivated, and another
    active inspector has the same name as one assigned: the names still read back as the
    people assigned, so the import neither fails nor assigns the namesake."""
    db.execute("UPDATE people SET active = 0 WHERE name = 'Li Daibiao'")
    namesake = _person(db, 9104, "王督查")
    db.conn.commit()
    path = tmp_path / "台账.xlsx"
    export_ledger(db, path, TZ)
    before = _state(db)
    plan = import_file(db, path, None, dry_run=False, now=LATER)
    assert plan.errors == []
    assert plan.assigned == 0
    assert _state(db) == before
    assert namesake not in get_item(db, "2024-001").inspector_ids


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_name_added_in_the_export_assigns_that_inspector(
    db: sqlite_utils.Database, tmp_path: Path, suffix: str
) -> None:
    """The office adds 张三 to an item's 督查人员 cell and imports the file: 张三 is assigned
    (audited, and told), the inspectors already there stay, and nothing else changes."""
    path = tmp_path / f"台账{suffix}"
    export_ledger(db, path, TZ)
    _edit(path, "2024-002", "督查人员", "张三")
    _edit(path, "2024-001", "督查人员", "王督查、Li Daibiao、张三")
    before = _state(db)
    plan = import_file(db, path, None, dry_run=False, now=LATER)
    assert plan.errors == []
    assert (len(plan.updates), plan.assigned, plan.places) == (0, 2, {})
    zhang = db.execute("SELECT id FROM people WHERE name = '张三'").fetchone()[0]
    wang, li = (
        db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchone()[0]
        for name in ("王督查", "Li Daibiao")
    )
    assert get_item(db, "2024-001").inspector_ids == {wang, li, zhang}
    assert get_item(db, "2024-002").inspector_ids == {zhang}
    assert get_item(db, "2024-003").inspector_ids == set()
    after = _state(db)
    assert after["audit"] == before["audit"] + 2  # one inspector_assigned per item
    told = db.execute("SELECT count(*) FROM outbox WHERE chat = '9103'").fetchone()[0]
    assert told == 2
    assert (after["items"], after["places"]) == (before["items"], before["places"])


def test_a_moved_latitude_in_the_export_moves_the_company(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A corrected 纬度 in an exported workbook sets the company's new place from the sheet."""
    path = tmp_path / "台账.xlsx"
    export_ledger(db, path, TZ)
    _edit(path, "2024-001", "纬度", 32.38)
    plan = import_file(db, path, None, dry_run=False, now=LATER)
    assert plan.errors == []
    assert plan.places == {"力威机械": Point(32.38, LIWEI.longitude)}
    assert presence.company_points_by_name(db) == {"力威机械": Point(32.38, LIWEI.longitude)}
    source = db.execute(
        "SELECT coordinates_source FROM companies WHERE name = '力威机械'"
    ).fetchone()[0]
    assert source == "sheet"


def test_an_assigned_name_holding_a_separator_reads_back_whole(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """An inspector registered as ``Wang, Xiaoming`` is written as is; the comma that
    separates names in a 督查人员 cell does not split them into two unknown people."""
    db.execute("UPDATE people SET name = 'Wang, Xiaoming' WHERE name = '王督查'")
    db.conn.commit()
    path = tmp_path / "台账.csv"
    export_ledger(db, path, TZ)
    assert _read_table(path)[1]["2024-001"][-3] == "Wang, Xiaoming、Li Daibiao"
    before = _state(db)
    plan = import_file(db, path, None, dry_run=False, now=LATER)
    assert plan.errors == []
    assert plan.assigned == 0
    assert _state(db) == before
