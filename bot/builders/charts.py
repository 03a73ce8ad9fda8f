"""Charts for a phone screen first: horizontal bars, sorted, the figure on each bar.

A chart is read on a phone 412 px wide, or forwarded to someone who never saw the request.
So its text is sized for that screen (``phone_px``: every label at least 12 px there), it
has at most a dozen bars (the rest summed as one 其他 bar), a percentage axis ends at 100 %,
a chart with nothing to plot says so in words, and under every plot a footer names the
issuing office and the period, with the items the chart leaves out (no town, no area).

Figures are built with matplotlib's object API (``Figure`` + the Agg canvas), never pyplot,
whose global state is not safe in worker threads. Every title, axis and legend comes from
the catalogue in the reader's language. Tests read the bars and labels back from the
figure, so each chart function returns the Figure; ``png`` renders one.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator

from bot.builders.data import CountRow, ReportData, TargetRow, UnitRow
from bot.builders.fonts import use_cjk_font
from bot.builders.letterhead import office_name
from bot.domain.policy import Policy
from bot.i18n import Safe, t

__all__ = ["Imprint", "phone_px", "png", "report_charts", "report_imprint", "use_cjk_font"]

WIDTH_IN = 7.2  # 1080 px at 150 dpi: a phone's width, so nothing is scaled down
DPI = 150
PHONE_PX = 412  # how wide a phone shows a picture
MIN_PHONE_PX = 12  # the smallest text a reader gets there
# 16 pt of this 7.2 in picture is 12.7 px on the phone, the title 15 px.
TEXT_PT, TITLE_PT = 16, 19
MAX_BARS = 12  # a phone shows a dozen bars; more are summed into one 其他 bar
PERCENT_TOP = 100  # a percentage axis ends here, however long the labels
LABEL_CHARS = 7  # a Chinese name wraps after 7 characters (1.6 in at 16 pt)
LABEL_CHARS_LATIN = 18  # "Industry-academia-" of the longest English area name
LABEL_LINES = 3
LINE_IN = TEXT_PT * 1.3 / 72  # one line of text with its leading
PAD_PT = 3  # between a bar's end and its figure
# Space around the bars: title and legend above, ticks and axis title below.
ABOVE_IN, BELOW_IN = 0.9, 0.9
EMPTY_IN = 1.5  # the plot's height when it holds only words

BLUE, GREEN, AMBER, RED, GREY = "#1565c0", "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"
INK_GREY = "#555555"  # footer text: quieter than the figures, still dark enough to read

Row = TypeVar("Row")


@dataclass(frozen=True)
class Imprint:
    """Who issued a chart and which days it covers, printed under the plot so that a
    forwarded picture still says so (the 通报's office from the policy, the report's period)."""

    office: str
    period: str


def phone_px(points: float) -> float:
    """How many pixels tall text of ``points`` is when a chart is shown 412 px wide."""
    return points / 72 * PHONE_PX / WIDTH_IN


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def report_imprint(data: ReportData, lang: str, office: str | None = None) -> Imprint:
    """The report's footer: the office (the default wording when none is given) and the
    period's days, with the period's name when one (批次) was chosen."""
    start, end = data.start.isoformat(), data.end.isoformat()
    if data.batch:
        period = t(lang, "chart.period_named", name=Safe(data.batch), start=start, end=end)
    else:
        period = t(lang, "chart.period", start=start, end=end)
    return Imprint(office or office_name(Policy(), lang), period)


# --- drawing --------------------------------------------------------------------------------


def _ems(text: str) -> float:
    """Width of a line in ems: a Chinese character is one, a Latin letter about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _label(name: str, lang: str) -> str:
    """A bar's name, wrapped to fit the label column (and cut with … past three lines)."""
    name = name or t(lang, "chart.no_unit")
    width = LABEL_CHARS_LATIN if name.isascii() else LABEL_CHARS
    lines = textwrap.wrap(name, width, max_lines=LABEL_LINES, placeholder="…")
    return "\n".join(lines) or name


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _fits(text: str) -> bool:
    """Whether one line of footer text fits across the picture."""
    return _ems(text) * TEXT_PT / 72 <= WIDTH_IN - 0.3


def _wrapped(text: str) -> list[str]:
    """A footer line cut into lines that fit across the picture (an office's name may be
    long): at spaces where there are any, else between characters."""
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _fits(joined):
            lines[-1] = joined
            continue
        lines.append("")
        for ch in word:
            if lines[-1] and not _fits(lines[-1] + ch):
                lines.append("")
            lines[-1] += ch
    return lines


