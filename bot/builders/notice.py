"""The 通报: units ranked by close-out rate, written as an official paper (GB/T 9704-2012's
layout, as near as one weight of Noto Sans CJK allows) and issued with a 文号.

Two jobs build it, both off the event loop:

1. ``ranking`` (the reports menu's 📄 button): a PREVIEW — the paper marked 样稿, its 文号
   without a number (皋人大办〔2026〕—号) — and, for an administrator, 📤 签发 and ✖ 取消.
   The 签发 button carries a fingerprint of the figures the preview showed.
2. ``notice`` (after 签发, bot/services/notices.py): the figures are gathered again; if they
   are not what the preview showed nothing is issued. Otherwise the next number of the
   year is read, the paper written in Chinese and in English, kept by sha256 under
   MEDIA_DIR/notices/, and ``IssueNotice`` records the number and sends the paper in the
   delivering transaction, where the number is checked to be still free.

The paper: the issuing office in red, centred; the 文号; a red rule; the centred title
naming the programme and period; the 主送 (the ranked units); 一、总体情况, 二、排名 (the table,
with the chart under it on the same page when it fits), 三、存在问题, 四、下步要求 (the policy's
text, line by line); the 落款 (office and date written 2026年12月6日); page numbers — 1 —.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from bot.actions import button_to
from bot.builders.build import BuildContext, Result, document, photo, write_file
from bot.builders.charts import png, ranking_chart
from bot.builders.data import Filters, UnitRow, collect
from bot.builders.letterhead import office_name, programme, worded
from bot.builders.paper import FONT, add_chinese_font, drawable_only, plain, write_text
from bot.builders.week_figures import days_overdue
from bot.chat import Address
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Status
from bot.domain.permissions import is_admin, require_export
from bot.domain.policy import Policy
from bot.domain.reports import PERIODS, Scope
from bot.i18n import LANGUAGES, t
from bot.runtime.work import Keyboard, Work
from storage import ledger, notices, people, report_jobs
from storage.periods import period_items_as_of
from storage.policy import load_policy
from storage.report_jobs import ReportJob

# GB/T 9704-2012: A4, 版心 156 × 225 mm (top 37, left 28, right 26, bottom 35 mm).
MARGIN_TOP, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 37.0, 28.0, 26.0, 35.0
OFFICE_PT = 30  # 发文机关标志: red, the largest type on the page (shrunk to fit one line)
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
TABLE_PT = 12
PAGE_PT = 14  # 4号
# Body line pitch (the standard sets 22 lines a page; a little closer here), closed up a
# step at a time when the 落款 would otherwise stand on a page of its own.
LINE_PITCHES = (8.0, 7.5, 7.0)
RED = (230, 0, 18)
MIN_CHART_SHARE = 0.5  # a chart squeezed under half its width goes to the next page instead
PROBLEMS_SHOWN = 10  # items named per list in 三、存在问题; the rest are counted
NOTICES_DIR = "notices"  # MEDIA_DIR/notices/<sha256>.pdf: issued papers, kept for good
CHINESE_DIGITS = "〇一二三四五六七八九"
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DraftExpired(DomainError):
    key = "notice.expired"


class NotAnAdmin(DomainError):
    key = "notice.admin_only"


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """An item named in 三、存在问题."""

    code: str
    unit: str
    problem: str
    days: int | None  # days overdue, None when it is not overdue


@dataclass(frozen=True)
class Figures:
    """Everything the paper says, gathered once; ``fingerprint`` tells whether the paper
    issued says what the preview said."""

    today: date
    start: date
    end: date
    total: int
    closed: int
    overdue: int
    red: int
    new: int
    closed_in_period: int
    units: tuple[UnitRow, ...]
    red_items: tuple[Problem, ...]
    overdue_items: tuple[Problem, ...]
    silent: tuple[str, ...]  # units with open items and no progress in the period

    @property
    def rate(self) -> str:
        return f"{100 * self.closed / self.total:.1f}%" if self.total else "—"

    def fingerprint(self) -> str:
        """The figures, not the day: issued the next morning, the same figures still issue."""
        shown = [
            [self.total, self.closed, self.overdue, self.red, self.new, self.closed_in_period],
            [[u.name, u.total, u.closed, u.overdue] for u in self.units],
            [p.code for p in self.red_items],
            [p.code for p in self.overdue_items],
            list(self.silent),
        ]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]


def notice_filters(params: dict) -> Filters:
    """The reports menu's choice a 通报 covers (a button made before it carried one: all)."""
    chosen = params.get("period")
    period = chosen if isinstance(chosen, str) and chosen in PERIODS else "all"
    return Filters(
        period=period, area=params.get("area"), town=params.get("town"), batch=params.get("batch")
    )


