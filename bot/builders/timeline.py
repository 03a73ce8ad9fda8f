"""An item's history as one ordered list of events, from every table that records some.

The audit trail says who changed what; the visit, finding, progress, close-out and
extension tables hold what people wrote. This module reads them all (plain SQL, any
connection) and returns plain events; the chat view (bot/services/history.py) and the PDF
dossier (bot/builders/documents.py) only lay them out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from bot.domain.items import Item
from bot.domain.reports import progress_percent
from bot.domain.targets import format_number
from bot.i18n import Safe, t
from bot.i18n.catalogue import CATALOGUE
from storage.evidence import ITEM_JOINS, ITEM_OF
from storage.rows import fetch_all

# Audit actions shown as their own line (the rest are covered by the tables below, or
# are bookkeeping such as log_activity, which only moves open → in progress).
_SKIPPED_ACTIONS = {"log_activity"}


@dataclass(frozen=True)
class Event:
    at: datetime  # aware
    kind: str  # catalogue suffix: history.event.<kind>
    who: str
    values: dict  # filled into the catalogue text (plain text; the renderer escapes it)


@dataclass(frozen=True)
class Photo:
    evidence_id: int
    file_id: str | None
    sha256: str | None
    caption: str
    taken_at: datetime
    who: str


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _names(db: sqlite_utils.Database) -> tuple[dict[int, str], dict[str, str]]:
    """People by id and by their platform account (audit events name the latter)."""
    by_id, by_account = {}, {}
    for person_id, account, name in db.execute("SELECT id, account, name FROM people"):
        by_id[person_id] = name
        if account is not None:
            by_account[account] = name
    return by_id, by_account


def _table_exists(db: sqlite_utils.Database, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute(query, [name]).fetchone() is not None


def events(db: sqlite_utils.Database, item: Item) -> list[Event]:
    """Everything that happened to the item, oldest first."""
    by_id, by_tg = _names(db)
    found: list[Event] = []
    has_closeouts = bool(
        db.execute("SELECT 1 FROM closeout_requests WHERE item_id = ?", [item.id]).fetchone()
    )

    for action, kind, actor, at, before, after in db.execute(
        "SELECT action, actor_kind, actor, at, before, after FROM audit_events "
        "WHERE item_id = ? ORDER BY id",
        [item.id],
    ):
        if action in _SKIPPED_ACTIONS or (action == "request_close" and has_closeouts):
            continue
        who = by_tg.get(actor, "") if kind == "user" else f"@{kind}"  # resolved in describe()
        before_v = json.loads(before) if before else {}
        after_v = json.loads(after) if after else {}
        if action == "inspector_assigned" and after_v.get("by") == "finding":
            # Written before migration 0006, when logging a finding "assigned": that row is
            # involvement now, and the trail must not say the office assigned anyone.
            action = "inspector_involved"
        values = _audit_values(after_v, before_v)
        person = after_v.get("person_id", before_v.get("person_id"))
        if person is not None:  # an inspector assigned, removed or involved: by name
            values["inspector"] = by_id.get(person, "")
        found.append(Event(_moment(at), f"audit.{action}", who, values))

    for visit_id, company, _started, person_id, text, created_at, photos in db.execute(
        "SELECT v.id, c.name, v.started_at, f.person_id, f.text, f.created_at, "
        "(SELECT count(*) FROM evidence e WHERE e.finding_id = f.id AND e.withdrawn = 0) "
        "FROM findings f LEFT JOIN visits v ON v.id = f.visit_id "
        "LEFT JOIN companies c ON c.id = v.company_id "
        "WHERE f.item_id = ? AND f.withdrawn = 0 ORDER BY f.id",
        [item.id],
    ):
        values = {"company": company or "", "text": text, "photos": photos}
        kind = "visit_finding" if visit_id is not None else "finding"
        found.append(Event(_moment(created_at), kind, by_id.get(person_id, ""), values))

    for person_id, text, figure, created_at in db.execute(
        "SELECT person_id, text, figure, created_at FROM progress_reports WHERE item_id = ? "
        "ORDER BY id",
        [item.id],
    ):
        percent = progress_percent(figure, item.target_number)
        values = {
            "text": text,
            "figure": _number(figure),
            "target": _number(item.target_number),
            "percent": f"{percent:.0f}%" if percent is not None else "",
        }
        found.append(Event(_moment(created_at), "progress", by_id.get(person_id, ""), values))

    for by, text, status, decided_by, decided_at, reason, created_at in db.execute(
        "SELECT requested_by, text, status, decided_by, decided_at, reason, created_at "
        "FROM closeout_requests WHERE item_id = ? ORDER BY id",
        [item.id],
    ):
        found.append(
            Event(_moment(created_at), "closeout_requested", by_id.get(by, ""), {"text": text})
        )
        if status != "pending" and decided_at:
            found.append(
                Event(
                    _moment(decided_at),
                    f"closeout_{status}",
                    by_id.get(decided_by, ""),
                    {"reason": reason or ""},
                )
            )

    for by, new_deadline, reason, status, decided_by, decided_at, created_at in db.execute(
        "SELECT requested_by, new_deadline, reason, status, decided_by, decided_at, created_at "
        "FROM extension_requests WHERE item_id = ? ORDER BY id",
        [item.id],
    ):
        found.append(
            Event(
                _moment(created_at),
                "extension_requested",
                by_id.get(by, ""),
                {"deadline": new_deadline, "reason": reason},
            )
        )
        if status != "pending" and decided_at:
            found.append(
                Event(
                    _moment(decided_at),
                    f"extension_{status}",
                    by_id.get(decided_by, ""),
                    {"deadline": new_deadline},
                )
            )

    found.extend(_deadline_changes(db, item))
    if _table_exists(db, "lookbacks"):
        for outcome, decided_by, decided_at, finding in db.execute(
            "SELECT outcome, decided_by, decided_at, finding FROM lookbacks "
            "WHERE item_id = ? AND outcome IS NOT NULL ORDER BY id",
            [item.id],
        ):
            found.append(
                Event(
                    _moment(decided_at),
                    f"lookback_{outcome}",
                    by_id.get(decided_by, ""),
                    {"text": finding or ""},
                )
            )
    found.sort(key=lambda event: event.at)
    return found


def _deadline_changes(db: sqlite_utils.Database, item: Item) -> list[Event]:
    """Each replaced deadline with the one that replaced it."""
    rows = db.execute(
        "SELECT deadline, deadline_text, replaced_at, reason FROM deadline_history "
        "WHERE item_id = ? ORDER BY id",
        [item.id],
    ).fetchall()
    current = item.deadline.isoformat() if item.deadline else item.deadline_text
    changes = []
    for index, (deadline, text, replaced_at, reason) in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        new = (following[0] or following[1]) if following else current
        changes.append(
            Event(
                _moment(replaced_at),
                "deadline_changed",
                "",
                {"old": deadline or text or "—", "new": new or "—", "reason": reason},
            )
        )
    return changes


def _audit_values(after: dict, before: dict) -> dict:
    values = {"reason": after.get("reason", ""), "status": after.get("status", "")}
    if "deadline" in after:
        values["deadline"] = after["deadline"]
    values["fields"] = ", ".join(sorted(after)) if after else ""
    return values


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def photos(db: sqlite_utils.Database, item_id: int) -> list[Photo]:
    """The item's photos (from visits, progress reports and close-out requests)."""
    by_id, _ = _names(db)
    rows = fetch_all(
        db,
        "SELECT e.id, e.file_id, e.sha256, e.caption, e.taken_at, e.person_id FROM evidence e "
        f"{ITEM_JOINS} WHERE e.kind = 'photo' AND e.withdrawn = 0 AND "
        f"{ITEM_OF} = ? ORDER BY e.taken_at, e.id",
        [item_id],
    )
    return [
        Photo(
            r["id"],
            r["file_id"],
            r["sha256"],
            r["caption"] or "",
            _moment(r["taken_at"]),
            by_id.get(r["person_id"], ""),
        )
        for r in rows
    ]


