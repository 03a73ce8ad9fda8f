"""The supervision table's columns, each declared once: its name, the header our export
writes (Chinese first, then English), every other header the reader takes for it, how the
reader reads its cells, and what the export writes in it.

The reader's header matching (``match_field``), the export's header row and cells
(bot/sheets/writer.py) and the column widths all come from ``COLUMNS``, so a column added
here is read and written alike. Order is the export's: the code first (a re-import matches
by it), 督查人员 and the coordinates last (they came later, and older copies of the sheet
keep their columns in place).

A header matches a field when, after folding width and case and dropping spaces, line
breaks and punctuation (``headers.header_key``), it equals one of the field's headers, or
does so once a bracketed note is removed (``办理时限（年月日）``). No fuzzy matching: a
column the office named differently is reported, not guessed. ``编号`` means 序号 (row
numbering, as most office tables use it); our export writes the stable item code as
``督办编号``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from bot.sheets.headers import LEVEL_LABELS, STATUS_LABELS, header_key
from bot.sheets.model import ExportItem

_CHINA = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991


class Reading(Enum):
    """How the reader takes a column's cells."""

    LINE = "line"  # one line: runs of spaces and line breaks become one space (names, codes)
    TEXT = "text"  # as written, line breaks kept (problems, measures)
    RULE = "rule"  # by a rule of its own in bot/sheets/table.py (dates, units, levels, places)
    NEVER = "never"  # written by the export for the reader's eyes, never read back


# What the export writes in a column: from the item, in the export's language and words.
Cell = Callable[[ExportItem, str, Mapping[str, str]], object]


@dataclass(frozen=True)
class Column:
    name: str  # the field it holds (SheetRow / ExportItem attribute, RowError column)
    headers: tuple[str, ...]  # the first is the export's Chinese header; all are read
    en: str  # the export's English header
    reading: Reading
    cell: Cell | None = None  # None: the export has no such column (read only)
    width: int = 0  # in the export's item tables
    wrap: bool = False


def _attribute(name: str) -> Cell:
    """A text field as written; an empty one (None or "") as an empty string."""
    return lambda item, _language, _words: getattr(item, name) or ""


def _numeric(name: str) -> Cell:
    """A 序号 or 期次 written as digits (12, 2024) as a number, so it sorts and prints as
    one; anything else (3-1, 01, 2026年第一批) as the text it is, so nothing the office
    wrote changes (the reader takes 12 back as "12")."""

    def cell(item: ExportItem, _language: str, _words: Mapping[str, str]) -> object:
        text = getattr(item, name) or ""
        if text.isascii() and text.isdigit() and str(int(text)) == text:
            return int(text)
        return text

    return cell


def _joined(name: str) -> Cell:
    return lambda item, _language, _words: "、".join(getattr(item, name))


def _deadline(item: ExportItem, _language: str, words: Mapping[str, str]) -> object:
    if item.deadline is not None:
        return item.deadline
    if item.deadline_text:
        return item.deadline_text
    if item.recurring in ("monthly", "quarterly"):
        return words[item.recurring]
    return words["ongoing"] if item.ongoing else ""


def _sheet_level(item: ExportItem, language: str, _words: Mapping[str, str]) -> object:
    return LEVEL_LABELS[language].get(item.sheet_level, item.sheet_level)


def _current_level(item: ExportItem, language: str, _words: Mapping[str, str]) -> object:
    return LEVEL_LABELS[language].get(item.level, item.level)


def _latest_figure(item: ExportItem, _language: str, _words: Mapping[str, str]) -> object:
    """A whole number as people write it (79, not 79.0)."""
    figure = item.latest_figure
    if figure is None:
        return None
    return int(figure) if figure.is_integer() else figure


def _status(item: ExportItem, language: str, _words: Mapping[str, str]) -> object:
    return STATUS_LABELS[language].get(item.status, item.status)


def _last_activity(item: ExportItem, _language: str, _words: Mapping[str, str]) -> object:
    """Excel has no time zones: aware times become China time, naive ones are kept."""
    moment = item.last_activity
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(_CHINA).replace(tzinfo=None)


def _latitude(item: ExportItem, _language: str, _words: Mapping[str, str]) -> object:
    return item.point.latitude if item.point else None


