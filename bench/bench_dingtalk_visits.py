"""DingTalk visit throughput: inspectors on visits sending findings, Duban against an echo.

    python -m bench.bench_dingtalk_visits

The DingTalk variant of bench_visits.py. PHONES DingTalk inspectors on visits each send a
text finding through the stand-in and wait for its confirmation ("发现 n 已记录", a card)
before the next. The baseline is an echo robot built on the same SDK (dingtalk_stream's
ChatbotHandler answering each text through the message's session webhook), driven by the
same phones against the same stand-in, in the same run. Duban does more per message than
the echo: the frame is committed to the inbox before its ACK, the finding and its reply
are committed together, the reply leaves through the outbox as a card with buttons.

DingTalk's 20 calls a second per API are off in the stand-in and in Duban's client for the
ratio (bench/dingtalk_world.py says why); Duban is measured once more with them on, the
figure a deployment on DingTalk's standard edition sees. Echo and Duban take turns ROUNDS
times and the median round is reported. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import time

from bench import dingtalk_world
from bench.bench_visits import round_figures
from sandbox.dingtalk.phones import DingTalkPhone

PHONES = 20
PER_PHONE = 15
ROUNDS = 3  # odd, so the median is one round's figure


async def _echoes(phone: DingTalkPhone, count: int, latencies: list[float]) -> None:
    for n in range(count):
        text = f"企业反映 {phone.staff_id}-{n}"
        started = time.perf_counter()
        await phone.send(text)
        await phone.expect(text, within=60)
        latencies.append(time.perf_counter() - started)


async def _findings(phone: DingTalkPhone, count: int, latencies: list[float]) -> None:
    for n in range(count):
        text = f"企业反映 {phone.staff_id}-{n}"
        started = time.perf_counter()
        await phone.send(text)
        await phone.expect(f"已记录：{text}", within=60)
        latencies.append(time.perf_counter() - started)


async def run_echo() -> dict[str, float]:
    with dingtalk_world.standin(limits=False) as server:
        async with dingtalk_world.echo_robot(server):
            phones = dingtalk_world.phones(server, PHONES)
            await asyncio.gather(*(_echoes(phone, 1, []) for phone in phones))  # warm up
            latencies: list[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(_echoes(phone, PER_PHONE, latencies) for phone in phones))
            return round_figures(latencies, time.perf_counter() - started)


async def run_duban(*, limits: bool) -> dict[str, float]:
    with dingtalk_world.standin(limits=limits) as server:
        async with dingtalk_world.duban(server, PHONES, limits=limits):
            phones = dingtalk_world.phones(server, PHONES)
            latencies: list[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(_findings(phone, PER_PHONE, latencies) for phone in phones))
            figures = round_figures(latencies, time.perf_counter() - started)
            figures["refused_calls"] = len(server.rate.refused)
            return figures


async def run_all() -> dict[str, object]:
    # Turns, as in bench_visits: a neighbour's burst then slows both sides of one round.
    rounds = [(await run_echo(), await run_duban(limits=False)) for _ in range(ROUNDS)]
    throughput = [d["messages_per_s"] / e["messages_per_s"] for e, d in rounds]
    p95 = [d["p95_ms"] / e["p95_ms"] for e, d in rounds]
    echo, duban = rounds[throughput.index(statistics.median(throughput))]
    limited = await run_duban(limits=True)
    return {
        "bench": "dingtalk_visits",
        "phones": PHONES,
        "per_phone": PER_PHONE,
        "rounds": ROUNDS,
        "echo_messages_per_s": echo["messages_per_s"],
        "echo_p95_ms": echo["p95_ms"],
        "duban_messages_per_s": duban["messages_per_s"],
        "duban_p95_ms": duban["p95_ms"],
        "ratio_throughput": round(statistics.median(throughput), 2),
        "ratio_p95": round(statistics.median(p95), 2),
        "ratios_throughput": [round(r, 2) for r in throughput],
        "duban_with_dingtalk_limits_messages_per_s": limited["messages_per_s"],
        "duban_with_dingtalk_limits_p95_ms": limited["p95_ms"],
        "refused_calls_with_limits": limited["refused_calls"],
    }


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run_all()), ensure_ascii=False))


if __name__ == "__main__":
    main()