def _footer(lang: str, imprint: Imprint | None, note: str) -> list[str]:
    """The lines under the plot: what the chart leaves out, then office and period (on
    lines of their own when together they would not fit the picture's width)."""
    lines = _wrapped(note) if note else []
    if imprint is not None:
        joined = t(lang, "chart.imprint", office=Safe(imprint.office), period=Safe(imprint.period))
        if _fits(joined):
            lines.append(joined)
        else:
            lines += [*_wrapped(imprint.office), *_wrapped(imprint.period)]
    return lines


def _figure(
    plot_in: float, title: str, lang: str, imprint: Imprint | None, note: str
) -> tuple[Figure, Axes]:
    """A phone-wide figure: the title above a plot ``plot_in`` tall, the footer below."""
    use_cjk_font()
    footer = _footer(lang, imprint, note)
    height = ABOVE_IN + plot_in + BELOW_IN + LINE_IN * len(footer)
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    FigureCanvasAgg(figure)  # measured before the picture is saved (_fit_labels)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=TITLE_PT, loc="left")
    axes.tick_params(labelsize=TEXT_PT)
    axes.spines[["top", "right"]].set_visible(False)
    if footer:
        figure.supxlabel("\n".join(footer), x=0.01, ha="left", fontsize=TEXT_PT, color=INK_GREY)
    return figure, axes


def _empty(title: str, message: str, lang: str, imprint: Imprint | None, note: str = "") -> Figure:
    """A chart with nothing to plot: its title, the reason in words, and its footer."""
    figure, axes = _figure(EMPTY_IN, title, lang, imprint, note)
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        message,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=TITLE_PT,
        color=INK_GREY,
    )
    return figure


def _legend_under_title(axes: Axes) -> None:
    """The legend on a line of its own between the title and the plot: never over a bar,
    a line, a figure or a long title."""
    axes.set_title(axes.get_title(loc="left"), fontsize=TITLE_PT, loc="left", pad=2 * TEXT_PT)
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1),
        ncols=2,
        frameon=False,
        fontsize=TEXT_PT,
        borderaxespad=0.2,
        handlelength=1.2,
    )


def _rows_height(labels: Sequence[str], texts: Sequence[str]) -> float:
    """The bars' height: each row as tall as its wrapped name or its figure, whichever
    has more lines."""
    return sum(
        max(0.5, LINE_IN * max(_lines(label), _lines(text)) + 0.2)
        for label, text in zip(labels, texts, strict=True)
    )


def _fit_labels(figure: Figure, axes: Axes, labels: Sequence[Annotation], percent: bool) -> None:
    """Keep each bar's figure inside the plot, measured as drawn.

    A count axis grows just enough for the longest bar's figure to fit after it; a
    percentage axis stays at 100 %, so a figure that would run past it is written inside
    the end of its bar, in white (or, for a figure too long for either, the picture
    makes room for it past the 100 % line).
    """
    for label in labels:  # the plot takes the picture's width; the figures fit inside it
        label.set_in_layout(False)
    figure.draw_without_rendering()  # constrained layout places the plot
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    plot = axes.get_window_extent(renderer)
    if percent:
        for label in labels:
            box = label.get_window_extent(renderer)
            bar_end = axes.transData.transform((label.xy[0], 0))[0]
            inside = bar_end - plot.x0 - box.width - 2 * PAD_PT * figure.dpi / 72
            if box.x1 <= plot.x1:
                continue
            if inside >= 0:
                label.xyann = (-PAD_PT, 0)
                label.set_horizontalalignment("right")
                label.set_color("white")
            else:  # fits neither way (a very long figure): the layout makes room for it
                label.set_in_layout(True)
        return
    top = axes.get_xlim()[1]
    for label in labels:
        value = label.xy[0]
        beyond = label.get_window_extent(renderer).x1 - axes.transData.transform((value, 0))[0]
        if 0 < beyond < plot.width:
            top = max(top, value * plot.width / (plot.width - beyond))
    axes.set_xlim(0, top * 1.06)  # the tick labels may narrow the plot a little once redrawn


