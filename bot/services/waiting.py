"""/waiting: what waits for a decision — close-out requests (销号申请) and extension requests
(延期申请), oldest first, each a button to its item's card, where the decision is made.

Each request also reaches its deciders as a message of its own; this list is for the office
that wants to see at once what is still open (``duban list closeouts`` / ``extensions`` at
the desk read the same rows: storage/waiting.py).
"""

from __future__ import annotations

from bot.actions import ADMINS, command
from bot.i18n import Safe
from bot.runtime.work import Keyboard, Work
from bot.services.item_view import level_of, open_button
from storage import ledger
from storage.waiting import Waiting, closeouts_waiting, extensions_waiting

SHOWN = 40  # lines per section; the rest are counted


@command("waiting", roles=ADMINS, help="parity.cmd.waiting")
def list_waiting(work: Work) -> None:
    """Both lists in one message, with a button to each item's card."""
    closeouts, extensions = closeouts_waiting(work.db), extensions_waiting(work.db)
    if not closeouts and not extensions:
        work.reply("parity.waiting.none")
        return
    sections = []
    if closeouts:
        lines = [_closeout_line(work, waiting) for waiting in closeouts[:SHOWN]]
        sections.append(_section(work, "parity.waiting.closeouts", closeouts, lines))
    if extensions:
        lines = [_extension_line(work, waiting) for waiting in extensions[:SHOWN]]
        sections.append(_section(work, "parity.waiting.extensions", extensions, lines))
    keyboard: Keyboard = []
    seen: set[int] = set()
    for waiting in [*closeouts[:SHOWN], *extensions[:SHOWN]]:
        if waiting.item_id not in seen:
            seen.add(waiting.item_id)
            item = ledger.get_item(work.db, waiting.item_id)
            keyboard.append([open_button(item, level_of(work, item))])
    work.reply("parity.waiting.title", sections=Safe("\n\n".join(sections)), keyboard=keyboard)


def _section(work: Work, key: str, found: list[Waiting], lines: list[str]) -> str:
    more = len(found) - len(lines)
    if more > 0:
        lines.append(work.t("parity.waiting.more", count=more))
    return work.t(key, count=len(found), lines=Safe("\n".join(lines)))


def _asked(work: Work, waiting: Waiting) -> str:
    return waiting.asked_at.astimezone(work.tz).strftime("%m-%d %H:%M")


def _closeout_line(work: Work, waiting: Waiting) -> str:
    return work.t(
        "parity.waiting.closeout_line",
        code=waiting.code,
        unit=waiting.unit or "—",
        by=waiting.by or "—",
        asked=_asked(work, waiting),
        claim=waiting.text or "—",
    )


def _extension_line(work: Work, waiting: Waiting) -> str:
    deadline = waiting.new_deadline.isoformat() if waiting.new_deadline else "—"
    return work.t(
        "parity.waiting.extension_line",
        code=waiting.code,
        unit=waiting.unit or "—",
        by=waiting.by or "—",
        asked=_asked(work, waiting),
        deadline=deadline,
        reason=waiting.text or "—",
    )