def media_file(media_dir: Path, sha256: str | None) -> Path | None:
    """Where the evidence downloader keeps a file: by sha256, fanned out or flat."""
    if not sha256:
        return None
    for folder in (media_dir / sha256[:2] / sha256[2:4], media_dir / sha256[:2], media_dir):
        exact = folder / sha256
        if exact.is_file():
            return exact
        if folder.is_dir():
            for candidate in folder.glob(f"{sha256}.*"):
                if candidate.is_file():
                    return candidate
    return None


def describe(lang: str, event: Event) -> str:
    """One event as catalogue HTML (its values escaped), with who did it."""
    key = f"history.event.{event.kind}"
    if key not in CATALOGUE:
        return t(lang, "history.event.other", action=event.kind.removeprefix("audit."))
    values = dict(event.values)
    if event.kind == "progress":
        figure = ""
        if values.get("percent"):
            figure = t(lang, "history.figure", **values)
        elif values.get("figure"):
            figure = t(lang, "history.figure_plain", **values)
        values["figure"] = Safe(figure)
    text = t(lang, key, **values)
    who = event.who
    if who.startswith("@"):  # not a person: the import, the command line, the bot itself
        who = t(lang, f"export.actor.{who[1:]}")
    return text + (t(lang, "history.who", who=who) if who else "")
