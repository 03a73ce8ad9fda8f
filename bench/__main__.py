"""``make bench``: every benchmark, each in its own process, then one table.

Each benchmark prints one JSON line with its figures and, where it has one, its ratio to a
baseline measured in the same process. This runner collects those lines and prints a table
for BENCHMARKS.md; the raw lines are kept in ``bench/results.jsonl``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

# (module, the figure that carries its goal, the goal as text)
BENCHMARKS = (
    ("bench.bench_echo", "messages_per_s", "baseline"),
    ("bench.bench_visits", "ratio_throughput", ">= 0.8 (p95 ratio <= 1.5)"),
    ("bench.bench_dingtalk_visits", "ratio_throughput", "measured (DingTalk, Duban ÷ SDK echo)"),
    ("bench.bench_dingtalk_window", "window_p99_ms", "measured (arrival → inbox commit, steady)"),
    ("bench.bench_dingtalk_downloads", "ratio_files_per_s", "measured (60 pictures, new ÷ old)"),
    ("bench.bench_http", "ratio", "measured (CPU per call, aiohttp ÷ httpx)"),
    ("bench.bench_import", "ratio", "<= 2.0"),
    ("bench.bench_sweep", "heavy_day_ratio", "<= 0.5 heaviest day (typical day <= 0.2)"),
    ("bench.bench_pushes", "ratio", "<= 1.10, 429s = 0"),
    ("bench.bench_reports", "max_stall_ms", "< 50 ms"),
    ("bench.bench_memory", "rss_mb", "< 150 MB"),
)

ROOT = Path(__file__).resolve().parent.parent


def run_one(module: str) -> dict:
    if not (ROOT / (module.replace(".", "/") + ".py")).exists():
        return {"error": "not present"}
    done = subprocess.run(
        [sys.executable, "-m", module], cwd=ROOT, capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0][:120]}
    return json.loads(lines[-1])


def main() -> None:
    print(f"machine: {platform.machine()}, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")  # fmt: skip
    rows = []
    with (ROOT / "bench" / "results.jsonl").open("w", encoding="utf-8") as results:
        for module, figure, goal in BENCHMARKS:
            print(f"running {module} …", file=sys.stderr, flush=True)
            outcome = run_one(module)
            results.write(json.dumps({"module": module, **outcome}, ensure_ascii=False) + "\n")
            value = outcome.get("error") or outcome.get(figure, "—")
            rows.append((module.removeprefix("bench."), figure, str(value), goal))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in [("benchmark", "figure", "value", "goal"), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
