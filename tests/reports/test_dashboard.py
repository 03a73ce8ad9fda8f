"""The leader's dashboard picture (issue 14): tall, 1080 px wide, legible at 412 px, nothing
cropped — every text's box inside the canvas — and the leader's own units first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.builders import charts, dashboard
from bot.builders.dashboard import Dashboard, Flagged
from bot.builders.data import Filters, UnitRow, collect
from bot.domain.reports import Scope
from storage.db import open_database
from tests.report_seed import seed
from tests.reports.test_report_charts import TZ, _data

PHONE_PX = 412  # the width of a common phone screen, in CSS pixels
LONG = "相关镇区孵化器建设速度不快，入驻率不足百分之六十，需加快推进并完善配套服务体系建设" * 2


def _board(red: int = 12, own: frozenset[str] = frozenset({"高新区管委会"})) -> Dashboard:
    rows = [
        Flagged(
            f"2026-{n:03d}",
            "市场监督管理局知识产权保护科" if n % 2 else "高新区管委会",
            LONG,
            30 + n,
            n % 2 == 0,
        )
        for n in range(1, red + 1)
    ]
    units = [
        UnitRow("工信局", 5, 0, 3),
        UnitRow("高新区管委会", 4, 1, 2),
        UnitRow("市场监督管理局知识产权保护科", 6, 2, 1),
    ]
    return Dashboard(
        "2026-10-01 至 2026-12-06",
        "单位：科技局 · 镇区：磨头镇",
        31,
        2,
        12,
        rows,
        rows[:3],
        units,
        own,
    )


def _texts_outside(figure: Figure) -> list[tuple[str, tuple[float, ...]]]:
    """Every drawn text whose box leaves the canvas (what a phone would show cropped)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    outside = []
    for text in figure.findobj(lambda artist: hasattr(artist, "get_text")):
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
            outside.append((text.get_text(), tuple(box.extents)))
    return outside


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_picture_is_tall_legible_and_nothing_is_cropped(lang: str, tmp_path: Path) -> None:
    figure = dashboard.dashboard_figure(_board(), lang)
    path = tmp_path / f"dashboard-{lang}.png"
    path.write_bytes(charts.png(figure))
    with Image.open(path) as image:
        width, height = image.size
    assert width >= 1000 and height > width  # a tall picture, a phone's full width
    assert _texts_outside(figure) == []
    # The smallest text on a 412 px phone: points → pixels of the PNG → pixels on the phone.
    smallest = min(text.get_fontsize() for text in figure.texts)
    assert smallest * charts.DPI / 72 * PHONE_PX / width >= 11
    said = [text.get_text() for text in figure.texts]
    assert any(text.endswith("…") for text in said)  # long problems are cut, not cropped
    assert ("督办一览" if lang == "zh" else "Supervision at a glance") in said


def test_own_units_and_their_items_come_first() -> None:
    """分管: the leader's units' items come before more overdue ones of other units, and
    their units before units doing worse; the picture stars them and says why."""
    today = date(2026, 12, 6)
    items = [
        SimpleNamespace(code="2026-001", unit="工信局", problem="甲", deadline=date(2026, 9, 1)),
        SimpleNamespace(code="2026-002", unit="科技局", problem="乙", deadline=date(2026, 10, 1)),
        SimpleNamespace(code="2026-003", unit="工信局", problem="丙", deadline=date(2026, 8, 1)),
    ]
    rows = dashboard.flagged(items, today, frozenset({"科技局"}))  # type: ignore[arg-type]
    assert [(row.code, row.own) for row in rows] == [
        ("2026-002", True),
        ("2026-003", False),
        ("2026-001", False),
    ]
    assert rows[0].days_overdue == 66
    board = _board(red=4)
    units = dashboard.worst_units(board.units, frozenset({"高新区管委会"}))
    assert [unit.name for unit in units] == [
        "高新区管委会",
        "工信局",
        "市场监督管理局知识产权保护科",
    ]
    said = [text.get_text() for text in dashboard.dashboard_figure(board, "zh").texts]
    assert "★ 2026-002" in said and "2026-001" in said
    assert "★ 您分管的单位及其事项，排在前面" in said


def test_report_figures_count_red_and_newly_overdue(tmp_path: Path) -> None:
    """From the ledger: the report's counts, and the item three days overdue as newly
    overdue (none is red yet)."""
    db = open_database(tmp_path / "d.sqlite")
    now = datetime.now(UTC)
    codes = seed(db, now).codes
    today = now.astimezone(TZ).date()
    filters = Filters(period="year")
    data = collect(db, Scope("all"), filters, today, TZ)
    board = dashboard.for_report(
        db, Scope("all"), filters, data, today, "本年", "", frozenset({"工信局"})
    )
    assert (board.total, board.closed) == (data.total, data.closed)
    assert board.red == []
    assert [(row.code, row.unit, row.own) for row in board.newly_overdue] == [
        (codes["valve"], "工信局", True)
    ]
    narrowed = dashboard.for_report(
        db, Scope("all"), Filters(period="year", unit="科技局"), data, today, "", "", frozenset()
    )
    assert narrowed.newly_overdue == []
    assert _texts_outside(dashboard.dashboard_figure(board, "en")) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_detailed_charts_keep_titles_and_axes_inside(lang: str) -> None:
    """The album after the picture: every chart's title, axis labels and bar labels are
    drawn inside its canvas, also with long unit names."""
    data = _data()
    data.units.append(UnitRow("市场监督管理局知识产权保护科（高新区分局）", 3, 1, 2))
    for name, figure in charts.report_charts(data, lang):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        drawn = figure.get_tightbbox(canvas.get_renderer())
        width, height = figure.get_size_inches()
        assert drawn.x0 >= 0 and drawn.y0 >= 0, name
        assert drawn.x1 <= width and drawn.y1 <= height, name
