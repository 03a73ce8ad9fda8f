"""The supervision ledger: periods, units, towns, companies and list items.

Every function takes the connection first and is synchronous; the bot calls them through
``Store.run`` on the connection's own thread, the CLI and tests call them directly. Every
change to an item writes its audit event in the same transaction.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import NamedTuple

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from bot.domain.items import SHEET_FIELDS, Item, ItemFields
from bot.domain.lifecycle import Actor, Event, Status, decide
from storage.audit import append_events, event_row, record_item
from storage.db import insert_row, insert_rows
from storage.rows import fetch_one, fetch_value, iter_rows

_LOOKUP_TABLES = ("units", "towns")


class NotFound(LookupError):
    """No such item (or period, or unit): the caller tells the user what they asked for."""


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- reference data -----------------------------------------------------------------


def lookup_id(db: sqlite_utils.Database, table: str, name: str | None) -> int | None:
    if not name:
        return None
    return fetch_value(db, f"SELECT id FROM [{table}] WHERE name = ?", [name])


def ensure_named(
    db: sqlite_utils.Database, table: str, name: str | None, origin: Origin
) -> int | None:
    """Id of the unit or town with this name, created on first mention."""
    if table not in _LOOKUP_TABLES:
        raise ValueError(table)
    if not name:
        return None
    found = lookup_id(db, table, name)
    if found is not None:
        return found
    return db[table].insert({"name": name, "created_at": iso(origin.at)}).last_pk


def ensure_company(
    db: sqlite_utils.Database,
    name: str | None,
    town_id: int | None,
    origin: Origin,
    *,
    needs_review: bool = False,
) -> int | None:
    if not name:
        return None
    row = fetch_one(db, "SELECT id, town_id FROM companies WHERE name = ?", [name])
    if row:
        if row["town_id"] is None and town_id is not None:
            db.execute("UPDATE companies SET town_id = ? WHERE id = ?", [town_id, row["id"]])
        return row["id"]
    return insert_row(
        db,
        "companies",
        {
            "name": name,
            "town_id": town_id,
            "needs_review": int(needs_review),
            "created_by": origin.person_id,
            "created_at": iso(origin.at),
        },
    )


def area_id(db: sqlite_utils.Database, name: str | None) -> int | None:
    """Areas are the fixed 1+8; a sheet may name one in Chinese, in English or by code."""
    if not name:
        return None
    return fetch_value(
        db,
        "SELECT id FROM areas WHERE name_zh = ? OR lower(name_en) = lower(?) OR code = ?",
        [name, name, name],
    )


def ensure_period(db: sqlite_utils.Database, name: str, year: int, origin: Origin) -> int:
    period_id = fetch_value(db, "SELECT id FROM periods WHERE name = ?", [name])
    if period_id is not None:
        return period_id
    return insert_row(
        db,
        "periods",
        {
            "name": name,
            "year": year,
            "starts_on": date(year, 1, 1).isoformat(),
            "ends_on": date(year, 12, 31).isoformat(),
            "created_at": iso(origin.at),
        },
    )


def period_year(db: sqlite_utils.Database, name: str) -> int | None:
    return fetch_value(db, "SELECT year FROM periods WHERE name = ?", [name])


class PeriodYear(NamedTuple):
    """A period's name and year (unpacks as ``name, year``)."""

    name: str
    year: int


def latest_period(db: sqlite_utils.Database) -> PeriodYear | None:
    row = fetch_one(db, "SELECT name, year FROM periods ORDER BY year DESC, id DESC")
    return PeriodYear(row["name"], row["year"]) if row else None


# --- items --------------------------------------------------------------------------

