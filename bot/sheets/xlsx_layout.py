"""What openpyxl's read-only mode does not tell us: sheet order and visibility, hidden
columns and merged cells, read straight from the workbook's XML.

Read-only mode streams rows fast but drops ``<cols>`` and ``<mergeCells>``. A worksheet
part is ``<cols>``, then ``<sheetData>`` (the bulk), then ``<mergeCells>``, so we stream
the part once, cut ``<sheetData>…</sheetData>`` out without parsing it, and parse the
small remainder with defusedxml. That costs one pass of zlib and a byte search, not a
second XML parse of every cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from openpyxl.utils.cell import range_boundaries

from bot.sheets.model import SheetFileError

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_STRICT_REL = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_SHEETDATA_OPEN = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_CLOSE = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_CHUNK = 1 << 20
_OVERLAP = 64  # longer than any sheetData tag, so a tag split across chunks is found


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet as the workbook lists it, in tab order."""

    name: str
    part: str  # the zip member, e.g. xl/worksheets/sheet1.xml
    visible: bool


@dataclass
class SheetLayout:
    """Hidden columns and vertical merges of one worksheet (1-based indices)."""

    hidden_columns: set[int] = field(default_factory=set)
    # Row → [(column, top row)]: the cell stands for the merged value at (top row, column).
    fills: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Row → columns whose value there fills the cells below it.
    tops: dict[int, list[int]] = field(default_factory=dict)


def list_sheets(archive: zipfile.ZipFile) -> list[SheetEntry]:
    """Worksheets in tab order, with their zip parts; chart sheets are left out."""
    workbook = _parse(archive, "xl/workbook.xml")
    rels = _relationships(archive, "xl/_rels/workbook.xml.rels")
    sheets: list[SheetEntry] = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = element.get(f"{_REL}id") or element.get(f"{_STRICT_REL}id")
        target = rels.get(rel_id or "")
        if target is None or not target[1].endswith("/worksheet"):
            continue
        part = _resolve("xl/workbook.xml", target[0])
        if part not in archive.NameToInfo:
            continue
        state = element.get("state", "visible")
        sheets.append(SheetEntry(element.get("name", ""), part, state == "visible"))
    return sheets


def read_layout(archive: zipfile.ZipFile, part: str) -> SheetLayout:
    """Hidden columns and merged ranges of one worksheet part."""
    outline = _parse_bytes(part, _without_sheet_data(archive, part))
    layout = SheetLayout()
    for element in outline.iter():
        name = _local(element.tag)
        if name == "col" and element.get("hidden") in ("1", "true"):
            low, high = int(element.get("min", "0")), int(element.get("max", "0"))
            # A <col> may span the whole sheet (max=16384) to hide "everything to the right".
            layout.hidden_columns.update(range(low, min(high, 16384) + 1))
        elif name == "mergeCell":
            _add_merge(layout, element.get("ref", ""))
    return layout


def _add_merge(layout: SheetLayout, ref: str) -> None:
    try:
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return
    if min_row is None or max_row is None or min_col is None or max_row <= min_row:
        return  # horizontal merges carry their value in the first cell already
    layout.tops.setdefault(min_row, []).append(min_col)
    for row in range(min_row + 1, max_row + 1):
        layout.fills.setdefault(row, []).append((min_col, min_row))


def _without_sheet_data(archive: zipfile.ZipFile, part: str) -> bytes:
    """The part's bytes with the sheetData element removed, streamed chunk by chunk."""
    head = b""
    tail = b""
    state = "head"
    with archive.open(part) as stream:
        buffer = b""
        while chunk := stream.read(_CHUNK):
            buffer += chunk
            if state == "head":
                opening = _SHEETDATA_OPEN.search(buffer)
                if opening is None:
                    continue
                head = buffer[: opening.start()]
                buffer = buffer[opening.end() :]
                state = "tail" if opening[1] == b"/" else "data"
            if state == "data":
                closing = _SHEETDATA_CLOSE.search(buffer)
                if closing is None:
                    buffer = buffer[-_OVERLAP:]
                    continue
                buffer = buffer[closing.end() :]
                state = "tail"
            if state == "tail":
                tail += buffer
                buffer = b""
        if state == "head":
            head = buffer
    return head + tail


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (target, type)."""
    if part not in archive.NameToInfo:
        return {}
    rels = _parse(archive, part)
    return {
        el.get("Id", ""): (el.get("Target", ""), el.get("Type", ""))
        for el in rels.iter(f"{_PKG_REL}Relationship")
    }


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _parse(archive: zipfile.ZipFile, part: str) -> Element:
    try:
        data = archive.read(part)
    except KeyError:
        raise SheetFileError("import.file.missing_part", part=part) from None
    return _parse_bytes(part, data)


def _parse_bytes(part: str, data: bytes) -> Element:
    try:
        return ElementTree.fromstring(data)
    except Exception as exc:  # defusedxml raises ParseError or its own Defused* errors
        raise SheetFileError("import.file.bad_part", part=part, detail=str(exc)) from None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
