"""How long a day's reminder pass over 100 000 items takes, against one plain full read of
the items table (``SELECT * FROM items``, every row fetched).

The goals are a ratio of at most 0.2 on a typical day and 0.5 on the week's heaviest: the
pass reads ``sweep_schedule.next_on`` through its partial index and touches only the items
due that day. The table is a steady state a county could reach after years of rolling
periods: 60 % closed and looked back at, 35 % open with deadlines spread over the next two
years, 5 % overdue (reminded every third working day, each on its own rhythm from its own
deadline), 30 units with two contacts each. The timed passes are the working days of one
week, Tuesday to Friday, each after the previous day's pass, as the bot runs them; the
typical day is the Tuesday and the heaviest day of the week is reported beside it. Both
sides are timed best-of-3, the week on a fresh copy of the database each time (a pass
changes what is due).

    .venv/bin/python -m bench.bench_sweep
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.runtime.work import Work, WorkEnv
from bot.services.sweep import run_pass
from storage import reminders as store
from storage.db import connect, open_database
from storage.policy import load_policy

ITEMS = 100_000
UNITS = 30
GOAL = 0.2  # the typical day
HEAVY_GOAL = 0.5  # the week's heaviest day
TZ = ZoneInfo("Asia/Shanghai")
# Monday 3 June 2024 is the day before; the week timed is Tuesday 4 to Friday 7 June, and
# Tuesday is the typical day. Until issue 14 the overdue rhythm (every 3 days counted from
# the reminder as sent, weekends pushing it to Monday) brought every overdue item back on
# Mondays and Thursdays, so Thursday carried about a fifth of the open items; now each
# overdue item comes back every third working day counted from its own deadline, about a
# third of them each working day.
DAY_BEFORE = datetime(2024, 6, 3, 9, 0, tzinfo=TZ)
WEEK = tuple(datetime(2024, 6, day, 9, 0, tzinfo=TZ) for day in (4, 5, 6, 7))
TYPICAL_DAY = WEEK[0]


def build(path: Path, items: int = ITEMS, seed: int = 11) -> None:
    """A database in the steady state described above, swept up to the day before."""
    rng = random.Random(seed)
    db = open_database(path)
    created = datetime(2023, 1, 2, tzinfo=UTC).isoformat()
    with db.atomic():
        db.execute(
            "INSERT INTO periods (name, year, created_at) VALUES ('2024年度', 2024, ?)", [created]
        )
        for unit in range(1, UNITS + 1):
            db.execute(
                "INSERT INTO units (id, name, created_at) VALUES (?, ?, ?)",
                [unit, f"单位{unit:02d}", created],
            )
            for n in range(2):
                db.execute(
                    "INSERT INTO people (account, name, role, unit_id, created_at) "
                    "VALUES (?, ?, 'contact', ?, ?)",
                    [str(100_000 + unit * 10 + n), f"联络员{unit}-{n}", unit, created],
                )
        today = DAY_BEFORE.date()
        rows = []
        for n in range(items):
            roll = rng.random()
            status, closed_at, deadline = "in_progress", None, None
            if roll < 0.60:
                status = "closed"
                deadline = today - timedelta(days=rng.randint(100, 700))
                closed_at = datetime.combine(deadline, datetime.min.time(), tzinfo=UTC)
            elif roll < 0.95:
                deadline = today + timedelta(days=rng.randint(1, 730))
            else:
                deadline = today - timedelta(days=rng.randint(1, 25))
            rows.append(
                {
                    "code": f"B-{n:06d}",
                    "period_id": 1,
                    "problem": f"事项 {n}",
                    "unit_id": rng.randint(1, UNITS),
                    "deadline": deadline.isoformat(),
                    "deadline_text": deadline.isoformat(),
                    "status": status,
                    "created_at": created,
                    "updated_at": created,
                    "last_activity_at": created,
                    "closed_at": closed_at.isoformat() if closed_at else None,
                }
            )
        db["items"].insert_all(rows, batch_size=5000)
        db.execute("INSERT INTO sweep_schedule (item_id) SELECT id FROM items")
        # Every unit was told about its items long ago.
        db.execute(
            "INSERT INTO acks (item_id, unit_id, kind, sent_on, created_at, acked_at) "
            "SELECT id, unit_id, 'assigned', '2023-01-02', ?, ? FROM items",
            [created, created],
        )
        # Closed items were looked back at already; nothing is left to do for them.
        db.execute(
            "UPDATE sweep_schedule SET next_on = NULL "
            "WHERE item_id IN (SELECT id FROM items WHERE status = 'closed')"
        )
    _pass(db, DAY_BEFORE)  # schedules every open item, as the bot did that day
    db.close()


def _pass(db: sqlite_utils.Database, moment: datetime) -> None:
    work = Work(db, WorkEnv(TZ, "duban_bench_bot"), moment.astimezone(UTC), "zh", None, None)
    work.source = f"bench:{moment.isoformat()}"
    with db.atomic():
        run_pass(work, moment.date(), load_policy(db), store.calendar(db))


def time_week(template: Path, scratch: Path) -> list[tuple[float, int]]:
    """(seconds, items due) of each day's pass in ``WEEK``, run one after the other. The
    copy is flushed to disk before the clock starts: otherwise Tuesday's commit, the first
    ``fsync``, also waits for the bench's own 100 000-item copy to reach the disk."""
    shutil.copyfile(template, scratch)
    with scratch.open("rb") as copy:
        os.fsync(copy.fileno())
    db = connect(scratch)
    try:
        days = []
        for moment in WEEK:
            due = sum(1 for _ in store.due_items(db, moment.date()))
            start = time.perf_counter()
            _pass(db, moment)
            days.append((time.perf_counter() - start, due))
        return days
    finally:
        db.close()


