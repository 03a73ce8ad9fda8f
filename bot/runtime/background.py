"""Work that outlives the periodic run that started it, finished before the bot stops.

The report builder's drain (bot/builders/runner.py) is started by a one-second periodic job
but may build for minutes; it must not be started twice at once, and a stopping bot lets
the build under way finish and be delivered rather than cut it off (a cut build is only
built again after the restart). PTB's ``Application.create_task`` gave Telegram alone that;
this does it for the bot whatever front-ends it runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    """Named tasks, one live task per name, awaited by ``close``."""

    def __init__(self) -> None:
        self.running = True
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def start_once(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Start ``work`` unless a task of that name still runs, or the bot is stopping."""
        if not self.running:
            return
        task = self._tasks.get(name)
        if task is not None and not task.done():
            return
        task = asyncio.create_task(work(), name=name)
        task.add_done_callback(_log_failure)
        self._tasks[name] = task

    async def close(self) -> None:
        """No new work from now on; wait for the work under way (each sees ``running``
        False and ends after what it is doing)."""
        self.running = False
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("background task %s failed", task.get_name(), exc_info=error)