def _hbars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    *,
    lang: str,
    xlabel: str,
    color: str,
    imprint: Imprint | None,
    percent: bool = False,
) -> Figure:
    """Horizontal bars, first row on top, each bar labelled with its text."""
    figure, axes = _figure(_rows_height(labels, texts), title, lang, imprint, "")
    positions = list(range(len(labels)))[::-1]  # the first row on top
    bars = axes.barh(positions, values, color=color, height=0.7)
    axes.set_yticks(positions, labels)
    axes.margins(y=0.01)
    axes.set_xlabel(xlabel, fontsize=TEXT_PT)
    if percent:
        axes.set_xlim(0, PERCENT_TOP)
    else:  # counts: whole numbers on the axis
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max([*values, 1]))
    _fit_labels(figure, axes, _bar_texts(axes, bars, texts), percent)
    return figure


def _bar_texts(axes: Axes, bars: BarContainer, texts: Sequence[str]) -> list[Annotation]:
    return list(axes.bar_label(bars, labels=list(texts), padding=PAD_PT, fontsize=TEXT_PT))


def _stacked(
    title: str, rows: Sequence[CountRow], lang: str, imprint: Imprint | None, note: str
) -> Figure:
    """Closed and still open items of each row, stacked; the bar says total and closed."""
    texts = [t(lang, "chart.total_closed", total=r.total, closed=r.closed) for r in rows]
    labels = [_label(row.name, lang) for row in rows]
    figure, axes = _figure(_rows_height(labels, texts), title, lang, imprint, note)
    positions = list(range(len(rows)))[::-1]
    closed = [row.closed for row in rows]
    still_open = [row.open for row in rows]
    axes.barh(positions, closed, color=GREEN, height=0.7, label=t(lang, "chart.closed"))
    bars = axes.barh(
        positions, still_open, left=closed, color=AMBER, height=0.7, label=t(lang, "chart.open")
    )
    axes.set_yticks(positions, labels)
    axes.margins(y=0.01)
    axes.set_xlabel(t(lang, "chart.items_axis"), fontsize=TEXT_PT)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([row.total for row in rows] + [1]))
    _legend_under_title(axes)
    _fit_labels(figure, axes, _bar_texts(axes, bars, texts), percent=False)
    return figure


# --- a dozen bars at most -------------------------------------------------------------------


def _fold(rows: Sequence[Row], weight: Callable[[Row], Any]) -> tuple[list[Row], list[Row]]:
    """The rows that get a bar of their own, in their order, and the rest for one 其他 bar.

    All of them when they fit a phone; otherwise the MAX_BARS - 1 heaviest by ``weight``
    (most items, visits or overdue items first), so the other bar sums the smallest.
    """
    if len(rows) <= MAX_BARS:
        return list(rows), []
    heaviest = sorted(range(len(rows)), key=lambda index: weight(rows[index]))[: MAX_BARS - 1]
    kept = set(heaviest)
    return (
        [row for index, row in enumerate(rows) if index in kept],
        [row for index, row in enumerate(rows) if index not in kept],
    )


def _other_units(rest: Sequence[UnitRow], lang: str) -> UnitRow:
    return UnitRow(
        t(lang, "chart.others", count=len(rest)),
        sum(row.total for row in rest),
        sum(row.closed for row in rest),
        sum(row.overdue for row in rest),
    )


def _other_counts(rest: Sequence[CountRow], lang: str) -> CountRow:
    return CountRow(
        t(lang, "chart.others", count=len(rest)),
        sum(row.open for row in rest),
        sum(row.closed for row in rest),
    )


def _other_targets(rest: Sequence[TargetRow], lang: str) -> TargetRow:
    items = sum(row.items for row in rest)
    mean = sum(row.mean_percent * row.items for row in rest) / items if items else 0.0
    return TargetRow(t(lang, "chart.others", count=len(rest)), items, mean)


def _units_shown(
    units: Sequence[UnitRow], lang: str, order: Callable[[UnitRow], Any]
) -> list[UnitRow]:
    """Units in ``order``, the biggest dozen (by items) each with a bar, the rest as 其他."""
    kept, rest = _fold(list(units), lambda row: (-row.total, row.name))
    shown = sorted(kept, key=order)
    return [*shown, _other_units(rest, lang)] if rest else shown


def _counts_shown(rows: Sequence[CountRow], lang: str) -> list[CountRow]:
    kept, rest = _fold(list(rows), lambda row: -row.total)
    return [*kept, _other_counts(rest, lang)] if rest else kept


# --- the charts -----------------------------------------------------------------------------


