"""The builder process: heavy work off the event loop, owned by the runtime that uses it.

A 10 000-item workbook makes a million short-lived Python objects (openpyxl cells point back
at their sheet, so they are freed by the cyclic collector); in a thread, each full
collection held the GIL for up to half a second and every chat stalled with it
(bench/bench_reports.py measured 480 ms). In its own process the build has its own GIL and
collector, and the bot's loop stays responsive.

One ``BuilderPool`` belongs to each running bot (``Resources.builder``, made with the
services by ``BotRuntime``): the worker is spawned on first use (spawn, never fork: the bot
has threads), reused, started again if it died, and shut down by ``BotRuntime.stop`` — so a
stopped bot leaves no builder process behind, and a bot started again gets a fresh one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

# A fresh worker now and then returns whatever memory big builds left fragmented.
JOBS_PER_WORKER = 50


class BuilderPool:
    """One spawned worker process, started when first needed and closed with the bot."""

    def __init__(self, jobs_per_worker: int = JOBS_PER_WORKER) -> None:
        self._jobs_per_worker = jobs_per_worker
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether a worker pool exists now (none before first use, none after ``close``)."""
        return self._executor is not None

    def executor(self) -> ProcessPoolExecutor:
        """The executor, started on first use (benchmarks warm it up through this)."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self._jobs_per_worker,
            )
        return self._executor

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` in the worker; ``fn`` and its arguments must be picklable.

        A worker that died (out of memory, killed) breaks the executor: this call fails, and
        the next one starts a new worker instead of failing for ever."""
        executor = self.executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        except BrokenProcessPool:
            if self._executor is executor:
                self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise

    async def close(self) -> None:
        """Shut the worker down and wait until its process has exited.

        Called by ``BotRuntime.stop`` after the Application stopped, so no build is still
        waited on (jobs are durable: one cut short is built again at the next start). The
        wait runs in a thread, keeping the loop free. Using the pool afterwards starts a
        new worker, as a restart needs."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
