"""Importing the office's supervision sheet into the ledger: plan first, then all or nothing.

A row is matched to an existing item by the code column of an earlier export; failing that,
by period and 序号 — but only where the problem text agrees too, so a row inserted in the
middle of a sheet can never silently rewrite other items' histories. An import changes
sheet fields only, never an item's status or history.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.domain.audit import ActorKind, Origin
from bot.domain.items import Item, ItemFields
from bot.domain.people import Person, fold_name
from bot.domain.presence import Point, distance_m
from bot.i18n import plain
from bot.runtime.work import WorkEnv
from bot.services.assignments import assign_from_sheet, office_work
from bot.sheets.model import RowError, SheetFileError, SheetReadResult, SheetRow
from bot.sheets.reader import read_sheet
from bot.sheets.table import split_names
from bot.sheets.wording import file_error_text, row_error_text
from storage import ledger, people, presence
from storage.rows import fetch_value

DEFAULT_ENV = WorkEnv(ZoneInfo("Asia/Shanghai"), "")


@dataclass
class ImportPlan:
    period: str
    new: list[ItemFields] = field(default_factory=list)
    updates: list[tuple[int, ItemFields]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The 督查人员 column: inspector ids for each new item (parallel to ``new``), and the
    # (item, inspector) pairs for existing items that are not assigned yet.
    new_inspectors: list[tuple[int, ...]] = field(default_factory=list)
    assignments: list[tuple[int, int]] = field(default_factory=list)
    # Companies whose coordinates the sheet sets or changes: name → place.
    places: dict[str, Point] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.new) + len(self.updates) + self.unchanged

    @property
    def assigned(self) -> int:
        """Inspector assignments the import adds (to new and existing items)."""
        return sum(map(len, self.new_inspectors)) + len(self.assignments)

    def summary(self, lang: str, *, dry_run: bool = False) -> str:
        """What the import did (or, on a dry run, would do), as ``duban import`` prints it."""
        text = plain(
            lang,
            "cli.import.would_import" if dry_run else "cli.import.imported",
            total=self.total,
            new=len(self.new),
            changed=len(self.updates),
        )
        if self.assigned:
            text += plain(lang, "cli.import.assigned", count=self.assigned)
        text += plain(lang, "cli.import.skipped", count=self.skipped)
        if self.places:
            text += plain(lang, "cli.import.places", count=len(self.places))
        return text


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _area_name(db: sqlite_utils.Database, written: str) -> str | None:
    area = ledger.area_id(db, written)
    if area is None:
        return None
    return fetch_value(db, "SELECT name_zh FROM areas WHERE id = ?", [area])


def _fields(row: SheetRow, area: str | None) -> ItemFields:
    return ItemFields(
        problem=row.problem.strip(),
        seq=row.seq or None,
        measure=row.measure,
        unit=row.unit,
        co_units=tuple(row.co_units),
        deadline=row.deadline.date,
        deadline_text=row.deadline.text,
        recurring=row.deadline.recurring,
        ongoing=row.deadline.ongoing,
        target=row.target,
        target_number=row.target_number,
        area=area,
        town=row.town or None,
        company=row.company or None,
        sheet_level=row.level,
        notes=row.notes,
    )


def plan_import(db: sqlite_utils.Database, result: SheetReadResult, period: str) -> ImportPlan:
    """Decide what each row does, collecting every row error; writes nothing."""
    plan = ImportPlan(period, skipped=result.skipped, errors=list(result.errors))
    items = ledger.list_items(db)
    by_code = {item.code: item for item in items}
    by_seq = {item.seq: item for item in items if item.period == period and item.seq}
    columns = result.columns
    inspectors = people.inspectors_by_name(db)
    assigned = ledger.assigned_inspectors(db)
    seen: dict[str, int] = {}
    areas: dict[str, str | None] = {}  # as written → the 1+8 area's name
    known_places = presence.company_points_by_name(db)
    placed_in: dict[str, tuple[int, Point]] = {}  # company → (first row, place)

    def error(row: SheetRow, field_name: str, key: str, /, **values: object) -> None:
        column = columns.get(field_name, field_name)
        plan.errors.append(RowError(row.row, column, key, values, field_name))

    for row in result.rows:
        identity = f"code:{row.code}" if row.code else f"seq:{row.seq}" if row.seq else None
        if identity and identity in seen:
            name = "code" if row.code else "seq"
            value = row.code or row.seq
            error(row, name, "import.error.duplicate", value=value, other=seen[identity])
            continue
        if identity:
            seen[identity] = row.row

        area = None
        if row.area:
            if row.area not in areas:
                areas[row.area] = _area_name(db, row.area)
            area = areas[row.area]
            if area is None:
                error(row, "area", "import.error.unknown_area", area=row.area)
                continue

        item: Item | None = None
        if row.code:
            item = by_code.get(row.code)
            if item is None:
                error(row, "code", "import.error.unknown_code", code=row.code)
                continue
        elif row.seq and row.seq in by_seq:
            item = by_seq[row.seq]
            if not _same_text(item.problem, row.problem):
                error(
                    row,
                    "seq",
                    "import.error.seq_taken",
                    seq=row.seq,
                    code=item.code,
                    existing=item.problem[:30],
                    written=row.problem[:30],
                )
                continue

        already = assigned.get(item.id, []) if item is not None else []
        inspector_ids, problem = _row_inspectors(row.inspectors, inspectors, already)
        if problem:
            key, values = problem
            error(row, "inspectors", key, **values)
            continue
        if row.point is not None and not _plan_place(plan, row, known_places, placed_in):
            error(
                row,
                "coordinates" if "coordinates" in columns else "latitude",
                "import.error.other_place",
                company=row.company,
                other=placed_in[row.company][0],
            )
            continue

        fields = _fields(row, area)
        if item is None:
            plan.new.append(fields)
            plan.new_inspectors.append(inspector_ids)
            continue
        plan.assignments += [(item.id, p) for p in inspector_ids if p not in item.inspector_ids]
        if item.sheet_values() != fields.__dict__ | {}:
            plan.updates.append((item.id, fields))
        else:
            plan.unchanged += 1
    return plan


# Two places closer than this are the same place (a sheet's rounding, not a move).
SAME_PLACE_M = 1.0


def _plan_place(
    plan: ImportPlan,
    row: SheetRow,
    known: dict[str, Point],
    placed_in: dict[str, tuple[int, Point]],
) -> bool:
    """Note a row's company coordinates; False if an earlier row gave the company others."""
    assert row.point is not None
    earlier = placed_in.get(row.company)
    if earlier is not None:
        return distance_m(earlier[1], row.point) < SAME_PLACE_M
    placed_in[row.company] = (row.row, row.point)
    current = known.get(row.company)
    if current is None or distance_m(current, row.point) >= SAME_PLACE_M:
        plan.places[row.company] = row.point
    return True