def closeout_by_unit(
    units: Sequence[UnitRow], lang: str, *, imprint: Imprint | None = None
) -> Figure:
    """Close-out rate of every responsible unit, highest first (words when none closed)."""
    title = t(lang, "chart.closeout_title")
    if not any(row.closed for row in units):
        return _empty(title, t(lang, "chart.empty.closeout"), lang, imprint)
    rows = _units_shown(units, lang, lambda r: (-r.rate, r.overdue, r.name))
    return _hbars(
        title,
        [_label(row.name, lang) for row in rows],
        [100 * row.rate for row in rows],
        [f"{100 * row.rate:.0f}% ({row.closed}/{row.total})" for row in rows],
        lang=lang,
        xlabel=t(lang, "chart.closeout_axis"),
        color=BLUE,
        imprint=imprint,
        percent=True,
    )


def _most_overdue(row: UnitRow) -> tuple:
    return (-row.overdue, -row.total, row.name)


def overdue_by_unit(
    units: Sequence[UnitRow], lang: str, *, imprint: Imprint | None = None
) -> Figure:
    """Overdue items of every responsible unit (units with none are shown too), most first."""
    title = t(lang, "chart.overdue_title")
    if not any(row.overdue for row in units):
        return _empty(title, t(lang, "chart.empty.overdue"), lang, imprint)
    kept, rest = _fold(sorted(units, key=_most_overdue), _most_overdue)
    rows = [*kept, _other_units(rest, lang)] if rest else kept
    return _hbars(
        title,
        [_label(row.name, lang) for row in rows],
        [row.overdue for row in rows],
        [str(row.overdue) for row in rows],
        lang=lang,
        xlabel=t(lang, "chart.items_axis"),
        color=RED,
        imprint=imprint,
    )


def items_by_area(data: ReportData, lang: str, *, imprint: Imprint | None = None) -> Figure:
    """Items of each area, closed and open, with how many have no area."""
    return _items_by(
        data.areas, "chart.area_title", "chart.without_area", data.without_area, lang, imprint
    )


def items_by_town(data: ReportData, lang: str, *, imprint: Imprint | None = None) -> Figure:
    """Items of each town, closed and open, with how many have no town (n 项未填镇区)."""
    return _items_by(
        data.towns, "chart.town_title", "chart.without_town", data.without_town, lang, imprint
    )


def _items_by(
    rows: Sequence[CountRow],
    title_key: str,
    left_out_key: str,
    left_out: int,
    lang: str,
    imprint: Imprint | None,
) -> Figure:
    """Items of each place, closed and open; the items with no place are said under the
    chart (never silently dropped), and no place at all is said in words."""
    title = t(lang, title_key)
    note = t(lang, left_out_key, count=left_out) if left_out else ""
    if not rows:
        return _empty(title, t(lang, "chart.empty.items"), lang, imprint, note)
    return _stacked(title, _counts_shown(rows, lang), lang, imprint, note)


def visits_by_town(data: ReportData, lang: str, *, imprint: Imprint | None = None) -> Figure:
    """Visits started in the period, by the town of the company visited, most first."""
    title = t(lang, "chart.visits_title")
    if not data.visits:
        return _empty(title, t(lang, "chart.empty.visits"), lang, imprint)
    kept, rest = _fold(data.visits, lambda row: -row[1])
    names = [_label(name, lang) if name else t(lang, "chart.no_town") for name, _ in kept]
    counts = [count for _, count in kept]
    if rest:
        names.append(t(lang, "chart.others", count=len(rest)))
        counts.append(sum(count for _, count in rest))
    return _hbars(
        title,
        names,
        counts,
        [str(count) for count in counts],
        lang=lang,
        xlabel=t(lang, "chart.visits_axis"),
        color=BLUE,
        imprint=imprint,
    )


def targets_by_area(data: ReportData, lang: str, *, imprint: Imprint | None = None) -> Figure:
    """Mean progress toward numeric targets per area, as a percentage."""
    title = t(lang, "chart.targets_title")
    if not any(row.mean_percent for row in data.targets):
        return _empty(title, t(lang, "chart.empty.targets"), lang, imprint)
    kept, rest = _fold(data.targets, lambda row: -row.items)
    rows = [*kept, _other_targets(rest, lang)] if rest else kept
    return _hbars(
        title,
        [_label(row.name, lang) for row in rows],
        [row.mean_percent for row in rows],
        [
            t(lang, "chart.targets_bar", percent=f"{row.mean_percent:.0f}", items=row.items)
            for row in rows
        ],
        lang=lang,
        xlabel=t(lang, "chart.targets_axis"),
        color=GREEN,
        imprint=imprint,
        percent=True,
    )


