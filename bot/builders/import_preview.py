"""Importing the supervision sheet sent in the chat: the CLI's plan, shown before it is applied.

1. ``import`` job: the document is downloaded to MEDIA_DIR/in/<job>/ from the chat that
   sent it (bot/builders/sheet_download.py; never parsed in memory from the chat), read
   with the same safety checks and planned with the same ``plan_import`` as ``duban
   import``; the preview says N new, U changed and lists row errors, and an annotated
   copy of the sheet marks each faulty row and cell in red.
2. ``import_apply`` job, after the admin's (single-use) confirmation: the file is read and
   planned again; if the plan still says what the preview said, it is applied in the
   delivering transaction, all or nothing. If the ledger changed meanwhile, a new preview
   is shown instead.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import sqlite_utils
from openpyxl.comments import Comment
from openpyxl.styles import Alignment

from bot.actions import button_to
from bot.builders.build import BuildContext, Result, document, sync_file
from bot.domain.audit import ActorKind, Origin
from bot.domain.lifecycle import DomainError
from bot.i18n import Safe, plain, t
from bot.runtime.work import Keyboard, Work
from bot.services import sheet_import
from bot.services.assignments import assign_from_sheet
from bot.sheets import print_style as style
from bot.sheets.importing import ImportPlan, apply_plan, file_sha256, plan_import, resolve_period
from bot.sheets.model import RowError, SheetFileError, SheetReadResult
from bot.sheets.reader import read_sheet
from bot.sheets.safety import SheetRows, cell_text
from bot.sheets.wording import file_error_text, reason_text, row_error_text, row_note_text
from storage import ledger, report_jobs
from storage.report_jobs import ReportJob

ERRORS_SHOWN = 10
_UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class DownloadFailed(DomainError):
    key = "import.download_failed"


class ImportExpired(DomainError):
    key = "import.expired"


def sheet_path(context: BuildContext, job_id: int, file_name: str) -> Path:
    suffix = Path(file_name).suffix.lower()
    stem = _UNSAFE_NAME.sub("_", Path(file_name).stem)[:60] or "sheet"
    return context.in_dir(job_id) / f"{stem}{suffix}"


def _read_and_plan(
    db: sqlite_utils.Database, context: BuildContext, path: Path, period: str | None
) -> tuple[SheetReadResult, ImportPlan, int]:
    name, year = resolve_period(db, period, context.now)
    result = read_sheet(path, year)
    return result, plan_import(db, result, name), year


def preview_text(lang: str, file_name: str, plan: ImportPlan) -> str:
    text = t(
        lang,
        "import.preview",
        file=file_name,
        period=plan.period,
        new=len(plan.new),
        changed=len(plan.updates),
        unchanged=plan.unchanged,
        skipped=plan.skipped,
    )
    if plan.assigned:
        text += t(lang, "verify.import_assigned", count=plan.assigned)
    if plan.places:
        text += t(lang, "import.places", count=len(plan.places))
    if not plan.errors:
        return text
    ordered = sorted(plan.errors, key=lambda e: (e.row, e.column or ""))
    lines = "\n".join(f"• {row_error_text(lang, error)}" for error in ordered[:ERRORS_SHOWN])
    more = ""
    if len(ordered) > ERRORS_SHOWN:
        more = Safe(t(lang, "import.more_errors", count=len(ordered) - ERRORS_SHOWN))
    return text + t(lang, "import.errors", count=len(ordered), lines=lines, more=more)


def confirm_keyboard(lang: str, source_job: int, plan: ImportPlan) -> Keyboard:
    expect = {"new": len(plan.new), "changed": len(plan.updates), "places": len(plan.places)}
    return [
        [
            button_to(sheet_import.confirm, t(lang, "import.confirm"), job=source_job, **expect),
            button_to(sheet_import.cancel, t(lang, "import.cancel"), job=source_job),
        ]
    ]


def build_preview(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """Read and plan the sheet; the preview, with errors annotated in a copy of the sheet."""
    lang, file_name = job.language, job.params["file_name"]
    path = sheet_path(context, job.id, file_name)
    try:
        result, plan, _ = _read_and_plan(db, context, path, job.params.get("period"))
    except SheetFileError as error:
        reason = file_error_text(lang, error)
        return Result(t(lang, "import.bad_file", file=file_name, reason=reason))
    text = preview_text(lang, file_name, plan)
    if plan.errors:
        marked = context.out_dir(job.id) / f"errors-{path.stem}.xlsx"
        stem = f"{Path(file_name).stem}-{plain(lang, 'import.annotated_suffix')}"
        footer = f"{stem} · {plain(lang, 'periods.export.scope', name=plan.period)}"
        annotate(path, result, plan.errors, marked, lang, footer)
        name = f"{stem}.xlsx"
        return Result(text, sends=[document(marked, t(lang, "import.annotated_caption"), name)])
    if not plan.new and not plan.updates and not plan.assignments and not plan.places:
        return Result(text + t(lang, "import.nothing"))
    return Result(text, keyboard=confirm_keyboard(lang, job.id, plan))


def build_apply(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """Plan again from the same file; apply only a plan that matches the preview."""
    lang = job.language
    source = report_jobs.get(db, int(job.params["source"]))
    if source is None or source.kind != "import":
        raise ImportExpired
    path = sheet_path(context, source.id, source.params["file_name"])
    if not path.is_file():
        raise ImportExpired
    try:
        _, plan, year = _read_and_plan(db, context, path, source.params.get("period"))
    except SheetFileError as error:
        reason = file_error_text(lang, error)
        return Result(t(lang, "import.bad_file", file=path.name, reason=reason), failed=True)
    expect = job.params["expect"]
    planned = (len(plan.new), len(plan.updates), len(plan.places))
    if plan.errors or planned != (expect["new"], expect["changed"], expect.get("places", 0)):
        text = t(lang, "import.changed_since") + "\n\n"
        text += preview_text(lang, source.params["file_name"], plan)
        keyboard = None if plan.errors else confirm_keyboard(lang, source.id, plan)
        return Result(text, keyboard=keyboard)
    return Result("", commit=ApplyImport(plan, file_sha256(path), year, lang))


@dataclass(frozen=True)
class ApplyImport:
    """Applies the checked plan in the delivering transaction, all or nothing."""

    plan: ImportPlan
    sha256: str
    year: int
    lang: str

    def __call__(self, work: Work) -> tuple[str, Keyboard | None]:
        origin = Origin(ActorKind.IMPORT, self.sha256, work.at, person_id=work.person.id)
        with work.db.atomic():
            ledger.ensure_period(work.db, self.plan.period, self.year, origin)
            pairs = apply_plan(work.db, self.plan, origin)
            assign_from_sheet(work, pairs, origin)
        counts = {"new": len(self.plan.new), "changed": len(self.plan.updates)}
        return t(self.lang, "import.applied", **counts), None


# --- the annotated copy ----------------------------------------------------------------------


def annotate(
    path: Path,
    result: SheetReadResult,
    errors: list[RowError],
    target: Path,
    lang: str,
    footer: str = "",
) -> Path:
    """The sheet's rows with an error column, faulty rows and cells red, reasons as comments.

    It is the office's own sheet, so its fonts stay: a faulty cell changes colour, not face
    (bot/sheets/print_style.py ``recoloured``). Every sheet prints landscape, one page
    wide, the checked sheet with its header rows repeated and ``footer`` (the file and the
    period) beside 第 N 页 共 M 页; a sheet read from CSV is built in the workbooks' style."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops
        if path.suffix.lower() == ".xlsx":
            book = openpyxl.load_workbook(path)
            sheet = book[result.sheet]
        else:
            book = style.new_workbook()
            sheet = book.active
            rows = SheetRows(sheet)  # a CSV cell may start a formula or hold a control char
            for row in _csv_rows(path, result.encoding or "utf-8"):
                rows.append(row)
            _style_csv_table(rows, result.header_row)
    header_row = result.header_row
    column_of = _header_columns(sheet, header_row)
    error_column = sheet.max_column + 1
    notes = SheetRows(sheet)  # reasons quote cells: written through the one safe writer
    head = notes.put(header_row, error_column, t(lang, "import.error_column"))
    _note_look(head, sheet.cell(row=header_row, column=error_column - 1))
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    for row, row_errors in by_row.items():
        # One cell per row, every reason in it, in the language of whoever sent the sheet.
        reasons = "；".join(row_note_text(lang, e) for e in row_errors)
        cell = notes.put(row, error_column, reasons)
        _note_look(cell, sheet.cell(row=row, column=error_column - 1))
        _fit_row(sheet, row)
        for column in range(1, error_column):
            sheet.cell(row=row, column=column).fill = style.ERROR_FILL
        for error in row_errors:
            column = column_of.get(error.column or "")
            if column:
                faulty = sheet.cell(row=row, column=column)
                faulty.comment = Comment(cell_text(reason_text(lang, error)), "Duban")
                faulty.font = style.recoloured(faulty.font, style.ERROR_COLOR)
    sheet.column_dimensions[openpyxl.utils.get_column_letter(error_column)].width = 60
    for each in book.worksheets:
        if each is sheet:
            sheet.print_area = None  # an area the office set would leave the reasons off
            style.printable(sheet, lang, footer, header_row)
        else:
            style.printable(each, lang, footer, 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return sync_file(target)


def _note_look(cell, beside) -> None:
    """A reason cell: the font of the cell beside it in the error colour, wrapped and
    bordered, so the column reads as part of the office's table."""
    cell.font = style.recoloured(beside.font, style.ERROR_COLOR)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.border = style.BORDER


def _fit_row(sheet, row: int) -> None:
    """A row tall enough for its wrapped cells, the reason among them: a program that
    opens the copy keeps a row's height, so a short one would print the reason cut."""
    lines = 1
    for cell in sheet[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = sheet.column_dimensions[cell.column_letter].width or _DEFAULT_WIDTH
            lines = max(lines, style.text_lines(cell.value, width))
    needed = lines * style.LINE_POINTS + 2
    if (sheet.row_dimensions[row].height or 0) < needed:
        sheet.row_dimensions[row].height = needed


_DEFAULT_WIDTH = 8.43  # Excel's column width when the sheet sets none


def _style_csv_table(rows: SheetRows, header_row: int) -> None:
    """A sheet read from CSV has no look of its own: headers bold and shaded, every cell
    bordered, text wrapped in columns of a readable width."""
    width = rows.sheet.max_column
    for number in range(1, rows.last_row + 1):
        for column in range(1, width + 1):
            cell = rows.cell(column, number)
            cell.border = style.BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if number <= header_row:
                cell.font = style.BOLD
                cell.fill = style.HEADER_FILL
    for column in range(1, width + 1):
        rows.sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 16
    for number in range(1, rows.last_row + 1):
        _fit_row(rows.sheet, number)


def _header_columns(sheet, header_row: int) -> dict[str, int]:
    """Header text → column number, from every header row (two-row headers included)."""
    columns: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1, max_row=header_row):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip():
                columns.setdefault(cell.value.strip(), cell.column)
                columns.setdefault(" ".join(cell.value.split()), cell.column)
    return columns


def _csv_rows(path: Path, encoding: str) -> list[list[str]]:
    text = path.read_bytes().decode(encoding, errors="replace")
    best: list[list[str]] = []
    for delimiter in (",", "\t", ";"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if max((len(r) for r in rows), default=0) > max((len(r) for r in best), default=0):
            best = rows
    return best
