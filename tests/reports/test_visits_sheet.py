"""The visits sheet of an export: every visit of a long-used ledger, in one go."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.builders.visits_sheet import export_visit_ids, visit_rows
from bot.domain.audit import Origin
from storage import ledger
from storage import visits as visit_store
from storage.db import open_database

AT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


def test_every_visit_past_sqlites_parameter_cap(tmp_path: Path) -> None:
    """A whole-ledger export reads more visits than SQLite takes parameters in one
    statement (999 in older builds, set so here): all of them come back, oldest first."""
    db = open_database(tmp_path / "duban.sqlite")
    origin = Origin.cli(AT)
    with db.atomic():
        town = ledger.ensure_named(db, "towns", "磨头镇", origin)
        company = ledger.ensure_company(db, "力威机械", town, origin)
        person = (
            db["people"]
            .insert(
                {
                    "account": "6001",
                    "name": "王督查",
                    "role": "inspector",
                    "created_at": AT.isoformat(),
                }
            )
            .last_pk
        )
        for day in range(1200):
            at = AT + timedelta(days=day)
            visit = visit_store.start_visit(db, company, person, at, platform="telegram")
            visit_store.end_visit(db, visit, at + timedelta(hours=1), "done")
    db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    ids = export_visit_ids(db, [], {})
    rows = visit_rows(db, ids)
    assert len(ids) == 1200 and [row.id for row in rows] == sorted(ids)
    assert rows[0].inspectors == "王督查" and rows[-1].started_at == AT + timedelta(days=1199)
    db.close()
