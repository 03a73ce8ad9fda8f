"""How long the bot keeps what it only needed for a while (issue 17).

Kept for good: items, people, visits, findings, evidence and its files, the audit chain,
every update's id (a platform that sends an update again is recognised by it), updates
still pending or set aside, and messages that could not be delivered (dead rows).

Dropped once they have served:
- the raw text of a processed update (what was typed, a location), after the office's
  ``update_retention_days`` (90 by default): the ledger holds what it meant;
- a delivered message's outbox row, 30 days after it was sent, unless the message was
  edited or is waiting for an edit since then (its rows go together, once all are old) or
  holds an invitation link still open (edited when the link is used or revoked);
- a button's meaning, once the button has expired (a tap on it is refused either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.policy import Policy

# A sent message's row stays at least this long: the sender's edits, corrections of a
# visit's summary and 签收 buttons (which live as long) find the message through it.
SENT_MESSAGES_KEPT = timedelta(days=30)
# Rows read or changed per database transaction: the bot's own updates wait for no more.
BATCH = 500


@dataclass(frozen=True)
class Cutoffs:
    """Moments before which each kind of row may go."""

    update_texts: datetime  # processed before this: raw text dropped
    sent_messages: datetime  # sent before this (and not edited since): row deleted
    buttons: datetime  # expired before this: meaning deleted

    @classmethod
    def at(cls, now: datetime, policy: Policy) -> Cutoffs:
        return cls(
            update_texts=now - timedelta(days=policy.update_retention_days),
            sent_messages=now - SENT_MESSAGES_KEPT,
            buttons=now,
        )