_ITEM_SELECT = """
SELECT i.*, p.name AS period_name, u.name AS unit_name, a.name_zh AS area_name,
       t.name AS town_name, c.name AS company_name,
       (SELECT group_concat(packed, char(30)) FROM (
            SELECT cu.unit_id || char(31) || un.name AS packed
              FROM item_co_units cu JOIN units un ON un.id = cu.unit_id
             WHERE cu.item_id = i.id ORDER BY cu.rowid)) AS co_units_packed,
       (SELECT group_concat(ii.person_id) FROM item_inspectors ii
         WHERE ii.item_id = i.id) AS inspectors_packed,
       (SELECT group_concat(iv.person_id) FROM item_involvement iv
         WHERE iv.item_id = i.id) AS involved_packed,
       (SELECT cr.requested_by FROM closeout_requests cr
         WHERE cr.item_id = i.id AND cr.status = 'pending'
         ORDER BY cr.id DESC LIMIT 1) AS close_requested_by
  FROM items i
  JOIN periods p ON p.id = i.period_id
  LEFT JOIN units u ON u.id = i.unit_id
  LEFT JOIN areas a ON a.id = i.area_id
  LEFT JOIN towns t ON t.id = i.town_id
  LEFT JOIN companies c ON c.id = i.company_id
"""


def _to_item(row: sqlite3.Row) -> Item:
    co_pairs = [
        part.split("\x1f", 1) for part in (row["co_units_packed"] or "").split("\x1e") if part
    ]
    inspectors = row["inspectors_packed"] or ""
    return Item(
        id=row["id"],
        code=row["code"],
        period=row["period_name"],
        seq=row["seq"],
        problem=row["problem"],
        measure=row["measure"],
        unit=row["unit_name"],
        unit_id=row["unit_id"],
        co_units=tuple(name for _, name in co_pairs),
        co_unit_ids=frozenset(int(uid) for uid, _ in co_pairs),
        deadline=date.fromisoformat(row["deadline"]) if row["deadline"] else None,
        deadline_text=row["deadline_text"],
        recurring=row["recurring"],
        ongoing=bool(row["ongoing"]),
        target=row["target"],
        target_number=row["target_number"],
        area=row["area_name"],
        town=row["town_name"],
        company=row["company_name"],
        company_id=row["company_id"],
        status=Status(row["status"]),
        sheet_level=row["sheet_level"],
        manual_level=row["manual_level"],
        joint_meeting=bool(row["joint_meeting"]),
        notes=row["notes"],
        needs_review=bool(row["needs_review"]),
        inspector_ids=frozenset(int(p) for p in inspectors.split(",") if p),
        created_at=datetime.fromisoformat(row["created_at"]),
        last_activity_at=datetime.fromisoformat(row["last_activity_at"]),
        closed_at=datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else None,
        involved_ids=frozenset(int(p) for p in (row["involved_packed"] or "").split(",") if p),
        close_requested_by=row["close_requested_by"],
    )


def _query_items(db: sqlite_utils.Database, where: str = "", params: Iterable = ()) -> list[Item]:
    return list(iter_items(db, where, params))


def iter_items(db: sqlite_utils.Database, where: str = "", params: Iterable = ()) -> Iterator[Item]:
    """Items one at a time: a pass over a whole ledger of 100 000 holds one, not all."""
    sql = _ITEM_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY i.code"
    for row in iter_rows(db, sql, list(params)):
        yield _to_item(row)


def items_where(db: sqlite_utils.Database, where: str, params: Iterable = ()) -> list[Item]:
    """Items matching a SQL condition on ``items i`` (for callers with their own indexes)."""
    return _query_items(db, where, params)


def get_item(db: sqlite_utils.Database, code_or_id: str | int) -> Item:
    column = "i.id" if isinstance(code_or_id, int) else "i.code"
    found = _query_items(db, f"{column} = ?", [code_or_id])
    if not found:
        raise NotFound(f"no item {code_or_id}")
    return found[0]


