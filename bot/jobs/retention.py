"""The daily pruning of what the bot only needed for a while (rules: bot/domain/retention.py).

Scheduled in bot/jobs/schedule.py: once at start-up, then every day. Every batch runs on
the database thread (never the event loop) and touches at most ``BATCH`` rows, so the
updates and sends of the moment wait for one batch at most; a run cut short by a restart
or a locked database leaves nothing half done and the next run finds the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.retention import BATCH, Cutoffs
from bot.runtime.context import Resources
from storage import retention
from storage.policy import load_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pruned:
    """How many rows one run changed, for the log line and the tests."""

    update_texts: int
    sent_messages: int
    buttons: int


async def prune(services: Resources) -> None:
    """The periodic job's entry point."""
    await prune_now(services)


async def prune_now(services: Resources) -> Pruned:
    """One pass over the inbox, the outbox and the buttons, a batch at a time."""
    store = services.store
    cutoffs = Cutoffs.at(services.clock.now(), await store.run(load_policy))

    texts, after = 0, retention.FIRST
    while True:
        step = await store.run(retention.drop_update_texts, cutoffs.update_texts, after, BATCH)
        texts += step.changed
        if step.last is None:
            break
        after = step.last

    young = await store.run(retention.young_messages_from, cutoffs.sent_messages)
    in_use = await store.run(retention.messages_in_use, young, cutoffs.sent_messages)
    sent, after = 0, retention.FIRST
    while True:
        step = await store.run(
            retention.prune_sent_messages, cutoffs.sent_messages, in_use, after, young, BATCH
        )
        sent += step.changed
        if step.last is None:
            break
        after = step.last

    tokens, after = 0, retention.FIRST
    while True:
        step = await store.run(retention.prune_buttons, cutoffs.buttons, after, BATCH)
        tokens += step.changed
        if step.last is None:
            break
        after = step.last

    pruned = Pruned(texts, sent, tokens)
    if texts or sent or tokens:
        log.info(
            "retention: %d update texts dropped, %d sent messages and %d expired buttons deleted",
            texts,
            sent,
            tokens,
        )
    return pruned