def gather(db: sqlite_utils.Database, filters: Filters, today: date, tz: ZoneInfo) -> Figures:
    """The ranking (bot/builders/data.py, as /report counts) and the problems behind it."""
    data = collect(db, Scope("all"), filters, today, tz)
    red_after = load_policy(db).red_after_overdue_days
    red_items: list[Problem] = []
    overdue_items: list[Problem] = []
    open_units: set[str] = set()
    for item, day in _items(db, filters, today, tz):
        if item.status is Status.CLOSED:
            continue
        open_units.add(item.unit or "")
        days = days_overdue(item, day)
        found = Problem(item.code, item.unit or "", item.problem, days)
        if item_level(item, day, red_after) == "red":
            red_items.append(found)
        elif days is not None:
            overdue_items.append(found)
    active = _units_with_progress(db, data.start, data.end, tz)
    units = tuple(row for row in data.units if row.name)
    return Figures(
        today=today,
        start=data.start,
        end=data.end,
        total=data.total,
        closed=data.closed,
        overdue=data.overdue,
        red=len(red_items),
        new=data.new_in_period,
        closed_in_period=data.closed_in_period,
        units=units,
        red_items=tuple(sorted(red_items, key=_most_overdue)),
        overdue_items=tuple(sorted(overdue_items, key=_most_overdue)),
        silent=tuple(row.name for row in units if row.name in open_units - active),
    )


def _most_overdue(problem: Problem) -> tuple[int, str]:
    return -(problem.days or 0), problem.code


def _items(
    db: sqlite_utils.Database, filters: Filters, today: date, tz: ZoneInfo
) -> list[tuple[Item, date]]:
    """The items the 通报 covers, each with the day it is judged on (a past period's items
    as of its last day, as /report counts them)."""
    area = None
    if filters.area:
        area = db.execute("SELECT name_zh FROM areas WHERE code = ?", [filters.area]).fetchone()
    wanted_area = area[0] if area else None
    if filters.batch:
        picture = period_items_as_of(db, filters.batch, today, tz)
        found = [(f.item, f.day) for f in picture.items] if picture else []
    else:
        found = [(item, today) for item in ledger.iter_items(db)]
    return [
        (item, day)
        for item, day in found
        if (not filters.area or item.area == wanted_area)
        and (not filters.town or item.town == filters.town)
    ]


def _units_with_progress(
    db: sqlite_utils.Database, start: date, end: date, tz: ZoneInfo
) -> set[str]:
    """Lead units of items with a progress report, a close-out request or a close-out in the
    period: the others are "no progress in the period"."""
    since = datetime.combine(start, time(), tz).astimezone(UTC).isoformat()
    until = datetime.combine(end + timedelta(days=1), time(), tz).astimezone(UTC).isoformat()
    rows = db.execute(
        "SELECT DISTINCT u.name FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id IN ("
        "SELECT item_id FROM progress_reports WHERE created_at >= ? AND created_at < ? "
        "UNION SELECT item_id FROM closeout_requests WHERE created_at >= ? AND created_at < ? "
        "UNION SELECT id FROM items WHERE closed_at >= ? AND closed_at < ?)",
        [since, until] * 3,
    )
    return {name for (name,) in rows}


# --- the words -----------------------------------------------------------------------------


def written_date(lang: str, day: date) -> str:
    """The date as the 落款 writes it: 2026年12月6日, or 6 December 2026."""
    month: object = MONTHS_EN[day.month - 1] if lang == "en" else day.month
    return t(lang, "notice.date", year=day.year, month=month, day=day.day)


