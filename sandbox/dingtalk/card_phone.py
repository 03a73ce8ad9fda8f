"""What a DingTalk phone does with cards: read their buttons and tap one.

A tap on an interactive card's button is DingTalk's card callback: a CALLBACK frame on
``/v1.0/card/instances/callback`` whose data the SDK's card_callback.py parses — outTrackId,
userId, corpId, spaceType, and ``content`` a JSON string holding
``{"cardPrivateData": {"actionIds": ["tap"], "params": {...}}}`` (contract point 3). The
button carries either our token or the answer a reply keyboard would have typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.dingtalk.cards import Card
    from sandbox.dingtalk.server import DingTalkStandIn


class CardPhone:
    """Mixed into DingTalkPhone (before PhoneFiles): ``buttons()`` and ``tap(label)``."""

    standin: DingTalkStandIn
    staff_id: str
    # The callback push, retried until acknowledged: PhoneFiles (sandbox/dingtalk/incoming.py).
    tap_card: Callable[[str, dict[str, str]], Awaitable[str]]

    def buttons(self) -> list[str]:
        """The labels on this person's latest card, as it shows now."""
        cards = self.standin.cards.of(self.staff_id)
        return [str(b.get("text", "")) for b in cards[-1].buttons()] if cards else []

    async def tap(self, label: str) -> str:
        """Tap ``label`` on the latest card showing it; returns the pushed frame's messageId.
        The callback is pushed again until acknowledged, as DingTalk does (``tap_card``)."""
        card, button = self._find(label)
        if "url" in button:
            raise AssertionError(f"{label!r} opens {button['url']} in a browser: no callback")
        return await self.tap_card(card.out_track_id, button)

    def _find(self, label: str) -> tuple[Card, dict[str, str]]:
        for card in reversed(self.standin.cards.of(self.staff_id)):
            for button in card.buttons():
                if button.get("text") == label:
                    return card, button
        raise AssertionError(f"no card of {self.staff_id} shows a button {label!r}")