def list_items(
    db: sqlite_utils.Database,
    *,
    status: str | None = None,
    unit: str | None = None,
    period: str | None = None,
    town: str | None = None,
    company: str | None = None,
) -> list[Item]:
    """Items filtered by status and by the name of their lead unit, period, town or company."""
    clauses, params = [], []
    for clause, value in (
        ("i.status = ?", status),
        ("u.name = ?", unit),
        ("p.name = ?", period),
        ("t.name = ?", town),
        ("c.name = ?", company),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return _query_items(db, " AND ".join(clauses), params)


def next_code(db: sqlite_utils.Database, year: int, preferred: int | None = None) -> str:
    """A new stable code ``YYYY-NNN``: the sheet's 序号 when it is free, else the next number."""
    return _Codes(db, year).take(preferred)


class _Names:
    """Name → id lookups (created on first mention), remembered within one transaction so a
    bulk import does not ask SQLite for 科技局 ten thousand times."""

    def __init__(self, db: sqlite_utils.Database, origin: Origin) -> None:
        self.db, self.origin = db, origin
        self._seen: dict[tuple[str, str | None], int | None] = {}

    def _memo(self, key: tuple[str, str | None], find: Callable[[], int | None]) -> int | None:
        if key not in self._seen:
            self._seen[key] = find()
        return self._seen[key]

    def unit(self, name: str | None) -> int | None:
        return self._memo(
            ("units", name), lambda: ensure_named(self.db, "units", name, self.origin)
        )

    def town(self, name: str | None) -> int | None:
        return self._memo(
            ("towns", name), lambda: ensure_named(self.db, "towns", name, self.origin)
        )

    def area(self, name: str | None) -> int | None:
        return self._memo(("areas", name), lambda: area_id(self.db, name))

    def company(self, name: str | None, town_id: int | None) -> int | None:
        return self._memo(
            (f"companies/{town_id}", name),
            lambda: ensure_company(self.db, name, town_id, self.origin),
        )


def _column_values(fields: ItemFields, names: _Names) -> dict:
    town_id = names.town(fields.town)
    return {
        "seq": fields.seq,
        "problem": fields.problem,
        "measure": fields.measure,
        "unit_id": names.unit(fields.unit),
        "deadline": fields.deadline.isoformat() if fields.deadline else None,
        "deadline_text": fields.deadline_text,
        "recurring": fields.recurring,
        "ongoing": int(fields.ongoing),
        "target": fields.target,
        "target_number": fields.target_number,
        "area_id": names.area(fields.area),
        "town_id": town_id,
        "company_id": names.company(fields.company, town_id),
        "sheet_level": fields.sheet_level,
        "notes": fields.notes,
    }


def _set_co_units(
    db: sqlite_utils.Database, item_id: int, co_units: Iterable[str], names: _Names
) -> None:
    db.execute("DELETE FROM item_co_units WHERE item_id = ?", [item_id])
    for name in co_units:
        db.execute(
            "INSERT OR IGNORE INTO item_co_units (item_id, unit_id) VALUES (?, ?)",
            [item_id, names.unit(name)],
        )


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def create_item(
    db: sqlite_utils.Database,
    fields: ItemFields,
    period: str,
    origin: Origin,
    *,
    code: str | None = None,
    needs_review: bool = False,
) -> Item:
    """Create an item in a period, with its audit event, in one transaction."""
    with db.atomic():
        (item_id,) = create_items(
            db, [fields], period, origin, code=code, needs_review=needs_review
        )
        return get_item(db, item_id)


def create_items(
    db: sqlite_utils.Database,
    many: Iterable[ItemFields],
    period: str,
    origin: Origin,
    *,
    code: str | None = None,
    needs_review: bool = False,
) -> list[int]:
    """Create items in bulk (an import): one transaction, each with its audit event.

    Ids and codes are assigned here and rows written with executemany, which is what keeps
    a 10 000-row import close to the time it takes just to read the sheet.
    """
    with db.atomic():
        row = fetch_one(db, "SELECT id, year FROM periods WHERE name = ?", [period])
        if not row:
            raise NotFound(f"no period {period}")
        period_id, year = row["id"], row["year"]
        now = iso(origin.at)
        names = _Names(db, origin)
        codes = _Codes(db, year)
        next_id = fetch_value(db, "SELECT coalesce(max(id), 0) + 1 FROM items")
        items, periods, co_units, events = [], [], [], []
        for fields in many:
            preferred = int(fields.seq) if fields.seq and fields.seq.isdigit() else None
            item_id, next_id = next_id, next_id + 1
            items.append(
                {"id": item_id}
                | _column_values(fields, names)
                | {
                    "code": code or codes.take(preferred),
                    "period_id": period_id,
                    "status": Status.OPEN.value,
                    "needs_review": int(needs_review),
                    "created_at": now,
                    "updated_at": now,
                    "last_activity_at": now,
                }
            )
            periods.append({"item_id": item_id, "period_id": period_id, "joined_at": now})
            co_units += [
                {"item_id": item_id, "unit_id": unit_id}
                for unit_id in dict.fromkeys(names.unit(name) for name in fields.co_units)
            ]
            events.append(
                event_row(
                    origin,
                    entity="item",
                    entity_id=item_id,
                    item_id=item_id,
                    action=AuditAction.CREATED,
                    after=_jsonable(vars(fields)),
                )
            )
        insert_rows(db, "items", items)
        # Looked at by the next reminder pass (next_on's default), as every new item is.
        insert_rows(db, "sweep_schedule", [{"item_id": row["id"]} for row in items])
        insert_rows(db, "item_periods", periods)
        insert_rows(db, "item_co_units", co_units)
        append_events(db, events)
        return [item["id"] for item in items]


class _Codes:
    """Stable codes ``YYYY-NNN`` for new items: the sheet's 序号 when free, else the next."""

    def __init__(self, db: sqlite_utils.Database, year: int) -> None:
        self.year = year
        rows = db.execute("SELECT code FROM items WHERE code LIKE ?", [f"{year}-%"]).fetchall()
        self.used = {code for (code,) in rows}
        numbers = [int(m.group(1)) for c in self.used if (m := re.fullmatch(r"\d{4}-(\d+)", c))]
        self.highest = max(numbers, default=0)

    def take(self, preferred: int | None) -> str:
        if preferred is not None and preferred > 0:
            code = f"{self.year}-{preferred:03d}"
            if code not in self.used:
                self.used.add(code)
                self.highest = max(self.highest, preferred)
                return code
        self.highest += 1
        code = f"{self.year}-{self.highest:03d}"
        self.used.add(code)
        return code


def update_sheet_fields(
    db: sqlite_utils.Database, item_id: int, fields: ItemFields, origin: Origin
) -> dict[str, tuple[object, object]]:
    """Change an item's sheet fields (never its status or history); return what changed."""
    with db.atomic():
        current = get_item(db, item_id)
        before = current.sheet_values()
        after = dataclasses.asdict(fields)
        changed = {k: (before[k], after[k]) for k in SHEET_FIELDS if before[k] != after[k]}
        if not changed:
            return {}
        names = _Names(db, origin)
        values = _column_values(fields, names) | {"updated_at": iso(origin.at)}
        db["items"].update(item_id, values)
        if "co_units" in changed:
            _set_co_units(db, item_id, fields.co_units, names)
        if "deadline" in changed or "deadline_text" in changed:
            _keep_deadline(db, current, "sheet", origin)
        record_item(
            db,
            origin,
            item_id,
            AuditAction.SHEET_UPDATED,
            before=_jsonable({k: v[0] for k, v in changed.items()}),
            after=_jsonable({k: v[1] for k, v in changed.items()}),
        )
        return changed


def _keep_deadline(db: sqlite_utils.Database, item: Item, reason: str, origin: Origin) -> None:
    """Every earlier deadline is kept."""
    db["deadline_history"].insert(
        {
            "item_id": item.id,
            "deadline": item.deadline.isoformat() if item.deadline else None,
            "deadline_text": item.deadline_text,
            "replaced_at": iso(origin.at),
            "reason": reason,
        }
    )


def deadline_history(db: sqlite_utils.Database, item_id: int) -> list[dict]:
    return list(db["deadline_history"].rows_where("item_id = ?", [item_id], order_by="id"))


def apply_event(
    db: sqlite_utils.Database,
    item_id: int,
    event: Event,
    actor: Actor,
    origin: Origin,
    *,
    has_evidence: bool = False,
    reason: str = "",
) -> Item:
    """Move an item through the lifecycle, checking the rules, with its audit event."""
    with db.atomic():
        item = get_item(db, item_id)
        new_status = decide(
            event, item.status, actor, item.parties, has_evidence=has_evidence, reason=reason
        )
        now = iso(origin.at)
        values: dict[str, object] = {"updated_at": now, "last_activity_at": now}
        if new_status is not item.status:
            values["status"] = new_status.value
            values["closed_at"] = now if new_status is Status.CLOSED else None
        db["items"].update(item.id, values)
        record_item(
            db,
            origin,
            item.id,
            AuditAction(event.value),  # the lifecycle's events are recorded as such
            before={"status": item.status.value},
            after={"status": new_status.value} | ({"reason": reason} if reason else {}),
        )
        return get_item(db, item.id)


def extend_deadline(
    db: sqlite_utils.Database,
    item_id: int,
    new_deadline: date,
    reason: str,
    actor: Actor,
    origin: Origin,
) -> Item:
    """An approved extension (延期): same status, new deadline, the old one kept."""
    with db.atomic():
        item = get_item(db, item_id)
        decide(Event.EXTEND, item.status, actor, item.parties)
        _keep_deadline(db, item, f"extension: {reason}", origin)
        text = new_deadline.isoformat()
        db["items"].update(
            item.id,
            {
                "deadline": text,
                "deadline_text": text,
                "recurring": None,
                "ongoing": 0,
                "updated_at": iso(origin.at),
            },
        )
        record_item(
            db,
            origin,
            item.id,
            AuditAction.EXTENDED,
            before={"deadline": item.deadline.isoformat() if item.deadline else None},
            after={"deadline": text, "reason": reason},
        )
        return get_item(db, item.id)


def escalate(
    db: sqlite_utils.Database,
    item_id: int,
    level: str,
    actor: Actor,
    origin: Origin,
    *,
    joint_meeting: bool | None = None,
) -> Item:
    """Set the level by hand (提级) and optionally mark a joint meeting (专题会商)."""
    with db.atomic():
        item = get_item(db, item_id)
        decide(Event.ESCALATE, item.status, actor, item.parties)
        values: dict[str, object] = {"manual_level": level, "updated_at": iso(origin.at)}
        if joint_meeting is not None:
            values["joint_meeting"] = int(joint_meeting)
        db["items"].update(item.id, values)
        record_item(
            db,
            origin,
            item.id,
            AuditAction.ESCALATED,
            before={"manual_level": item.manual_level, "joint_meeting": item.joint_meeting},
            after={
                "manual_level": level,
                "joint_meeting": item.joint_meeting if joint_meeting is None else joint_meeting,
            },
        )
        return get_item(db, item.id)


class ManualLevel(NamedTuple):
    """An item's level set by hand, who set it (a person id, None before 0013) and why."""

    level: str
    reason: str
    person_id: int | None


def manual_level(db: sqlite_utils.Database, item_id: int) -> ManualLevel:
    row = fetch_one(
        db,
        "SELECT manual_level, manual_level_reason, manual_level_by FROM items WHERE id = ?",
        [item_id],
    )
    if row is None:
        raise NotFound(f"no item {item_id}")
    return ManualLevel(row["manual_level"], row["manual_level_reason"], row["manual_level_by"])


def set_manual_level(
    db: sqlite_utils.Database,
    item_id: int,
    level: str,
    reason: str,
    person_id: int,
    actor: Actor,
    origin: Origin,
) -> Item:
    """Set (raise, lower or clear with ``none``) the level by hand, with the reason; audited
    as ``level_set`` with the level before and after. The lifecycle decides who may
    (administrators and leaders, on an item not closed)."""
    with db.atomic():
        item = get_item(db, item_id)
        decide(Event.ESCALATE, item.status, actor, item.parties)
        cleared = level == "none"
        db["items"].update(
            item.id,
            {
                "manual_level": level,
                "manual_level_reason": reason,
                "manual_level_by": None if cleared else person_id,
                "updated_at": iso(origin.at),
            },
        )
        record_item(
            db,
            origin,
            item.id,
            AuditAction.LEVEL_SET,
            before={"manual_level": item.manual_level},
            after={"manual_level": level, "reason": reason},
        )
        return get_item(db, item.id)


def assign_inspector(
    db: sqlite_utils.Database, item_id: int, person_id: int, origin: Origin
) -> int | None:
    """The office assigns an inspector to an item (they may then verify it).

    Returns the audit event's id, or None if the inspector was assigned already. An
    inspector already *involved* (by a finding) keeps that record and is assigned too.
    """
    with db.atomic():
        inserted = db.execute(
            "INSERT OR IGNORE INTO item_inspectors (item_id, person_id, assigned_by, assigned_at) "
            "VALUES (?, ?, 'office', ?)",
            [item_id, person_id, iso(origin.at)],
        ).rowcount
        if not inserted:
            return None
        return record_item(
            db, origin, item_id, AuditAction.INSPECTOR_ASSIGNED, after={"person_id": person_id}
        )


def unassign_inspector(
    db: sqlite_utils.Database, item_id: int, person_id: int, origin: Origin
) -> int | None:
    """The office removes an assignment: the audit event's id, or None if there was none.

    Involvement (findings logged) stays: it is history, not a right.
    """
    with db.atomic():
        removed = db.execute(
            "DELETE FROM item_inspectors WHERE item_id = ? AND person_id = ?",
            [item_id, person_id],
        ).rowcount
        if not removed:
            return None
        return record_item(
            db, origin, item_id, AuditAction.INSPECTOR_UNASSIGNED, before={"person_id": person_id}
        )


def assigned_inspectors(db: sqlite_utils.Database) -> dict[int, list[tuple[int, str]]]:
    """Each item's assigned inspectors (``Item.inspector_ids``) as (person id, name), in the
    order the office assigned them.

    Inactive people are included: an assignment stays on the record until the office
    removes it, and the export's 督查人员 column shows the record as it is.
    """
    found: dict[int, list[tuple[int, str]]] = {}
    for item_id, person_id, name in db.execute(
        "SELECT ii.item_id, ii.person_id, p.name FROM item_inspectors ii "
        "JOIN people p ON p.id = ii.person_id ORDER BY ii.assigned_at, ii.rowid"
    ):
        found.setdefault(item_id, []).append((person_id, name))
    return found


def record_involvement(
    db: sqlite_utils.Database, item_id: int, person_id: int, origin: Origin
) -> bool:
    """An inspector logged a finding on, or added evidence to, an item; True if new.

    Involvement is shown on the item card and grants nothing: only the office assigns.
    """
    with db.atomic():
        inserted = db.execute(
            "INSERT OR IGNORE INTO item_involvement (item_id, person_id, since) VALUES (?, ?, ?)",
            [item_id, person_id, iso(origin.at)],
        ).rowcount
        if inserted:
            record_item(
                db, origin, item_id, AuditAction.INSPECTOR_INVOLVED, after={"person_id": person_id}
            )
        return bool(inserted)


def roll_over(db: sqlite_utils.Database, new_period: str, year: int, origin: Origin) -> list[str]:
    """Carry every unfinished item into a new period (滚动办理), keeping code and history.

    The items' earlier periods stay recorded in ``item_periods``, so a period's figures can
    still be computed as of its end.
    """
    with db.atomic():
        period_id = ensure_period(db, new_period, year, origin)
        rows = db.execute(
            "SELECT id, code, period_id FROM items WHERE status != 'closed' AND period_id != ?",
            [period_id],
        ).fetchall()
        for item_id, _code, old_period in rows:
            db["items"].update(item_id, {"period_id": period_id, "updated_at": iso(origin.at)})
            db.execute(
                "INSERT OR IGNORE INTO item_periods (item_id, period_id, joined_at) "
                "VALUES (?, ?, ?)",
                [item_id, period_id, iso(origin.at)],
            )
            record_item(
                db,
                origin,
                item_id,
                AuditAction.ROLLED_OVER,
                before={"period_id": old_period},
                after={"period_id": period_id},
            )
        return [code for _, code, _ in rows]
