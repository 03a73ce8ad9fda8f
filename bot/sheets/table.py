"""Finding the header and reading task rows, for any grid of cell values.

The .xlsx and .csv readers both reduce a file to rows of plain values (merged cells
already filled in, hidden columns marked); everything about what a row *means* lives
here, so both formats follow the same rules:

* **Header**: each of the first ``HEADER_SCAN_ROWS`` rows, alone or together with the
  row below it (a merged group header over sub-headers, or Chinese names over English
  ones), is scored by how many distinct fields its cells name; the best wins, a two-row
  header winning a tie when its lower row names at least two fields by itself.
* **Skipped rows**: blank rows, rows whose first filled cell starts like a subtotal or a
  note (合计/小计/总计/共计, ``说明：``/``注：``/``备注：``, Total/Subtotal/Note:), and
  rows whose only filled cell is in the table's first column and is not a number (section
  titles like ``一、高企培育``, or the company title rows of our own export). Blank rows
  after the last task row are not counted.
* **Errors**: a row with other content but no problem text, an unreadable deadline or
  level. A row with an error is reported and left out of ``rows``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.domain.deadlines import Deadline, DeadlineError, parse_deadline
from bot.domain.hygiene import without_controls
from bot.domain.presence import CoordinateError, Point, parse_degrees, parse_point
from bot.domain.targets import parse_target_number
from bot.domain.units import parse_units
from bot.sheets.columns import FIELD_NAMES, PLAIN_FIELDS, Reading, match_field
from bot.sheets.headers import display_header, parse_level, parse_status
from bot.sheets.model import RowError, SheetFileError, SheetRow

HEADER_SCAN_ROWS = 10
MIN_HEADER_FIELDS = 2

_NOTE_ROW = re.compile(
    r"^(?:(?:合计|小计|总计|共计)(?:$|[\s:：\d(（])|(?:注|说明|备注|填表说明|附注|notes?)\s*[:：]"
    r"|(?:sub)?total\b)",
    re.IGNORECASE,
)
_NUMBERISH = re.compile(r"^[\d.\s]+$")
# What a spreadsheet would run as a formula; our CSV export writes these with a ' in front.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Header:
    """Where the header is and which column holds which field (0-based columns)."""

    last_row: int
    columns: dict[str, int]
    labels: dict[str, str]
    first_column: int
    score: int


def find_header(head: Sequence[tuple[int, Sequence[object]]], hidden: set[int]) -> Header | None:
    """The best header among the first rows ``(row number, values)``, or None."""
    best: tuple[tuple[int, int, int], Header] | None = None
    rows = list(head)[:HEADER_SCAN_ROWS]
    for index, (row_number, values) in enumerate(rows):
        candidates = [_header_from((values,), row_number, hidden)]
        if index + 1 < len(rows) and rows[index + 1][0] == row_number + 1:
            lower = rows[index + 1][1]
            if _header_from((lower,), row_number + 1, hidden).score >= MIN_HEADER_FIELDS:
                candidates.append(_header_from((lower, values), row_number + 1, hidden))
        for is_pair, header in enumerate(candidates):
            key = (header.score, is_pair, header.last_row)
            if header.score >= MIN_HEADER_FIELDS and (best is None or key > best[0]):
                best = (key, header)
    return best[1] if best else None


def _header_from(layers: tuple[Sequence[object], ...], last_row: int, hidden: set[int]) -> Header:
    """A header from one row, or two (lower row first: its names win over the group's)."""
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    first_column: int | None = None
    width = max(len(layer) for layer in layers)
    for column in range(width):
        if column in hidden:
            continue
        texts = [cell_text(layer[column]) if column < len(layer) else "" for layer in layers]
        texts = [text for text in texts if text]
        if not texts:
            continue
        if first_column is None:
            first_column = column
        for text in texts:
            field = match_field(text)
            if field is not None:
                if field not in columns:  # the first column naming a field wins
                    columns[field] = column
                    labels[field] = display_header(text)
                break
    return Header(last_row, columns, labels, first_column or 0, len(columns))


def require_problem_column(header: Header | None, where: str) -> Header:
    """The header, or a file-level error that says what was looked for."""
    if header is None:
        raise SheetFileError("import.file.no_header", where=where, rows=HEADER_SCAN_ROWS)
    if "problem" not in header.columns:
        found = "、".join(header.labels.values())
        names = "/".join(FIELD_NAMES["problem"][:4])
        raise SheetFileError(
            "import.file.no_problem_column",
            where=where,
            names=names,
            row=header.last_row,
            found=found,
        )
    return header


def cell_text(value: object, *, csv_quoted: bool = False) -> str:
    """A cell as text: numbers without a spurious .0, dates as yyyy-mm-dd, stripped, and
    without control characters (bot/domain/hygiene.py: they would break the export)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = without_controls(value).strip()
        if csv_quoted and len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
            return text[1:]
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _CellError(Exception):
    """A coordinate cell that cannot be read: which field, and why (a catalogue key and
    the values it quotes)."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        super().__init__(key)
        self.field, self.key, self.values = field, key, values


def _coordinate_error(field: str, error: CoordinateError) -> _CellError:
    """The coordinate's fault, said as a chat reply says it (presence.coordinate.*)."""
    return _CellError(field, f"presence.coordinate.{error.kind}", **error.values)


class RowReader:
    """Turns the rows below a header into SheetRows, errors and a skipped count."""

    def __init__(
        self, header: Header, period_year: int, hidden: set[int], *, csv_quoted: bool = False
    ) -> None:
        self.header = header
        self.period_year = period_year
        self.hidden = hidden
        self.csv_quoted = csv_quoted
        self.rows: list[SheetRow] = []
        self.errors: list[RowError] = []
        self.skipped = 0
        self._blank_run = 0
        self._fields = list(header.columns.items())
        # Offices repeat the same deadline and unit wording on hundreds of rows.
        self._deadlines: dict[object, Deadline | DeadlineError] = {}
        self._units: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
        self._levels: dict[str, str | None] = {}

    def read_all(self, rows: Iterable[tuple[int, Sequence[object]]]) -> None:
        for row_number, values in rows:
            self.read(row_number, values)

    def read(self, row_number: int, values: Sequence[object]) -> None:
        filled = self._filled_columns(values)
        if not filled:
            self._blank_run += 1
            return
        self.skipped += self._blank_run
        self._blank_run = 0
        if self._is_note(values, filled):
            self.skipped += 1
            return
        self._read_task(row_number, values)

    def _filled_columns(self, values: Sequence[object]) -> list[int]:
        hidden = self.hidden
        return [
            index
            for index, value in enumerate(values)
            if value is not None
            and (not isinstance(value, str) or value.strip())
            and index not in hidden
        ]

    def _is_note(self, values: Sequence[object], filled: list[int]) -> bool:
        first = values[filled[0]]
        if isinstance(first, str) and _NOTE_ROW.match(first.strip()):
            return True
        if len(filled) == 1 and filled[0] == self.header.first_column:
            return not isinstance(first, int | float) and not (
                isinstance(first, str) and _NUMBERISH.match(first)
            )
        return False

    def _read_task(self, row_number: int, values: Sequence[object]) -> None:
        width = len(values)
        raw = {field: values[col] if col < width else None for field, col in self._fields}
        text = {field: cell_text(value, csv_quoted=self.csv_quoted) for field, value in raw.items()}
        errors: list[RowError] = []

        problem = text.get("problem", "")
        if not problem:
            errors.append(self._error(row_number, "problem", "import.error.no_problem"))
        elif len(problem) < 20 and match_field(problem) == "problem":
            self.skipped += 1  # the header repeated (printed sheets repeat it on each page)
            return

        deadline = self._deadline(raw.get("deadline"))
        if isinstance(deadline, DeadlineError):
            key = f"deadline.error.{deadline.kind}"
            errors.append(self._error(row_number, "deadline", key, **deadline.values))
        elif "deadline_text" in text:
            deadline = self._keep_wording(deadline, text["deadline_text"])

        level = "none"
        if text.get("level"):
            if text["level"] not in self._levels:
                self._levels[text["level"]] = parse_level(text["level"])
            parsed_level = self._levels[text["level"]]
            if parsed_level is None:
                reason = self._error(row_number, "level", "import.error.level", text=text["level"])
                errors.append(reason)
            else:
                level = parsed_level

        point = self._point(row_number, text, errors)

        if errors or isinstance(deadline, DeadlineError):
            self.errors.extend(errors)
            return
        unit, co_units = self._parse_units(text.get("unit", ""), text.get("co_units", ""))
        target_value = raw.get("target")
        plain = {
            name: _one_line(text.get(name, "")) if reading is Reading.LINE else text.get(name, "")
            for name, reading in PLAIN_FIELDS.items()
        }
        self.rows.append(
            SheetRow(
                row=row_number,
                raw=raw,
                **plain,
                unit=unit,
                co_units=co_units,
                deadline=deadline,
                target_number=parse_target_number(
                    target_value if isinstance(target_value, int | float) else text.get("target")
                ),
                level=level,
                status=parse_status(text["status"]) if text.get("status") else None,
                inspectors=split_names(text.get("inspectors", "")),
                point=point,
            )
        )

    def _point(self, row_number: int, text: dict[str, str], errors: list[RowError]) -> Point | None:
        """The company's place from 纬度 and 经度, else from 坐标; a bad one is a row error
        naming the column, and so is a place on a row that names no company."""
        labels = self.header.labels
        latitude, longitude = text.get("latitude", ""), text.get("longitude", "")
        point: Point | None = None
        try:
            if latitude or longitude:
                for field, value in (("latitude", latitude), ("longitude", longitude)):
                    if value:
                        continue
                    other = "longitude" if field == "latitude" else "latitude"
                    if field not in labels:
                        wanted = FIELD_NAMES[field][0]
                        raise _CellError(other, "import.error.no_partner_column", wanted=wanted)
                    raise _CellError(field, "import.error.partner_empty", other=labels[other])
                point = Point(
                    self._degrees("latitude", latitude), self._degrees("longitude", longitude)
                )
            elif text.get("coordinates"):
                try:
                    point = parse_point(text["coordinates"])
                except CoordinateError as error:
                    raise _coordinate_error("coordinates", error) from None
        except _CellError as error:
            errors.append(self._error(row_number, error.field, error.key, **error.values))
            return None
        if point is not None and not text.get("company"):
            field = "coordinates" if "coordinates" in text and not latitude else "latitude"
            errors.append(self._error(row_number, field, "import.error.place_without_company"))
            return None
        return point

    @staticmethod
    def _degrees(field: str, value: str) -> float:
        try:
            return parse_degrees(value, field)
        except CoordinateError as error:
            raise _coordinate_error(field, error) from None

    def _error(self, row_number: int, field: str, key: str, **values: object) -> RowError:
        """A row error in the column that holds ``field``, as the sheet heads it."""
        return RowError(row_number, self.header.labels[field], key, values, field)

    def _deadline(self, value: object) -> Deadline | DeadlineError:
        if isinstance(value, str) and self.csv_quoted:
            value = cell_text(value, csv_quoted=True)
        key = value if isinstance(value, str | None) else None
        if key is not None and key in self._deadlines:
            return self._deadlines[key]
        try:
            result: Deadline | DeadlineError = parse_deadline(value, self.period_year)
        except DeadlineError as exc:
            result = exc
        if key is not None:
            self._deadlines[key] = result
        return result

    def _keep_wording(self, deadline: Deadline, wording: str) -> Deadline:
        """The item's own wording, from the 时限原文 column of our export.

        The export writes a date cell plus the wording, so an unchanged row reads back
        exactly, including an empty wording. If the deadline cell no longer agrees with
        the wording (someone changed the date), the deadline cell wins.
        """
        if not wording:
            return replace(deadline, text="")
        said = self._deadline(wording)
        if isinstance(said, Deadline) and (said.date, said.recurring, said.ongoing) == (
            deadline.date,
            deadline.recurring,
            deadline.ongoing,
        ):
            return replace(deadline, text=wording)
        return deadline

    def _parse_units(self, unit: str, co_units: str) -> tuple[str | None, tuple[str, ...]]:
        key = (unit, co_units)
        found = self._units.get(key)
        if found is None:
            lead, co = parse_units(unit, co_units)
            found = self._units[key] = (lead, tuple(co))
        return found


_NAME_SEPARATORS = re.compile(r"[、，,；;/／\n]+")


def split_names(cell: str) -> tuple[str, ...]:
    """Names in a 督查人员 cell, separated by 、，,；;/ or line breaks, each once, in order.

    Spaces do not separate: an English name keeps its space.
    """
    names = [name.strip() for name in _NAME_SEPARATORS.split(cell) if name.strip()]
    return tuple(dict.fromkeys(names))
