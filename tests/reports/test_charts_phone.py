"""Charts as a phone shows them (412 px wide) and as a forwarded picture is read: labels of
at least 12 px there, a dozen bars at most (the rest as 其他), percentage axes ending at
100 % with every figure inside the plot, words instead of an empty plot, the items a chart
leaves out, the office and the period under every chart, and a trend that counts an
imported year's items from the period's start. Read back from the figures, no golden images.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.builders import charts, summary
from bot.builders.build import BuildContext
from bot.builders.data import CountRow, Filters, ReportData, TargetRow, UnitRow, WeekPoint, collect
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.people import telegram_address
from bot.domain.reports import Scope
from bot.sheets.importing import import_file
from storage import ledger, people
from storage.db import open_database
from storage.policy import set_policy_value
from storage.report_jobs import ReportJob
from tests.ledger.test_sheet_reader import make_xlsx

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = "如皋市人大常委会办公室"
TOWNS = [
    f"{name}镇"
    for name in [
        "磨头",
        "吴窑",
        "下原",
        "石庄",
        "搬经",
        "江安",
        "白蒲",
        "丁堰",
        "林梓",
        "东陈",
        "九华",
        "长江",
        "桃园",
        "郭园",
        "雪岸",
        "袁桥",
        "柴湾",
        "常青",
        "城南",
        "城北",
    ]
]


def _units(count: int) -> list[UnitRow]:
    """``count`` units with 30, 29, … items; the biggest close most, every third is late."""
    return [
        UnitRow(f"第{index + 1}承办局", 30 - index, 30 - 2 * index if index < 15 else 0, index % 3)
        for index in range(count)
    ]


def _data(units: int = 20) -> ReportData:
    """A year's report with more units and towns than a phone shows as bars."""
    data = ReportData(start=date(2026, 1, 1), end=date(2026, 12, 6))
    data.units = _units(units)
    data.areas = [CountRow("高企培育", 5, 10), CountRow("人才引进", 3, 1)]
    data.towns = [CountRow(town, 20 - index, index) for index, town in enumerate(TOWNS)]
    data.weeks = [
        WeekPoint(date(2025, 12, 29), 48, 0, 48, 0),
        WeekPoint(date(2026, 1, 5), 40, 8, 0, 8),
    ]
    data.visits = [(town, 30 - index) for index, town in enumerate(TOWNS)]
    data.targets = [TargetRow("高企培育", 4, 100.0), TargetRow("人才引进", 2, 55.0)]
    data.total, data.closed, data.without_town = 450, 120, 3
    return data


def _every_chart(lang: str, data: ReportData) -> list[tuple[str, Figure]]:
    """Each chart function once: the report's charts and the 通报's ranking."""
    imprint = charts.report_imprint(data, lang, OFFICE)
    drawn = [
        ("closeout", charts.closeout_by_unit(data.units, lang, imprint=imprint)),
        ("overdue", charts.overdue_by_unit(data.units, lang, imprint=imprint)),
        ("areas", charts.items_by_area(data, lang, imprint=imprint)),
        ("towns", charts.items_by_town(data, lang, imprint=imprint)),
        ("visits", charts.visits_by_town(data, lang, imprint=imprint)),
        ("targets", charts.targets_by_area(data, lang, imprint=imprint)),
        ("trend", charts.weekly_trend(data, lang, imprint=imprint)),
    ]
    return [
        *drawn,
        ("ranking", charts.ranking_chart(data.units, lang, "2026-12-06", office=OFFICE)),
    ]


def _texts(figure: Figure) -> list[Text]:
    """Every piece of text the picture shows: titles, ticks, bar figures, legend, footer."""
    return [
        text
        for text in figure.findobj(Text)
        if isinstance(text, Text) and text.get_visible() and text.get_text().strip()
    ]


def _said(figure: Figure) -> str:
    return "\n".join(text.get_text() for text in _texts(figure))


def _footer(figure: Figure) -> str:
    """The text under the plot (the picture's only text outside its axes)."""
    return "\n".join(text.get_text() for text in figure.texts)


def _bar_labels(figure: Figure) -> list[str]:
    """The names beside the bars, top to bottom."""
    axes = figure.axes[0]
    ticks = zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    return [label.get_text() for _, label in sorted(ticks, key=lambda pair: -pair[0])]