def apply_plan(
    db: sqlite_utils.Database, plan: ImportPlan, origin: Origin
) -> list[tuple[int, int]]:
    """Write the whole plan in one transaction (or nothing, if anything fails).

    Returns the (item, inspector) assignments the sheet asks for; the caller makes them
    (bot/services/assignments.py), so that each inspector is told in the same transaction.
    """
    if plan.errors:
        raise ValueError("a plan with row errors cannot be applied")
    with db.atomic():
        ids = ledger.create_items(db, plan.new, plan.period, origin)
        for item_id, fields in plan.updates:
            ledger.update_sheet_fields(db, item_id, fields, origin)
        for company, point in plan.places.items():
            company_id = ledger.ensure_company(db, company, None, origin)
            assert company_id is not None
            presence.set_company_point(db, company_id, point, "sheet", origin)
    new_pairs = [
        (item_id, person_id)
        for item_id, inspector_ids in zip(ids, plan.new_inspectors, strict=True)
        for person_id in inspector_ids
    ]
    return new_pairs + plan.assignments


def _row_inspectors(
    names: tuple[str, ...],
    known: dict[str, list[Person]],
    assigned: Sequence[tuple[int, str]] = (),
) -> tuple[tuple[int, ...], tuple[str, dict[str, object]] | None]:
    """The ids of the inspectors a 督查人员 cell names, or why one of them cannot be used
    (a catalogue key and the values it quotes).

    A name is first looked up among the item's ``assigned`` inspectors, so the names our
    export writes always read back as the people they stand for, even when one of them has
    since been deactivated or an active namesake has registered: re-importing an unedited
    export must change nothing. Only a name that is new to the item must be one active
    inspector's.
    """
    ids: list[int] = []
    for name in _rejoined(names, assigned):
        folded = fold_name(name)
        same = [person_id for person_id, held in assigned if fold_name(held) == folded]
        if same:
            ids += same
            continue
        found = known.get(folded, [])
        if not found:
            return (), ("import.error.no_inspector", {"name": name})
        if len(found) > 1:
            return (), ("import.error.many_inspectors", {"count": len(found), "name": name})
        ids.append(found[0].id)
    return tuple(dict.fromkeys(ids)), None


