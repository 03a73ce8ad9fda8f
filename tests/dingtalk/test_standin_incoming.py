"""The stand-in's incoming side (sandbox/dingtalk/incoming.py): what phones send beyond text,
the robot file download as DingTalk answers it, and card taps pushed until acknowledged."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import aiohttp
import dingtalk_stream
import pytest
from dingtalk_stream import AckMessage, CallbackMessage

from bot.config import DingTalkSettings
from bot.platforms.dingtalk.stream import DingTalkStream
from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.sdk import sdk_client, streaming
from tests.dingtalk.test_stream_standin import access_token, post, wait_until


class Recorder(dingtalk_stream.CallbackHandler):
    """Keeps every frame's data; acknowledges only when told to."""

    def __init__(self, acknowledge: bool = True) -> None:
        super().__init__()
        self.frames: list[dict] = []
        self.acknowledge = acknowledge

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        self.frames.append(callback.data)
        if not self.acknowledge:
            raise RuntimeError("not now")  # the SDK then sends no ACK
        return AckMessage.STATUS_OK, "OK"


async def test_a_picture_is_downloaded_by_its_download_code(standin: DingTalkStandIn) -> None:
    client = sdk_client(standin)
    robot = Recorder()
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, robot)
    phone = standin.phone("inspector01", "王督查")
    async with streaming(client, standin):
        code = await phone.send_picture(b"\xff\xd8 jpeg bytes")
        await wait_until(lambda: bool(robot.frames))
    [data] = robot.frames
    assert data["msgtype"] == "picture" and data["content"]["downloadCode"] == code
    token = await access_token(standin)
    headers = {"x-acs-dingtalk-access-token": token}
    url = f"{standin.url}/v1.0/robot/messageFiles/download"
    body = {"downloadCode": code, "robotCode": standin.state.robot_code}
    status, answer = await post(url, body, headers)
    assert status == 200
    async with aiohttp.ClientSession() as session, session.get(answer["downloadUrl"]) as got:
        assert await got.read() == b"\xff\xd8 jpeg bytes"
    status, _ = await post(url, body | {"downloadCode": "dl-unknown"}, headers)
    assert status == 400
    status, _ = await post(url, body, {"x-acs-dingtalk-access-token": "forged"})
    assert status == 401


async def test_rich_text_keeps_words_and_pictures_in_order(standin: DingTalkStandIn) -> None:
    client = sdk_client(standin)
    robot = Recorder()
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, robot)
    phone = standin.phone("inspector01", "王督查")
    async with streaming(client, standin):
        codes = await phone.send_rich_text("厂房漏水", b"jpeg-1")
        await wait_until(lambda: bool(robot.frames))
    message = dingtalk_stream.ChatbotMessage.from_dict(robot.frames[0])
    assert message.get_text_list() == ["厂房漏水"]
    assert message.get_image_list() == codes  # the SDK reads the shape as DingTalk's


async def test_a_card_tap_is_pushed_until_acknowledged(standin: DingTalkStandIn) -> None:
    client = sdk_client(standin)
    cards = Recorder(acknowledge=False)
    client.register_callback_handler(dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK, cards)
    phone = standin.phone("manager4521", "李联络")
    async with streaming(client, standin):
        message_id = await phone.tap_card("duban-12", {"text": "签收", "token": "tok-9"})
        await wait_until(lambda: len(cards.frames) >= 2)
        cards.acknowledge = True
        await wait_until(lambda: standin.push(message_id).ack is not None, within=5)
    data = cards.frames[0]
    assert (data["outTrackId"], data["userId"]) == ("duban-12", "manager4521")
    params = json.loads(data["content"])["cardPrivateData"]["params"]
    assert params == {"token": "tok-9"}  # the label is the card's, never sent back


def test_the_sdk_logs_at_warning_through_the_scrubbing_filter(
    standin: DingTalkStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    secret = standin.state.client_secret
    settings = DingTalkSettings(client_id="dingclient", client_secret=secret)
    stream = DingTalkStream(settings, ":memory:", lambda: datetime.now(UTC), lambda: None)
    for name in ("dingtalk_stream.client", "dingtalk_stream.handler", stream.client.logger.name):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING
    with caplog.at_level(logging.DEBUG):  # only the SDK's own level can drop a record
        stream.client.logger.info("endpoint is ws://…?ticket=secret-ticket")
        stream.client.logger.error("open connection failed, clientSecret=%s", secret)
    assert "secret-ticket" not in caplog.text
    assert secret not in caplog.text and "<token>" in caplog.text
