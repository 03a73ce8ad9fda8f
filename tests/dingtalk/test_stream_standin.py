"""The DingTalk stand-in as the official SDK (dingtalk-stream) sees it.

Each test starts the real DingTalkStreamClient against the stand-in through the gateway
and checks what a DingTalk robot relies on: robot messages arrive and can be answered
through their sessionWebhook, unacknowledged events come again and robot messages do not,
tickets are single-use and expire, and the OpenAPI refuses what DingTalk refuses.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import dingtalk_stream
from dingtalk_stream import AckMessage, ChatbotMessage

from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.sdk import PORT, sdk_client, streaming


class EchoRobot(dingtalk_stream.ChatbotHandler):
    """Answers each robot message with 收到：<text> through the message's sessionWebhook."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        incoming = ChatbotMessage.from_dict(callback.data)
        self.seen.append(incoming.text.content)
        self.reply_text(f"收到：{incoming.text.content}", incoming)
        return AckMessage.STATUS_OK, "OK"


class StuckHandler:
    """Never answers until released: what a bot that dies mid-message looks like to DingTalk."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = asyncio.Event()

    async def hold(self, message_id: str) -> tuple[int, str]:
        self.calls.append(message_id)
        await self.release.wait()
        return AckMessage.STATUS_OK, "OK"


class StuckEvents(dingtalk_stream.EventHandler):
    def __init__(self, stuck: StuckHandler) -> None:
        super().__init__()
        self.stuck = stuck

    async def process(self, event: dingtalk_stream.EventMessage) -> tuple[int, str]:
        return await self.stuck.hold(event.headers.message_id)


class StuckRobot(dingtalk_stream.ChatbotHandler):
    def __init__(self, stuck: StuckHandler) -> None:
        super().__init__()
        self.stuck = stuck

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        return await self.stuck.hold(callback.headers.message_id)


async def wait_until(condition: Any, within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def post(
    url: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_sdk_receives_a_robot_message_acknowledges_it_and_replies_through_the_webhook(
    standin: DingTalkStandIn,
) -> None:
    client = sdk_client(standin)
    robot = EchoRobot()
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, robot)
    phone = standin.phone("manager4521", "李联络")
    async with streaming(client, standin):
        message_id = await phone.send("企业已整改完毕")
        reply = await phone.expect("收到：企业已整改完毕")
        await wait_until(lambda: standin.push(message_id).ack is not None)
    assert robot.seen == ["企业已整改完毕"]
    assert reply.via == "webhook" and reply.kind == "text"
    ack = standin.push(message_id).ack
    assert ack is not None and ack["code"] == 200
    assert ack["headers"]["messageId"] == message_id


async def test_the_sdk_echoes_the_ping_opaque(standin: DingTalkStandIn) -> None:
    client = sdk_client(standin)
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, EchoRobot())
    async with streaming(client, standin):
        ack = await standin.ping("123-dsfs")
    assert json.loads(ack["data"]) == {"opaque": "123-dsfs"}


async def test_an_unacknowledged_event_is_pushed_again_and_a_robot_message_is_not(
    standin: DingTalkStandIn,
) -> None:
    stuck = StuckHandler()
    client = sdk_client(standin)
    client.register_all_event_handler(StuckEvents(stuck))
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, StuckRobot(stuck))
    phone = standin.phone("manager4521", "李联络")
    async with streaming(client, standin):
        event_id = await standin.push_event("user_add_org", {"userId": ["015227"]})
        robot_id = await phone.send("现场照片稍后补")
        await wait_until(lambda: standin.push(event_id).pushes >= 2, within=3)
        await asyncio.sleep(1.0)  # two event timeouts: a robot message would have come again
        assert standin.push(robot_id).pushes == 1
        assert stuck.calls.count(robot_id) == 1
        assert stuck.calls.count(event_id) >= 2
        stuck.release.set()
        await wait_until(lambda: standin.push(event_id).ack is not None)
    assert standin.push(event_id).ack["code"] == 200  # type: ignore[index]


async def test_a_used_or_expired_ticket_is_refused() -> None:
    standin = DingTalkStandIn(port=PORT, ticket_lifetime=0.3)
    standin.start()
    try:
        open_url = f"{standin.url}/v1.0/gateway/connections/open"
        body = {
            "clientId": standin.state.client_id,
            "clientSecret": standin.state.client_secret,
            "subscriptions": [{"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"}],
        }
        async with aiohttp.ClientSession() as session:
            status, answer = await post(open_url, body)
            assert status == 200
            url = f"{answer['endpoint']}?ticket={answer['ticket']}"
            async with session.ws_connect(url):
                pass
            try:
                await session.ws_connect(url)
            except aiohttp.WSServerHandshakeError as refused:
                assert refused.status == 401
            else:
                raise AssertionError("a used ticket opened a second stream")

            status, answer = await post(open_url, body)
            await asyncio.sleep(0.4)
            try:
                await session.ws_connect(f"{answer['endpoint']}?ticket={answer['ticket']}")
            except aiohttp.WSServerHandshakeError as refused:
                assert refused.status == 401
            else:
                raise AssertionError("an expired ticket opened a stream")
    finally:
        standin.stop()


async def test_wrong_credentials_get_no_ticket(standin: DingTalkStandIn) -> None:
    body = {
        "clientId": standin.state.client_id,
        "clientSecret": "not-the-secret",
        "subscriptions": [{"type": "EVENT", "topic": "*"}],
    }
    status, answer = await post(f"{standin.url}/v1.0/gateway/connections/open", body)
    assert status == 401
    assert set(answer) == {"code", "message", "requestid"} and "ticket" not in answer


async def access_token(standin: DingTalkStandIn) -> str:
    body = {"appKey": standin.state.client_id, "appSecret": standin.state.client_secret}
    status, answer = await post(f"{standin.url}/v1.0/oauth2/accessToken", body)
    assert status == 200 and answer["expireIn"] == 7200
    return str(answer["accessToken"])


def batch_body(standin: DingTalkStandIn, users: list[str], text: str) -> dict[str, Any]:
    return {
        "robotCode": standin.state.robot_code,
        "userIds": users,
        "msgKey": "sampleText",
        "msgParam": json.dumps({"content": text}, ensure_ascii=False),
    }


async def test_batch_send_reaches_the_phone_and_refuses_21_users(standin: DingTalkStandIn) -> None:
    phone = standin.phone("manager4521", "李联络")
    token = await access_token(standin)
    url = f"{standin.url}/v1.0/robot/oToMessages/batchSend"
    headers = {"x-acs-dingtalk-access-token": token}

    status, answer = await post(
        url, batch_body(standin, ["manager4521"], "请于周五前签收"), headers
    )
    assert status == 200 and answer["invalidStaffIdList"] == []
    pushed = await phone.expect("请于周五前签收")
    assert pushed.via == "batchSend"

    users = [f"staff{n}" for n in range(21)]
    status, answer = await post(url, batch_body(standin, users, "早上好"), headers)
    assert status == 400 and answer["code"] == "param.userIdsExceedLimit"

    body = batch_body(standin, ["manager4521"], "x") | {"msgParam": {"content": "not a string"}}
    status, answer = await post(url, body, headers)
    assert status == 400 and answer["code"] == "invalidParameter"


async def test_a_wrong_access_token_is_refused(standin: DingTalkStandIn) -> None:
    phone = standin.phone("manager4521", "李联络")
    url = f"{standin.url}/v1.0/robot/oToMessages/batchSend"
    body = batch_body(standin, ["manager4521"], "不该送达")
    status, answer = await post(url, body, {"x-acs-dingtalk-access-token": "forged"})
    assert status == 401 and answer["code"] == "InvalidAuthentication"
    status, answer = await post(url, body)
    assert status == 401
    assert phone.received() == []


async def test_an_expired_session_webhook_is_refused(standin: DingTalkStandIn) -> None:
    standin.session_lifetime = 0.2
    client = sdk_client(standin)
    replies: list[ChatbotMessage] = []

    class Keeper(dingtalk_stream.ChatbotHandler):
        async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
            replies.append(ChatbotMessage.from_dict(callback.data))
            return AckMessage.STATUS_OK, "OK"

    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, Keeper())
    phone = standin.phone("manager4521", "李联络")
    async with streaming(client, standin):
        await phone.send("晚点回复")
        await wait_until(lambda: bool(replies))
    await asyncio.sleep(0.3)
    body = {"msgtype": "text", "text": {"content": "太迟了"}}
    status, answer = await post(replies[0].session_webhook, body)
    assert status == 200 and answer["errcode"] != 0
    assert phone.received() == []


async def test_after_a_disconnect_the_sdk_opens_a_new_stream_with_a_new_ticket(
    standin: DingTalkStandIn,
) -> None:
    client = sdk_client(standin)
    robot = EchoRobot()
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, robot)
    phone = standin.phone("manager4521", "李联络")
    async with streaming(client, standin):
        await standin.disconnect("connection is expired")
        await wait_until(lambda: len(standin.state.tickets) == 2 and standin.connections() == 1)
        await phone.send("重新连上了吗")
        await phone.expect("收到：重新连上了吗")
    assert all(ticket.used for ticket in standin.state.tickets.values())


async def test_a_markdown_reply_reaches_the_phone(standin: DingTalkStandIn) -> None:
    class MarkdownRobot(dingtalk_stream.ChatbotHandler):
        async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
            incoming = ChatbotMessage.from_dict(callback.data)
            self.reply_markdown("督办", f"#### 已登记\n> {incoming.text.content}", incoming)
            return AckMessage.STATUS_OK, "OK"

    client = sdk_client(standin)
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, MarkdownRobot())
    phone = standin.phone("inspector01", "王督查")
    async with streaming(client, standin):
        await phone.send("卓远半导体 消防通道堵塞")
        reply = await phone.expect("消防通道堵塞")
    assert reply.kind == "markdown" and reply.text.startswith("#### 已登记")


async def test_wrong_app_secret_gets_no_access_token(standin: DingTalkStandIn) -> None:
    body = {"appKey": standin.state.client_id, "appSecret": "guessed"}
    status, answer = await post(f"{standin.url}/v1.0/oauth2/accessToken", body)
    assert status == 400 and "accessToken" not in answer
