"""A DingTalk frame set aside is named for the office as a Telegram update is (/stuck, the
notice), and its sender is the one apologised to."""

from __future__ import annotations

import json

from bot.chat import Address
from bot.domain.retries import sender_label, summarise

ROBOT = "/v1.0/im/bot/messages/get"


def robot(**data: object) -> dict:
    return {"topic": ROBOT, "messageId": "m1", "data": {"senderStaffId": "inspector01", **data}}


def test_dingtalk_frames_are_named_by_kind_and_sender() -> None:
    typed = summarise(robot(senderNick="王督查", msgtype="text", text={"content": "/visit"}))
    assert (typed.kind, typed.preview, typed.name) == ("command", "/visit", "王督查")
    assert typed.address == Address("dingtalk", "inspector01")
    assert sender_label(typed, None) == "王督查 (inspector01)"
    assert sender_label(typed, "王明") == "王明 (inspector01)"
    assert summarise(robot(msgtype="text", text={"content": "厂房漏水"})).kind == "text"
    assert summarise(robot(msgtype="picture", content={})).kind == "photo"
    assert summarise(robot(msgtype="file", content={})).kind == "document"
    assert summarise(robot(msgtype="video", content={})).kind == "media"
    assert summarise(robot(msgtype="chatRecord")).kind == "other"
    content = json.dumps({"cardPrivateData": {"params": {"token": "t"}}})
    tap = summarise(
        {
            "topic": "/v1.0/card/instances/callback",
            "data": {"userId": "manager4521", "content": content},
        }
    )
    assert (tap.kind, tap.address) == ("button", Address("dingtalk", "manager4521"))


def test_a_malformed_dingtalk_frame_is_summarised_without_error() -> None:
    odd = summarise({"topic": ROBOT, "data": {"senderStaffId": 5, "text": "x"}})
    assert (odd.kind, odd.address, sender_label(odd, None)) == ("other", None, None)
