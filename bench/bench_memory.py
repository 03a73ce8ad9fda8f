"""Resident memory of the running bot with 100 000 items and 10 000 photos recorded.

    python -m bench.bench_memory

Seeds a database (items through the bulk import path, photo evidence rows), starts the bot
as its own process against the sandbox, lets it run its start-up jobs (reminder sweep,
downloads) and answer a few people, and reads the process's resident set size (VmRSS) and
its peak (VmHWM) from /proc. Goal: under 150 MB. Prints one JSON line.

The bot runs on the demo's clock, moved into a working day's office hours, so its first
reminder pass goes over every item whatever the hour of the run (at night or at a weekend
the real clock would send nothing, and the figure would flatter the bot).
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import insert_rows, open_database
from tests.processes import BotProcess

TOKEN = "626262:" + "M" * 35
ITEMS = 100_000
PHOTOS = 10_000
GOAL_MB = 150


def seed(path: Path) -> list[int]:
    """The database of a busy county: many items, many photos, a few people."""
    db = open_database(path)
    origin = Origin.cli(datetime.now(UTC))
    ledger.ensure_period(db, "2026", 2026, origin)
    today = origin.at.date()
    fields = [
        ItemFields(
            problem=f"问题 {n}：企业研发投入偏低，高企培育后备不足",
            seq=str(n + 1),
            measure="建立清单、专人对接、定期调度",
            unit=("科技局", "工信局", "财政局", "发改委")[n % 4],
            deadline=today + timedelta(days=(n % 120) - 60),
            deadline_text="",
            town=("磨头镇", "吴窑镇", "高新区")[n % 3],
            company=f"企业{n % 500}",
        )
        for n in range(ITEMS)
    ]
    item_ids = ledger.create_items(db, fields, "2026", origin)
    users = [9100 + n for n in range(10)]
    with db.atomic():
        for n, user_id in enumerate(users):
            invitation = people.create_invitation(
                db, role=Role.CONTACT if n % 2 else Role.INSPECTOR, name=f"用户{n}",
                unit="科技局", days=7, origin=origin,
            )  # fmt: skip
            people.redeem_invitation(db, invitation, user_id, "zh", origin)
        now = origin.at.isoformat()
        insert_rows(
            db,
            "evidence",
            [
                {
                    "item_id": item_ids[n * 7 % ITEMS],
                    "kind": "photo",
                    "file_id": f"photo-{n}",
                    "file_unique_id": f"unique-{n}",
                    "sha256": f"{n:064x}",
                    "size": 250_000,
                    "taken_at": now,
                    "stored": "stored",
                    "created_at": now,
                }
                for n in range(PHOTOS)
            ],
        )
    db.close()
    return users


def read_status(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


async def measure() -> dict[str, object]:
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    await sandbox.start("127.0.0.1", 0)
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    users = seed(folder / "duban.sqlite")
    bot = BotProcess(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": sandbox.url,
            "DATABASE_PATH": str(folder / "duban.sqlite"),
            "MEDIA_DIR": str(folder / "media"),
        },
        folder / "bot.log",
        [sys.executable, "-m", "bench.bots", "duban-office-hours"],
    )
    bot.start()
    try:
        phones = [sandbox.phone(user_id=u, name=f"用户{u}", token=TOKEN) for u in users]
        await asyncio.sleep(8)  # start-up: migrations, the first sweeps
        for phone in phones:
            await phone.send("/help")
            await phone.expect_message(within=30)
        await asyncio.sleep(5)
        status = read_status(bot.process.pid)
    finally:
        bot.stop()
        await sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "bench": "memory",
        "items": ITEMS,
        "photos": PHOTOS,
        "rss_mb": round(status["VmRSS"], 1),
        "peak_rss_mb": round(status["VmHWM"], 1),
        "goal_mb": GOAL_MB,
        "ok": status["VmHWM"] < GOAL_MB,
    }


def main() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    if not sys.platform.startswith("linux"):
        raise SystemExit("bench_memory reads /proc: Linux only")
    print(json.dumps(asyncio.run(measure()), ensure_ascii=False))


if __name__ == "__main__":
    main()
