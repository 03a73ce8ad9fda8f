"""The item dossier: one item (or a company's items) on paper, for the file.

A file clerk looks first for what the item card says — its 督办等级 and why, the days overdue
or left, the target with the latest figure, who is on it, its 备注 — so the fact table shows
the card's own facts (bot/services/card_facts.py, read through a Work of the builder's
read-only connection), never a second reckoning of them. Every page, photo-only pages
included, carries the item's code, the issuing office, when the dossier was made and
"第 N 页 共 M 页" (bot/builders/paper.py). Photos sit two to a row, each scaled into its
half of the row, so a portrait photo is as tall as a landscape one and never fills a page.

PDFs are written with fpdf2, which embeds the Noto Sans CJK collection's CFF outlines as a
subset CID font, so a dossier opens with its Chinese text on any computer.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlite_utils
from PIL import Image, UnidentifiedImageError

from bot.builders import timeline
from bot.builders.build import BuildContext, Result, document, sync_file
from bot.builders.evidence_files import item_files
from bot.builders.letterhead import office_name
from bot.builders.paper import (
    BODY_SIZE,
    FONT,
    Paper,
    Running,
    drawable_only,
    fact_table,
    heading,
    plain,
    text_height,
    unmarked,
    write_text,
)
from bot.builders.visits_sheet import dossier_lines
from bot.domain.audit_chain import Head, short
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError
from bot.domain.permissions import ReportsNotForYou, require_export, require_sight
from bot.i18n import Safe, t
from bot.runtime.work import Work, WorkEnv
from bot.services.card_facts import target_text
from bot.services.due_words import due_text
from bot.services.levels import level_text
from bot.sheets.headers import STATUS_LABELS
from storage import people
from storage.audit import chain_head
from storage.ledger import NotFound, get_item, list_items
from storage.report_jobs import ReportJob

MAX_PHOTOS_PER_ITEM = 60
# Telegram takes 50 MB from a bot; a dossier part stays under this, as evidence zips do.
PART_LIMIT = 45 * 1024 * 1024
PHOTO_OVERHEAD = 4096  # bytes a photo costs in the PDF beyond its file (objects, caption)
PhotoKey = tuple[int, str | None]  # (item id, sha256): one photo of one item

PHOTO_HEIGHT = 62  # mm: a row of photos; a portrait photo is scaled to this height
PHOTO_GAP = 6  # mm between the two photos of a row
CAPTION_SIZE = 8.5
CAPTION_LINE = 4.2  # mm
TIME_GAP = 3  # mm between the timeline's date and time and the entry beside it
TIME_FORMAT = "%Y-%m-%d %H:%M"

log = logging.getLogger(__name__)


class NothingToShow(DomainError):
    key = "dossier.nothing"


def build_dossier(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """A PDF per item or per company: the items' facts, timelines and captioned photos."""
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
    reader = _reader(db, context, lang)
    head = chain_head(db)
    generated = context.now.astimezone(context.tz).strftime(TIME_FORMAT)
    running = Running(
        lang,
        right=drawable_only(office_name(reader.policy, lang)),
        footer=plain(t(lang, "dossier.generated", when=generated)),
    )
    pdf = Paper(running)
    for item in items:
        running.left = drawable_only(item.code if item.code == title else f"{title} · {item.code}")
        pdf.add_page()
        heading(pdf, drawable_only(f"{item.code}  {item.problem}"), 15)
        if part is not None:
            write_text(pdf, plain(t(lang, "delivery.dossier_part", number=part[0], count=part[1])))
        fact_table(pdf, _facts(reader, item, head))
        pdf.ln(4)
        _timeline(pdf, db, context, item, lang)
        visits = dossier_lines(db, item.id, context.tz, lang)
        if visits:  # where each visit was, as the phone sent it; 位置不符 flagged
            pdf.ln(3)
            heading(pdf, plain(t(lang, "dossier.visits")), 13)
            for line in visits:
                write_text(pdf, plain(line))
        shown = [
            (found, file)
            for found, file in _shown_photos(db, context, item)
            if only is None or (item.id, found.sha256) in only
        ]
        if shown:
            pdf.ln(3)
            if pdf.will_page_break(PHOTO_HEIGHT + 20):  # the heading stays with its photos
                pdf.add_page()
            heading(pdf, plain(t(lang, "dossier.photos")), 13)
            _photo_rows(pdf, context, shown, lang)
        _evidence_hashes(pdf, db, context, item, lang)
    running.left = drawable_only(title)
    _integrity(pdf, context, head, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.set_title(title)
    pdf.output(str(path))
    return sync_file(path)


def _reader(db: sqlite_utils.Database, context: BuildContext, lang: str) -> Work:
    """A Work that only reads, so the card's facts (level and why, days left, the latest
    figure) are said by the card's own functions, as of the dossier's making."""
    env = WorkEnv(tz=context.tz, bot_username=context.bot_username, default_language=lang)
    return Work(db, env, context.now, lang, None, None)


def _facts(reader: Work, item: Item, head: Head | None) -> list[tuple[str, str]]:
    """The fact table's rows, label and value, in the order a reader looks for them."""
    lang = reader.lang

    def label(key: str) -> str:
        return plain(t(lang, f"dossier.field.{key}"))

    status = STATUS_LABELS.get(lang, STATUS_LABELS["zh"]).get(item.status.value, "")
    has_target = item.target.strip() or item.target_number is not None
    inspectors = [people.by_id(reader.db, pid).name for pid in sorted(item.inspector_ids)]
    if head is None:
        chain = t(lang, "dossier.head_none")
    else:
        chain = t(lang, "dossier.head_value", event=head.event_id, short=short(head.hash))
    rows = (
        ("level", plain(level_text(reader, item))),
        ("status", status),
        ("deadline", plain(due_text(reader, item))),
        ("unit", drawable_only(item.unit or "")),
        ("co_units", drawable_only(t(lang, "list.sep").join(item.co_units))),
        ("inspectors", drawable_only(t(lang, "list.sep").join(inspectors))),
        ("target", plain(target_text(reader, item)) if has_target else ""),
        ("measure", drawable_only(item.measure)),
        ("area", drawable_only(item.area or "")),
        ("town", drawable_only(item.town or "")),
        ("company", drawable_only(item.company or "")),
        ("notes", drawable_only(item.notes)),
        ("head", plain(chain)),
    )
    return [(label(key), value or "—") for key, value in rows]


def _timeline(
    pdf: Paper, db: sqlite_utils.Database, context: BuildContext, item: Item, lang: str
) -> None:
    """Each happening with its local date and time in a column of their own, its words
    left-aligned beside them (never spread across the line)."""
    heading(pdf, plain(t(lang, "dossier.timeline")), 13)
    column = pdf.get_string_width("0000-00-00 00:00") + TIME_GAP
    for event in timeline.events(db, item):
        local = event.at.astimezone(context.tz).strftime(TIME_FORMAT)
        if pdf.will_page_break(6):
            pdf.add_page()
        top = pdf.get_y()
        pdf.cell(column, 6, local, align="L")
        pdf.set_y(top)
        words = drawable_only(unmarked(plain(timeline.describe(lang, event))))
        write_text(pdf, words, width=pdf.epw - column, x=pdf.l_margin + column)


def _photo_rows(
    pdf: Paper, context: BuildContext, shown: list[tuple[timeline.Photo, Path]], lang: str
) -> None:
    """Photos two to a row, each fitted into its half of the row (a portrait one as tall as
    the row, centred), its caption and short hash under it; a row is never split."""
    column = (pdf.epw - PHOTO_GAP) / 2
    pdf.set_font(FONT, size=CAPTION_SIZE)
    for start in range(0, len(shown), 2):
        row = shown[start : start + 2]
        captions = [_caption(context, found, lang) for found, _ in row]
        words = max(text_height(pdf, text, column, CAPTION_LINE) for text in captions)
        height = PHOTO_HEIGHT + 2 + words + 4
        if pdf.will_page_break(height):
            pdf.add_page()
        top = pdf.get_y()
        for index, ((found, file), caption) in enumerate(zip(row, captions, strict=True)):
            x = pdf.l_margin + index * (column + PHOTO_GAP)
            _photo(pdf, found, file, x, top, column, lang)
            pdf.set_xy(x, top + PHOTO_HEIGHT + 2)
            write_text(pdf, caption, CAPTION_LINE, width=column, x=x)
        pdf.set_xy(pdf.l_margin, top + height)
    pdf.set_font(FONT, size=BODY_SIZE)


def _photo(
    pdf: Paper, found: timeline.Photo, file: Path, x: float, top: float, width: float, lang: str
) -> None:
    """One photo fitted into its box; a damaged or 200-megapixel one is said in words, so it
    cannot sink the whole dossier."""
    try:
        pdf.image(str(file), x=x, y=top, w=width, h=PHOTO_HEIGHT, keep_aspect_ratio=True)
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError) as error:
        log.warning("dossier: photo %s not embedded: %s", found.sha256[:12], error)
        pdf.set_xy(x, top)
        write_text(pdf, plain(t(lang, "dossier.photo_unreadable")), CAPTION_LINE, width=width, x=x)


