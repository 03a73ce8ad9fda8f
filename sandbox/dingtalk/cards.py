"""Interactive cards in the stand-in: create-and-deliver, update, and the card store.

Routes (bodies as the SDK's card_replier.py and the Go card tutorial send them,
``../shared/dingtalk/explore__tutorials__stream__bot__go__card-callback.md``):

* ``POST /v1.0/card/instances/createAndDeliver`` — cardTemplateId, outTrackId,
  cardData.cardParamMap (string values), openSpaceId ``dtv1.card//IM_ROBOT.<staffId>``,
  imRobotOpenDeliverModel.spaceType ``IM_ROBOT`` → ``{"success": true, "result":
  {"outTrackId", "deliverResults": [{"spaceType", "spaceId", "success", "carrierId"}]}}``.
* ``PUT /v1.0/card/instances`` — outTrackId, cardData.cardParamMap; with
  cardUpdateOptions.updateCardDataByKey the given keys replace theirs, else the whole map.

Assumed (README): an outTrackId is unique per app, so creating it again is refused with 400
``param.outTrackIdDuplicate`` (the card stays as it was); updating an unknown one answers
400 ``param.cardInstanceNotExist``; an unknown staff id answers 400
``param.userIdNotExist`` (code from the page's error table).

What a phone shows is recorded like any message (``Received`` via "card", and via
"cardUpdate" after an update), so ``phone.expect`` finds card text; the store keeps each
card's current params for ``phone.buttons()`` and ``phone.tap()``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.dingtalk import errors
from sandbox.dingtalk.state import DingTalkState, Received
from sandbox.dingtalk.throttle import CallRate

DUPLICATE = (400, "param.outTrackIdDuplicate", "outTrackId 已存在")
UNKNOWN_CARD = (400, "param.cardInstanceNotExist", "卡片实例不存在")
UNKNOWN_USER = (400, "param.userIdNotExist", "用户 userId 不存在")
SPACE_PREFIX = "dtv1.card//IM_ROBOT."


@dataclass
class Card:
    """One card instance: whose chat it is in, and its params now."""

    out_track_id: str
    staff_id: str
    template_id: str
    params: dict[str, str]
    created: float = field(default_factory=time.time)

    @property
    def markdown(self) -> str:
        return self.params.get("markdown", "")

    def buttons(self) -> list[dict[str, str]]:
        """The card's buttons, row after row (the "buttons" param is JSON rows of buttons)."""
        try:
            rows = json.loads(self.params.get("buttons") or "[]")
        except ValueError:
            return []
        return [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]


class CardStore:
    """Every card the robot made, by outTrackId, and the two card routes."""

    def __init__(self, state: DingTalkState, rate: CallRate) -> None:
        self.state = state
        self.rate = rate
        self._cards: dict[str, Card] = {}
        self._lock = threading.Lock()
        self.creates = 0  # create calls answered or not, duplicates included
        self._late: list[float] = []  # answer delays for the next creates (a timeout, seen)

    # -- what tests read and script ------------------------------------------------------

    def get(self, out_track_id: str) -> Card | None:
        with self._lock:
            return self._cards.get(out_track_id)

    def of(self, staff_id: str) -> list[Card]:
        """A person's cards, oldest first."""
        with self._lock:
            return [card for card in self._cards.values() if card.staff_id == staff_id]

    def answer_late(self, seconds: float, times: int = 1) -> None:
        """Make the next ``times`` creates take effect at once but answer after ``seconds``:
        to the caller, a timeout that hid a card DingTalk did make."""
        self._late.extend([seconds] * times)

    # -- routes ----------------------------------------------------------------------------

    async def create_and_deliver(self, request: web.Request) -> web.Response:
        refused = self._refused(request, "/v1.0/card/instances/createAndDeliver")
        if refused is not None:
            return refused
        body = await _json(request)
        out_track_id = str(body.get("outTrackId") or "")
        params = _params(body)
        space = str(body.get("openSpaceId") or "")
        deliver = body.get("imRobotOpenDeliverModel")
        if not out_track_id or not body.get("cardTemplateId") or params is None:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "outTrackId, template, data")
        if not space.startswith(SPACE_PREFIX) or not isinstance(deliver, dict):
            return errors.openapi_error(400, errors.BAD_PARAMETER, "openSpaceId IM_ROBOT")
        if deliver.get("spaceType") != "IM_ROBOT":
            return errors.openapi_error(400, errors.BAD_PARAMETER, "spaceType")
        staff_id = space.removeprefix(SPACE_PREFIX)
        self.creates += 1
        if staff_id not in self.state.staff:
            return errors.openapi_error(*UNKNOWN_USER)
        with self._lock:
            if out_track_id in self._cards:
                return errors.openapi_error(*DUPLICATE)
            card = Card(out_track_id, staff_id, str(body["cardTemplateId"]), params)
            self._cards[out_track_id] = card
        self.state.deliver(staff_id, Received("card", "card", card.markdown, _shown(card)))
        if self._late:
            await asyncio.sleep(self._late.pop(0))
        result = {
            "outTrackId": out_track_id,
            "deliverResults": [
                {
                    "spaceType": "IM_ROBOT",
                    "spaceId": staff_id,
                    "success": True,
                    "carrierId": uuid.uuid4().hex,
                }
            ],
        }
        return web.json_response({"success": True, "result": result})

    async def update(self, request: web.Request) -> web.Response:
        refused = self._refused(request, "/v1.0/card/instances")
        if refused is not None:
            return refused
        body = await _json(request)
        params = _params(body)
        if params is None:
            return errors.openapi_error(400, errors.BAD_PARAMETER, "cardData.cardParamMap")
        options = body.get("cardUpdateOptions")
        by_key = isinstance(options, dict) and options.get("updateCardDataByKey") is True
        with self._lock:
            card = self._cards.get(str(body.get("outTrackId") or ""))
            if card is None:
                return errors.openapi_error(*UNKNOWN_CARD)
            card.params = {**card.params, **params} if by_key else params
        self.state.deliver(
            card.staff_id, Received("cardUpdate", "card", card.markdown, _shown(card))
        )
        return web.json_response({"success": True, "result": True})

    def _refused(self, request: web.Request, api: str) -> web.Response | None:
        if not self.state.token_valid(request.headers.get("x-acs-dingtalk-access-token")):
            return errors.openapi_error(*errors.BAD_ACCESS_TOKEN)
        return self.rate.openapi_refusal(api)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _params(body: dict[str, Any]) -> dict[str, str] | None:
    """cardData.cardParamMap, whose values DingTalk takes only as strings."""
    data = body.get("cardData")
    params = data.get("cardParamMap") if isinstance(data, dict) else None
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        return None
    return {str(k): v for k, v in params.items()}


def _shown(card: Card) -> dict[str, Any]:
    return {
        "outTrackId": card.out_track_id,
        "title": card.params.get("title", ""),
        "markdown": card.markdown,
        "buttons": card.buttons(),
    }
