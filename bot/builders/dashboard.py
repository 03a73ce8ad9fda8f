"""The leader's page: one tall picture that reads on a phone, before any detailed chart.

It carries what a leader acts on, in this order: the period's key figures (items, closed,
close-out rate, overdue, red), the red items and those newly overdue (code, unit, days
overdue, the start of the problem), and the units doing worst. Items and units the leader
oversees (分管, storage/leader_units.py) come first and are starred.

Sizes are for a phone 412 px wide: the PNG is 1080 px wide (7.2 in at 150 dpi), so one
point is 2.08 px of the PNG and 0.79 px on the phone; the smallest text is 14 pt, 11 px
there. Everything is placed in inches from the top, and each line is cut (…) to the
width it has, measured with the renderer, so nothing runs off the canvas (a test checks
every text's box). Built in the builder process with matplotlib's object API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlite_utils
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.text import Text

from bot.builders.charts import BLUE, DPI, GREEN, RED, WIDTH_IN
from bot.builders.data import Filters, ReportData, UnitRow, _filter_clauses, scope_clause
from bot.builders.fonts import use_cjk_font
from bot.builders.week_figures import WeekFigures
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.domain.reports import Scope
from bot.i18n import t
from storage import ledger
from storage.policy import load_policy

RED_ROWS = 8  # rows shown per list; the rest are counted in one line
OVERDUE_ROWS = 6
UNIT_ROWS = 5
NEWLY_DAYS = 7  # "newly overdue" in a report: first overdue day within the last week
MIN_ASPECT = 1.3  # height / width at least: a tall picture, whatever the counts

MARGIN = 0.35  # inches, left and right
INK, GREY, LIGHT = "#212121", "#616161", "#eeeeee"
ORANGE = "#e65100"  # amber is too pale for text on white
TITLE_PT, HEADING_PT, NUMBER_PT, ROW_PT, SMALL_PT = 24, 19, 30, 16, 14


@dataclass(frozen=True)
class Flagged:
    """One item in a list of the picture: red, or newly overdue."""

    code: str
    unit: str
    problem: str
    days_overdue: int
    own: bool  # of a unit the leader oversees


@dataclass(frozen=True)
class Dashboard:
    title: str  # the period, in words
    covers: str  # whose items, which filters ("" for everything)
    total: int
    closed: int
    overdue: int
    red: list[Flagged]
    newly_overdue: list[Flagged]
    units: list[UnitRow]  # worst first
    own_units: frozenset[str] = field(default_factory=frozenset)
    weekly: bool = False  # the digest's picture: "newly overdue" means in that week

    @property
    def rate(self) -> float:
        return self.closed / self.total if self.total else 0.0


# --- the figures ------------------------------------------------------------------------


def flagged(items: Iterable[Item], today: date, own_units: frozenset[str]) -> list[Flagged]:
    """The items as rows: the leader's units first, then the most overdue."""
    rows = [
        Flagged(
            item.code,
            item.unit or "",
            item.problem,
            (today - item.deadline).days if item.deadline and today > item.deadline else 0,
            bool(item.unit) and item.unit in own_units,
        )
        for item in items
    ]
    return sorted(rows, key=lambda row: (not row.own, -row.days_overdue, row.code))


def worst_units(units: Sequence[UnitRow], own_units: frozenset[str]) -> list[UnitRow]:
    """Units with a name, lowest close-out rate first (then most overdue); the leader's
    own units before the others, so they see theirs even when others do worse."""
    named = [unit for unit in units if unit.name]
    ranked = sorted(named, key=lambda u: (u.name not in own_units, u.rate, -u.overdue, u.name))
    return ranked[:UNIT_ROWS]


def for_report(
    db: sqlite_utils.Database,
    scope: Scope,
    filters: Filters,
    data: ReportData,
    today: date,
    title: str,
    covers: str,
    own_units: frozenset[str],
) -> Dashboard:
    """The picture's figures for a /report: the report's counts, and its open items that are
    red today or became overdue in the last seven days."""
    items = _open_items(db, scope, filters)
    red_after = load_policy(db).red_after_overdue_days
    red = [item for item in items if item_level(item, today, red_after) == "red"]
    first_days = (today - timedelta(days=NEWLY_DAYS - 1), today)
    newly = [
        item
        for item in items
        if item.deadline is not None
        and first_days[0] <= item.deadline + timedelta(days=1) <= first_days[1]
    ]
    return Dashboard(
        title,
        covers,
        data.total,
        data.closed,
        data.overdue,
        flagged(red, today, own_units),
        flagged(newly, today, own_units),
        worst_units(data.units, own_units),
        own_units,
    )


