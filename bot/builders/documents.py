"""Documents for meetings: item dossiers (the 通报 is bot/builders/notice.py).

PDFs are written with fpdf2, which embeds the Noto Sans CJK collection's CFF outlines as a
subset CID font, so a dossier opens with its Chinese text on any computer (reportlab
refuses CFF-based fonts, and its built-in Asian fonts are not embedded at all).
"""

from __future__ import annotations

import functools
import html
import logging
import re
from pathlib import Path

import sqlite_utils
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, UnidentifiedImageError

from bot.builders import timeline
from bot.builders.build import BuildContext, Result, document, sync_file
from bot.builders.evidence_files import item_files
from bot.builders.visits_sheet import dossier_lines
from bot.domain.audit_chain import short
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError
from bot.domain.permissions import ReportsNotForYou, require_export, require_sight
from bot.i18n import Safe, t
from bot.sheets.headers import STATUS_LABELS
from storage import people
from storage.audit import chain_head
from storage.ledger import NotFound, get_item, list_items
from storage.report_jobs import ReportJob

FONT = "noto"
MAX_PHOTOS_PER_ITEM = 60
# Telegram takes 50 MB from a bot; a dossier part stays under this, as evidence zips do.
PART_LIMIT = 45 * 1024 * 1024
PHOTO_OVERHEAD = 4096  # bytes a photo costs in the PDF beyond its file (objects, caption)
PhotoKey = tuple[int, str | None]  # (item id, sha256): one photo of one item
_TAGS = re.compile(r"<[^>]+>")

log = logging.getLogger(__name__)


class NothingToShow(DomainError):
    key = "dossier.nothing"


def plain(text: str) -> str:
    """Catalogue HTML as plain text for a PDF, without characters the font cannot draw
    (the chat's emoji markers would be empty boxes on paper)."""
    return drawable_only(html.unescape(_TAGS.sub("", text)))


def drawable_only(text: str) -> str:
    """Text as people typed it, less what the font cannot draw."""
    drawable = _drawable()
    return "".join(ch for ch in text if ord(ch) in drawable or ch in "\n\t").strip()


@functools.cache
def _drawable() -> frozenset[int]:
    from fontTools.ttLib import TTCollection

    from bot.builders.fonts import SC_FACE, font_path

    # Closed once read: a lazy collection otherwise keeps the 20 MB font file open.
    with TTCollection(str(font_path()), lazy=True) as collection:
        return frozenset(collection.fonts[SC_FACE].getBestCmap())


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


# --- dossiers ------------------------------------------------------------------------------