def _longitude(item: ExportItem, _language: str, _words: Mapping[str, str]) -> object:
    return item.point.longitude if item.point else None


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        ("督办编号", "项目编号", "事项编号", "Code", "Item code"),
        "Code",
        Reading.LINE,
        _attribute("code"),
        10,
    ),
    Column("period", ("期次",), "Period", Reading.NEVER, _numeric("period"), 6),
    Column(
        "seq", ("序号", "编号", "No.", "No", "Seq", "#"), "No.", Reading.LINE, _numeric("seq"), 5
    ),
    Column("area", ("领域", "所属领域", "Area"), "Area", Reading.LINE, _attribute("area"), 10),
    Column(
        "town",
        ("镇区", "属地", "所在镇区", "镇（区）", "Town"),
        "Town",
        Reading.LINE,
        _attribute("town"),
        8,
    ),
    Column(
        "company",
        ("企业", "企业名称", "Company"),
        "Company",
        Reading.LINE,
        _attribute("company"),
        12,
    ),
    Column(
        "problem",
        (
            "问题",
            "问题清单",
            "存在问题",
            "主要问题",
            "问题描述",
            "问题表现",
            "Problem",
            "Problems",
            "Issue",
        ),
        "Problem",
        Reading.TEXT,
        _attribute("problem"),
        30,
        wrap=True,
    ),
    Column(
        "measure",
        ("措施", "整改措施", "推进措施", "措施清单", "工作措施", "具体措施", "Measures", "Measure"),
        "Measures",
        Reading.TEXT,
        _attribute("measure"),
        30,
        wrap=True,
    ),
    Column(
        "unit",
        (
            "承办单位",
            "责任单位",
            "牵头单位",
            "责任部门",
            "牵头部门",
            "主办单位",
            "责任清单",
            "Responsible unit",
            "Lead unit",
            "Unit",
        ),
        "Responsible unit",
        Reading.RULE,  # with 配合单位: bot.domain.units.parse_units
        _attribute("unit"),
        12,
    ),
    Column(
        "co_units",
        ("配合单位", "协办单位", "配合部门", "Co-units", "Co-unit", "Supporting units"),
        "Co-units",
        Reading.RULE,
        _joined("co_units"),
        14,
        wrap=True,
    ),
    Column(
        "deadline",
        (
            "办理时限",
            "完成时限",
            "时间节点",
            "完成时间",
            "整改时限",
            "截止时间",
            "时限",
            "Deadline",
            "Due",
        ),
        "Deadline",
        Reading.RULE,  # bot.domain.deadlines.parse_deadline
        _deadline,
        11,
    ),
    # Written by our export next to a date cell, so the office's wording (6月底前) survives
    # a round trip; the deadline cell decides, and the wording is kept only if it agrees.
    Column(
        "deadline_text",
        ("时限原文", "Deadline as written"),
        "Deadline as written",
        Reading.RULE,
        _attribute("deadline_text"),
        10,
        wrap=True,
    ),
    Column(
        "target",
        ("跟踪督办目标", "目标", "督办目标", "目标任务", "工作目标", "Target"),
        "Target",
        Reading.TEXT,  # its figure too: bot.domain.targets.parse_target_number
        _attribute("target"),
        18,
        wrap=True,
    ),
    # The latest figure toward the target (as of a period's last day in a period's export).
    Column("latest_figure", ("最新数据",), "Latest figure", Reading.NEVER, _latest_figure, 8),
    # The level the office's sheet gives; the export writes it back for a re-import.
    Column(
        "level",
        ("督办等级", "督办级别", "等级", "Level"),
        "Level",
        Reading.RULE,  # headers.parse_level
        _sheet_level,
        12,
    ),
    # The level now in force (sheet, by hand, or from the deadline).
    Column("current_level", ("当前等级",), "Current level", Reading.NEVER, _current_level, 12),
    # Read from our own export for display only: importing never changes an item's status.
    Column(
        "status", ("状态", "办理状态", "Status"), "Status", Reading.RULE, _status, 9
    ),  # headers.parse_status
    Column("last_activity", ("最近动态",), "Last activity", Reading.NEVER, _last_activity, 16),
    Column(
        "notes",
        ("备注", "Notes", "Note", "Remarks"),
        "Notes",
        Reading.TEXT,
        _attribute("notes"),
        14,
        wrap=True,
    ),
    # Registered inspectors the office assigns to the item (they verify its close-out).
    Column(
        "inspectors",
        ("督查人员", "联系督查", "包挂督查", "Inspectors"),
        "Inspectors",
        Reading.RULE,  # table.split_names
        _joined("inspectors"),
        10,
        wrap=True,
    ),
    # The company's place (WGS-84, as a phone's GPS gives it): two columns, or one 坐标 cell.
    Column(
        "latitude",
        ("纬度", "企业纬度", "Latitude", "Lat"),
        "Latitude",
        Reading.RULE,
        _latitude,
        11,
    ),
    Column(
        "longitude",
        ("经度", "企业经度", "Longitude", "Lng", "Lon"),
        "Longitude",
        Reading.RULE,
        _longitude,
        11,
    ),
    Column(
        "coordinates",
        ("坐标", "经纬度", "企业坐标", "位置坐标", "Coordinates"),
        "Coordinates",
        Reading.RULE,
    ),
)

# The reader's view: field → every header it takes.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    column.name: column.headers for column in COLUMNS if column.reading is not Reading.NEVER
}
FIELDS = tuple(FIELD_NAMES)
# Fields read as plain text, by how (the rest have rules of their own).
PLAIN_FIELDS: dict[str, Reading] = {
    column.name: column.reading
    for column in COLUMNS
    if column.reading in (Reading.LINE, Reading.TEXT)
}
# The export's item table, in order.
EXPORTED: tuple[Column, ...] = tuple(column for column in COLUMNS if column.cell is not None)

_BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")
_FIELD_BY_KEY = {header_key(name): f for f, names in FIELD_NAMES.items() for name in names}


def match_field(text: str) -> str | None:
    """The canonical field a header cell names, or None."""
    key = header_key(text)
    if not key:
        return None
    found = _FIELD_BY_KEY.get(key)
    if found is None:
        stripped = _BRACKETED.sub("", key)
        if stripped and stripped != key:
            found = _FIELD_BY_KEY.get(stripped)
    return found


def column_headers(language: str) -> list[str]:
    """The export's item-table header row in ``language`` ('zh' or 'en')."""
    return [column.headers[0] if language == "zh" else column.en for column in EXPORTED]


def item_cells(item: ExportItem, language: str, words: Mapping[str, str]) -> list[object]:
    """The export's item-table row for one item."""
    return [column.cell(item, language, words) for column in EXPORTED if column.cell]