def period_label(lang: str, filters: Filters, today: date) -> str:
    """The period the title names ("" for all time: the date in the text says enough)."""
    if filters.batch:
        return t(lang, "notice.period.batch", name=filters.batch)
    if filters.period == "month":
        month: object = MONTHS_EN[today.month - 1] if lang == "en" else today.month
        return t(lang, "notice.period.month", year=today.year, month=month)
    if filters.period == "quarter":
        quarter = (today.month - 1) // 3 + 1
        shown: object = quarter if lang == "en" else CHINESE_DIGITS[quarter]
        return t(lang, "notice.period.quarter", year=today.year, quarter=shown)
    if filters.period == "year":
        return t(lang, "notice.period.year", year=today.year)
    return ""


def notice_title(policy: Policy, lang: str, filters: Filters, today: date) -> str:
    """The title names the programme and the period; a notice over all time names the day
    its figures stand at instead (关于…的通报（截至2026年12月6日）)."""
    label = period_label(lang, filters, today)
    period = t(lang, "notice.title_period", label=label) if label else ""
    title = plain(t(lang, "ranking.title", period=period, programme=programme(policy, lang)))
    if label:
        return title
    return plain(t(lang, "notice.title_as_of", title=title, day=written_date(lang, today)))


def doc_number(policy: Policy, lang: str, year: int, number: int | None) -> str:
    """The 文号, e.g. 皋人大办〔2026〕12号; a preview's has no number: 〔2026〕—号."""
    prefix = worded(policy, "notice_prefix", lang)
    shown = "—" if number is None else str(number)
    return plain(t(lang, "notice.number", prefix=prefix, year=year, number=shown))


@dataclass(frozen=True)
class Heading:
    """What the paper says of itself: office, 文号, title, and whether it is a draft."""

    office: str
    number: str
    title: str
    draft: bool
    signed_on: date


def heading(
    policy: Policy, lang: str, filters: Filters, today: date, number: int | None
) -> Heading:
    return Heading(
        office=drawable_only(office_name(policy, lang)),
        number=doc_number(policy, lang, today.year, number),
        title=notice_title(policy, lang, filters, today),
        draft=number is None,
        signed_on=today,
    )


# --- the paper -----------------------------------------------------------------------------


class NoticePaper(FPDF):
    """A4 with the standard's margins; 样稿 on every page of a draft; — N — at the foot."""

    def __init__(self, lang: str, draft: bool, line_mm: float = LINE_PITCHES[0]) -> None:
        super().__init__(format="A4")
        self.lang = lang
        self.draft = draft
        self.line_mm = line_mm
        self.signature_alone = False  # the 落款 had to start a page (bad form: try closer)
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        add_chinese_font(self)
        self.set_font(FONT, size=BODY_PT)

    def header(self) -> None:
        if not self.draft:
            return
        self.set_font(FONT, size=BODY_PT)
        self.set_text_color(*RED)
        self.set_xy(self.w - MARGIN_RIGHT - 40, 15)
        self.cell(40, 10, t(self.lang, "notice.draft_mark"), border=1, align="C")
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN_LEFT, MARGIN_TOP)

    def footer(self) -> None:
        self.set_y(-(MARGIN_BOTTOM - 7))
        self.set_font(FONT, size=PAGE_PT)
        self.cell(0, 8, t(self.lang, "notice.page", page=self.page_no()), align="C")


def paragraph(pdf: NoticePaper, text: str, *, indent: bool = True) -> None:
    """One paragraph, left-aligned (never justified), the first line indented two
    characters as the standard asks, broken as printed Chinese is (bot/builders/paper.py:
    no line starts with closing punctuation)."""
    pdf.set_font(FONT, size=BODY_PT)
    lead = 2 * pdf.get_string_width("中") if indent and pdf.lang == "zh" else 0.0
    write_text(pdf, text, pdf.line_mm, indent=lead)


