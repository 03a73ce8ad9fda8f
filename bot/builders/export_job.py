"""The export builder of /export and ``duban export``: the office's workbook for a period,
town, unit or company (一镇区一企一表一清单), with each item's history and the visits behind
them (where each inspector was, 位置不符 flagged) on sheets of their own, and optionally a
.zip with the evidence.

The .zip holds the workbook and the evidence files under ``evidence/<code>/``; the
evidence sheet links each file by a relative hyperlink, which opens once the parts are
unpacked into one folder. Parts stay under Telegram's 50 MB upload limit. Each part has a
``manifest.csv`` with the sha256 of every file in it, and the evidence sheet shows the same
hashes, so anyone can check a file they were given against the record.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlite_utils
from openpyxl import Workbook

from bot.builders import timeline
from bot.builders.build import BuildContext, Result, document, sync_file
from bot.builders.scope import Scope, scope_name
from bot.builders.visits_sheet import add_visits_sheet, export_visit_ids
from bot.domain.permissions import require_export
from bot.i18n import plain, t
from bot.sheets import print_style as style
from bot.sheets.exporting import export_data
from bot.sheets.print_style import ColumnStyle, Kind
from bot.sheets.safety import SheetRows
from bot.sheets.writer import sheet_title, write_xlsx
from storage import people
from storage.evidence import ITEM_JOINS, ITEM_OF
from storage.report_jobs import ReportJob

PART_LIMIT = 45 * 1024 * 1024  # Telegram takes 50 MB from bots; leave room for zip headers
_UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


@dataclass(frozen=True)
class EvidenceFile:
    code: str
    taken_at: datetime
    kind: str
    caption: str
    who: str
    source: Path
    archive_name: str  # path inside the .zip, also the hyperlink target
    sha256: str = ""  # as recorded when the file was stored (its name under MEDIA_DIR)


@dataclass(frozen=True)
class Export:
    """What one export wrote: its workbook, and the .zip parts when evidence was asked for."""

    scope: str  # the scope's name, as messages and file names say it
    count: int  # items
    name: str  # the file name without its suffix: 督办台账_<scope>_<day>
    workbook: Path
    parts: list[Path]
    files: int  # evidence files in the parts


def write_export(
    context: BuildContext,
    db: sqlite_utils.Database,
    scope: Scope,
    out: Path,
    lang: str,
    *,
    history: bool = True,
    evidence: bool = False,
) -> Export:
    """The one export builder, for the chat's /export job and ``duban export`` alike: the
    scope's workbook in ``out`` (with the visits sheet, and the history sheet unless it is
    left out), and its evidence in .zip parts when asked for."""
    data = export_data(db, context.tz, **scope.as_filter(), now=context.now, language=lang)
    named = scope_name(lang, scope)
    ids = _item_ids(db, {item.code for item in data.items})
    found = _evidence(db, context, ids) if evidence else []
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / "export.xlsx"

    def extend(book: Workbook) -> None:
        used = {sheet.title.lower() for sheet in book.worksheets}
        footer = data.title  # every sheet prints under the export's title
        if history:
            add_history_sheet(book, db, ids, context, lang, used, footer, until=data.as_of)
        visits = export_visit_ids(db, ids, scope.as_filter())
        add_visits_sheet(book, db, visits, context.tz, lang, used, footer)
        if evidence:
            add_evidence_sheet(book, found, context, lang, used, footer)

    write_xlsx(workbook, data, extend)
    sync_file(workbook)
    name = f"{t(lang, 'export.file_stem')}_{_safe(named)}_{context.today.isoformat()}"
    parts = write_zip_parts(out, workbook, f"{name}.xlsx", found, lang) if evidence else []
    return Export(named, len(data.items), name, workbook, parts, len(found))


def build_export(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """In a worker thread: the workbook (and .zip parts) on disk, then the documents."""
    lang = job.language
    require_export(people.by_id(db, job.person_id))
    scope = Scope.of(job.params.get("filter"))
    with_evidence = job.params.get("format") == "zip"
    made = write_export(context, db, scope, context.out_dir(job.id), lang, evidence=with_evidence)
    if not made.count:
        return Result(t(lang, "export.empty", scope=made.scope))
    caption = t(lang, "export.caption", scope=made.scope, count=made.count)
    if not with_evidence:
        return Result(
            t(lang, "export.done", scope=made.scope, count=made.count),
            sends=[document(made.workbook, caption, f"{made.name}.xlsx")],
        )
    total = len(made.parts)
    sends = [
        document(part, caption if number == 1 else "", f"{made.name}_{number}of{total}.zip")
        for number, part in enumerate(made.parts, start=1)
    ]
    text = t(
        lang,
        "export.done_zip",
        scope=made.scope,
        count=made.count,
        files=made.files,
        parts=total,
    )
    return Result(text, sends=sends)


def _safe(text: str) -> str:
    return _UNSAFE_NAME.sub("_", text).strip("_")[:40] or "export"


def _item_ids(db: sqlite_utils.Database, codes: set[str]) -> dict[int, str]:
    return {
        item_id: code for item_id, code in db.execute("SELECT id, code FROM items") if code in codes
    }


def _people(db: sqlite_utils.Database) -> dict[int, str]:
    return {person_id: name for person_id, name in db.execute("SELECT id, name FROM people")}


def history_rows(
    db: sqlite_utils.Database,
    ids: dict[int, str],
    context: BuildContext,
    lang: str,
    until: date | None = None,
) -> list[list[object]]:
    """Every event of the exported items, by code then as /history orders them: the events
    come from the one assembler (bot/builders/timeline.py), a few bulk queries in all.

    A period's export (``until``: its last day) stops there, so the sheet tells the story
    of the picture beside it and not what happened after the period."""
    rows: list[list[object]] = []
    found = timeline.histories(db, ids)
    for item_id, code in sorted(ids.items(), key=lambda pair: pair[1]):
        for event in found.get(item_id, []):
            local = event.at.astimezone(context.tz)
            if until is not None and local.date() > until:
                continue
            when = local.strftime("%Y-%m-%d %H:%M")
            what, detail = timeline.sheet_cells(lang, event)
            rows.append([code, when, timeline.actor(lang, event), what, detail])
    return rows


def _add_table(
    book: Workbook, title: str, headers: list[str], columns: Sequence[ColumnStyle], used: set[str]
) -> SheetRows:
    """A sheet with a header row, written through the one safe writer and styled as every
    workbook's tables are (bot/sheets/print_style.py)."""
    table = SheetRows(book.create_sheet(sheet_title(title, used)))
    style.header_row(table, headers, columns)
    table.sheet.freeze_panes = "A2"
    return table


