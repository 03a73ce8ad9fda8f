"""/report and /export on 10 000 items: how long they take, and how long the event loop stalls.

The jobs run as the bot runs them: built in the builder process (bot/builders/runner.py)
with a read-only connection of their own, then delivered in one transaction on the
store's thread. Meanwhile a ticker on the event loop asks to wake every 10 ms; the longest delay
past that is the stall every other chat would feel. The goal is under 50 ms.

    .venv/bin/python -m bench.bench_reports
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.builders.build import BuildContext
from bot.builders.runner import build_off_loop, deliver
from bot.chat import Address
from bot.clock import FakeClock
from bot.config import load_settings
from bot.runtime.context import Resources, system_work
from storage import report_jobs
from storage.db import Store, open_database

ITEMS = 10_000
GOAL_MS = 50.0
TICK_S = 0.010

_UNITS = (
    "科技局",
    "工信局",
    "发改委",
    "财政局",
    "人社局",
    "市场监管局",
    "高新区管委会",
    "磨头镇人民政府",
    "吴窑镇人民政府",
    "下原镇人民政府",
    "石庄镇人民政府",
    "如城街道办事处",
)
_TOWNS = ("磨头镇", "吴窑镇", "下原镇", "石庄镇", "高新区", "如城街道")
_COMPANIES = (
    "卓远半导体",
    "力威机械",
    "万达轴承",
    "斯密特森",
    "汤臣汽配",
    "力沛阀门",
    "海泰科特",
    "霖鼎光学",
)


def build_ledger(path: Path, now: datetime, items: int = ITEMS, seed: int = 11) -> None:
    """A ledger of ``items`` items with an audit event each, progress, visits and findings."""
    rng = random.Random(seed)
    db = open_database(path)
    stamp = now.isoformat()
    with db.atomic():
        db.execute(
            "INSERT INTO periods (name, year, starts_on, ends_on, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [str(now.year), now.year, f"{now.year}-01-01", f"{now.year}-12-31", stamp],
        )
        for name in _UNITS:
            db.execute("INSERT INTO units (name, created_at) VALUES (?, ?)", [name, stamp])
        for name in _TOWNS:
            db.execute("INSERT INTO towns (name, created_at) VALUES (?, ?)", [name, stamp])
        for index, name in enumerate(_COMPANIES):
            db.execute(
                "INSERT INTO companies (name, town_id, created_at) VALUES (?, ?, ?)",
                [name, index % len(_TOWNS) + 1, stamp],
            )
        db.execute(
            "INSERT INTO people (account, name, role, language, created_at) "
            "VALUES (1, '办公室', 'admin', 'zh', ?)",
            [stamp],
        )
        rows, audits, progress = [], [], []
        for number in range(1, items + 1):
            created = now - timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 1440))
            closed = rng.random() < 0.45
            closed_at = (created + timedelta(days=rng.randint(1, 60))) if closed else None
            if closed_at and closed_at > now:
                closed_at = now
            deadline = (created + timedelta(days=rng.randint(10, 200))).date()
            rows.append(
                (
                    f"{now.year}-{number:05d}",
                    1,
                    str(number),
                    f"问题 {number}：研发投入偏低",
                    "建设研发中心",
                    rng.randint(1, len(_UNITS)),
                    deadline.isoformat(),
                    deadline.isoformat(),
                    "净增100家",
                    100.0,
                    rng.randint(1, 9),
                    rng.randint(1, len(_TOWNS)),
                    rng.randint(1, len(_COMPANIES)),
                    "closed" if closed else rng.choice(("open", "in_progress")),
                    created.isoformat(),
                    created.isoformat(),
                    created.isoformat(),
                    closed_at.isoformat() if closed_at else None,
                )
            )
            audits.append((number, "item", number, "created", "import", "sha", created.isoformat()))
            if rng.random() < 0.3:
                progress.append((number, 1, "进展", rng.randint(0, 120), created.isoformat()))
        db.conn.executemany(
            "INSERT INTO items (code, period_id, seq, problem, measure, unit_id, deadline, "
            "deadline_text, target, target_number, area_id, town_id, company_id, status, "
            "created_at, updated_at, last_activity_at, closed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.conn.executemany(
            "INSERT INTO audit_events (item_id, entity, entity_id, action, actor_kind, actor, "
            "at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            audits,
        )
        db.conn.executemany(
            "INSERT INTO progress_reports (item_id, person_id, text, figure, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            progress,
        )
        for _ in range(400):
            started = (now - timedelta(days=rng.randint(0, 80))).isoformat()
            visit = db.execute(
                "INSERT INTO visits (company_id, started_by, started_at, last_activity_at) "
                "VALUES (?, 1, ?, ?)",
                [rng.randint(1, len(_COMPANIES)), started, started],
            ).lastrowid
            db.execute(
                "INSERT INTO findings (visit_id, item_id, person_id, text, created_at) "
                "VALUES (?, ?, 1, '发现', ?)",
                [visit, rng.randint(1, items), started],
            )
    db.close()


class Ticker:
    """Wakes every 10 ms and remembers the longest lateness."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.running = True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.running:
            expected = loop.time() + TICK_S
            await asyncio.sleep(TICK_S)
            self.worst = max(self.worst, loop.time() - expected)


async def _job(services: Resources, context: BuildContext, kind: str, params: dict) -> float:
    """One job as the runner does it; returns its wall time."""
    started = time.perf_counter()
    job_id = await services.store.run(
        lambda db: report_jobs.create(
            db,
            kind=kind,
            person_id=1,
            chat=Address("telegram", "1"),
            language="zh",
            params=params,
            at=context.now,
            update_id=None,
        )
    )
    job = await services.store.run(report_jobs.get, job_id)
    result = await build_off_loop(services, kind, context, job)
    await system_work(services, deliver, job.id, result, source=f"bench:{job.id}")
    return time.perf_counter() - started


async def _run(folder: Path) -> dict:
    now = datetime.combine(date(2025, 11, 20), datetime.min.time(), UTC) + timedelta(hours=2)
    path = folder / "duban.sqlite"
    build_ledger(path, now)
    settings = load_settings(
        {"DATABASE_PATH": str(path), "MEDIA_DIR": str(folder / "media")}, dotenv=folder / "x"
    )
    store = Store(path)
    await store.open()
    services = Resources(settings, store, FakeClock(now))
    context = BuildContext(path, settings.media_dir, settings.timezone, now)
    # Start the builder process first, as the bot has by the time someone asks (spawning
    # and importing matplotlib is a one-off second, not part of a report's time).
    await services.builder.run(int)
    ticker = Ticker()
    tick_task = asyncio.create_task(ticker.run())
    try:
        report_s = await _job(services, context, "report", {"period": "year"})
        export_s = await _job(services, context, "export", {"filter": {}, "format": "xlsx"})
    finally:
        ticker.running = False
        await tick_task
        await services.builder.close()
        await store.close()
    return {
        "bench": "reports",
        "items": ITEMS,
        "report_s": round(report_s, 2),
        "export_s": round(export_s, 2),
        "max_stall_ms": round(ticker.worst * 1000, 1),
        "goal_ms": GOAL_MS,
        "ok": ticker.worst * 1000 < GOAL_MS,
    }


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="duban-bench-") as folder:
        return asyncio.run(_run(Path(folder)))


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
