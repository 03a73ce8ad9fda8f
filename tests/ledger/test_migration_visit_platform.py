"""Migration 0025_visit_platform (issue 16): each visit names the platform it was started
from, so its presence reads as that platform allows (位置：钉钉未提供 · 确认到场 for a DingTalk
visit) even after its inspector writes from their other account. A database from before it
upgrades with every row kept, each visit's platform the best that is known: the inbox update
behind its ``started`` audit event, else the starter's platform, else Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from bot.domain.audit import ActorKind, AuditAction, Origin
from storage import presence
from storage import visits as visit_store
from storage.audit import record
from storage.db import connect
from storage.migrations import migrations, upgrade

T = "2026-12-01T00:00:00+00:00"
AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CONFIRMED = "2026-12-01T00:20:00+00:00"

# People: 1 on Telegram only; 2 on both, who wrote from Telegram last; 3 on DingTalk only.
PEOPLE = (
    (1, "telegram", "7001", "王督查"),
    (2, "telegram", "7002", "李督查"),
    (3, "dingtalk", "zhou4521", "周督查"),
)
# The inbox updates that started visits: Telegram's are positive, DingTalk's negative.
INBOX = ((501, "telegram", "501"), (502, "telegram", "502"), (-1, "dingtalk", "msg-a"))

# id → (starter, the update behind its 'started' event (None: no event), located,
#       confirmed, the platform the upgrade must name)
OLD_VISITS = {
    1: (1, 501, False, False, "telegram"),
    # 李督查 started it on DingTalk and tapped ✅ 已到现场, then wrote from Telegram: the
    # visit the old query read as a Telegram visit that never sent a location.
    2: (2, -1, False, True, "dingtalk"),
    3: (2, 502, True, False, "telegram"),  # a located Telegram visit of the same person
    4: (3, -9, False, True, "dingtalk"),  # its update is not in the inbox: the person's
    5: (2, None, False, False, "telegram"),  # no audit event with an update: the person's
}


def _old_database(path: Path) -> tuple[list[dict], list[dict]]:
    """A database just before 0025, with visits of every kind; returns its visits and
    audit events as they were."""
    old = connect(path)
    migrations.apply(old, stop_before="0025_visit_platform")
    for person_id, platform, account, name in PEOPLE:
        old.execute(
            "INSERT INTO people (id, platform, account, name, role, created_at) "
            "VALUES (?, ?, ?, ?, 'inspector', ?)",
            [person_id, platform, account, name, T],
        )
    old.execute(
        "INSERT INTO person_accounts (platform, account, person_id, linked_at) "
        "VALUES ('dingtalk', 'li7002', 2, ?)",
        [T],
    )
    old.execute("INSERT INTO companies (id, name, created_at) VALUES (1, '万达轴承', ?)", [T])
    for update_id, platform, event in INBOX:
        old.execute(
            "INSERT INTO inbox (update_id, platform, event, raw, received_at, status) "
            "VALUES (?, ?, ?, '', ?, 'done')",
            [update_id, platform, event, T],
        )
    with old.atomic():
        for visit_id, (starter, update_id, located, confirmed, _) in OLD_VISITS.items():
            old.execute(
                "INSERT INTO visits (id, company_id, started_by, started_at, last_activity_at, "
                "ended_at, end_reason, latitude, longitude, located_at, distance_m, "
                "confirmed_at) VALUES (?, 1, ?, ?, ?, ?, 'done', ?, ?, ?, ?, ?)",
                [
                    visit_id,
                    starter,
                    T,
                    T,
                    T,
                    32.37 if located else None,
                    120.56 if located else None,
                    T if located else None,
                    42.0 if located else None,
                    CONFIRMED if confirmed else None,
                ],
            )
            old.execute(
                "INSERT INTO visit_members (visit_id, person_id, joined_at) VALUES (?, ?, ?)",
                [visit_id, starter, T],
            )
            account = next(row[2] for row in PEOPLE if row[0] == starter)
            origin = Origin(
                ActorKind.USER,
                account,
                datetime.fromisoformat(T),
                update_id=update_id,
                person_id=starter,
            )
            record(
                old,
                origin,
                entity="visit",
                entity_id=visit_id,
                action=AuditAction.STARTED,
                after={"company_id": 1},
            )
    visits = [dict(row) for row in old.query("SELECT * FROM visits ORDER BY id")]
    events = [dict(row) for row in old.query("SELECT * FROM audit_events ORDER BY id")]
    old.conn.commit()
    old.close()
    return visits, events


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[sqlite_utils.Database, list[dict], list[dict]]:
    path = tmp_path / "old.sqlite"
    visits, events = _old_database(path)
    database = connect(path)
    assert upgrade(database)[:1] == ["0025_visit_platform"]
    return database, visits, events


def test_each_visit_names_the_platform_it_was_started_from(upgraded) -> None:
    db, _, _ = upgraded
    platforms = dict(db.execute("SELECT id, platform FROM visits ORDER BY id").fetchall())
    assert platforms == {visit_id: row[4] for visit_id, row in OLD_VISITS.items()}


def test_nothing_else_changes(upgraded) -> None:
    db, visits, events = upgraded
    after = [dict(row) for row in db.query("SELECT * FROM visits ORDER BY id")]
    assert [{k: v for k, v in row.items() if k != "platform"} for row in after] == visits
    assert [dict(row) for row in db.query("SELECT * FROM audit_events ORDER BY id")] == events
    assert db.execute("SELECT count(*) FROM visit_members").fetchone() == (len(OLD_VISITS),)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    columns = {row[1]: (row[2], row[3], row[4]) for row in db.execute("PRAGMA table_info(visits)")}
    assert columns["platform"] == ("TEXT", 1, "'telegram'")  # NOT NULL, Telegram by default
    assert db.execute("SELECT name FROM temp.sqlite_master").fetchall() == []  # no leftovers


def test_a_dingtalk_visit_reads_as_dingtalk_after_its_inspector_moved_to_telegram(
    upgraded,
) -> None:
    """李督查 now writes from Telegram; the visit he started on DingTalk still reads
    位置：钉钉未提供 (not locatable, arrival confirmed), his Telegram ones as Telegram's."""
    db, _, _ = upgraded
    found = presence.arrivals(db, list(OLD_VISITS))
    assert {visit_id: arrival.locatable for visit_id, arrival in found.items()} == {
        1: True,
        2: False,
        3: True,
        4: False,
        5: True,
    }
    assert found[2].confirmed_at == datetime.fromisoformat(CONFIRMED)
    assert found[3].distance_m == 42.0


def test_a_visit_started_after_the_upgrade_records_its_platform(upgraded) -> None:
    db, _, _ = upgraded
    with db.atomic():
        new = visit_store.start_visit(db, 1, 2, AT, platform="dingtalk")
    assert db.execute("SELECT platform FROM visits WHERE id = ?", [new]).fetchone() == ("dingtalk",)
    assert presence.arrival(db, new).locatable is False