def _bar_texts(figure: Figure) -> list[str]:
    """The figures written on the bars, top to bottom."""
    return [text.get_text() for text in figure.axes[0].texts]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_is_at_least_12_px_on_a_412_px_phone(lang: str, tmp_path: Path) -> None:
    """Font size in points × dpi / 72 is the size in the PNG; × 412 / the PNG's width is
    the size on the phone. Every text of every chart is 12 px or more there."""
    for name, figure in _every_chart(lang, _data()):
        png = charts.png(figure)
        (tmp_path / f"{lang}-{name}.png").write_bytes(png)
        width_px = figure.get_figwidth() * charts.DPI
        smallest = min(text.get_fontsize() for text in _texts(figure))
        assert smallest * charts.DPI / 72 * 412 / width_px >= 12, name
        assert charts.phone_px(smallest) >= 12, name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figures_stay_inside_the_plot_and_the_picture(lang: str) -> None:
    """Measured as drawn: each bar's figure sits between the plot's edges (inside a long
    bar rather than past the 100 % line), and nothing runs off the picture."""
    for name, figure in _every_chart(lang, _data()):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        renderer = canvas.get_renderer()
        plot = figure.axes[0].get_window_extent(renderer)
        for text in figure.axes[0].texts:
            box = text.get_window_extent(renderer)
            assert plot.x0 - 1 <= box.x0 and box.x1 <= plot.x1 + 1, (name, text.get_text())
        drawn = figure.get_tightbbox(renderer)
        width, height = figure.get_size_inches()
        assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


def test_percentage_axes_end_at_100() -> None:
    """Close-out rate, targets and the ranking: the axis ends at 100 %, not past it, even
    with a unit at 100 % whose figure is then written inside its bar."""
    data = _data()
    data.units[0] = UnitRow("高新区管委会", 40, 40, 0)
    for figure in (
        charts.closeout_by_unit(data.units, "zh"),
        charts.targets_by_area(data, "en"),
        charts.ranking_chart(data.units, "zh", "2026-12-06"),
    ):
        assert figure.axes[0].get_xlim() == (0, 100)
        widths = [bar.get_width() for bar in figure.axes[0].patches]
        assert max(widths) == 100
    closeout = charts.closeout_by_unit(data.units, "zh")
    full = next(text for text in closeout.axes[0].texts if text.get_text().startswith("100%"))
    assert full.get_horizontalalignment() == "right" and full.get_color() == "white"


def test_twenty_units_make_eleven_bars_and_one_for_the_others() -> None:
    """20 units: the 11 with the most items keep their bars; the 9 smallest are summed
    into one 其他 bar, last, whose figures add theirs up."""
    units = _units(20)
    rest = units[11:]
    closed, total = sum(u.closed for u in rest), sum(u.total for u in rest)
    closeout = charts.closeout_by_unit(units, "zh")
    labels = _bar_labels(closeout)
    assert len(labels) == 12 and labels[-1] == "其他（9个）"
    assert set(labels[:-1]) == {unit.name for unit in units[:11]}
    assert _bar_texts(closeout)[-1] == f"{100 * closed / total:.0f}% ({closed}/{total})"

    overdue = charts.overdue_by_unit(units, "en")
    assert len(_bar_labels(overdue)) == 12 and _bar_labels(overdue)[-1] == "Others (9)"
    kept = sorted(units, key=lambda u: (-u.overdue, -u.total, u.name))[:11]
    assert sum(int(text) for text in _bar_texts(overdue)) == sum(u.overdue for u in units)
    assert _bar_texts(overdue)[:-1] == [str(u.overdue) for u in kept]

    ranking = charts.ranking_chart(units, "zh", "2026-12-06")
    assert _bar_labels(ranking)[:2] == ["1. 第1承办局", "2. 第2承办局"]
    assert _bar_labels(ranking)[-1] == "其他（9个）" and len(_bar_labels(ranking)) == 12

    data = _data()
    towns = charts.items_by_town(data, "zh")
    assert len(_bar_labels(towns)) == 12 and _bar_labels(towns)[-1] == "其他（9个）"
    folded = data.towns[11:]
    assert _bar_texts(towns)[-1] == (
        f"共{sum(r.total for r in folded)}项·销号{sum(r.closed for r in folded)}"
    )
    visits = charts.visits_by_town(data, "zh")
    assert _bar_texts(visits)[-1] == str(sum(count for _, count in data.visits[11:]))