_WHEN = ColumnStyle(17, Kind.DATE)
_HISTORY = (ColumnStyle(12), _WHEN, ColumnStyle(14), ColumnStyle(16), ColumnStyle(70, wrap=True))
_EVIDENCE = (
    ColumnStyle(12),
    _WHEN,
    ColumnStyle(8),
    ColumnStyle(12),
    ColumnStyle(40, wrap=True),
    ColumnStyle(40, wrap=True),
    ColumnStyle(66),
)


def add_history_sheet(
    book: Workbook,
    db: sqlite_utils.Database,
    ids: dict[int, str],
    context: BuildContext,
    lang: str,
    used: set[str],
    footer: str,
    until: date | None = None,
) -> None:
    """Every event of the exported items, one per row, printed under ``footer``."""
    names = ("code", "when", "who", "what", "detail")
    headers = [plain(lang, f"export.history.{name}") for name in names]
    title = plain(lang, "export.history_sheet")
    table = _add_table(book, title, headers, _HISTORY, used)
    for row in history_rows(db, ids, context, lang, until):
        table.append(row)
        style.style_row(table, _HISTORY)
    style.add_filter(table, 1, len(_HISTORY))
    style.printable(table.sheet, lang, footer, 1)


def _evidence(
    db: sqlite_utils.Database, context: BuildContext, ids: dict[int, str]
) -> list[EvidenceFile]:
    """Stored evidence files of the exported items that are on disk."""
    by_id = _people(db)
    found: list[EvidenceFile] = []
    seen: dict[str, int] = defaultdict(int)
    for evidence_id, item_id, kind, sha256, file_name, caption, taken_at, person_id in db.execute(
        f"SELECT e.id, {ITEM_OF}, e.kind, e.sha256, "
        "e.file_name, e.caption, e.taken_at, e.person_id FROM evidence e "
        f"{ITEM_JOINS} "
        "WHERE e.withdrawn = 0 AND e.stored = 'stored' AND e.sha256 IS NOT NULL ORDER BY e.id"
    ):
        code = ids.get(item_id)
        source = timeline.media_file(context.media_dir, sha256) if code else None
        if source is None:
            continue
        suffix = archive_suffix(file_name, source.suffix or _SUFFIX.get(kind, ""))
        stem = _safe(Path(file_name).stem) if file_name else kind
        seen[code] += 1
        found.append(
            EvidenceFile(
                code=code,
                taken_at=datetime.fromisoformat(taken_at),
                kind=kind,
                caption=caption or "",
                who=by_id.get(person_id, ""),
                source=source,
                archive_name=f"evidence/{_safe(code)}/{evidence_id}-{stem}{suffix}",
                sha256=sha256,
            )
        )
    return found


