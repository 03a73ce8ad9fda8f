"""A ledger rolled from 2024 into 2025 by the code's own functions at past clocks, then
changed after the roll: what a period's report and export must see through.

Nothing here knows about pictures or snapshots: the rows are written exactly as the ledger
writes them (and wrote them before periods kept their picture), so a test on this database is
a test on a database rolled before the change.

The 2024 period:
- ``startups`` (高企培育, target 105, deadline 2024-10-31): the contact reports 79 in
  November 2024; after the roll 105 is reported and the item is closed (March 2025).
- ``park`` (科技局, deadline 2024-06-30): closed in September 2024, stays in 2024.
- ``loans`` (财政局, deadline 2024-12-20): after the roll its deadline is extended to
  2025-06-30 and it is raised to red by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Actor, Event, Role
from storage import followup, ledger

CREATED = datetime(2024, 2, 1, 2, 0, tzinfo=UTC)
ROLLED = datetime(2025, 1, 6, 2, 0, tzinfo=UTC)
AFTER_ROLL = datetime(2025, 3, 2, 2, 0, tzinfo=UTC)
STARTUPS_DEADLINE = date(2024, 10, 31)
LOANS_DEADLINE = date(2024, 12, 20)
ADMIN = Actor(0, Role.ADMIN)
LEADER = Actor(0, Role.LEADER)


@dataclass
class Rolled:
    codes: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def _reporter(db: sqlite_utils.Database) -> int:
    """The contact who reports figures (a row as registration writes it)."""
    unit_id = ledger.ensure_named(db, "units", "科技局", Origin.cli(CREATED))
    return (
        db["people"]
        .insert(
            {
                "account": "7700",
                "name": "钱联络",
                "role": Role.CONTACT.value,
                "unit_id": unit_id,
                "language": "zh",
                "created_at": CREATED.isoformat(),
            }
        )
        .last_pk
    )


def _fields(problem: str, unit: str, deadline: date, target: str = "", number=None) -> ItemFields:
    return ItemFields(
        problem=problem,
        unit=unit,
        deadline=deadline,
        deadline_text=deadline.isoformat(),
        target=target,
        target_number=number,
        area="高企培育",
        town="磨头镇",
    )


def seed_rolled(db: sqlite_utils.Database) -> Rolled:
    """Three items in 2024, rolled into 2025, then changed in 2025 (see the module)."""
    out = Rolled()
    origin = Origin.cli(CREATED)
    ledger.ensure_period(db, "2024", 2024, origin)
    reporter = _reporter(db)
    specs = {
        "startups": _fields("高企培育不足", "科技局", STARTUPS_DEADLINE, "新增高企105家", 105.0),
        "park": _fields("孵化器建设缓慢", "科技局", date(2024, 6, 30)),
        "loans": _fields("科技贷款投放不足", "财政局", LOANS_DEADLINE),
    }
    for label, fields in specs.items():
        item = ledger.create_item(db, fields, "2024", origin)
        out.codes[label], out.ids[label] = item.code, item.id

    november = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
    followup.add_progress(db, out.ids["startups"], reporter, "已完成79家", 79.0, november, None)
    closed_2024 = Origin.cli(datetime(2024, 9, 10, 2, 0, tzinfo=UTC))
    ledger.apply_event(
        db, out.ids["park"], Event.REQUEST_CLOSE, ADMIN, closed_2024, has_evidence=True
    )
    ledger.apply_event(db, out.ids["park"], Event.APPROVE_CLOSE, LEADER, closed_2024)

    ledger.roll_over(db, "2025", 2025, Origin.cli(ROLLED))

    later = Origin.cli(AFTER_ROLL)
    followup.add_progress(
        db, out.ids["startups"], reporter, "105家已全部完成", 105.0, AFTER_ROLL, None
    )
    ledger.apply_event(
        db, out.ids["startups"], Event.REQUEST_CLOSE, ADMIN, later, has_evidence=True
    )
    ledger.apply_event(db, out.ids["startups"], Event.APPROVE_CLOSE, LEADER, later)
    ledger.extend_deadline(db, out.ids["loans"], date(2025, 6, 30), "资金到位晚", ADMIN, later)
    ledger.escalate(db, out.ids["loans"], "red", ADMIN, later)
    return out