def test_a_dozen_units_keep_a_bar_each() -> None:
    """Twelve units fit a phone: no 其他 bar."""
    labels = _bar_labels(charts.closeout_by_unit(_units(12), "zh"))
    assert len(labels) == 12 and not any(label.startswith("其他") for label in labels)


@pytest.mark.parametrize(
    ("lang", "closeout", "overdue"),
    [
        ("zh", "本期尚无销号事项", "本期没有逾期事项"),
        ("en", "No item closed in this period", "No item overdue in this period"),
    ],
)
def test_a_chart_with_nothing_to_plot_says_so_in_words(
    lang: str, closeout: str, overdue: str
) -> None:
    """Every unit at 0 %, nobody overdue, no progress toward targets, no town given: the
    picture says so in words, with its title and footer, and draws no bars."""
    units = [UnitRow("科技局", 5, 0, 0), UnitRow("工信局", 3, 0, 0)]
    data = ReportData(start=date(2026, 1, 1), end=date(2026, 12, 6))
    data.units, data.total, data.without_town = units, 8, 8
    data.targets = [TargetRow("高企培育", 2, 0.0)]
    imprint = charts.report_imprint(data, lang, OFFICE)
    empty: list[tuple[Callable[[], Figure], str]] = [
        (lambda: charts.closeout_by_unit(units, lang, imprint=imprint), closeout),
        (lambda: charts.overdue_by_unit(units, lang, imprint=imprint), overdue),
        (lambda: charts.ranking_chart(units, lang, "2026-12-06", office=OFFICE), closeout),
        (lambda: charts.targets_by_area(data, lang, imprint=imprint), ""),
        (lambda: charts.items_by_town(data, lang, imprint=imprint), ""),
        (lambda: charts.items_by_area(data, lang, imprint=imprint), ""),
        (lambda: charts.visits_by_town(data, lang, imprint=imprint), ""),
    ]
    for draw, words in empty:
        figure = draw()
        axes = figure.axes[0]
        assert len(axes.patches) == 0 and not axes.axison
        (message,) = [text.get_text() for text in axes.texts]
        assert message and (not words or message == words)
        assert OFFICE in _footer(figure)
        assert charts.phone_px(min(text.get_fontsize() for text in _texts(figure))) >= 12
        charts.png(figure)
    towns = charts.items_by_town(data, lang, imprint=imprint)
    assert ("8项未填镇区" if lang == "zh" else "8 items without a town") in _footer(towns)


