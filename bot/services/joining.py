"""How an invitation is redeemed on each front-end this deployment serves, and what each
person's platforms are called: the invitation messages and /users say both."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.people import DINGTALK, TELEGRAM, deep_link
from bot.i18n import Safe
from bot.runtime.work import Work

PLATFORM_ORDER = (TELEGRAM, DINGTALK)  # as the office lists them: the first front-end first


def how_to_join(work: Work, code: str, platforms: Iterable[str] | None = None) -> str:
    """The lines that tell the invited person how to use ``code``: Telegram's start link,
    DingTalk's 「绑定 CODE」 to the robot — one line for each of ``platforms`` (default: every
    front-end configured). A Telegram-only deployment shows the bare link, as it always has:
    one way to join needs no platform's name before it."""
    wanted = set(work.env.front_ends if platforms is None else platforms)
    shown = [platform for platform in PLATFORM_ORDER if platform in wanted]
    if shown == [TELEGRAM]:
        return deep_link(work.bot_username, code)
    lines = []
    for platform in shown:
        if platform == TELEGRAM:
            lines.append(work.t("invite.join_telegram", link=deep_link(work.bot_username, code)))
        else:
            lines.append(work.t("invite.join_dingtalk", code=code))
    return Safe("\n".join(lines))


def platform_name(work: Work, platform: str) -> str:
    """A platform as people call it (Telegram, 钉钉)."""
    return work.t(f"platform.{platform}")


def platform_names(work: Work, platforms: Iterable[str]) -> str:
    """Several platforms in the office's order, joined as a list (Telegram、钉钉)."""
    order = [p for p in PLATFORM_ORDER if p in set(platforms)]
    return ("、" if work.lang == "zh" else ", ").join(platform_name(work, p) for p in order)
