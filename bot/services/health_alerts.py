"""Telling the administrators that a health figure crossed its threshold, and that it cleared.

Every minute the figures ``duban status`` prints are read in one transaction with the
watch kept on each (bot/domain/alerts.py says when a change is told), so what was told is
recorded in the same commit as the notices queued: a restart repeats nothing. Each
administrator is told in their language, on the platform they use.

A notice about a stuck outbox cannot wait in that outbox. It is sent past the queue,
straight through the platform's client, to the administrators on that platform (those on
another platform get it through their own outbox, which is moving). It is tried once and
recorded as told before it is tried, in the same transaction as the watch: at most once,
never repeated by a restart or by the next minute's look. Why not retry it? The outbox is
stuck because the platform refuses or cannot be reached; a notice retried on its own would
be a second outbox with none of the first one's care (flood limits, blocked people). The
notice is a courtesy on top of ``duban status``, which says the same thing every time it is
asked and is what the container's health check and the IT person read; a notice lost to an
unreachable platform leaves that record intact. The clearing is sent the same way, since the
outbox may still hold the backlog it is draining.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.chat import Address
from bot.config import Settings
from bot.domain import alerts
from bot.domain.health import Figure
from bot.domain.lifecycle import Role
from bot.health import figures
from bot.i18n import Safe, t
from bot.runtime.work import Work
from storage import people
from storage.reminders import get_state, set_state

WATCH_PREFIX = "health.alert:"  # sweep_state keys: the prefix and the figure's name


@dataclass(frozen=True)
class Direct:
    """A notice to send past the outbox: to whom, as plain text."""

    to: Address
    text: str


def watched_name(figure: Figure) -> str:
    """The figure's name, made unique: one disk figure per file system, named by its paths."""
    if figure.name == "disk":
        return f"disk:{figure.values['paths']}"
    return figure.name


def look_at_figures(work: Work, settings: Settings) -> list[Direct]:
    """Read every figure, move each watch on, tell what changed; return the notices to be
    sent past the queue (those about a stuck outbox, to the administrators on its platform)."""
    current = {watched_name(figure): figure for figure in figures(work.db, settings, work.at)}
    names = sorted(set(current) | set(_watched(work)))
    direct: list[Direct] = []
    for name in names:
        figure = current.get(name)
        before_text = get_state(work.db, WATCH_PREFIX + name)
        before = alerts.Watch.from_text(before_text)
        after, tell = alerts.look(before, figure is None or figure.ok, work.at)
        if after.to_text() != before_text:
            set_state(work.db, WATCH_PREFIX + name, after.to_text())
        if tell is not None:
            direct += _tell(work, name, figure, tell)
    return direct


def _watched(work: Work) -> list[str]:
    """Names of the figures watched before, including any no longer reported."""
    rows = work.db.execute(
        "SELECT key FROM sweep_state WHERE substr(key, 1, ?) = ?",
        [len(WATCH_PREFIX), WATCH_PREFIX],
    )
    return [key[len(WATCH_PREFIX) :] for (key,) in rows]


def _tell(work: Work, name: str, figure: Figure | None, tell: str) -> list[Direct]:
    """Queue the notice to every active administrator, except those on the platform of a
    stuck outbox: theirs are returned, to be sent past it."""
    stuck = name.removeprefix("outbox.") if name.startswith("outbox.") else None
    direct = []
    for admin in people.active_people(work.db, role=Role.ADMIN):
        if admin.address is None:
            continue
        text = notice(admin.language, name, figure, tell)
        if admin.address.platform == stuck:
            direct.append(Direct(admin.address, html.unescape(text)))
        else:
            work.send(admin.address, text)
    return direct


def notice(lang: str, name: str, figure: Figure | None, tell: str) -> str:
    """The notice in ``lang``: the figure's ``duban status`` line when it crossed, what it
    is about when it cleared (it may no longer be reported at all)."""
    if tell == alerts.PAST and figure is not None:
        return t(lang, "alerts.crossed", line=Safe(figure_line(lang, figure)))
    return t(lang, "alerts.cleared", what=Safe(_what(lang, name)))


def figure_line(lang: str, figure: Figure) -> str:
    values = dict(figure.values)
    if "platform" in values:
        values["platform"] = Safe(t(lang, f"health.platform.{values['platform']}"))
    return t(lang, figure.key, **values)


def _what(lang: str, name: str) -> str:
    if name.startswith("disk:"):
        return t(lang, "alerts.what.disk", paths=name.removeprefix("disk:"))
    kind, _, platform = name.partition(".")
    if platform:
        return t(
            lang,
            f"alerts.what.{kind}",
            platform=Safe(t(lang, f"health.platform.{platform}")),
        )
    return t(lang, f"alerts.what.{kind}")
