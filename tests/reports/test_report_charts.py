"""Charts read back from the figure objects (no golden images), one PNG each kept to look at."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.builders import charts
from bot.builders.data import CountRow, Filters, ReportData, UnitRow, WeekPoint, collect
from bot.domain.reports import Scope
from storage.db import open_database
from tests.report_seed import seed

TZ = ZoneInfo("Asia/Shanghai")


def _data() -> ReportData:
    data = ReportData(start=date(2024, 1, 1), end=date(2024, 6, 30))
    data.units = [
        UnitRow("科技局", 20, 17, 1),
        UnitRow("工信局", 10, 4, 5),
        UnitRow("高新区管委会", 8, 8, 0),
        UnitRow("", 2, 0, 2),
    ]
    data.areas = [CountRow("高企培育", 5, 10), CountRow("人才引进", 3, 1)]
    data.towns = [CountRow("磨头镇", 4, 6), CountRow("吴窑镇", 2, 2)]
    data.weeks = [WeekPoint(date(2024, 1, 1 + 7 * i), 10 - i, 2 + i, 1, 1) for i in range(4)]
    data.visits = [("磨头镇", 7), ("吴窑镇", 3)]
    data.total, data.closed = 40, 29
    return data


def _bars(figure) -> tuple[list[str], list[float], list[str]]:
    axes = figure.axes[0]
    ticks = sorted(
        zip(axes.get_yticks(), (label.get_text() for label in axes.get_yticklabels()), strict=True),
        key=lambda pair: -pair[0],
    )
    labels = [text for _, text in ticks]  # top to bottom, as the reader sees them
    bars = sorted(axes.patches, key=lambda bar: -bar.get_y())
    widths = [round(bar.get_width(), 1) for bar in bars]
    texts = [text.get_text() for text in axes.texts]
    return labels, widths, texts


def test_closeout_chart_shows_every_unit_sorted_with_rates(tmp_path: Path) -> None:
    """Every unit is a bar, highest close-out rate on top, the rate written on the bar."""
    figure = charts.closeout_by_unit(_data().units, "zh")
    labels, widths, texts = _bars(figure)
    assert labels == ["高新区管委会", "科技局", "工信局", "（未指定单位）"]
    assert widths == [100.0, 85.0, 40.0, 0.0]
    assert texts == ["100% (8/8)", "85% (17/20)", "40% (4/10)", "0% (0/2)"]
    assert figure.axes[0].get_title(loc="left") == "各承办单位销号率"
    (tmp_path / "closeout.png").write_bytes(charts.png(figure))


def test_overdue_chart_most_overdue_first_in_english(tmp_path: Path) -> None:
    """Overdue items per unit, most first, with English title and axis."""
    figure = charts.overdue_by_unit(_data().units, "en")
    labels, widths, texts = _bars(figure)
    assert labels == ["工信局", "(no unit)", "科技局", "高新区管委会"]
    assert widths == [5, 2, 1, 0]
    assert texts == ["5", "2", "1", "0"]
    assert figure.axes[0].get_title(loc="left") == "Overdue items by responsible unit"
    assert figure.axes[0].get_xlabel() == "Items"
    (tmp_path / "overdue.png").write_bytes(charts.png(figure))


def test_area_chart_stacks_closed_and_open(tmp_path: Path) -> None:
    """Areas keep their order; closed and open stack; the bar says total and closed."""
    figure = charts.items_by_area(_data(), "zh")
    axes = figure.axes[0]
    assert _bars(figure)[0] == ["高企培育", "人才引进"]
    assert [text.get_text() for text in axes.texts] == ["共15项·销号10", "共4项·销号1"]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["已销号", "未销号"]
    (tmp_path / "areas.png").write_bytes(charts.png(figure))


def test_trend_and_visits_and_targets_render(tmp_path: Path) -> None:
    """The weekly trend has one point per week; visits and targets are labelled bars."""
    data = _data()
    trend = charts.weekly_trend(data, "zh")
    lines = trend.axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [[10, 9, 8, 7], [2, 3, 4, 5]]
    visits = charts.visits_by_town(data, "zh")
    assert _bars(visits)[2] == ["7", "3"]
    for name, figure in (("trend", trend), ("visits", visits)):
        (tmp_path / f"{name}.png").write_bytes(charts.png(figure))


def test_report_from_seeded_ledger_has_every_chart(tmp_path: Path) -> None:
    """Collected from a real database, the report draws all charts without missing glyphs."""
    db = open_database(tmp_path / "duban.sqlite")
    now = datetime.now(UTC)
    seed(db, now)
    today = now.astimezone(TZ).date()
    data = collect(db, Scope("all"), Filters(period="year"), today, TZ, "zh")
    assert (data.total, data.closed, data.overdue) == (6, 2, 3)
    assert {row.name: (row.total, row.closed, row.overdue) for row in data.units} == {
        "科技局": (2, 1, 1),
        "工信局": (2, 1, 1),
        "财政局": (2, 0, 1),
    }
    names = [name for name, _ in charts.report_charts(data, "zh")]
    assert names == ["closeout", "overdue", "areas", "towns", "trend"]
    for name, figure in charts.report_charts(data, "zh"):
        (tmp_path / f"seeded-{name}.png").write_bytes(charts.png(figure))


def test_missing_glyphs_fail_loudly() -> None:
    """A glyph the font lacks is a warning, which the test run turns into an error (the
    chart is laid out, and so its text drawn once, as it is built)."""
    charts.use_cjk_font()
    with pytest.raises(UserWarning, match="missing"):
        charts.png(charts.closeout_by_unit([UnitRow("\U0001f9ff单位", 1, 1, 0)], "zh"))
