"""The loss-window benchmark's probe (bench/bench_dingtalk_window.py) measures the running
bot: each robot message's arrival on the Stream thread and its commit are seen, the commit
inside the window, and the messages are still kept and acknowledged with the probe on."""

from __future__ import annotations

from bench.bench_dingtalk_window import WindowProbe
from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.test_processor_scenarios import duban  # noqa: F401
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban


async def test_the_probe_times_each_frame_from_arrival_to_commit(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
) -> None:
    assert duban.runtime is not None
    probe = WindowProbe()
    probe.install(duban.runtime)
    phone = standin.phone("manager4521", "李联络")
    sent = [await phone.send(f"你好 {n}") for n in range(3)]

    await wait_until(lambda: all(m in probe.commits for m in sent))
    for message_id in sent:
        started, ended = probe.commits[message_id]
        assert probe.arrived[message_id] <= started <= ended
        assert standin.push(message_id).ack is not None  # still acknowledged
    figures = probe.figures(sent)
    assert figures["messages"] == 3
    assert 0 < figures["commit"]["p50_ms"] <= figures["window"]["p50_ms"]
    db = duban.db()
    try:
        assert db.execute("SELECT count(*) FROM inbox").fetchone() == (3,)
    finally:
        db.close()