_SUFFIX = {"photo": ".jpg", "video": ".mp4", "voice": ".ogg", "document": ""}

# The kinds of file evidence keeps its extension for: images, pdf, office files, audio, video
# and plain text. Anything else (.html, .svg, .exe, .lnk, .js, .xlsm…) is saved as .bin, so a
# double-click in an unpacked export opens a viewer or nothing, never runs what someone sent.
EVIDENCE_SUFFIXES = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif"),
        ".pdf",
        *(".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".dps", ".rtf"),
        *(".odt", ".ods", ".odp"),
        *(".mp3", ".m4a", ".aac", ".wav", ".amr", ".ogg", ".oga", ".opus", ".flac"),
        *(".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm", ".wmv"),
        ".txt",
    }
)


def archive_suffix(file_name: str | None, fallback: str) -> str:
    """The extension an evidence file gets in a zip: its own (or ``fallback``, for files
    sent without a name) when it is a known kind, else ``.bin``."""
    suffix = (Path(file_name).suffix if file_name else fallback).lower()
    return suffix if suffix in EVIDENCE_SUFFIXES else ".bin"


def add_evidence_sheet(
    book: Workbook,
    evidence: list[EvidenceFile],
    context: BuildContext,
    lang: str,
    used: set[str],
    footer: str,
) -> None:
    """The evidence files, each linked by its path in the .zip, with its sha256."""
    names = ("code", "when", "kind", "who", "caption", "file")
    headers = [plain(lang, f"export.evidence.{name}") for name in names]
    headers.append(plain(lang, "tamper.export.sha256"))
    title = plain(lang, "export.evidence_sheet")
    table = _add_table(book, title, headers, _EVIDENCE, used)
    for found in evidence:
        when = found.taken_at.astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
        table.append(
            [
                found.code,
                when,
                found.kind,
                found.who,
                found.caption,
                found.archive_name,
                found.sha256,
            ]
        )
        style.style_row(table, _EVIDENCE)
        link = table.cell(6)
        link.hyperlink = found.archive_name  # relative: resolves next to the unpacked workbook
        link.font = style.LINK_FONT
    style.printable(table.sheet, lang, footer, 1)


MANIFEST = "manifest.csv"
_MANIFEST_COLUMNS = ("path", "sha256", "bytes", "code", "kind", "taken_at")


def write_zip_parts(
    out: Path, workbook: Path, workbook_name: str, evidence: list[EvidenceFile], lang: str = "zh"
) -> list[Path]:
    """The workbook and evidence in .zip parts, each under PART_LIMIT (stored, not deflated:
    photos and .xlsx are compressed already), each closed by its ``manifest.csv``."""
    parts: list[Path] = []
    current: zipfile.ZipFile | None = None
    listed: list[list[object]] = []
    size = 0

    def close_part() -> None:
        assert current is not None
        current.writestr(MANIFEST, _manifest(listed, lang))
        current.close()
        sync_file(parts[-1])

    def new_part() -> zipfile.ZipFile:
        nonlocal size
        if current is not None:
            close_part()
        parts.append(out / f"part{len(parts) + 1}.zip")
        listed.clear()
        size = 0
        return zipfile.ZipFile(parts[-1], "w", compression=zipfile.ZIP_STORED)

    current = new_part()
    current.write(workbook, workbook_name)
    length = workbook.stat().st_size
    listed.append([workbook_name, _file_sha256(workbook), length, "", "", ""])
    size += length
    for found in evidence:
        length = found.source.stat().st_size
        if size and size + length + 1024 + _MANIFEST_ROOM > PART_LIMIT:
            current = new_part()
        current.write(found.source, found.archive_name)
        when = found.taken_at.isoformat()
        listed.append([found.archive_name, found.sha256, length, found.code, found.kind, when])
        size += length + len(found.archive_name) + 100 + _MANIFEST_ROW
    close_part()
    return parts


_MANIFEST_ROOM = 1024  # the manifest's header
_MANIFEST_ROW = 200  # and each of its rows, at most (a 64-hex hash, a path, a time)


def _manifest(rows: list[list[object]], lang: str) -> str:
    """The part's files with their sha256, as CSV (with a BOM, so Excel reads the UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(lang, f"tamper.manifest.{name}") for name in _MANIFEST_COLUMNS])
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
