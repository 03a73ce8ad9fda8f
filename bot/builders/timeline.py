"""An item's history as one ordered list of events, from every table that records some.

The audit trail says who changed what; the visit, finding, progress, close-out and
extension tables hold what people wrote. This module reads them all (plain SQL, any
connection) and returns plain events; the chat view (bot/services/history.py), the PDF
dossier (bot/builders/documents.py) and the export's 事项历史 sheet
(bot/builders/export_job.py) only lay them out, so they cannot tell different stories.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
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
# The items asked for, as a JSON array bound to the one parameter of each query.
_CHOSEN = "(SELECT value FROM json_each(?))"


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
    return histories(db, [item.id]).get(item.id, [])


def histories(db: sqlite_utils.Database, item_ids: Iterable[int]) -> dict[int, list[Event]]:
    """Every listed item's events, oldest first: the one assembler behind /history, the
    dossier and the export's history sheet, so the chat and the workbook tell the same story.

    Each source table is read once for all the items (an export of 10 000 items is a few
    queries, not a few per item); an item with no events has no key."""
    wanted = sorted(set(item_ids))
    if not wanted:
        return {}
    chosen = json.dumps(wanted)
    by_id, by_tg = _names(db)
    items = {
        row["id"]: row
        for row in fetch_all(
            db,
            f"SELECT id, target_number, deadline, deadline_text FROM items WHERE id IN {_CHOSEN}",
            [chosen],
        )
    }
    found: dict[int, list[Event]] = defaultdict(list)
    sources = (
        _audit(db, chosen, by_id, by_tg),
        _findings(db, chosen, by_id),
        _progress(db, chosen, by_id, items),
        _closeouts(db, chosen, by_id),
        _extensions(db, chosen, by_id),
        _deadline_changes(db, chosen, items),
        _lookbacks(db, chosen, by_id),
    )
    for source in sources:  # in this order: events at the same moment keep it
        for item_id, event in source:
            found[item_id].append(event)
    for listed in found.values():
        listed.sort(key=lambda event: event.at)  # stable
    return dict(found)


Found = list[tuple[int, Event]]  # (item id, event), each source oldest row first


def _audit(
    db: sqlite_utils.Database, chosen: str, by_id: dict[int, str], by_tg: dict[str, str]
) -> Found:
    """Audited changes, but not those told better by the tables below."""
    closing = {
        item_id
        for (item_id,) in db.execute(
            f"SELECT DISTINCT item_id FROM closeout_requests WHERE item_id IN {_CHOSEN}", [chosen]
        )
    }
    found: Found = []
    for item_id, action, kind, actor, at, before, after in db.execute(
        "SELECT item_id, action, actor_kind, actor, at, before, after FROM audit_events "
        f"WHERE item_id IN {_CHOSEN} ORDER BY id",
        [chosen],
    ):
        if action in _SKIPPED_ACTIONS or (action == "request_close" and item_id in closing):
            continue
        who = by_tg.get(actor, "") if kind == "user" else f"@{kind}"  # resolved by actor()
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
        found.append((item_id, Event(_moment(at), f"audit.{action}", who, values)))
    return found


def _findings(db: sqlite_utils.Database, chosen: str, by_id: dict[int, str]) -> Found:
    found: Found = []
    for item_id, visit_id, company, person_id, text, created_at, photos in db.execute(
        "SELECT f.item_id, v.id, c.name, f.person_id, f.text, f.created_at, "
        "(SELECT count(*) FROM evidence e WHERE e.finding_id = f.id AND e.withdrawn = 0) "
        "FROM findings f LEFT JOIN visits v ON v.id = f.visit_id "
        "LEFT JOIN companies c ON c.id = v.company_id "
        f"WHERE f.item_id IN {_CHOSEN} AND f.withdrawn = 0 ORDER BY f.id",
        [chosen],
    ):
        values = {"company": company or "", "text": text, "photos": photos}
        kind = "visit_finding" if visit_id is not None else "finding"
        found.append((item_id, Event(_moment(created_at), kind, by_id.get(person_id, ""), values)))
    return found


def _progress(
    db: sqlite_utils.Database,
    chosen: str,
    by_id: dict[int, str],
    items: dict[int, sqlite3.Row],
) -> Found:
    found: Found = []
    for item_id, person_id, text, figure, created_at in db.execute(
        "SELECT item_id, person_id, text, figure, created_at FROM progress_reports "
        f"WHERE item_id IN {_CHOSEN} ORDER BY id",
        [chosen],
    ):
        target = items[item_id]["target_number"] if item_id in items else None
        percent = progress_percent(figure, target)
        values = {
            "text": text,
            "figure": _number(figure),
            "target": _number(target),
            "percent": f"{percent:.0f}%" if percent is not None else "",
        }
        event = Event(_moment(created_at), "progress", by_id.get(person_id, ""), values)
        found.append((item_id, event))
    return found


def _closeouts(db: sqlite_utils.Database, chosen: str, by_id: dict[int, str]) -> Found:
    """Each close-out request, and its decision once made."""
    found: Found = []
    for item_id, by, text, status, decided_by, decided_at, reason, created_at in db.execute(
        "SELECT item_id, requested_by, text, status, decided_by, decided_at, reason, "
        f"created_at FROM closeout_requests WHERE item_id IN {_CHOSEN} ORDER BY id",
        [chosen],
    ):
        asked = Event(_moment(created_at), "closeout_requested", by_id.get(by, ""), {"text": text})
        found.append((item_id, asked))
        if status != "pending" and decided_at:
            decided = Event(
                _moment(decided_at),
                f"closeout_{status}",
                by_id.get(decided_by, ""),
                {"reason": reason or ""},
            )
            found.append((item_id, decided))
    return found


def _extensions(db: sqlite_utils.Database, chosen: str, by_id: dict[int, str]) -> Found:
    """Each extension request, and its decision once made."""
    found: Found = []
    for item_id, by, new_deadline, reason, status, decided_by, decided_at, created_at in db.execute(
        "SELECT item_id, requested_by, new_deadline, reason, status, decided_by, "
        f"decided_at, created_at FROM extension_requests WHERE item_id IN {_CHOSEN} "
        "ORDER BY id",
        [chosen],
    ):
        values = {"deadline": new_deadline, "reason": reason}
        asked = Event(_moment(created_at), "extension_requested", by_id.get(by, ""), values)
        found.append((item_id, asked))
        if status != "pending" and decided_at:
            decided = Event(
                _moment(decided_at),
                f"extension_{status}",
                by_id.get(decided_by, ""),
                {"deadline": new_deadline},
            )
            found.append((item_id, decided))
    return found


def _lookbacks(db: sqlite_utils.Database, chosen: str, by_id: dict[int, str]) -> Found:
    """Decided look-backs (回头看); databases from before the table have none."""
    if not _table_exists(db, "lookbacks"):
        return []
    found: Found = []
    for item_id, outcome, decided_by, decided_at, finding in db.execute(
        "SELECT item_id, outcome, decided_by, decided_at, finding FROM lookbacks "
        f"WHERE item_id IN {_CHOSEN} AND outcome IS NOT NULL ORDER BY id",
        [chosen],
    ):
        event = Event(
            _moment(decided_at),
            f"lookback_{outcome}",
            by_id.get(decided_by, ""),
            {"text": finding or ""},
        )
        found.append((item_id, event))
    return found


def _deadline_changes(
    db: sqlite_utils.Database, chosen: str, items: dict[int, sqlite3.Row]
) -> Found:
    """Each replaced deadline with the one that replaced it (the last by the current one)."""
    replaced: dict[int, list[tuple]] = defaultdict(list)
    for item_id, deadline, text, replaced_at, reason in db.execute(
        "SELECT item_id, deadline, deadline_text, replaced_at, reason FROM deadline_history "
        f"WHERE item_id IN {_CHOSEN} ORDER BY id",
        [chosen],
    ):
        replaced[item_id].append((deadline, text, replaced_at, reason))
    found: Found = []
    for item_id, rows in replaced.items():
        item = items.get(item_id)
        current = (item["deadline"] or item["deadline_text"]) if item else None
        for index, (deadline, text, replaced_at, reason) in enumerate(rows):
            following = rows[index + 1] if index + 1 < len(rows) else None
            new = (following[0] or following[1]) if following else current
            values = {"old": deadline or text or "—", "new": new or "—", "reason": reason}
            found.append((item_id, Event(_moment(replaced_at), "deadline_changed", "", values)))
    return found


def _audit_values(after: dict, before: dict) -> dict:
    values = {"reason": after.get("reason", ""), "status": after.get("status", "")}
    if "deadline" in after:
        values["deadline"] = after["deadline"]
    values["fields"] = ", ".join(sorted(after)) if after else ""
    values["changes"] = _change_text(before, after)  # the workbook's detail column
    return values


def _change_text(before: dict, after: dict) -> str:
    """``field: old → new`` for each changed field of an audit event."""
    parts = []
    for key in sorted(set(before) | set(after)):
        if key in before:
            parts.append(f"{key}: {before.get(key)} → {after.get(key)}")
        else:
            parts.append(f"{key}: {after.get(key)}")
    return "; ".join(parts)[:2000]


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
    who = actor(lang, event)
    return sentence(lang, event) + (t(lang, "history.who", who=who) if who else "")


def sentence(lang: str, event: Event) -> str:
    """What happened, as catalogue HTML, without who did it."""
    key = f"history.event.{event.kind}"
    if key not in CATALOGUE:
        return t(lang, "history.event.other", action=event.kind.removeprefix("audit."))
    return t(lang, key, **_filled(lang, event))


def actor(lang: str, event: Event) -> str:
    """Who did it: a person's name, or what acted for nobody (the import, the command line,
    the bot itself); empty when the audit names someone no longer known."""
    if event.who.startswith("@"):
        return t(lang, f"export.actor.{event.who[1:]}")
    return event.who


def sheet_cells(lang: str, event: Event) -> tuple[str, str]:
    """The event as the export's 事件 and 内容 columns, plain text: what happened, and what
    people wrote (or, for an audited change, each field's old → new value).

    The columns come from the same event as the chat's line, so the workbook and /history
    cannot disagree on what happened; only the layout differs. An event with no sheet
    wording of its own (an audited change, a decision with nothing written) is the chat's
    sentence, with the audited fields' old → new values as its detail."""
    what_key, detail_key = f"history.sheet.{event.kind}", f"history.detail.{event.kind}"
    if what_key not in CATALOGUE or detail_key not in CATALOGUE:
        return _plain(sentence(lang, event)), str(event.values.get("changes", ""))
    values = _filled(lang, event)
    return _plain(t(lang, what_key, **values)), _plain(t(lang, detail_key, **values))


def _filled(lang: str, event: Event) -> dict:
    """The event's values for its catalogue text; a progress figure as its own phrase."""
    values = dict(event.values)
    if event.kind == "progress":
        figure = ""
        if values.get("percent"):
            figure = t(lang, "history.figure", **values)
        elif values.get("figure"):
            figure = t(lang, "history.figure_plain", **values)
        values["figure"] = Safe(figure)
    return values


def _plain(rendered: str) -> str:
    """Catalogue text back to what was typed (the history templates hold no markup)."""
    return html.unescape(rendered)
