"""An item's history as one ordered list of events, from every table that records some.

The audit trail says who changed what; the visit, finding, progress, close-out and
extension tables hold what people wrote. This module reads them all (plain SQL, any
connection) and returns plain events; the chat view (bot/services/history.py), the PDF
dossier (bot/builders/dossier.py) and the export's 事项历史 sheet
(bot/builders/export_job.py) only lay them out, so they cannot tell different stories.

Each happening is one event even where a table and the audit trail both record it (a
close-out decision, an extension, a look-back), and each is said in the reader's words:
ids become names and codes here, fields and values become the sheet's words when the
event is laid out (``_filled``, bot/builders/changes.py).
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

from bot.builders import changes
from bot.domain.audit import AuditAction
from bot.domain.items import SHEET_FIELDS, Item
from bot.domain.reports import progress_percent
from bot.domain.targets import format_number
from bot.i18n import Safe, t
from bot.i18n.catalogue import CATALOGUE
from storage.evidence import ITEM_JOINS, ITEM_OF
from storage.rows import fetch_all

# Audit actions never shown: bookkeeping (log_activity only moves open → in progress,
# and the progress, finding or evidence that caused it has its own line).
_SKIPPED_ACTIONS = {AuditAction.LOG_ACTIVITY}
# One change some tables and the audit trail both record: on the same item at the same
# moment, an event of the kind on the left is left out when one of a kind on the right is
# there, so each happening is one line (the table's line carries what people wrote).
_TOLD_BY = {
    "audit.request_close": {"closeout_requested"},
    "audit.approve_close": {"closeout_approved"},
    "audit.return_close": {"closeout_returned"},
    "audit.lookback_confirmed": {"lookback_holds"},
    "audit.lookback_reopen": {"lookback_reopened"},
    "extension_approved": {"audit.extended"},
    "deadline_changed": {"audit.extended", "audit.sheet_updated"},
    # Tying a finding makes its inspector involved: the tie's line names them already.
    "audit.inspector_involved": {"audit.tied", "audit.moved"},
}
# Audited fields shown as changes, by their column's name (bot/builders/changes.py).
_CHANGEABLE = {*SHEET_FIELDS, "manual_level", "joint_meeting"}
# Audited values that are another item's id: shown as its code.
_ITEM_REFERENCES = ("merged_into", "duplicate", "item_id")
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
    queries, not a few per item); an item with no events has no key. A happening two
    sources record is kept once (``_TOLD_BY``)."""
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
    for item_id, listed in found.items():
        listed.sort(key=lambda event: event.at)  # stable
        found[item_id] = _told_once(listed)
    return dict(found)


def _told_once(listed: list[Event]) -> list[Event]:
    """The events less those another source tells at the same moment (``_TOLD_BY``)."""
    kinds_at: dict[datetime, set[str]] = defaultdict(set)
    for event in listed:
        kinds_at[event.at].add(event.kind)
    return [event for event in listed if not (_TOLD_BY.get(event.kind, set()) & kinds_at[event.at])]


Found = list[tuple[int, Event]]  # (item id, event), each source oldest row first


def _audit(
    db: sqlite_utils.Database, chosen: str, by_id: dict[int, str], by_tg: dict[str, str]
) -> Found:
    """Audited changes, each id in them resolved to what people call it (a person's name,
    an item's code, a period's name), so the sentence needs no lookup of its own."""
    rows = db.execute(
        "SELECT item_id, action, actor_kind, actor, at, before, after, entity "
        f"FROM audit_events WHERE item_id IN {_CHOSEN} ORDER BY id",
        [chosen],
    ).fetchall()
    periods = dict(db.execute("SELECT id, name FROM periods").fetchall())
    codes = _codes(db, rows)
    found: Found = []
    for item_id, stored, kind, actor, at, before, after, entity in rows:
        action = _action(stored)
        if action in _SKIPPED_ACTIONS:
            continue
        who = by_tg.get(actor, "") if kind == "user" else f"@{kind}"  # resolved by actor()
        before_v = json.loads(before) if before else {}
        after_v = json.loads(after) if after else {}
        if action is AuditAction.INSPECTOR_ASSIGNED and after_v.get("by") == "finding":
            # Written before migration 0006, when logging a finding "assigned": that row is
            # involvement now, and the trail must not say the office assigned anyone.
            action = AuditAction.INSPECTOR_INVOLVED
        kind_key = f"audit.{action}" if action is not None else "other"
        values = _audit_values(before_v, after_v, by_id, codes, periods)
        values["entity"] = entity
        found.append((item_id, Event(_moment(at), kind_key, who, values)))
    return found


