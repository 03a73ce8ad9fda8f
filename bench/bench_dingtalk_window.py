"""DingTalk's loss window: from a robot message's frame arriving to its inbox commit.

    python -m bench.bench_dingtalk_window

DingTalk pushes a robot message once and never again, so a message is lost only if the
bot dies between its frame's arrival and the frame's commit to the inbox (the commit comes
before the ACK: bot/platforms/dingtalk/stream.py). This measures that window over many
messages, percentiles in milliseconds:

* ``window``: from the moment the SDK has read the frame off the WebSocket (its
  ``background_task`` is called with it, on the Stream thread) until the commit returned;
* ``commit``: the commit alone (``DingTalkStream.commit``, one transaction for the frames
  read together), which the window should be made of.

The probe wraps those two calls on the running objects and changes nothing on the path.
Three loads: ``idle``, one inspector sending one message at a time; ``steady``, PHONES
inspectors on visits each sending a finding and waiting for its confirmation before the
next (the visit benchmark's load: the processor's findings and the sender's outbox rows
compete with the Stream thread for SQLite's write lock); ``burst``, the same inspectors
sending PER_PHONE messages each at once without waiting, so frames arrive faster than
one commit takes (the frames read during a commit go into the next one together).
DingTalk's call limits are off (bench/dingtalk_world.py): they slow the replies, not the
commits. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import dingtalk_world
from bot.runtime.startup import BotRuntime

IDLE_MESSAGES = 200
PHONES = 20
STEADY_PER_PHONE = 15
PER_PHONE = 25


class WindowProbe:
    """Timestamps of each frame's arrival and its commit's start and end, by messageId."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.commits: dict[str, tuple[float, float]] = {}

    def install(self, runtime: BotRuntime) -> None:
        stream = runtime.dingtalk
        assert stream is not None, "Duban runs without DingTalk"
        route: Callable[[dict[str, Any]], Any] = stream.client.background_task
        commit = stream.commit

        def arrived(frame: dict[str, Any]) -> Any:
            # Called by the SDK as the frame is read, before the task that handles it runs.
            self.arrived[str(frame.get("headers", {}).get("messageId"))] = time.perf_counter()
            return route(frame)

        def committed(frames: list[tuple[str, Any]]) -> Any:
            # One transaction for the frames read together (a group commit): each frame's
            # commit is that transaction's.
            started = time.perf_counter()
            outcomes = commit(frames)
            ended = time.perf_counter()
            for _, callback in frames:
                self.commits[str(callback.headers.message_id)] = (started, ended)
            return outcomes

        # Instance attributes shadow the methods for these two objects only.
        setattr(stream.client, "background_task", arrived)  # noqa: B010
        setattr(stream, "commit", committed)  # noqa: B010

    def figures(self, message_ids: list[str]) -> dict[str, Any]:
        window = [(self.commits[m][1] - self.arrived[m]) * 1000 for m in message_ids]
        commit = [(self.commits[m][1] - self.commits[m][0]) * 1000 for m in message_ids]
        return {"messages": len(message_ids), "window": _percentiles(window),
                "commit": _percentiles(commit)}  # fmt: skip


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2)

    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": at(0.95),
            "p99_ms": at(0.99), "max_ms": round(ordered[-1], 2)}  # fmt: skip


async def _kept(probe: WindowProbe, message_ids: list[str], within: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not all(m in probe.commits for m in message_ids):
        assert asyncio.get_running_loop().time() < deadline, "messages were not committed"
        await asyncio.sleep(0.05)


async def run() -> dict[str, object]:
    with dingtalk_world.standin(limits=False) as server:
        async with dingtalk_world.duban(server, PHONES, limits=False) as runtime:
            probe = WindowProbe()
            probe.install(runtime)
            phones = dingtalk_world.phones(server, PHONES)
            idle = []
            for n in range(IDLE_MESSAGES):
                idle.append(await phones[0].send(f"企业反映 单条-{n}"))
                await _kept(probe, idle[-1:])
            await phones[0].expect(f"已记录：企业反映 单条-{IDLE_MESSAGES - 1}", within=60)

            async def steady(index: int) -> list[str]:
                phone, sent = phones[index], []
                for n in range(STEADY_PER_PHONE):
                    sent.append(await phone.send(f"企业反映 稳定 {index}-{n}"))
                    await phone.expect(f"已记录：企业反映 稳定 {index}-{n}", within=60)
                return sent

            steadily = [
                m for sent in await asyncio.gather(*map(steady, range(PHONES))) for m in sent
            ]
            await _kept(probe, steadily)

            async def burst(index: int) -> list[str]:
                phone = phones[index]
                return [await phone.send(f"企业反映 {index}-{n}") for n in range(PER_PHONE)]

            busy = [m for sent in await asyncio.gather(*map(burst, range(PHONES))) for m in sent]
            await _kept(probe, busy)
            loaded = probe.figures(steadily)
            return {
                "bench": "dingtalk_window",
                "phones": PHONES,
                "idle": probe.figures(idle),
                "steady": loaded,
                "burst": probe.figures(busy),
                "window_p99_ms": loaded["window"]["p99_ms"],
            }


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run()), ensure_ascii=False))


if __name__ == "__main__":
    main()