def _caption(context: BuildContext, found: timeline.Photo, lang: str) -> str:
    """When, who and the sender's caption, then the photo's short sha256."""
    when = found.taken_at.astimezone(context.tz).strftime(TIME_FORMAT)
    said = drawable_only(f"{when} · {found.who or '—'} · {found.caption}").rstrip(" ·")
    return said + "\n" + plain(t(lang, "tamper.dossier.photo_hash", short=short(found.sha256)))


def _evidence_hashes(
    pdf: Paper, db: sqlite_utils.Database, context: BuildContext, item: Item, lang: str
) -> None:
    """Every stored evidence file of the item with the short form of its sha256, so a copy
    of a photo or document handed round in a meeting can be matched to the record."""
    files = [found for found in item_files(db, item.id) if found.sha256]
    if not files:
        return
    pdf.ln(3)
    heading(pdf, plain(t(lang, "tamper.dossier.files")), 13)
    for found in files:
        line = t(
            lang,
            "tamper.dossier.file",
            when=found.taken_at.astimezone(context.tz).strftime(TIME_FORMAT),
            kind=t(lang, f"tamper.kind.{found.kind}"),
            who=found.who or "—",
            short=short(found.sha256),
        )
        write_text(pdf, plain(line), 5)


def _integrity(pdf: Paper, context: BuildContext, head: Head | None, lang: str) -> None:
    """The audit chain's head when the dossier was made: a copy outside the database that
    ``duban verify --head`` can later check the record against."""
    pdf.ln(4)
    heading(pdf, plain(t(lang, "tamper.dossier.integrity")), 13)
    if head is None:
        write_text(pdf, plain(t(lang, "tamper.dossier.no_head")), 5)
        return
    when = context.now.astimezone(context.tz).strftime(TIME_FORMAT)
    text = t(lang, "tamper.dossier.head", when=when, event=head.event_id, head=head.hash)
    write_text(pdf, plain(text), 5)