def build_dossier(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """A PDF per item or per company: the items' fields, timelines and captioned photos."""
    lang = job.language
    person = people.by_id(db, job.person_id)
    params = job.params
    if "item" in params:
        try:
            items = [get_item(db, int(params["item"]))]
        except NotFound:
            raise NothingToShow from None
        require_sight(person, items[0], refusal=ReportsNotForYou.key)
        title, name = items[0].code, f"dossier-{items[0].code}.pdf"
    else:
        require_export(person)
        items = list_items(db, company=params["company"])
        title, name = params["company"], f"dossier-{job.id}.pdf"
    if not items:
        raise NothingToShow
    paths = write_dossier_parts(
        db, context, items, title, lang, context.out_dir(job.id), name.removesuffix(".pdf")
    )
    caption = t(lang, "dossier.caption", title=title, count=len(items))
    if len(paths) == 1:
        return Result(t(lang, "dossier.done", title=title), sends=[document(paths[0], caption)])
    sends = [
        document(
            path,
            t(
                lang,
                "delivery.dossier_part_caption",
                caption=Safe(caption),
                number=number,
                count=len(paths),
            ),
        )
        for number, path in enumerate(paths, start=1)
    ]
    done = t(lang, "dossier.done", title=title) + t(
        lang, "delivery.dossier_split", count=len(paths)
    )
    return Result(done, sends=sends)


def write_dossier_parts(
    db: sqlite_utils.Database,
    context: BuildContext,
    items: list[Item],
    title: str,
    lang: str,
    out_dir: Path,
    stem: str,
    limit: int = PART_LIMIT,
) -> list[Path]:
    """The dossier as one PDF, or, when its photos make it bigger than Telegram takes, as
    parts that each hold the whole text and a share of the photos (as evidence zips are
    split). A photo bigger than a part's room on its own cannot be split: the one PDF is
    kept and the sender reports it if Telegram refuses it."""
    whole = write_dossier(db, context, items, title, lang, out_dir / f"{stem}.pdf")
    if whole.stat().st_size <= limit:
        return [whole]
    text_only = write_dossier(
        db, context, items, title, lang, out_dir / f"{stem}-text.pdf", only=frozenset()
    )
    room = limit - text_only.stat().st_size
    text_only.unlink()
    photos = [
        ((item.id, found.sha256), file.stat().st_size + PHOTO_OVERHEAD)
        for item in items
        for found, file in _shown_photos(db, context, item)
    ]
    groups = pack(photos, room)
    if groups is None or len(groups) < 2:
        return [whole]
    whole.unlink()
    return [
        write_dossier(
            db,
            context,
            items,
            title,
            lang,
            out_dir / f"{stem}_{number}of{len(groups)}.pdf",
            only=group,
            part=(number, len(groups)),
        )
        for number, group in enumerate(groups, start=1)
    ]


def pack(sizes: list[tuple[PhotoKey, int]], room: int) -> list[frozenset[PhotoKey]] | None:
    """Photos, in order, into groups of at most ``room`` bytes; None if one alone is bigger."""
    groups: list[set[PhotoKey]] = [set()]
    used = 0
    for key, size in sizes:
        if size > room:
            return None
        if used + size > room:
            groups.append(set())
            used = 0
        groups[-1].add(key)
        used += size
    return [frozenset(group) for group in groups]


def _shown_photos(
    db: sqlite_utils.Database, context: BuildContext, item: Item
) -> list[tuple[timeline.Photo, Path]]:
    """The item's photos whose files are on disk, as many as a dossier shows."""
    return [
        (found, file)
        for found in timeline.photos(db, item.id)
        if (file := timeline.media_file(context.media_dir, found.sha256))
    ][:MAX_PHOTOS_PER_ITEM]


def write_dossier(
    db: sqlite_utils.Database,
    context: BuildContext,
    items: list[Item],
    title: str,
    lang: str,
    path: Path,
    *,
    only: frozenset[PhotoKey] | None = None,
    part: tuple[int, int] | None = None,
) -> Path:
    """The dossier PDF; ``only`` limits the photos to a part's share, ``part`` (number,
    count) labels the part (write_dossier_parts)."""
    pdf = _pdf()
    for item in items:
        pdf.add_page()
        _heading(pdf, drawable_only(f"{item.code}  {item.problem}"), 15)
        if part is not None:
            _paragraph(pdf, t(lang, "delivery.dossier_part", number=part[0], count=part[1]))
        status = STATUS_LABELS.get(lang, STATUS_LABELS["zh"]).get(item.status.value, "")
        deadline = item.deadline.isoformat() if item.deadline else (item.deadline_text or "—")
        facts = (
            ("unit", item.unit or "—"),
            ("co_units", "、".join(item.co_units) or "—"),
            ("deadline", deadline),
            ("status", status),
            ("target", item.target or "—"),
            ("area", item.area or "—"),
            ("town", item.town or "—"),
            ("company", item.company or "—"),
            ("measure", item.measure or "—"),
        )
        with pdf.table(col_widths=(25, 75), text_align="LEFT", first_row_as_headings=False) as tab:
            for key, value in facts:
                tab.row([plain(t(lang, f"dossier.field.{key}")), drawable_only(value)])
        pdf.ln(3)
        _heading(pdf, t(lang, "dossier.timeline"), 13)
        for event in timeline.events(db, item):
            local = event.at.astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
            _paragraph(pdf, f"{local}  {plain(timeline.describe(lang, event))}")
        visits = dossier_lines(db, item.id, context.tz, lang)
        if visits:  # where each visit was, as the phone sent it; 位置不符 flagged
            pdf.ln(3)
            _heading(pdf, t(lang, "dossier.visits"), 13)
            for line in visits:
                _paragraph(pdf, plain(line))
        shown = [
            (found, file)
            for found, file in _shown_photos(db, context, item)
            if only is None or (item.id, found.sha256) in only
        ]
        if shown:
            pdf.ln(3)
            _heading(pdf, t(lang, "dossier.photos"), 13)
        for found, file in shown:
            if pdf.get_y() > pdf.eph - 60:
                pdf.add_page()
            try:
                pdf.image(str(file), w=min(pdf.epw, 120))
            except (Image.DecompressionBombError, UnidentifiedImageError, OSError) as error:
                # A 200-megapixel or damaged photo must not sink the whole dossier.
                log.warning("dossier: photo %s not embedded: %s", found.sha256[:12], error)
                _paragraph(pdf, t(lang, "dossier.photo_unreadable"), 5)
            when = found.taken_at.astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
            caption = drawable_only(f"{when} · {found.who or '—'} · {found.caption}").rstrip(" ·")
            _paragraph(pdf, caption, 5)
            _paragraph(
                pdf, plain(t(lang, "tamper.dossier.photo_hash", short=short(found.sha256))), 5
            )
            pdf.ln(2)
        _evidence_hashes(pdf, db, context, item, lang)
    _integrity(pdf, db, context, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.set_title(title)
    pdf.output(str(path))
    return sync_file(path)


def _evidence_hashes(
    pdf: FPDF, db: sqlite_utils.Database, context: BuildContext, item: Item, lang: str
) -> None:
    """Every stored evidence file of the item with the short form of its sha256, so a copy
    of a photo or document handed round in a meeting can be matched to the record."""
    files = [found for found in item_files(db, item.id) if found.sha256]
    if not files:
        return
    pdf.ln(3)
    _heading(pdf, plain(t(lang, "tamper.dossier.files")), 13)
    for found in files:
        line = t(
            lang,
            "tamper.dossier.file",
            when=found.taken_at.astimezone(context.tz).strftime("%Y-%m-%d %H:%M"),
            kind=t(lang, f"tamper.kind.{found.kind}"),
            who=found.who or "—",
            short=short(found.sha256),
        )
        _paragraph(pdf, plain(line), 5)


def _integrity(pdf: FPDF, db: sqlite_utils.Database, context: BuildContext, lang: str) -> None:
    """The audit chain's head when the dossier was made: a copy outside the database that
    ``duban verify --head`` can later check the record against."""
    head = chain_head(db)
    pdf.ln(4)
    _heading(pdf, plain(t(lang, "tamper.dossier.integrity")), 13)
    if head is None:
        _paragraph(pdf, plain(t(lang, "tamper.dossier.no_head")), 5)
        return
    when = context.now.astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
    text = t(lang, "tamper.dossier.head", when=when, event=head.event_id, head=head.hash)
    _paragraph(pdf, plain(text), 5)