def render(
    path: Path, lang: str, head: Heading, policy: Policy, figures: Figures, chart: Path
) -> Path:
    """The 通报 as PDF at ``path``; its lines closed up a little when that keeps the 落款
    off a page of its own (the standard's remedy, rather than a page with no text)."""
    for line_mm in LINE_PITCHES:
        pdf = _written(lang, head, policy, figures, chart, line_mm)
        if not pdf.signature_alone:
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _written(
    lang: str, head: Heading, policy: Policy, figures: Figures, chart: Path, line_mm: float
) -> NoticePaper:
    pdf = NoticePaper(lang, head.draft, line_mm)
    pdf.set_title(head.title)
    pdf.add_page()
    _masthead(pdf, head)
    _addressees(pdf, lang, figures)
    opening = t(
        lang,
        "notice.opening",
        programme=programme(policy, lang),
        date=written_date(lang, figures.today),
    )
    paragraph(pdf, opening)
    _overall(pdf, lang, figures)
    _ranking(pdf, lang, figures, chart)
    _problems(pdf, lang, figures)
    _requirements(pdf, lang, policy)
    _signature(pdf, lang, head)
    return pdf


def _masthead(pdf: NoticePaper, head: Heading) -> None:
    """Office in red, the 文号, the red rule, the title: the top of the first page."""
    size = OFFICE_PT
    pdf.set_font(FONT, size=size)
    while size > 14 and pdf.get_string_width(head.office) > pdf.epw:
        size -= 1
        pdf.set_font(FONT, size=size)
    pdf.set_text_color(*RED)
    pdf.cell(0, size * 0.5, head.office, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(8)
    pdf.set_font(FONT, size=BODY_PT)
    pdf.cell(0, pdf.line_mm, head.number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(10)
    pdf.set_font(FONT, size=TITLE_PT)
    pdf.multi_cell(0, TITLE_PT * 0.5, head.title, align="C", new_x=XPos.LMARGIN)
    pdf.ln(6)


def _addressees(pdf: NoticePaper, lang: str, figures: Figures) -> None:
    """主送: the units the 通报 ranks, at the left margin."""
    joiner = "、" if lang == "zh" else ", "
    units = joiner.join(drawable_only(row.name) for row in figures.units)
    paragraph(pdf, t(lang, "notice.addressees", units=units), indent=False)


def _section(pdf: NoticePaper, key: str) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 3 * pdf.line_mm:
        pdf.add_page()  # a heading is not left alone at the foot of a page
    paragraph(pdf, t(pdf.lang, key))


def _overall(pdf: NoticePaper, lang: str, figures: Figures) -> None:
    _section(pdf, "notice.section.overall")
    text = t(
        lang,
        "notice.overall",
        date=written_date(lang, figures.today),
        total=figures.total,
        closed=figures.closed,
        rate=figures.rate,
        overdue=figures.overdue,
        red=figures.red,
    )
    text += ("" if lang == "zh" else " ") + t(
        lang,
        "notice.overall_period",
        start=written_date(lang, figures.start),
        end=written_date(lang, figures.end),
        new=figures.new,
        closed=figures.closed_in_period,
    )
    paragraph(pdf, text)


def _ranking(pdf: NoticePaper, lang: str, figures: Figures, chart: Path) -> None:
    """二、排名: the table, and the chart under it on the same page when it fits there."""
    _section(pdf, "notice.section.ranking")
    paragraph(pdf, t(lang, "notice.ranking_intro"))
    pdf.ln(2)
    pdf.set_font(FONT, size=TABLE_PT)
    headers = [
        t(lang, f"ranking.col.{name}")
        for name in ("rank", "unit", "total", "closed", "rate", "overdue")
    ]
    # The collection has one weight; the heading row is shaded instead of bold.
    headings = FontFace(emphasis="", fill_color=(235, 235, 235))
    widths = (14, 58, 20, 20, 22, 20)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        text_align="CENTER",
        headings_style=headings,
        line_height=TABLE_PT * 0.6,
    ) as table:
        table.row(headers)
        for rank, row in enumerate(figures.units, start=1):
            table.row(
                [
                    str(rank),
                    drawable_only(row.name),
                    str(row.total),
                    str(row.closed),
                    f"{100 * row.rate:.1f}%",
                    str(row.overdue),
                ]
            )
    pdf.ln(3)
    _chart(pdf, chart)


def _chart(pdf: NoticePaper, chart: Path) -> None:
    """The chart at the page's width, or smaller to fit what is left of the page; only a
    chart that would shrink below MIN_CHART_SHARE of its width starts the next page."""
    with Image.open(chart) as picture:
        ratio = picture.height / picture.width
    width = pdf.epw
    room = pdf.page_break_trigger - pdf.get_y() - 2
    if width * ratio > room:
        if room < MIN_CHART_SHARE * width * ratio:
            pdf.add_page()
            room = pdf.page_break_trigger - pdf.get_y() - 2
        width = min(width, room / ratio)
    x = pdf.l_margin + (pdf.epw - width) / 2
    pdf.image(str(chart), x=x, w=width)
    pdf.ln(3)


def _problems(pdf: NoticePaper, lang: str, figures: Figures) -> None:
    """三、存在问题: red items, other overdue items, units with no progress in the period."""
    _section(pdf, "notice.section.problems")
    if not (figures.red_items or figures.overdue_items or figures.silent):
        paragraph(pdf, t(lang, "notice.problems.none"))
        return
    for key, found in (
        ("notice.problems.red", figures.red_items),
        ("notice.problems.overdue", figures.overdue_items),
    ):
        if not found:
            continue
        paragraph(pdf, t(lang, key, count=len(found)))
        for number, problem in enumerate(found[:PROBLEMS_SHOWN], start=1):
            paragraph(pdf, f"{number}. {_problem_line(lang, problem)}")
        if len(found) > PROBLEMS_SHOWN:
            paragraph(pdf, t(lang, "notice.problems.more", count=len(found) - PROBLEMS_SHOWN))
    if figures.silent:
        joiner = "、" if lang == "zh" else ", "
        units = joiner.join(drawable_only(name) for name in figures.silent)
        paragraph(pdf, t(lang, "notice.problems.silent", count=len(figures.silent), units=units))


def _problem_line(lang: str, problem: Problem) -> str:
    values = {
        "code": problem.code,
        "unit": drawable_only(problem.unit) or t(lang, "notice.no_unit"),
        "problem": drawable_only(problem.problem),
    }
    if problem.days is None:
        return t(lang, "notice.problems.item", **values)
    return t(lang, "notice.problems.item_overdue", days=problem.days, **values)


def _requirements(pdf: NoticePaper, lang: str, policy: Policy) -> None:
    """四、下步要求: the office's own text, one paragraph per line it typed."""
    _section(pdf, "notice.section.requirements")
    for line in worded(policy, "notice_requirements", lang).splitlines():
        if line.strip():
            paragraph(pdf, drawable_only(line))


def _signature(pdf: NoticePaper, lang: str, head: Heading) -> None:
    """落款: the date four characters in from the right, the office centred over it."""
    signed = written_date(lang, head.signed_on)
    pdf.set_font(FONT, size=BODY_PT)
    if pdf.get_y() + 4 * pdf.line_mm > pdf.page_break_trigger:
        pdf.add_page()
        pdf.signature_alone = True
    pdf.ln(2 * pdf.line_mm)
    date_width = pdf.get_string_width(signed)
    date_x = pdf.w - pdf.r_margin - 4 * BODY_PT * 0.3528 - date_width
    office_width = min(pdf.get_string_width(head.office), pdf.epw)
    office_x = max(pdf.l_margin, date_x + date_width / 2 - office_width / 2)
    office_x = min(office_x, pdf.w - pdf.r_margin - office_width)
    pdf.set_x(office_x)
    pdf.cell(office_width, pdf.line_mm, head.office, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(date_x)
    pdf.cell(date_width, pdf.line_mm, signed, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- the jobs ------------------------------------------------------------------------------


def _chart_file(out: Path, lang: str, figures: Figures, policy: Policy) -> Path:
    """The ranking chart, signed with the issuing office (it is also sent on its own)."""
    office = office_name(policy, lang)
    chart = ranking_chart(list(figures.units), lang, figures.today.isoformat(), office=office)
    return write_file(out / f"ranking-{lang}.png", png(chart))


def issue_keyboard(lang: str, draft_job: int, fingerprint: str) -> Keyboard:
    from bot.services import notices as service  # the buttons' own module

    return [
        [
            button_to(
                service.issue, t(lang, "notice.btn_issue"), job=draft_job, figures=fingerprint
            ),
            button_to(service.cancel, t(lang, "notice.btn_cancel"), job=draft_job),
        ]
    ]


def build_preview(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """The draft: the whole paper marked 样稿 with no number, and the chart as a picture;
    an administrator gets 📤 签发 and ✖ 取消 with it."""
    lang = job.language
    person = require_export(people.by_id(db, job.person_id))
    filters = notice_filters(job.params)
    figures = gather(db, filters, context.today, context.tz)
    if not figures.units:
        return Result(t(lang, "ranking.empty"))
    policy = load_policy(db)
    out = context.out_dir(job.id)
    chart = _chart_file(out, lang, figures, policy)
    head = heading(policy, lang, filters, context.today, None)
    as_of = context.today.isoformat()
    pdf_path = render(out / f"tongbao-draft-{as_of}.pdf", lang, head, policy, figures, chart)
    values = {"date": as_of, "rate": figures.rate, "units": len(figures.units)}
    keyboard = None
    if is_admin(person):
        keyboard = issue_keyboard(lang, job.id, figures.fingerprint())
        text = t(lang, "notice.preview_done", **values)
    else:
        text = t(lang, "notice.preview_done_leader", **values)
    return Result(
        text,
        keyboard=keyboard,
        sends=[
            photo(chart, t(lang, "ranking.caption", date=as_of)),
            document(pdf_path, t(lang, "notice.preview_caption", date=as_of)),
        ],
    )


def build_issue(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """The issued paper in both languages, numbered; recorded and sent by IssueNotice."""
    lang = job.language
    if not is_admin(people.by_id(db, job.person_id)):
        raise NotAnAdmin
    draft = report_jobs.get(db, int(job.params["draft"]))
    if draft is None or draft.kind != "ranking":
        raise DraftExpired
    decided = notices.by_draft(db, draft.id)
    if decided is not None:
        return Result(decided_text(lang, decided))
    filters = notice_filters(draft.params)
    figures = gather(db, filters, context.today, context.tz)
    if not figures.units or figures.fingerprint() != job.params["figures"]:
        return Result(t(lang, "notice.changed"))
    policy = load_policy(db)
    year = context.today.year
    number = notices.next_number(db, year)
    out = context.out_dir(job.id)
    papers: dict[str, Paper] = {}
    for language in LANGUAGES:
        head = heading(policy, language, filters, context.today, number)
        chart = _chart_file(out, language, figures, policy)
        made = render(out / f"tongbao-{language}.pdf", language, head, policy, figures, chart)
        papers[language] = keep(context.media_dir, made, head)
    return Result(
        "",
        commit=IssueNotice(
            draft_job=draft.id,
            chat=job.chat,
            lang=lang,
            year=year,
            number=number,
            filters=dict(draft.params),
            start=figures.start,
            end=figures.end,
            units=tuple(row.name for row in figures.units),
            papers=papers,
        ),
    )


@dataclass(frozen=True)
class Paper:
    """One language's issued PDF, kept under MEDIA_DIR/notices/ by its sha256."""

    path: str
    sha256: str
    number: str
    title: str


def keep(media_dir: Path, made: Path, head: Heading) -> Paper:
    """Copy the PDF where issued papers stay (the job's own folder is swept after days)."""
    data = made.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    kept = write_file(media_dir / NOTICES_DIR / f"{sha}.pdf", data)
    return Paper(str(kept), sha, head.number, head.title)


def decided_text(lang: str, decided: notices.Notice) -> str:
    if decided.state == notices.ISSUED:
        return t(lang, "notice.already_issued", number=decided.doc_number)
    return t(lang, "notice.was_cancelled")


@dataclass(frozen=True)
class IssueNotice:
    """Records the notice with its number and sends it, in the delivering transaction
    (bot/services/notices.py ``record_and_send``)."""

    draft_job: int
    chat: Address
    lang: str
    year: int
    number: int
    filters: dict
    start: date
    end: date
    units: tuple[str, ...]
    papers: dict[str, Paper]  # by language

    def __call__(self, work: Work) -> tuple[str, Keyboard | None]:
        from bot.services import notices as service

        return service.record_and_send(work, self)