def for_week(figures: WeekFigures, title: str, own_units: frozenset[str]) -> Dashboard:
    """The picture's figures for the weekly digest: the same counts as its message and
    workbook (bot/builders/week_figures.py)."""
    units = [UnitRow(unit.name, unit.total, unit.closed, unit.overdue) for unit in figures.units]
    return Dashboard(
        title,
        "",
        figures.total,
        figures.closed_total,
        figures.overdue_total,
        flagged(figures.red, figures.today, own_units),
        flagged(figures.newly_overdue, figures.today, own_units),
        worst_units(units, own_units),
        own_units,
        weekly=True,
    )


def _open_items(db: sqlite_utils.Database, scope: Scope, filters: Filters) -> list[Item]:
    """The open items the report covers (its scope and filters, as bot/builders/data.py)."""
    where, params = scope_clause(scope)
    clauses, values = _filter_clauses(filters)
    chosen = (
        "SELECT i.id FROM items i LEFT JOIN units u ON u.id = i.unit_id "
        "LEFT JOIN areas a ON a.id = i.area_id LEFT JOIN towns t ON t.id = i.town_id "
        f"WHERE {' AND '.join([where, *clauses])}"
    )
    return ledger.items_where(
        db, f"i.status != 'closed' AND i.id IN ({chosen})", [*params, *values]
    )


# --- the picture ------------------------------------------------------------------------


class _Page:
    """Texts and shapes placed in inches from the top-left corner; the height is known only
    at the end, so placements are kept and drawn by ``figure``."""

    def __init__(self) -> None:
        self.y = 0.0
        self.texts: list[tuple[float, float, str, dict]] = []
        self.boxes: list[tuple[float, float, float, float, str, bool]] = []

    def text(self, x: float, y: float, text: str, **style: object) -> None:
        self.texts.append((x, y, text, style))

    def box(self, x: float, y: float, w: float, h: float, color: str, round_: bool) -> None:
        self.boxes.append((x, y, w, h, color, round_))

    def figure(self) -> Figure:
        height = max(self.y + MARGIN, WIDTH_IN * MIN_ASPECT)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
        for x, y, w, h, color, round_ in self.boxes:
            shape = (
                FancyBboxPatch(
                    (x / WIDTH_IN, 1 - (y + h) / height),
                    w / WIDTH_IN,
                    h / height,
                    boxstyle="round,pad=0,rounding_size=0.012",
                    transform=figure.transFigure,
                    facecolor=color,
                    edgecolor="none",
                )
                if round_
                else Rectangle(
                    (x / WIDTH_IN, 1 - (y + h) / height),
                    w / WIDTH_IN,
                    h / height,
                    transform=figure.transFigure,
                    facecolor=color,
                    edgecolor="none",
                )
            )
            figure.patches.append(shape)
        placed: list[tuple[Text, float]] = []
        for x, y, text, style in self.texts:
            style = dict(style)  # drawn as kept: the page can be drawn again
            right = float(style.pop("right", WIDTH_IN - MARGIN))  # type: ignore[arg-type]
            artist = figure.text(x / WIDTH_IN, 1 - y / height, text, va="top", **style)
            placed.append((artist, right))
        _fit(figure, placed)
        return figure


