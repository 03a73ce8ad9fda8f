"""The sandbox's webhook: Telegram's checks, 409 to getUpdates, delivery with retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web

from sandbox.server import Sandbox
from sandbox.testing import raw_call
from tests.webhooks import SECRET, free_port


class Endpoint:
    """A bot's webhook server that refuses the first ``refuse`` posts with 503."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.received: list[tuple[dict, str | None]] = []  # (update, secret header)

    async def handle(self, request: web.Request) -> web.Response:
        if self.refuse:
            self.refuse -= 1
            return web.Response(status=503)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((await request.json(), secret))
        return web.Response(status=200)


@pytest.fixture
async def endpoint_url() -> AsyncIterator[tuple[Endpoint, str]]:
    endpoint = Endpoint()
    app = web.Application()
    app.router.add_post("/hook", endpoint.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield endpoint, f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def call(sandbox: Sandbox, method: str, **params: object) -> tuple[int, dict]:
    return await raw_call(sandbox, method, dict(params))


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "never happened"
        await asyncio.sleep(0.02)


async def test_set_webhook_checks_the_secret_and_refuses_get_updates(sandbox: Sandbox) -> None:
    """A secret token outside Telegram's alphabet is refused; with a webhook set,
    getUpdates answers 409 until deleteWebhook."""
    status, body = await call(sandbox, "setWebhook", url="http://127.0.0.1:9/h", secret_token="a b")
    assert status == 400 and "secret token" in body["description"]
    status, body = await call(sandbox, "setWebhook", url="ftp://x/h")
    assert status == 400
    status, _ = await call(sandbox, "setWebhook", url="http://127.0.0.1:9/h", secret_token="ok_1")
    assert status == 200
    status, body = await call(sandbox, "getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    assert (await call(sandbox, "deleteWebhook"))[0] == 200
    assert (await call(sandbox, "getUpdates"))[0] == 200


async def test_updates_are_posted_with_the_secret_in_order(
    sandbox: Sandbox, endpoint_url: tuple[Endpoint, str]
) -> None:
    """Each update is posted once, in order, carrying the secret header."""
    endpoint, url = endpoint_url
    await call(sandbox, "setWebhook", url=url, secret_token=SECRET)
    phone = sandbox.phone(user_id=4101, name="甲")
    for text in ("一", "二", "三"):
        await phone.send(text)
    await until(lambda: len(endpoint.received) == 3)
    assert [u["message"]["text"] for u, _ in endpoint.received] == ["一", "二", "三"]
    assert {secret for _, secret in endpoint.received} == {SECRET}
    _, info = await call(sandbox, "getWebhookInfo")
    assert info["result"]["url"] == url and info["result"]["pending_update_count"] == 0


async def test_a_refused_post_is_retried_and_later_updates_wait_behind_it(
    sandbox: Sandbox, endpoint_url: tuple[Endpoint, str]
) -> None:
    """A 503 is recorded in getWebhookInfo with the pending count; the same update comes
    again after a pause, and the next one only after it."""
    endpoint, url = endpoint_url
    endpoint.refuse = 2
    sandbox.api.webhooks.first_retry = 0.3
    await call(sandbox, "setWebhook", url=url)
    phone = sandbox.phone(user_id=4102, name="乙")
    await phone.send("先")
    await phone.send("后")
    await until(lambda: endpoint.refuse == 1)
    _, info = await call(sandbox, "getWebhookInfo")
    assert info["result"]["pending_update_count"] == 2
    assert info["result"]["last_error_message"] == (
        "Wrong response from the webhook: 503 Service Unavailable"
    )
    assert endpoint.received == []
    await until(lambda: len(endpoint.received) == 2)
    assert [u["message"]["text"] for u, _ in endpoint.received] == ["先", "后"]


async def test_an_unreachable_webhook_keeps_the_update(sandbox: Sandbox) -> None:
    """Nobody listening: "Connection refused", and the update stays pending."""
    sandbox.api.webhooks.first_retry = 0.1
    await call(sandbox, "setWebhook", url=f"http://127.0.0.1:{free_port()}/hook")
    await sandbox.phone(user_id=4103, name="丙").send("在吗")
    bot = sandbox.state.bot_for_token(sandbox.token)
    await until(lambda: bot.webhook_last_error_message == "Connection refused")
    _, info = await call(sandbox, "getWebhookInfo")
    assert info["result"]["pending_update_count"] == 1


async def test_setting_the_webhook_again_ends_the_pause(
    sandbox: Sandbox, endpoint_url: tuple[Endpoint, str]
) -> None:
    """A bot back from a restart sets its webhook again: the waiting update comes at once,
    not after the pause (30 s here) its last failure started."""
    endpoint, url = endpoint_url
    endpoint.refuse = 1
    sandbox.api.webhooks.first_retry = 30.0
    await call(sandbox, "setWebhook", url=url)
    await sandbox.phone(user_id=4104, name="丁").send("重启后")
    await until(lambda: endpoint.refuse == 0)
    await asyncio.sleep(0.2)
    assert endpoint.received == []
    await call(sandbox, "setWebhook", url=url)
    await until(lambda: len(endpoint.received) == 1, seconds=3.0)