def weekly_trend(data: ReportData, lang: str, *, imprint: Imprint | None = None) -> Figure:
    """Open and closed items at the end of each week of the period, counted from its start
    (imported items from their period's first day: bot.domain.reports.entered_on)."""
    title = t(lang, "chart.trend_title")
    weeks = data.weeks
    if not weeks or not data.total:
        return _empty(title, t(lang, "chart.empty.items"), lang, imprint)
    figure, axes = _figure(2.8, title, lang, imprint, "")
    xs = list(range(len(weeks)))
    opened = [week.open for week in weeks]
    closed = [week.closed for week in weeks]
    axes.plot(xs, opened, color=AMBER, marker="o", markersize=3, label=t(lang, "chart.open"))
    axes.plot(xs, closed, color=GREEN, marker="o", markersize=3, label=t(lang, "chart.closed"))
    for series in (opened, closed):
        axes.annotate(
            str(series[-1]),
            (xs[-1], series[-1]),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=TEXT_PT,
        )
    step = max(1, -(-len(weeks) // 6))  # at most six dates fit a phone's width
    ticks = xs[::step]
    axes.set_xticks(ticks, [weeks[i].monday.strftime("%m-%d") for i in ticks])
    axes.set_xlim(-0.3, len(weeks) - 0.3)  # room for the last week's figures
    axes.set_ylim(bottom=0, top=max([*opened, *closed, 1]) * 1.2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(t(lang, "chart.trend_axis"), fontsize=TEXT_PT)
    axes.set_ylabel(t(lang, "chart.items_axis"), fontsize=TEXT_PT)
    _legend_under_title(axes)
    return figure


def report_charts(
    data: ReportData, lang: str, *, office: str | None = None
) -> list[tuple[str, Figure]]:
    """The report's charts in reading order, each with the office and period in its footer,
    leaving out those with nothing to show at all (a chart whose bars would all be zero,
    or whose items all lack a town or area, says so in words instead)."""
    imprint = report_imprint(data, lang, office)
    charts: list[tuple[str, Figure]] = []
    if data.units:
        charts.append(("closeout", closeout_by_unit(data.units, lang, imprint=imprint)))
        charts.append(("overdue", overdue_by_unit(data.units, lang, imprint=imprint)))
    if data.areas or data.without_area:
        charts.append(("areas", items_by_area(data, lang, imprint=imprint)))
    if data.towns or data.without_town:
        charts.append(("towns", items_by_town(data, lang, imprint=imprint)))
    if data.weeks and data.total:
        charts.append(("trend", weekly_trend(data, lang, imprint=imprint)))
    if data.visits:
        charts.append(("visits", visits_by_town(data, lang, imprint=imprint)))
    if data.targets:
        charts.append(("targets", targets_by_area(data, lang, imprint=imprint)))
    return charts


def ranking_chart(
    rows: Sequence[UnitRow], lang: str, as_of: str, *, office: str | None = None
) -> Figure:
    """The 通报 as a picture: units in ranking order, rate and overdue items on each bar,
    the issuing office and the day under it (the policy's office name, when given)."""
    title = t(lang, "ranking.chart_title", date=as_of)
    imprint = Imprint(office or office_name(Policy(), lang), t(lang, "chart.as_of", date=as_of))
    if not any(row.closed for row in rows):
        return _empty(title, t(lang, "chart.empty.closeout"), lang, imprint)
    ranked = list(enumerate(rows, start=1))
    kept, rest = _fold(ranked, lambda pair: (-pair[1].total, pair[0]))
    labels = [f"{rank}. {_label(row.name, lang)}" for rank, row in kept]
    shown = [row for _, row in kept]
    if rest:
        shown.append(_other_units([row for _, row in rest], lang))
        labels.append(shown[-1].name)
    return _hbars(
        title,
        labels,
        [100 * row.rate for row in shown],
        [
            t(
                lang,
                "ranking.bar",
                rate=f"{100 * row.rate:.0f}",
                closed=row.closed,
                total=row.total,
                overdue=row.overdue,
            )
            for row in shown
        ],
        lang=lang,
        xlabel=t(lang, "chart.closeout_axis"),
        color=BLUE,
        imprint=imprint,
        percent=True,
    )