def _fit(figure: Figure, placed: list[tuple[Text, float]]) -> None:
    """Cut each text with … until it ends before its right edge (inches)."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    for artist, right in placed:
        limit = right * DPI
        text = artist.get_text()
        while text and artist.get_window_extent(renderer).x1 > limit:
            text = text[:-1]
            artist.set_text(text.rstrip() + "…")


def dashboard_figure(board: Dashboard, lang: str) -> Figure:
    """The tall picture, top to bottom: title, key figures, red, newly overdue, units."""
    use_cjk_font()
    page = _Page()
    page.y = 0.35
    page.text(MARGIN, page.y, t(lang, "dash.title"), fontsize=TITLE_PT, weight="bold", color=INK)
    page.y += 0.5
    page.text(MARGIN, page.y, board.title, fontsize=ROW_PT, color=GREY)
    page.y += 0.34
    if board.covers:
        page.text(MARGIN, page.y, board.covers, fontsize=SMALL_PT, color=GREY)
        page.y += 0.32
    page.y += 0.12
    _tiles(page, board, lang)
    _items(page, t(lang, "dash.red", count=len(board.red)), board.red, RED_ROWS, RED, lang)
    newly = (
        t(lang, "dash.newly_week", count=len(board.newly_overdue))
        if board.weekly
        else t(lang, "dash.newly", count=len(board.newly_overdue), days=NEWLY_DAYS)
    )
    _items(
        page,
        newly,
        board.newly_overdue,
        OVERDUE_ROWS,
        ORANGE,
        lang,
    )
    _units(page, board, lang)
    if board.own_units:
        page.y += 0.1
        page.text(MARGIN, page.y, t(lang, "dash.own_note"), fontsize=SMALL_PT, color=GREY)
        page.y += 0.3
    return page.figure()


def _tiles(page: _Page, board: Dashboard, lang: str) -> None:
    """Six tiles, three to a row: the counts a leader reads first."""
    rate = f"{100 * board.rate:.1f}%" if board.total else "—"
    tiles = (
        ("dash.total", str(board.total), BLUE),
        ("dash.closed", str(board.closed), GREEN),
        ("dash.rate", rate, GREEN),
        ("dash.overdue", str(board.overdue), ORANGE),
        ("dash.red_count", str(len(board.red)), RED),
        ("dash.newly_count", str(len(board.newly_overdue)), ORANGE),
    )
    gap, height = 0.15, 1.12
    width = (WIDTH_IN - 2 * MARGIN - 2 * gap) / 3
    for index, (key, value, color) in enumerate(tiles):
        x = MARGIN + (index % 3) * (width + gap)
        y = page.y + (index // 3) * (height + gap)
        page.box(x, y, width, height, LIGHT, True)
        page.text(
            x + 0.14,
            y + 0.1,
            value,
            fontsize=NUMBER_PT,
            weight="bold",
            color=color,
            right=x + width - 0.08,
        )
        page.text(
            x + 0.14, y + 0.72, t(lang, key), fontsize=SMALL_PT, color=GREY, right=x + width - 0.08
        )
    page.y += 2 * height + gap + 0.3


def _heading(page: _Page, text: str, color: str) -> None:
    page.box(MARGIN, page.y + 0.05, 0.09, 0.3, color, False)
    page.text(MARGIN + 0.2, page.y, text, fontsize=HEADING_PT, weight="bold", color=INK)
    page.y += 0.52


def _items(
    page: _Page, heading: str, rows: Sequence[Flagged], limit: int, color: str, lang: str
) -> None:
    """A heading, then two lines per item: code, unit and days overdue; the problem."""
    _heading(page, heading, color)
    if not rows:
        page.text(MARGIN + 0.2, page.y, t(lang, "dash.none"), fontsize=ROW_PT, color=GREY)
        page.y += 0.45
        return
    days_x = WIDTH_IN - MARGIN - 1.55
    for row in rows[:limit]:
        star = "★ " if row.own else ""
        page.text(
            MARGIN + 0.2,
            page.y,
            f"{star}{row.code}",
            fontsize=ROW_PT,
            weight="bold",
            color=INK,
            right=MARGIN + 1.95,
        )
        page.text(
            MARGIN + 2.0,
            page.y,
            row.unit or t(lang, "chart.no_unit"),
            fontsize=ROW_PT,
            color=INK,
            right=days_x - 0.1,
        )
        if row.days_overdue:
            page.text(
                days_x,
                page.y,
                t(lang, "dash.days", days=row.days_overdue),
                fontsize=ROW_PT,
                weight="bold",
                color=color,
            )
        page.y += 0.33
        page.text(MARGIN + 0.2, page.y, row.problem, fontsize=SMALL_PT, color=GREY)
        page.y += 0.42
    if len(rows) > limit:
        page.text(
            MARGIN + 0.2,
            page.y,
            t(lang, "dash.more", count=len(rows) - limit),
            fontsize=SMALL_PT,
            color=GREY,
        )
        page.y += 0.36
    page.y += 0.15


def _units(page: _Page, board: Dashboard, lang: str) -> None:
    """The worst units: name, a bar of the close-out rate, the rate and overdue items."""
    _heading(page, t(lang, "dash.units"), BLUE)
    if not board.units:
        page.text(MARGIN + 0.2, page.y, t(lang, "dash.none"), fontsize=ROW_PT, color=GREY)
        page.y += 0.45
        return
    bar_x, bar_w = MARGIN + 2.2, 1.7
    for unit in board.units:
        star = "★ " if unit.name in board.own_units else ""
        page.text(
            MARGIN + 0.2,
            page.y,
            f"{star}{unit.name}",
            fontsize=ROW_PT,
            color=INK,
            right=bar_x - 0.1,
        )
        page.box(bar_x, page.y + 0.06, bar_w, 0.22, LIGHT, False)
        page.box(bar_x, page.y + 0.06, max(bar_w * unit.rate, 0.0), 0.22, BLUE, False)
        said = t(
            lang,
            "dash.unit_line",
            rate=f"{100 * unit.rate:.0f}",
            closed=unit.closed,
            total=unit.total,
            overdue=unit.overdue,
        )
        page.text(bar_x + bar_w + 0.12, page.y, said, fontsize=ROW_PT, color=INK)
        page.y += 0.46
    page.y += 0.1
