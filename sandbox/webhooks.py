"""Pushing updates to a bot's webhook, the way Telegram does.

While a bot has a webhook (setWebhook), each of its pending updates is posted as JSON to
the URL, with the secret token in ``X-Telegram-Bot-Api-Secret-Token`` when one was set. An
update is forgotten only when the bot answers 2xx; any other answer, a refused connection
or no answer in time is recorded (``last_error_date`` / ``last_error_message`` of
getWebhookInfo) and the same update is posted again after a pause that grows with each
failure; later updates wait behind it. Updates older than 24 hours are dropped, as
getUpdates' are.

Assumed values (Telegram documents none of them): up to max_connections posts are under way
at once, but one sender's updates are posted one after another in update_id order; after a
failure nothing new is posted until the pause is over, and the oldest update goes first;
the pause after a failure starts at 1 s and doubles up to 60 s, and a new
setWebhook ends it (the bot is back: try at once); an answer is awaited 60 s. The error
texts are those Telegram's getWebhookInfo shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aiohttp

from sandbox.state import BotRecord, SandboxState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDelivery:
    """One delivery task per bot with a webhook; stopped with the sandbox."""

    FIRST_RETRY = 1.0  # seconds after the first failure (assumed)
    MAX_RETRY = 60.0  # the longest pause between two tries (assumed)
    ANSWER_TIMEOUT = 60.0  # seconds the bot has to answer a post (assumed)
    IDLE_CHECK = 5.0  # seconds between looks at the queue when nothing wakes the task

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.first_retry = self.FIRST_RETRY  # tests shorten them
        self.max_retry = self.MAX_RETRY
        self._tasks: dict[int, asyncio.Task] = {}
        self._wake: dict[int, asyncio.Event] = {}  # ends a bot's pause after a failure
        self._session: aiohttp.ClientSession | None = None

    def ensure(self, bot: BotRecord) -> None:
        """Deliver the bot's updates from now on (it has just set a webhook), at once."""
        self._wake.setdefault(bot.id, asyncio.Event()).set()
        task = self._tasks.get(bot.id)
        if task is None or task.done():
            self._tasks[bot.id] = asyncio.create_task(self._deliver(bot), name=f"webhook-{bot.id}")

    async def close(self) -> None:
        """Stop every delivery; undelivered updates stay queued for the next start."""
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver(self, bot: BotRecord) -> None:
        """Post pending updates, up to max_connections at once but one per sender at a
        time (a sender's updates arrive in order); after a failure nothing new is posted
        until the pause is over, and the queue starts again from its oldest update."""
        pause = self.first_retry
        posting: dict[asyncio.Task[str | None], dict] = {}  # post → its queue item
        failed = False
        try:
            while bot.webhook_url or posting:
                self.state.confirm_updates(bot, None)  # forgets updates older than 24 hours
                if not failed and bot.webhook_url:
                    self._post_next(bot, posting)
                if not posting:
                    if failed:
                        await self._pause(bot.id, pause)
                        pause = min(pause * 2, self.max_retry)
                        failed = False
                    elif bot.webhook_url:
                        await self.state.wait_for_update(bot.id, self.IDLE_CHECK)
                    continue
                arrival = asyncio.create_task(self.state.wait_for_update(bot.id, self.IDLE_CHECK))
                done, _ = await asyncio.wait(
                    {*posting, arrival}, return_when=asyncio.FIRST_COMPLETED
                )
                arrival.cancel()
                for post in done & posting.keys():
                    item = posting.pop(post)
                    error = post.result()
                    if error is None:
                        if item in bot.updates:
                            bot.updates.remove(item)
                        if not failed:
                            pause = self.first_retry
                        continue
                    failed = True
                    bot.webhook_last_error_date = int(self.state.now())
                    bot.webhook_last_error_message = error
                    log.info("webhook of bot %s failed (%s); again in %.1f s", bot.id, error, pause)
        finally:
            for post in posting:
                post.cancel()

    def _post_next(self, bot: BotRecord, posting: dict[asyncio.Task[str | None], dict]) -> None:
        """Start posts for the oldest updates of senders with none under way."""
        busy = {_sender(item["update"]) for item in posting.values()}
        for item in bot.updates:
            if len(posting) >= bot.webhook_max_connections:
                return
            if item in posting.values():
                continue
            sender = _sender(item["update"])
            if sender in busy:
                continue
            busy.add(sender)
            posting[asyncio.create_task(self._post(bot, item["update"]))] = item

    async def _pause(self, bot_id: int, seconds: float) -> None:
        """Wait ``seconds``, or less if the bot sets its webhook again meanwhile."""
        wake = self._wake.setdefault(bot_id, asyncio.Event())
        wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await wake.wait()

    async def _post(self, bot: BotRecord, update: dict) -> str | None:
        """Post one update; None when the bot took it, else Telegram's error text."""
        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=self.ANSWER_TIMEOUT)
            self._session = aiohttp.ClientSession(timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if bot.webhook_secret:
            headers[SECRET_HEADER] = bot.webhook_secret
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            async with self._session.post(bot.webhook_url, data=body, headers=headers) as answer:
                await answer.read()
                if 200 <= answer.status < 300:
                    return None
                return f"Wrong response from the webhook: {answer.status} {answer.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except (aiohttp.ClientError, OSError) as error:
            if isinstance(error, aiohttp.ClientConnectorError):
                return "Connection refused"
            return f"Connection failed: {error}"


def _sender(update: dict) -> object:
    """Whose update it is (their updates are posted one after another); None if unknown."""
    for value in update.values():
        if isinstance(value, dict):
            person = value.get("from") or value.get("chat")
            if isinstance(person, dict):
                return person.get("id")
    return None