def test_report_charts_keep_the_towns_chart_when_no_item_has_a_town() -> None:
    """Items without a town are not silently dropped: the towns chart says how many."""
    data = ReportData(start=date(2026, 1, 1), end=date(2026, 12, 6))
    data.units, data.total, data.without_town = [UnitRow("科技局", 4, 1, 0)], 4, 4
    named = dict(charts.report_charts(data, "zh", office=OFFICE))
    assert "towns" in named
    assert "4项未填镇区，未计入本图" in _footer(named["towns"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_names_the_office_and_the_period(lang: str) -> None:
    """A forwarded chart still says who drew it and for which days: the report's charts
    the period's first and last day, the 通报's the day it is as of."""
    data = _data()
    period = "2026-01-01 至 2026-12-06" if lang == "zh" else "2026-01-01 to 2026-12-06"
    for name, figure in charts.report_charts(data, lang, office=OFFICE):
        assert OFFICE in _footer(figure) and period in _footer(figure), name
    ranking = charts.ranking_chart(data.units, lang, "2026-12-06", office=OFFICE)
    assert OFFICE in _footer(ranking)
    assert ("截至 2026-12-06" if lang == "zh" else "As of 2026-12-06") in _footer(ranking)
    # Without an office the catalogue's wording stands in, in the reader's language.
    default = "人大常委会办公室" if lang == "zh" else "Office of the People's Congress"
    assert default in _footer(charts.report_charts(data, lang)[0][1])
    data.batch = "2026年度"
    assert "2026年度" in _footer(charts.report_charts(data, lang)[0][1])


def test_the_report_job_signs_its_charts_with_the_office_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/report's job: the office set in /settings is under each chart it sends."""
    db = open_database(tmp_path / "d.sqlite")
    now = datetime(2026, 12, 6, 9, 0, tzinfo=TZ)
    origin = Origin.cli(now)
    ledger.ensure_period(db, "2026", 2026, origin)
    for problem, unit in (("孵化器入驻率不足", "科技局"), ("研发投入偏低", "工信局")):
        ledger.create_item(db, ItemFields(problem, unit=unit), "2026", origin)
    set_policy_value(db, "office_name", OFFICE, origin)
    admin = people.ensure_admin(db, 500, "李主任", "zh", origin)
    drawn: list[Figure] = []

    def keep(figure: Figure) -> bytes:
        drawn.append(figure)
        return charts.png(figure)

    monkeypatch.setattr(summary, "png", keep)
    context = BuildContext(db_path=tmp_path / "d.sqlite", media_dir=tmp_path, tz=TZ, now=now)
    job = ReportJob(
        1, "report", admin.id, telegram_address(1), "zh", {"period": "year"}, "pending", 0, now
    )
    result = summary.build_report(context, job, db)
    assert result.sends and drawn
    assert all(f"{OFFICE}｜2026-01-01 至 2026-12-06" in _footer(figure) for figure in drawn)


def _year_table(path: Path, rows: int) -> Path:
    header = ["序号", "领域", "问题", "承办单位", "镇区", "企业"]
    return make_xlsx(
        path,
        [
            header,
            *(
                [
                    seq,
                    "高企培育",
                    f"第{seq}项问题",
                    "科技局",
                    TOWNS[seq % 6] if seq > 2 else "",
                    "力威机械",
                ]
                for seq in range(1, rows + 1)
            ),
        ],
    )


def test_an_imported_year_is_counted_from_the_periods_start(tmp_path: Path) -> None:
    """A year's table of 48 items imported in the last week of November: the trend shows
    48 open items from the year's first week, not 0 until the import and then 48. An item
    entered in the chat later still counts from the day it was entered. The items without
    a town are counted as such."""
    db = open_database(tmp_path / "d.sqlite")
    imported_at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    plan = import_file(
        db, _year_table(tmp_path / "t.xlsx", 48), "2026", dry_run=False, now=imported_at
    )
    assert not plan.errors
    later = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    ledger.create_item(db, ItemFields("新发现问题", unit="工信局"), "2026", Origin.cli(later))
    today = date(2026, 12, 6)
    for filters in (Filters(period="year"), Filters(batch="2026"), Filters(period="all")):
        data = collect(db, Scope("all"), filters, today, TZ, "zh")
        assert data.start == date(2026, 1, 1), filters
        first, *_, before, last = data.weeks
        assert (first.monday, first.open, first.new) == (date(2025, 12, 29), 48, 48)
        assert (before.monday, before.open) == (date(2026, 11, 23), 48)
        assert (last.monday, last.open, last.new) == (date(2026, 11, 30), 49, 1)
        assert (data.total, data.without_town) == (49, 3)
    quarter = collect(db, Scope("all"), Filters(period="quarter"), today, TZ, "zh")
    assert quarter.weeks[0].open == 48  # open at the quarter's start, as they were
    trend = charts.weekly_trend(quarter, "zh")
    opened = list(trend.axes[0].get_lines()[0].get_ydata())
    assert opened[0] == 48 and opened[-1] == 49


@pytest.mark.parametrize(
    "office",
    ["某市某区人民代表大会常务委员会办公室" * 2 + "督查室", "Office of the " * 5 + "Committee"],
)
def test_a_long_office_name_wraps_inside_the_picture(office: str) -> None:
    """An office name as long as /settings takes (40 characters), or a longer English one,
    is wrapped under the chart: every character kept, none off the picture's edge."""
    data = _data()
    figure = charts.items_by_town(data, "zh", imprint=charts.report_imprint(data, "zh", office))
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (footer,) = figure.texts
    box = footer.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width
    assert "".join(_footer(figure).split()).count("".join(office.split())) == 1
