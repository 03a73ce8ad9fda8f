"""Company coordinates from the office's sheet: 纬度/经度 or 坐标 columns, checked per cell."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.presence import Point
from bot.sheets.importing import import_file
from bot.sheets.reader import read_sheet
from bot.sheets.wording import reason_text
from storage import presence
from storage.db import open_database
from tests.ledger.test_sheet_reader import make_xlsx

AT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
HEADER = ["序号", "问题", "承办单位", "镇区", "企业"]


@pytest.fixture
def db():
    return open_database(":memory:")


def test_latitude_and_longitude_columns_become_the_companys_place(tmp_path: Path, db) -> None:
    """Two columns, plain or marked degrees; a row without them leaves its company alone."""
    sheet = make_xlsx(
        tmp_path / "t.xlsx",
        [
            [*HEADER, "经度", "纬度"],
            [1, "高企申报材料不全", "科技局", "磨头镇", "力威机械", 120.56, 32.37],
            [2, "研发投入低", "科技局", "磨头镇", "力威机械", "120.56E", "32.37N"],
            [3, "孵化器建设慢", "科技局", "高新区", "卓远半导体", None, None],
        ],
    )
    plan = import_file(db, sheet, "2024", dry_run=False, now=AT)
    assert not plan.errors and plan.places == {"力威机械": Point(32.37, 120.56)}
    assert "coordinates for 1 company" in plan.summary("en")
    assert "设置 1 家企业的坐标" in plan.summary("zh")
    places = presence.company_points_by_name(db)
    assert places == {"力威机械": Point(32.37, 120.56)}
    source = db.execute(
        "SELECT coordinates_source FROM companies WHERE name = '力威机械'"
    ).fetchone()[0]
    assert source == "sheet"
    # The same sheet again changes nothing: the place is already known.
    again = import_file(db, sheet, "2024", dry_run=True, now=AT)
    assert again.places == {}


def test_one_coordinate_column_in_either_order(tmp_path: Path) -> None:
    """坐标 as 高德 writes it (longitude first) or as latitude, longitude."""
    sheet = make_xlsx(
        tmp_path / "t.xlsx",
        [
            [*HEADER, "坐标"],
            [1, "高企申报材料不全", "科技局", "磨头镇", "力威机械", "120.56,32.37"],
            [2, "研发投入低", "科技局", "高新区", "卓远半导体", "32.38, 120.58"],
        ],
    )
    result = read_sheet(sheet, 2024)
    assert not result.errors
    assert [row.point for row in result.rows] == [Point(32.37, 120.56), Point(32.38, 120.58)]


def test_bad_coordinates_are_row_errors_with_row_and_column(tmp_path: Path, db) -> None:
    """An unreadable, out-of-range, half-given, companyless or conflicting place is reported
    with the row and the column as the office wrote it, and nothing is imported."""
    sheet = make_xlsx(
        tmp_path / "t.xlsx",
        [
            [*HEADER, "经度", "纬度"],
            [1, "问题一", "科技局", "磨头镇", "力威机械", "东边", 32.37],
            [2, "问题二", "科技局", "磨头镇", "万达轴承", 120.56, 132.37],
            [3, "问题三", "科技局", "磨头镇", "汤臣汽配", 120.56, None],
            [4, "问题四", "科技局", "磨头镇", None, 120.56, 32.37],
            [5, "问题五", "科技局", "磨头镇", "力沛阀门", 120.56, 32.37],
            [6, "问题六", "科技局", "磨头镇", "力沛阀门", 120.60, 32.37],
        ],
    )
    plan = import_file(db, sheet, "2024", dry_run=False, now=AT)
    assert [(e.row, e.column, reason_text("en", e)) for e in plan.errors] == [
        (2, "经度", "'东边' is not a number of degrees (like 32.37)"),
        (3, "纬度", "latitude 132.37 is not between -90 and 90"),
        (4, "纬度", '"经度" is given but this cell is empty'),
        (5, "纬度", "coordinates belong to a company, but this row names none (企业 column)"),
        (7, "纬度", '"力沛阀门" has other coordinates in row 6'),
    ]
    assert [reason_text("zh", e) for e in plan.errors] == [
        "「东边」不是以度为单位的数（如 32.37）",
        "纬度 132.37 不在 -90 到 90 之间",
        "已填「经度」，但此格为空",
        "坐标属于企业，但此行没有填写企业",
        '"力沛阀门"在第 6 行有另一组坐标',
    ]
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    assert presence.company_points_by_name(db) == {}


def test_ambiguous_coordinate_cell_is_an_error_not_a_guess(tmp_path: Path) -> None:
    """Two values both within ±90 cannot be told apart; the office is asked to mark them."""
    sheet = make_xlsx(
        tmp_path / "t.xlsx",
        [[*HEADER, "坐标"], [1, "问题一", "科技局", "磨头镇", "力威机械", "32.37, 60.1"]],
    )
    result = read_sheet(sheet, 2024)
    assert len(result.errors) == 1
    assert result.errors[0].row == 2 and result.errors[0].column == "坐标"
    assert "latitude cannot be told from longitude" in reason_text("en", result.errors[0])
    assert "分不清哪个是纬度" in reason_text("zh", result.errors[0])
