"""Plain data going in and out of supervision sheets.

The reader returns these and the exporter takes these, so neither the storage layer nor
the bot needs to know anything about openpyxl or CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.deadlines import Deadline
from bot.domain.items import ItemFields
from bot.domain.presence import Point

STATUSES = ("open", "in_progress", "close_requested", "closed")
LEVELS = ("none", "blue", "yellow", "red")


class SheetFileError(ValueError):
    """The whole file is refused (unsafe, damaged, wrong format, no header); one line."""


@dataclass(frozen=True)
class RowError:
    """One cell (or row) the office has to fix; printed as the office will read it."""

    row: int  # the row number Excel shows (or the record number in a CSV file)
    column: str | None  # the header text as the user sees it; None for the whole row
    reason: str

    def __str__(self) -> str:
        if self.column is None:
            return f"row {self.row}: {self.reason}"
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(frozen=True)
class SheetRow:
    """One task row, with both the cell values as read and what they mean.

    ``raw`` holds each recognised column's cell value as the sheet had it (after merged
    cells were filled in), keyed by canonical field name, for previews and audit.
    """

    row: int
    raw: Mapping[str, object]
    code: str
    seq: str
    problem: str
    measure: str
    unit: str | None  # the lead unit (承办/牵头)
    co_units: tuple[str, ...]
    deadline: Deadline
    target: str
    target_number: float | None
    area: str
    town: str
    company: str
    notes: str
    level: str  # one of LEVELS; 'none' when the sheet has no level column
    # Read from our own export for display only: importing never changes an item's status.
    status: str | None
    inspectors: tuple[str, ...] = ()  # names in the 督查人员 column, as written
    # The company's coordinates from 纬度/经度 or 坐标; None when the row gives none.
    point: Point | None = None


@dataclass(frozen=True)
class SheetReadResult:
    """Everything read from one sheet: good rows, row errors, and what was skipped."""

    rows: list[SheetRow]
    errors: list[RowError]
    skipped: int  # blank, subtotal and note rows between the header and the last row
    sheet: str  # the worksheet's name, or the CSV file's name
    header_row: int  # the last header row (data starts below it)
    columns: Mapping[str, str]  # canonical field → header text in the file
    encoding: str | None = None  # the CSV encoding that was used; None for .xlsx


@dataclass(frozen=True, kw_only=True)
class ExportItem(ItemFields):
    """One item as the office sees it in an exported table: its sheet fields (the ones an
    import reads, ``ItemFields``) and what the bot keeps beside them."""

    code: str
    # A one-line cell left empty reads back as "" (SheetRow), so an item made here to be
    # written compares equal with what the reader returns.
    seq: str | None = ""
    area: str | None = ""
    town: str | None = ""
    company: str | None = ""
    period: str = ""
    status: str = "open"
    level: str = "none"  # the level in force now: the highest of sheet, by hand, by deadline
    # Local (Asia/Shanghai) time; an aware datetime is converted, a naive one is taken as local.
    last_activity: dt.datetime | None = None
    # Written so that an exported, edited and re-imported table keeps them (督查人员, 纬度/经度):
    # the names of the inspectors the office assigned, and the company's coordinates.
    inspectors: Sequence[str] = ()
    point: Point | None = None
    # The latest figure reported toward the target (as of the period's last day, for a
    # period's export); written for the reader, never read back.
    latest_figure: float | None = None


@dataclass(frozen=True)
class ExportData:
    """What to export, and the local date that decides which items are overdue."""

    title: str
    today: dt.date
    items: Sequence[ExportItem] = field(default_factory=tuple)
    language: str = "zh"  # header and label language: 'zh' or 'en'
    # The audit chain's newest hash and event when exported, shown on the summary sheet so
    # every export is a copy of the head kept outside the database (None: no events yet).
    audit_head: str | None = None
    audit_head_event: int | None = None
    # A period's export shows its items as of its last day: that day, when it has passed
    # (overdue is judged on it); None for items as they are today.
    as_of: dt.date | None = None

    @property
    def overdue_day(self) -> dt.date:
        """The day that decides which items are overdue."""
        return self.as_of or self.today