def _action(stored: str) -> AuditAction | None:
    """The stored action as a member; None for a string no release ever wrote."""
    try:
        return AuditAction(stored)
    except ValueError:
        return None


def _codes(db: sqlite_utils.Database, rows: list) -> dict[int, str]:
    """The codes of the other items audit events name (a merge, a moved finding)."""
    named = set()
    for row in rows:
        for text in (row[5], row[6]):
            values = json.loads(text) if text else {}
            named.update(
                value
                for key in _ITEM_REFERENCES
                if isinstance(value := values.get(key), int) and not isinstance(value, bool)
            )
    if not named:
        return {}
    query = f"SELECT id, code FROM items WHERE id IN {_CHOSEN}"
    return dict(db.execute(query, [json.dumps(sorted(named))]).fetchall())


def _audit_values(
    before: dict,
    after: dict,
    by_id: dict[int, str],
    codes: dict[int, str],
    periods: dict[int, str],
) -> dict:
    """What an audit event's sentence fills in: names for ids, the changed fields as
    they were and became (worded per reader by ``_filled``)."""
    person = after.get("person_id", before.get("person_id"))
    return {
        "reason": after.get("reason") or "",
        "inspector": by_id.get(person, "") if person is not None else "",
        "from": by_id.get(before.get("person_id"), "") if "person_id" in before else "",
        "old": before.get("deadline") or "—",
        "new": after.get("deadline") or "—",
        "unit": after.get("unit") or "",
        "ack": after.get("kind") or "",
        "code": codes.get(after.get("merged_into") or after.get("duplicate"))
        or codes.get(before.get("item_id"))
        or "—",
        "count": after.get("findings_moved", 0),
        "period": periods.get(after.get("period_id"), ""),
        "before": {key: value for key, value in before.items() if key in _CHANGEABLE},
        "after": {key: value for key, value in after.items() if key in _CHANGEABLE},
    }


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
    if key not in CATALOGUE:  # a stored action no release wrote: said as such, not as code
        return t(lang, "history.event.other")
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
    wording of its own (a decision with nothing written) is the chat's sentence, with
    nothing as its detail."""
    what_key, detail_key = f"history.sheet.{event.kind}", f"history.detail.{event.kind}"
    if what_key not in CATALOGUE or detail_key not in CATALOGUE:
        return _plain(sentence(lang, event)), ""
    values = _filled(lang, event)
    return _plain(t(lang, what_key, **values)), _plain(t(lang, detail_key, **values))


def _filled(lang: str, event: Event) -> dict:
    """The event's values for its catalogue text, in the reader's words: a progress figure
    as its own phrase; an audited change's fields by their column names and values as
    people write them (bot/builders/changes.py); codes (a kind of acknowledgement, the
    kind of record withdrawn) as the catalogue says them."""
    values = dict(event.values)
    if event.kind.startswith("audit."):
        before, after = values.get("before", {}), values.get("after", {})
        values["changes"] = changes.change_text(lang, before, after)
        values["fields"] = changes.fields_text(lang, after)
        values["ack"] = _word(lang, "history.ack", values.get("ack"))
        values["what"] = _word(lang, "history.entity", values.get("entity"))
    if event.kind == "deadline_changed":
        values["reason"] = _deadline_reason(lang, str(values.get("reason") or ""))
    if event.kind == "progress":
        figure = ""
        if values.get("percent"):
            figure = t(lang, "history.figure", **values)
        elif values.get("figure"):
            figure = t(lang, "history.figure_plain", **values)
        values["figure"] = Safe(figure)
    return values


def _deadline_reason(lang: str, stored: str) -> str | Safe:
    """Why a deadline was replaced, as stored by ``storage.ledger._keep_deadline`` ("sheet",
    "extension: <reason>"), in the reader's words; anything else as it was written."""
    if stored == "sheet":
        return Safe(t(lang, "history.deadline_reason.sheet"))
    if stored.startswith("extension: "):
        reason = stored.removeprefix("extension: ")  # escaped by t, so the phrase is Safe
        return Safe(t(lang, "history.deadline_reason.extension", reason=reason))
    return stored


def _word(lang: str, prefix: str, code: object) -> str:
    """The catalogue's word for a stored code (``history.ack.returned``), or none."""
    key = f"{prefix}.{code}"
    return t(lang, key) if key in CATALOGUE else ""


def _plain(rendered: str) -> str:
    """Catalogue text back to what was typed (the history templates hold no markup)."""
    return html.unescape(rendered)
