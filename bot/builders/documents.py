"""Documents for meetings: the 通报 (units ranked by close-out rate). The item dossier is
bot/builders/dossier.py; both write their text with bot/builders/paper.py.

PDFs are written with fpdf2, which embeds the Noto Sans CJK collection's CFF outlines as a
subset CID font, so a document opens with its Chinese text on any computer (reportlab
refuses CFF-based fonts, and its built-in Asian fonts are not embedded at all).
"""

from __future__ import annotations

import sqlite_utils
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.builders.build import BuildContext, Result, document, photo, sync_file, write_file
from bot.builders.charts import png, ranking_chart
from bot.builders.data import overall_counts, ranking
from bot.builders.paper import FONT, plain
from bot.domain.permissions import require_export
from bot.i18n import t
from storage import people
from storage.report_jobs import ReportJob


def _pdf() -> FPDF:
    from bot.builders.fonts import SC_FACE, font_path

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, fname=str(font_path()), collection_font_number=SC_FACE)
    pdf.set_font(FONT, size=11)
    return pdf


def _heading(pdf: FPDF, text: str, size: int = 16) -> None:
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, size=11)


def _paragraph(pdf: FPDF, text: str, height: float = 6) -> None:
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- 通报 ----------------------------------------------------------------------------------


def build_ranking(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """The 通报 as PDF (text, ranking table, chart) and the chart alone as a picture."""
    lang = job.language
    require_export(people.by_id(db, job.person_id))
    rows = ranking(db, context.today, context.tz, lang)
    if not rows:
        return Result(t(lang, "ranking.empty"))
    as_of = context.today.isoformat()
    out = context.out_dir(job.id)
    chart = write_file(out / "ranking.png", png(ranking_chart(rows, lang, as_of)))
    counts = overall_counts(rows)
    rate = f"{100 * counts['closed'] / counts['total']:.1f}%" if counts["total"] else "—"
    intro = t(
        lang,
        "ranking.intro",
        date=as_of,
        total=counts["total"],
        closed=counts["closed"],
        rate=rate,
        overdue=counts["overdue"],
    )

    pdf = _pdf()
    pdf.add_page()
    _heading(pdf, plain(t(lang, "ranking.title")), 18)
    _paragraph(pdf, plain(intro))
    pdf.ln(3)
    headers = [
        t(lang, f"ranking.col.{name}")
        for name in ("rank", "unit", "total", "closed", "rate", "overdue")
    ]
    # The collection has one weight; the heading row is shaded instead of bold.
    headings = FontFace(emphasis="", fill_color=(221, 235, 247))
    widths = (10, 50, 18, 18, 18, 18)
    with pdf.table(col_widths=widths, text_align="CENTER", headings_style=headings) as table:
        table.row(headers)
        for rank, row in enumerate(rows, start=1):
            table.row(
                [
                    str(rank),
                    row.name,
                    str(row.total),
                    str(row.closed),
                    f"{100 * row.rate:.1f}%",
                    str(row.overdue),
                ]
            )
    pdf.ln(4)
    pdf.image(str(chart), w=pdf.epw)
    pdf_path = out / f"tongbao-{as_of}.pdf"
    pdf.output(str(pdf_path))
    sync_file(pdf_path)
    caption = t(lang, "ranking.caption", date=as_of)
    return Result(
        t(lang, "ranking.done", date=as_of, rate=rate),
        sends=[photo(chart, caption), document(pdf_path, caption)],
    )