def _rejoined(names: tuple[str, ...], assigned: Sequence[tuple[int, str]]) -> tuple[str, ...]:
    """The cell's names with an assigned inspector's name put back together where the
    reader split it: a name holding a separator (``Li, Daibiao``, ``王/督查``) comes out of
    ``split_names`` in pieces, and our export writes names as they are."""
    joined = list(names)
    for _, held in assigned:
        parts = [fold_name(part) for part in split_names(held)]
        if len(parts) < 2:
            continue
        for start in range(len(joined) - len(parts) + 1):
            if [fold_name(name) for name in joined[start : start + len(parts)]] == parts:
                joined[start : start + len(parts)] = [held]
                break
    return tuple(joined)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve_period(db: sqlite_utils.Database, name: str | None, at: datetime) -> tuple[str, int]:
    """The named period (created on first use), else the latest, else this year's."""
    if name:
        year = ledger.period_year(db, name)
        if year is None:
            digits = "".join(ch for ch in name if ch.isdigit())[:4]
            year = int(digits) if len(digits) == 4 else at.year
        return name, year
    latest = ledger.latest_period(db)
    return latest if latest else (str(at.year), at.year)


def import_file(
    db: sqlite_utils.Database,
    path: Path,
    period: str | None,
    *,
    dry_run: bool,
    origin_for: callable | None = None,
    now: datetime | None = None,
    env: WorkEnv | None = None,
) -> ImportPlan:
    """Read, plan and (unless dry-run or any row error) apply. Raises SheetFileError.

    ``env`` is the deployment the inspectors assigned by the sheet are told from (the
    default: Beijing time and no bot link, as in the demo's seed).
    """
    at = now or datetime.now(UTC)
    name, year = resolve_period(db, period, at)
    result = read_sheet(path, year)
    plan = plan_import(db, result, name)
    if plan.errors or dry_run:
        return plan
    origin = Origin(ActorKind.IMPORT, file_sha256(path), at)
    with db.atomic():
        ledger.ensure_period(db, name, year, origin)
        pairs = apply_plan(db, plan, origin)
        if pairs:
            work = office_work(db, env or DEFAULT_ENV, at, source=f"import:{origin.actor}")
            assign_from_sheet(work, pairs, origin)
    return plan


def run_import_cli(
    db: sqlite_utils.Database,
    path: Path,
    period: str | None,
    dry_run: bool,
    env: WorkEnv | None = None,
    lang: str = "zh",
) -> int:
    """``duban import``: exit 0 imported, 1 row errors (nothing written), 2 unreadable file.
    Everything it prints is in ``lang``, the command line's language."""
    if not path.is_file():
        print(plain(lang, "cli.no_such_file", path=path), file=sys.stderr)
        return 2
    try:
        plan = import_file(db, path, period, dry_run=dry_run, env=env)
    except SheetFileError as error:
        print(plain(lang, "cli.error", text=file_error_text(lang, error)), file=sys.stderr)
        return 2
    if plan.errors:
        for row_error in sorted(plan.errors, key=lambda e: e.row):
            print(row_error_text(lang, row_error), file=sys.stderr)
        print(plain(lang, "cli.import.refused", count=len(plan.errors)), file=sys.stderr)
        return 1
    print(plan.summary(lang, dry_run=dry_run))
    return 0
