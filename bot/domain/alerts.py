"""When the administrators are told that a health figure crossed its threshold, or cleared.

The figures are read every minute (bot/jobs/health_alerts.py); each keeps, in the
database, what the administrators were last told about it (past its threshold or within
it) and since when it has been seen otherwise. A change is told once, and only when it has
held for a while:

- a crossing is told once the figure has been past its threshold at two checks at least
  ``CROSS_HOLD`` apart (the two consecutive runs of the minute job). One look can catch the
  instant before the job that mends it runs: the reminder sweep and the backup check start
  with the bot, in the same second as this one. The thresholds themselves already allow
  minutes (an update may wait five), so a real fault is told about a minute later, no more;
- a clearing is told once the figure has stayed within its threshold for ``CLEAR_HOLD``. A
  figure that flaps (an outbox draining and filling again around its limit) is past again
  before that, which cancels the clearing: the administrators hear of the trouble once, and
  that it is over once it really is, however often it flapped in between. A figure crossing
  and clearing forever at the worst pace yields one pair of notices per ``CLEAR_HOLD``;
- a figure no longer reported (a front-end switched off whose waiting rows were dealt
  with) counts as within its threshold.

Being kept in the database, the state outlives a restart: a bot restarted in the middle of
a fault neither tells it again nor forgets to tell that it cleared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

CROSS_HOLD = timedelta(seconds=50)  # two runs of the minute job, allowing for their jitter
CLEAR_HOLD = timedelta(minutes=10)

PAST, WITHIN = "past", "within"


@dataclass(frozen=True)
class Watch:
    """What the administrators were last told about one figure (``told``: PAST or WITHIN)
    and since when it has been seen the other way (None: it agrees with what was told)."""

    told: str = WITHIN
    other_since: datetime | None = None

    def to_text(self) -> str:
        since = self.other_since.isoformat() if self.other_since else None
        return json.dumps({"told": self.told, "other_since": since})

    @classmethod
    def from_text(cls, text: str | None) -> Watch:
        if not text:
            return cls()
        saved = json.loads(text)
        since = saved.get("other_since")
        return cls(saved.get("told", WITHIN), datetime.fromisoformat(since) if since else None)


def look(watch: Watch, ok: bool, now: datetime) -> tuple[Watch, str | None]:
    """The watch after seeing the figure ``ok`` (within its threshold) or not at ``now``, and
    what to tell now: PAST (it crossed), WITHIN (it cleared) or None (nothing)."""
    seen = WITHIN if ok else PAST
    if seen == watch.told:
        return Watch(watch.told), None
    if watch.other_since is None:
        return Watch(watch.told, now), None
    hold = CROSS_HOLD if seen == PAST else CLEAR_HOLD
    if now - watch.other_since < hold:
        return watch, None
    return Watch(seen), seen
