"""Visit-log throughput: 50 inspectors on visits sending text findings at once.

    python -m bench.bench_visits

Runs, in one process and on one sandbox configuration (flood limits off), the bare
python-telegram-bot echo baseline (bench/bench_echo.py) and then Duban with 50 inspectors
on visits, each sending a finding and waiting for its confirmation before the next, like
the echo phones do; the two take turns three times and the median round is reported.
Duban does more per message than an echo — the update is committed to the inbox before it
is confirmed to Telegram, the finding and its reply are committed together
(synchronous=FULL), the reply goes out through the outbox — and the ratio says what that
costs. Duban's own flood limiters (Telegram's 30 messages a second per bot and one a second
per chat) are off too, as the sandbox's are. Photos are measured separately (one photo
finding per message, downloaded and hashed into MEDIA_DIR). Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_echo import run_echo_baseline
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from bot.main import BotRuntime
from sandbox.phones import Phone
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import open_database
from tests.harness import TOKEN, make_settings, start_visit

PHONES = 50
PER_PHONE = 20
PHOTOS_PER_PHONE = 4
ROUNDS = 3  # odd, so the median is one round's figure


def _seed(path: Path) -> None:
    db = open_database(path)
    origin = Origin.cli(datetime.now(UTC))
    year = datetime.now(UTC).year
    ledger.ensure_period(db, str(year), year, origin)
    ledger.create_item(
        db, ItemFields("研发投入不足", unit="科技局", company="卓远半导体", town="高新区"),
        str(year), origin,
    )  # fmt: skip
    for n in range(PHONES):
        invitation = people.create_invitation(
            db, role=Role.INSPECTOR, name=f"督查{n}", unit=None, days=7, origin=origin
        )
        people.redeem_invitation(db, invitation, 800_000 + n, "zh", origin)
    db.close()


async def _start_visit(phone: Phone) -> None:
    await start_visit(phone)
    await phone.expect("位置", within=60)


async def _findings(phone: Phone, count: int, latencies: list[float], photos: bool) -> None:
    for n in range(count):
        started = time.perf_counter()
        if photos:
            await phone.send_photo(caption=f"照片发现 {phone.user_id}-{n}")
        else:
            await phone.send(f"企业反映 {phone.user_id}-{n}")
        await phone.expect(f"发现 {n + 1} 已记录", within=60)
        latencies.append(time.perf_counter() - started)


def _figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "messages": len(ordered),
        "seconds": round(elapsed, 3),
        "messages_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
    }


async def run_duban(photos: bool) -> dict[str, float]:
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    await sandbox.start("127.0.0.1", 0)
    folder = Path(tempfile.mkdtemp(prefix="bench-visits-"))
    settings = make_settings(sandbox, folder)
    _seed(settings.database_path)
    runtime = BotRuntime(settings, flood_limits=False)
    await runtime.start()
    try:
        phones = [
            sandbox.phone(user_id=800_000 + n, name=f"督查{n}", token=TOKEN) for n in range(PHONES)
        ]
        await asyncio.gather(*(_start_visit(phone) for phone in phones))
        count = PHOTOS_PER_PHONE if photos else PER_PHONE
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(_findings(p, count, latencies, photos) for p in phones))
        return _figures(latencies, time.perf_counter() - started)
    finally:
        await runtime.stop()
        await sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def run_all() -> dict[str, object]:
    # Echo and Duban take turns, ROUNDS times: on a shared machine a neighbour's burst then
    # slows both sides of one round, and the median round says what is typical.
    rounds = []
    for _ in range(ROUNDS):
        echo = await run_echo_baseline(PHONES, PER_PHONE)
        texts = await run_duban(photos=False)
        rounds.append((echo, texts))
    photos = await run_duban(photos=True)
    throughput = [t["messages_per_s"] / e["messages_per_s"] for e, t in rounds]
    p95 = [t["p95_ms"] / e["p95_ms"] for e, t in rounds]
    echo, texts = rounds[throughput.index(statistics.median(throughput))]
    return {
        "bench": "visits",
        "rounds": ROUNDS,
        "echo_messages_per_s": echo["messages_per_s"],
        "echo_p95_ms": echo["p95_ms"],
        "duban_messages_per_s": texts["messages_per_s"],
        "duban_p95_ms": texts["p95_ms"],
        "ratio_throughput": round(statistics.median(throughput), 2),
        "ratio_p95": round(statistics.median(p95), 2),
        "ratios_throughput": [round(r, 2) for r in throughput],
        "ratios_p95": [round(r, 2) for r in p95],
        "goal": "throughput ratio >= 0.8, p95 ratio <= 1.5",
        "photo_findings_per_s": photos["messages_per_s"],
        "photo_p95_ms": photos["p95_ms"],
    }


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(json.dumps(asyncio.run(run_all()), ensure_ascii=False))


if __name__ == "__main__":
    main()
