"""Visit-log throughput: 50 inspectors on visits sending text findings at once.

    python -m bench.bench_visits

Duban with 50 inspectors on visits, each sending a finding and waiting for its confirmation
before the next, against the bare python-telegram-bot echo baseline (bench/bench_echo.py)
with 50 phones doing the same, on one sandbox configuration (flood limits off, Duban's own
too). Duban does more per message than an echo — the update is committed to the inbox
before it is confirmed to Telegram, the finding and its reply are committed together
(synchronous=FULL), the reply goes out through the outbox — and the ratio says what that
costs. Echo and Duban take turns three times and the median round is reported.

Each bot runs as its own process, as it is deployed, with the sandbox and the phones in
this one (``apart``); the bots' CPU time per message is reported beside the rates. The
same comparison with everything in one interpreter (``one_process``, the bot sharing its
interpreter lock with the sandbox and the phones) is reported too, and so is Duban
against the same echo given Duban's HTTP client (bot/platforms/telegram/transport.py):
part of Duban's lead
over the bare echo is that client, and this figure shows what the durability costs alone.
Photos are measured separately (one photo finding per message, downloaded and hashed into
MEDIA_DIR). Webhook mode (the sandbox posting each update to the bot, answered once it is
in the inbox) takes its turn beside polling in the same rounds (``webhook``). Prints one
JSON line.

    python -m bench.bench_visits --webhook

runs only the polling and webhook rounds, for their comparison alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_echo import converse, run_echo_baseline
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from bot.runtime.startup import BotRuntime
from sandbox.phones import Phone
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from storage import ledger, people
from storage.db import open_database
from tests.harness import TOKEN, make_settings, start_visit
from tests.processes import BotProcess
from tests.webhooks import free_port, webhook_env

PHONES = 50
PER_PHONE = 20
PHOTOS_PER_PHONE = 4
ROUNDS = 3  # odd, so the median is one round's figure
BOTS = ("echo", "echo-aiohttp", "duban")


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


def round_figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    """A round's throughput and latency (also bench_dingtalk_visits')."""
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
        return round_figures(latencies, time.perf_counter() - started)
    finally:
        await runtime.stop()
        await sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def run_apart(bot: str, photos: bool = False) -> dict[str, float]:
    """One round with the bot (one of BOTS, or duban-webhook) in its own process."""
    sandbox = Sandbox(SandboxState(), rate_limits=False)
    await sandbox.start("127.0.0.1", 0)
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{bot}-"))
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": sandbox.url,
        "DATABASE_PATH": str(folder / "duban.sqlite"),
        "MEDIA_DIR": str(folder / "media"),
        "ADMIN_IDS": "",
    }
    if bot == "duban-webhook":
        env.update(webhook_env(free_port()))
    if bot.startswith("duban"):
        _seed(folder / "duban.sqlite")
    command = [sys.executable, "-m", "bench.bots", bot.removesuffix("-webhook")]
    process = BotProcess(env, folder / "bot.log", command)
    process.start()
    try:
        phones = [
            sandbox.phone(user_id=800_000 + n, name=f"督查{n}", token=TOKEN) for n in range(PHONES)
        ]
        latencies: list[float] = []
        if bot.startswith("echo"):
            await asyncio.gather(*(converse(phone, 1, []) for phone in phones))  # warm up
            findings = [converse(phone, PER_PHONE, latencies) for phone in phones]
        else:
            await asyncio.gather(*(_start_visit(phone) for phone in phones))
            count = PHOTOS_PER_PHONE if photos else PER_PHONE
            findings = [_findings(phone, count, latencies, photos) for phone in phones]
        cpu = _cpu_seconds(process)
        started = time.perf_counter()
        await asyncio.gather(*findings)
        figures = round_figures(latencies, time.perf_counter() - started)
        figures["bot_cpu_ms_per_message"] = round(
            (_cpu_seconds(process) - cpu) * 1000 / len(latencies), 2
        )
        return figures
    finally:
        process.stop()
        await sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _cpu_seconds(bot: BotProcess) -> float:
    """User and system CPU time the bot's process has used so far."""
    assert bot.process is not None
    fields = Path(f"/proc/{bot.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _median_round(rounds: list[tuple[dict, dict]]) -> dict[str, object]:
    throughput = [d["messages_per_s"] / e["messages_per_s"] for e, d in rounds]
    p95 = [d["p95_ms"] / e["p95_ms"] for e, d in rounds]
    echo, duban = rounds[throughput.index(statistics.median(throughput))]
    figures: dict[str, object] = {
        "echo_messages_per_s": echo["messages_per_s"],
        "echo_p95_ms": echo["p95_ms"],
        "duban_messages_per_s": duban["messages_per_s"],
        "duban_p95_ms": duban["p95_ms"],
        "ratio_throughput": round(statistics.median(throughput), 2),
        "ratio_p95": round(statistics.median(p95), 2),
        "ratios_throughput": [round(r, 2) for r in throughput],
        "ratios_p95": [round(r, 2) for r in p95],
    }
    if "bot_cpu_ms_per_message" in echo:
        figures["echo_cpu_ms_per_message"] = echo["bot_cpu_ms_per_message"]
        figures["duban_cpu_ms_per_message"] = duban["bot_cpu_ms_per_message"]
    return figures


def _webhook_round(rounds: list[tuple[dict, dict]]) -> dict[str, object]:
    """Polling against webhook mode, Duban alike in both: the median round by the ratio."""
    throughput = [w["messages_per_s"] / p["messages_per_s"] for p, w in rounds]
    polling, webhook = rounds[throughput.index(statistics.median(throughput))]
    return {
        "polling_messages_per_s": polling["messages_per_s"],
        "polling_p95_ms": polling["p95_ms"],
        "polling_cpu_ms_per_message": polling["bot_cpu_ms_per_message"],
        "webhook_messages_per_s": webhook["messages_per_s"],
        "webhook_p95_ms": webhook["p95_ms"],
        "webhook_cpu_ms_per_message": webhook["bot_cpu_ms_per_message"],
        "ratio_throughput": round(statistics.median(throughput), 2),
        "ratios_throughput": [round(r, 2) for r in throughput],
    }


async def run_webhook_only() -> dict[str, object]:
    """Duban polling and Duban in webhook mode, taking turns ROUNDS times."""
    rounds = []
    for _ in range(ROUNDS):
        polling = await run_apart("duban")
        rounds.append((polling, await run_apart("duban-webhook")))
    return {"bench": "visits-webhook", "rounds": ROUNDS, **_webhook_round(rounds)}


async def run_all() -> dict[str, object]:
    # Echo and Duban take turns, ROUNDS times: on a shared machine a neighbour's burst then
    # slows both sides of one round, and the median round says what is typical.
    apart, together, same_client, hooked = [], [], [], []
    for _ in range(ROUNDS):
        echo, echo_aiohttp, duban = [await run_apart(bot) for bot in BOTS]
        apart.append((echo, duban))
        same_client.append((echo_aiohttp, duban))
        hooked.append((duban, await run_apart("duban-webhook")))
    for _ in range(ROUNDS):
        together.append((await run_echo_baseline(PHONES, PER_PHONE), await run_duban(False)))
    photos = await run_apart("duban", photos=True)
    return {
        "bench": "visits",
        "rounds": ROUNDS,
        **_median_round(apart),
        "goal": "throughput ratio >= 0.8, p95 ratio <= 1.5",
        "one_process": _median_round(together),
        "against_echo_on_aiohttp": _median_round(same_client),
        "photo_findings_per_s": photos["messages_per_s"],
        "photo_p95_ms": photos["p95_ms"],
        "webhook": _webhook_round(hooked),
    }


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    run = run_webhook_only if "--webhook" in sys.argv[1:] else run_all
    print(json.dumps(asyncio.run(run()), ensure_ascii=False))


if __name__ == "__main__":
    main()
