"""Column names, level and status labels, shared by the reader and the exporter.

A header matches a field when, after folding width and case and dropping spaces, line
breaks and punctuation, it equals one of the field's names below, or does so once a
bracketed note is removed (``办理时限（年月日）``). No fuzzy matching: a column the
office named differently is reported, not guessed. ``编号`` means 序号 (row numbering,
as most office tables use it); our export writes the stable item code as ``督办编号``.
"""

from __future__ import annotations

import re
import unicodedata

# Canonical field → names it may carry in a sheet (Chinese and English). The first name
# is the one our export writes in Chinese; EXPORT_HEADERS_EN gives the English ones.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("督办编号", "项目编号", "事项编号", "Code", "Item code"),
    "seq": ("序号", "编号", "No.", "No", "Seq", "#"),
    "problem": (
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
    "measure": (
        "措施",
        "整改措施",
        "推进措施",
        "措施清单",
        "工作措施",
        "具体措施",
        "Measures",
        "Measure",
    ),
    "unit": (
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
    "co_units": ("配合单位", "协办单位", "配合部门", "Co-units", "Co-unit", "Supporting units"),
    "deadline": (
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
    # Written by our export next to a date cell, so the office's wording (6月底前) survives
    # a round trip; the deadline cell decides, and the wording is kept only if it agrees.
    "deadline_text": ("时限原文", "Deadline as written"),
    "target": ("跟踪督办目标", "目标", "督办目标", "目标任务", "工作目标", "Target"),
    "area": ("领域", "所属领域", "Area"),
    "town": ("镇区", "属地", "所在镇区", "镇（区）", "Town"),
    "company": ("企业", "企业名称", "Company"),
    "notes": ("备注", "Notes", "Note", "Remarks"),
    "level": ("督办等级", "督办级别", "等级", "Level"),
    "status": ("状态", "办理状态", "Status"),
    # Registered inspectors the office assigns to the item (they verify its close-out).
    "inspectors": ("督查人员", "联系督查", "包挂督查", "Inspectors"),
    # The company's place (WGS-84, as a phone's GPS gives it): two columns, or one 坐标 cell.
    "latitude": ("纬度", "企业纬度", "Latitude", "Lat"),
    "longitude": ("经度", "企业经度", "Longitude", "Lng", "Lon"),
    "coordinates": ("坐标", "经纬度", "企业坐标", "位置坐标", "Coordinates"),
}

FIELDS = tuple(FIELD_NAMES)

# Columns our export adds that the reader deliberately does not import.
EXPORT_ONLY_HEADERS = {
    "period": ("期次", "Period"),
    "last_activity": ("最近动态", "Last activity"),
    # The level now in force (sheet, by hand, or from the deadline); 督办等级 is the sheet's.
    "current_level": ("当前等级", "Current level"),
}

EXPORT_HEADERS_EN = {
    "code": "Code",
    "seq": "No.",
    "problem": "Problem",
    "measure": "Measures",
    "unit": "Responsible unit",
    "co_units": "Co-units",
    "deadline": "Deadline",
    "deadline_text": "Deadline as written",
    "target": "Target",
    "area": "Area",
    "town": "Town",
    "company": "Company",
    "notes": "Notes",
    "level": "Level",
    "status": "Status",
    "inspectors": "Inspectors",
    "latitude": "Latitude",
    "longitude": "Longitude",
}

STATUS_LABELS = {
    "zh": {
        "open": "待办理",
        "in_progress": "办理中",
        "close_requested": "申请销号",
        "closed": "已销号",
    },
    "en": {
        "open": "Open",
        "in_progress": "In progress",
        "close_requested": "Close-out requested",
        "closed": "Closed",
    },
}

LEVEL_LABELS = {
    "zh": {
        "none": "",
        "blue": "一般督办（蓝）",
        "yellow": "重点督办（黄）",
        "red": "提级督办（红）",
    },
    "en": {"none": "", "blue": "Blue", "yellow": "Yellow", "red": "Red"},
}

# Words that mark a level in a cell, in any of the ways offices write it.
_LEVEL_WORDS = {
    "blue": ("蓝", "一般", "blue"),
    "yellow": ("黄", "重点", "yellow"),
    "red": ("红", "提级", "挂牌", "red"),
}
_NO_LEVEL = {"", "无", "none", "-", "—", "/"}

_DROP = re.compile(r"[\s*＊:：._\-·]+")
_BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")


def header_key(text: str) -> str:
    """The form headers are compared in: NFKC, lower case, no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


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


def display_header(text: str) -> str:
    """A header as the user reads it: line breaks and runs of spaces become one space,
    and none is left between Chinese characters (``办理\\n时限`` → ``办理时限``)."""
    parts = text.split()
    shown = ""
    for part in parts:
        if shown and not (_is_cjk(shown[-1]) or _is_cjk(part[0])):
            shown += " "
        shown += part
    return shown


def _is_cjk(char: str) -> bool:
    return char >= "\u2e80"


def parse_level(text: str) -> str | None:
    """'none'/'blue'/'yellow'/'red' from a 督办等级 cell, or None when unreadable."""
    key = header_key(text)
    if key in _NO_LEVEL:
        return "none"
    found = {level for level, words in _LEVEL_WORDS.items() if any(w in key for w in words)}
    return found.pop() if len(found) == 1 else None


_STATUS_BY_KEY = {
    header_key(label): status
    for labels in STATUS_LABELS.values()
    for status, label in labels.items()
} | {header_key(status): status for status in STATUS_LABELS["en"]}


def parse_status(text: str) -> str | None:
    """The status code our export wrote, or None for anything else (display only)."""
    return _STATUS_BY_KEY.get(header_key(text))