def time_full_read(path: Path) -> float:
    db = connect(path)
    try:
        start = time.perf_counter()
        rows = db.execute("SELECT * FROM items").fetchall()
        elapsed = time.perf_counter() - start
        assert len(rows) == ITEMS
        return elapsed
    finally:
        db.close()


def run() -> dict:
    with tempfile.TemporaryDirectory() as directory:
        template = Path(directory) / "template.sqlite"
        build(template)
        scratch = Path(directory) / "scratch.sqlite"
        weeks = [time_week(template, scratch) for _ in range(3)]
        # Each day's best of three; the heaviest day is the one with the slowest best.
        best = [min(week[day][0] for week in weeks) for day in range(len(WEEK))]
        due = [weeks[0][day][1] for day in range(len(WEEK))]
        heaviest = max(range(len(WEEK)), key=best.__getitem__)
        sweep, heavy_sweep = best[0], best[heaviest]
        full_read = min(time_full_read(template) for _ in range(3))
        plan = (
            connect(template)
            .execute(
                "EXPLAIN QUERY PLAN SELECT item_id, swept_on FROM sweep_schedule "
                "WHERE next_on <= ?",
                [store.day_number(TYPICAL_DAY.date())],
            )
            .fetchall()
        )
    return {
        "bench": "sweep",
        "items": ITEMS,
        "due_items": due[0],
        "sweep_seconds": round(sweep, 4),
        "full_read_seconds": round(full_read, 4),
        "ratio": round(sweep / full_read, 3),
        "heavy_day": WEEK[heaviest].date().isoformat(),
        "week_due_items": due,
        "heavy_day_due_items": due[heaviest],
        "heavy_day_sweep_seconds": round(heavy_sweep, 4),
        "heavy_day_ratio": round(heavy_sweep / full_read, 3),
        "goal": GOAL,
        "heavy_day_goal": HEAVY_GOAL,
        "ok": sweep / full_read <= GOAL and heavy_sweep / full_read <= HEAVY_GOAL,
        "plan": " / ".join(row[-1] for row in plan),
    }


def main() -> int:
    result = run()
    print(json.dumps(result, ensure_ascii=False))  # "ok" says whether both goals are met
    return 0


if __name__ == "__main__":
    sys.exit(main())
