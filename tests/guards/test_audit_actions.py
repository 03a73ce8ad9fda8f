"""Every audit action comes from one enumeration (``bot.domain.audit.AuditAction``), and each
has a phrase in both languages, so /history, the export's 事项历史 sheet and the dossier never
show an internal name such as ``acknowledged`` or ``tied``.

The stored strings are the members' values: a database written by any release holds only
strings that are members, so renaming a value (or writing a new string outside the
enumeration) fails here before it reaches a reader.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.demo import seed_database, write_sheet
from bot.domain.audit import AuditAction, Origin
from bot.i18n import LANGUAGES
from bot.i18n.catalogue import CATALOGUE
from storage.audit import record
from storage.db import open_database

ROOT = Path(__file__).resolve().parents[2]
# The calls that write an audit event, and the position of their action when it is passed
# positionally (record_item(db, origin, item_id, action)).
WRITERS = {"record": None, "record_item": 3, "event_row": None}
# Every action string a release of Duban has written to audit_events (from the history of
# storage/ and bot/): old databases hold these, and each must still read as a member.
WRITTEN_BY_RELEASES = (
    "acknowledged",
    "admin_from_settings",
    "admin_restored_from_settings",
    "approve_close",
    "changed",
    "coordinates_proposed",
    "coordinates_rejected",
    "coordinates_set",
    "created",
    "created_on_visit",
    "described",
    "ended",
    "escalate",
    "escalated",
    "extend",
    "extended",
    "file_stored",
    "handed_over",
    "inspector_assigned",
    "inspector_involved",
    "inspector_unassigned",
    "joined",
    "located",
    "log_activity",
    "lookback_confirmed",
    "lookback_reopen",
    "merged_from",
    "merged_into",
    "moved",
    "registered",
    "replay",
    "request_close",
    "return_close",
    "review_completed",
    "review_rejected",
    "revoked",
    "rolled_over",
    "sheet_updated",
    "started",
    "tied",
    "withdrawn",
)


@pytest.mark.parametrize("action", list(AuditAction), ids=str)
def test_every_action_has_a_phrase_in_both_languages(action: AuditAction) -> None:
    """/history says each action as a phrase, never by its stored name."""
    key = f"history.event.audit.{action.value}"
    assert key in CATALOGUE, key
    for lang in LANGUAGES:
        assert CATALOGUE[key][lang].strip(), (key, lang)
    assert action.value not in CATALOGUE[key]["zh"]  # English words are allowed in English
    assert "_" not in CATALOGUE[key]["en"]


def test_strings_older_releases_stored_are_members() -> None:
    assert [text for text in WRITTEN_BY_RELEASES if text not in set(AuditAction)] == []


def test_the_demo_database_holds_members_only(tmp_path: Path) -> None:
    """A database as the demo's story leaves it: imported items, visits, findings,
    progress, close-outs, registrations — every stored action is a member."""
    now = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)
    db = open_database(tmp_path / "duban.sqlite")
    seed_database(db, write_sheet(tmp_path / "表.xlsx", now.date()), now)
    stored = {action for (action,) in db.execute("SELECT DISTINCT action FROM audit_events")}
    assert len(stored) >= 3
    assert {text for text in stored if text not in set(AuditAction)} == set()


def test_a_string_outside_the_enumeration_is_refused(tmp_path: Path) -> None:
    """The trail's writer takes members only: a typo cannot reach the database."""
    db = open_database(tmp_path / "duban.sqlite")
    origin = Origin.cli(datetime(2026, 6, 3, tzinfo=UTC))
    with pytest.raises(ValueError, match="acknowleged"):
        record(db, origin, entity="item", action="acknowleged")  # type: ignore[arg-type]
    assert db.execute("SELECT count(*) FROM audit_events").fetchone()[0] == 0


def _literal_actions(path: Path) -> list[str]:
    """Where a call that writes an audit event passes its action as a string literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in WRITERS:
            continue
        passed = [kw.value for kw in node.keywords if kw.arg == "action"]
        position = WRITERS[name]
        if position is not None and len(node.args) > position:
            passed.append(node.args[position])
        for value in passed:
            for part in ast.walk(value):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {part.value!r}")
    return found


def test_every_writer_passes_a_member() -> None:
    """No ``action="…"`` in storage/ or bot/: each action is named through the enumeration."""
    sources = sorted((ROOT / "storage").rglob("*.py")) + sorted((ROOT / "bot").rglob("*.py"))
    found = [hit for path in sources for hit in _literal_actions(path)]
    assert found == []
