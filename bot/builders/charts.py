"""Charts for a phone screen: horizontal bars, sorted, every row shown, the figure on the bar.

Figures are built with matplotlib's object API (``Figure`` + the Agg canvas), never pyplot,
whose global state is not safe in worker threads. Every title, axis and legend comes from
the catalogue in the reader's language. Tests read the bars and labels back from the
figure, so each chart function returns the Figure; ``png`` renders one.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.builders.data import CountRow, ReportData, UnitRow
from bot.builders.fonts import use_cjk_font
from bot.i18n import t

__all__ = ["png", "report_charts", "use_cjk_font"]

WIDTH_IN = 7.2  # 1080 px at 150 dpi: a phone's width, so nothing is scaled down
DPI = 150
BAR_IN = 0.42
LABEL_CHARS = 12
# Sizes for a phone 412 px wide, where one point of this 1080 px picture is 0.79 px: 13 pt
# reads as 10 px, the title as 13 px (matplotlib's defaults, 9-10 pt, came out at 7 px).
TITLE_PT, TEXT_PT = 17, 13

BLUE, GREEN, AMBER, RED, GREY = "#1565c0", "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _label(name: str, lang: str) -> str:
    name = name or t(lang, "chart.no_unit")
    return "\n".join(textwrap.wrap(name, LABEL_CHARS)) or name


def _bars_figure(count: int, title: str) -> tuple[Figure, Axes]:
    use_cjk_font()
    height = max(3.2, 1.8 + BAR_IN * max(count, 1) * 1.15)
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=TITLE_PT, loc="left")
    axes.tick_params(labelsize=TEXT_PT)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.01)
    return figure, axes


def _hbars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    *,
    xlabel: str,
    color: str,
    limit: float | None = None,
) -> Figure:
    """Horizontal bars, first row on top, each bar labelled with its text."""
    figure, axes = _bars_figure(len(labels), title)
    positions = list(range(len(labels)))[::-1]  # the first row on top
    bars = axes.barh(positions, values, color=color, height=0.7)
    axes.set_yticks(positions, labels)
    axes.bar_label(bars, labels=list(texts), padding=3, fontsize=TEXT_PT)
    axes.set_xlabel(xlabel, fontsize=TEXT_PT)
    top = limit if limit is not None else max([*values, 1]) * 1.25
    if limit is None:  # counts: whole numbers on the axis
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, top * (1.18 if limit is not None else 1))
    return figure


def _stacked(title: str, rows: Sequence[CountRow], lang: str, xlabel: str) -> Figure:
    figure, axes = _bars_figure(len(rows), title)
    positions = list(range(len(rows)))[::-1]
    closed = [row.closed for row in rows]
    still_open = [row.open for row in rows]
    axes.barh(positions, closed, color=GREEN, height=0.7, label=t(lang, "chart.closed"))
    bars = axes.barh(
        positions, still_open, left=closed, color=AMBER, height=0.7, label=t(lang, "chart.open")
    )
    axes.bar_label(
        bars,
        labels=[t(lang, "chart.total_closed", total=r.total, closed=r.closed) for r in rows],
        padding=3,
        fontsize=TEXT_PT,
    )
    axes.set_yticks(positions, [_label(row.name, lang) for row in rows])
    axes.set_xlabel(xlabel, fontsize=TEXT_PT)
    axes.set_xlim(0, max([row.total for row in rows] + [1]) * 1.35)
    # Above the plot, right of the title: never over a bar or its label.
    axes.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=2, frameon=False, fontsize=TEXT_PT)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def closeout_by_unit(units: Sequence[UnitRow], lang: str) -> Figure:
    """Close-out rate of every responsible unit, highest first."""
    rows = sorted(units, key=lambda r: (-r.rate, r.overdue, r.name))
    return _hbars(
        t(lang, "chart.closeout_title"),
        [_label(row.name, lang) for row in rows],
        [100 * row.rate for row in rows],
        [f"{100 * row.rate:.0f}% ({row.closed}/{row.total})" for row in rows],
        xlabel=t(lang, "chart.closeout_axis"),
        color=BLUE,
        limit=100,
    )


def overdue_by_unit(units: Sequence[UnitRow], lang: str) -> Figure:
    """Overdue items of every responsible unit (units with none are shown too), most first."""
    rows = sorted(units, key=lambda r: (-r.overdue, -r.total, r.name))
    return _hbars(
        t(lang, "chart.overdue_title"),
        [_label(row.name, lang) for row in rows],
        [row.overdue for row in rows],
        [str(row.overdue) for row in rows],
        xlabel=t(lang, "chart.items_axis"),
        color=RED,
    )


def items_by_area(data: ReportData, lang: str) -> Figure:
    return _stacked(t(lang, "chart.area_title"), data.areas, lang, t(lang, "chart.items_axis"))


def items_by_town(data: ReportData, lang: str) -> Figure:
    return _stacked(t(lang, "chart.town_title"), data.towns, lang, t(lang, "chart.items_axis"))


def visits_by_town(data: ReportData, lang: str) -> Figure:
    rows = data.visits
    return _hbars(
        t(lang, "chart.visits_title"),
        [_label(name, lang) if name else t(lang, "chart.no_town") for name, _ in rows],
        [count for _, count in rows],
        [str(count) for _, count in rows],
        xlabel=t(lang, "chart.visits_axis"),
        color=BLUE,
    )


def targets_by_area(data: ReportData, lang: str) -> Figure:
    """Mean progress toward numeric targets per area, as a percentage."""
    rows = data.targets
    return _hbars(
        t(lang, "chart.targets_title"),
        [_label(row.name, lang) for row in rows],
        [row.mean_percent for row in rows],
        [
            t(lang, "chart.targets_bar", percent=f"{row.mean_percent:.0f}", items=row.items)
            for row in rows
        ],
        xlabel=t(lang, "chart.targets_axis"),
        color=GREEN,
        limit=100,
    )


def weekly_trend(data: ReportData, lang: str) -> Figure:
    """Open and closed items at the end of each week of the period."""
    use_cjk_font()
    figure = Figure(figsize=(WIDTH_IN, 4.8), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(t(lang, "chart.trend_title"), fontsize=TITLE_PT, loc="left")
    axes.tick_params(labelsize=TEXT_PT)
    axes.spines[["top", "right"]].set_visible(False)
    weeks = data.weeks
    xs = list(range(len(weeks)))
    opened = [week.open for week in weeks]
    closed = [week.closed for week in weeks]
    axes.plot(xs, opened, color=AMBER, marker="o", markersize=3, label=t(lang, "chart.open"))
    axes.plot(xs, closed, color=GREEN, marker="o", markersize=3, label=t(lang, "chart.closed"))
    if weeks:
        for series in (opened, closed):
            axes.annotate(
                str(series[-1]),
                (xs[-1], series[-1]),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=TEXT_PT,
            )
        step = max(1, len(weeks) // 8)
        ticks = xs[::step]
        axes.set_xticks(ticks, [weeks[i].monday.strftime("%m-%d") for i in ticks])
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(t(lang, "chart.trend_axis"), fontsize=TEXT_PT)
    axes.set_ylabel(t(lang, "chart.items_axis"), fontsize=TEXT_PT)
    axes.legend(loc="upper left", frameon=False, fontsize=TEXT_PT)
    return figure


def report_charts(data: ReportData, lang: str) -> list[tuple[str, Figure]]:
    """The report's charts in reading order, leaving out those with nothing to show."""
    charts: list[tuple[str, Figure]] = []
    if data.units:
        charts.append(("closeout", closeout_by_unit(data.units, lang)))
        charts.append(("overdue", overdue_by_unit(data.units, lang)))
    if data.areas:
        charts.append(("areas", items_by_area(data, lang)))
    if data.towns:
        charts.append(("towns", items_by_town(data, lang)))
    if data.weeks and data.total:
        charts.append(("trend", weekly_trend(data, lang)))
    if data.visits:
        charts.append(("visits", visits_by_town(data, lang)))
    if data.targets:
        charts.append(("targets", targets_by_area(data, lang)))
    return charts


def ranking_chart(rows: Sequence[UnitRow], lang: str, as_of: str) -> Figure:
    """The 通报 as a picture: units in ranking order, rate and overdue items on each bar."""
    return _hbars(
        t(lang, "ranking.chart_title", date=as_of),
        [f"{rank}. {_label(row.name, lang)}" for rank, row in enumerate(rows, start=1)],
        [100 * row.rate for row in rows],
        [
            t(
                lang,
                "ranking.bar",
                rate=f"{100 * row.rate:.0f}",
                closed=row.closed,
                total=row.total,
                overdue=row.overdue,
            )
            for row in rows
        ],
        xlabel=t(lang, "chart.closeout_axis"),
        color=BLUE,
        limit=100,
    )
