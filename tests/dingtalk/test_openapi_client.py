"""The bot's DingTalk OpenAPI client: its access token, and what DingTalk's errors mean.

Against the stand-in: the token is fetched once and reused, fetched again before it
expires and at once when DingTalk refuses it; a throttled call is one to retry. Without a
server: each kind of answer gets the verdict the sender acts on (retry later, renew the
token, give up, the person is unknown). Neither the app secret nor a token reaches an error
text.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.domain.dingtalk_errors import DingTalkFault, Verdict, is_session_expired, verdict
from bot.platforms.dingtalk.openapi import CallRate, DingTalkError, DingTalkOpenAPI
from sandbox.dingtalk import limits
from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.outbox_kit import config_for

STAFF = "manager4521"


async def test_the_token_is_fetched_once_and_reused(standin: DingTalkStandIn) -> None:
    standin.phone(STAFF, "李联络")
    api = DingTalkOpenAPI(config_for(standin))
    try:
        for n in range(3):
            await api.batch_send([STAFF], "sampleText", {"content": f"第 {n} 条"})
    finally:
        await api.close()
    assert len(standin.state.tokens) == 1


async def test_the_token_is_renewed_before_it_expires(
    standin: DingTalkStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DingTalk's tokens here live 301 s; the client renews five minutes early, so a
    second later it asks for a new one instead of sending an expiring one."""
    monkeypatch.setattr(limits, "ACCESS_TOKEN_LIFETIME_SECONDS", 301)
    api = DingTalkOpenAPI(config_for(standin))
    try:
        first = await api.access_token()
        assert await api.access_token() == first
        await asyncio.sleep(1.1)
        second = await api.access_token()
    finally:
        await api.close()
    assert second != first and len(standin.state.tokens) == 2


async def test_a_refused_token_is_renewed_and_the_call_made_again(
    standin: DingTalkStandIn,
) -> None:
    """DingTalk forgets the token (revoked, or expired early): the call gets 401, the client
    fetches a new token and the message still goes out, once."""
    phone = standin.phone(STAFF, "李联络")
    api = DingTalkOpenAPI(config_for(standin))
    try:
        token = await api.access_token()
        standin.state.tokens.pop(token)
        await api.batch_send([STAFF], "sampleText", {"content": "仍然送达"})
    finally:
        await api.close()
    assert [item.text for item in phone.received()] == ["仍然送达"]
    assert len(standin.state.tokens) == 1  # the new one


async def test_a_throttled_call_is_one_to_retry(standin: DingTalkStandIn) -> None:
    """Without the client's pace (a rate far above DingTalk's), DingTalk refuses the calls
    over 20 in a second with its throttling error; each refusal says "retry later"."""
    standin.phone(STAFF, "李联络")
    api = DingTalkOpenAPI(config_for(standin), rate=CallRate(per_second=1000))
    try:
        await api.access_token()
        results = await asyncio.gather(
            *(api.batch_send([STAFF], "sampleText", {"content": "x"}) for _ in range(30)),
            return_exceptions=True,
        )
    finally:
        await api.close()
    refused = [r for r in results if isinstance(r, DingTalkError)]
    assert refused and len(refused) == len(standin.rate.refused)
    assert {e.fault.code for e in refused} == {"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"}
    assert {e.verdict for e in refused} == {Verdict.RETRY}


async def test_a_wrong_secret_makes_messages_wait_and_never_shows_the_secret(
    standin: DingTalkStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Wrong credentials are the office's to fix: the message waits (retry), and the error
    the administrators may read names DingTalk's code, not the secret."""
    config = config_for(standin)
    wrong = type(config)(**{**config.__dict__, "client_secret": "wrong-secret-1234567890abcdef"})
    api = DingTalkOpenAPI(wrong)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(DingTalkError) as raised:
            await api.batch_send([STAFF], "sampleText", {"content": "x"})
    finally:
        await api.close()
    assert raised.value.verdict is Verdict.RETRY
    assert "invalidClientIdOrSecret" in str(raised.value)
    assert "wrong-secret" not in str(raised.value) and "wrong-secret" not in caplog.text


async def test_no_answer_in_time_is_one_to_retry(standin: DingTalkStandIn) -> None:
    standin.phone(STAFF, "李联络")
    standin.cards.answer_late(1.0)
    api = DingTalkOpenAPI(config_for(standin), timeout=0.2)
    try:
        with pytest.raises(DingTalkError) as raised:
            await api.create_and_deliver_card("duban-1", STAFF, {"markdown": "x"})
    finally:
        await api.close()
    assert (raised.value.fault.status, raised.value.verdict) == (0, Verdict.RETRY)


def test_the_upload_url_token_is_redacted() -> None:
    """Media upload carries the token in its query string: ``redact`` hides every token
    the client held and the secret."""
    from bot.platforms.dingtalk.openapi import DingTalkConfig

    api = DingTalkOpenAPI(DingTalkConfig("id", "s3cret-value-000000000000", "robot"))
    api._token = "a1b2c3d4e5f6"
    text = (
        "POST /media/upload?access_token=a1b2c3d4e5f6 failed (appSecret s3cret-value-000000000000)"
    )
    assert (
        api.redact(text) == "POST /media/upload?access_token=<secret> failed (appSecret <secret>)"
    )


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (0, "ServerDisconnectedError", Verdict.RETRY),  # no answer at all
        (0, "TimeoutError", Verdict.RETRY),
        (500, "ServiceUnavailable", Verdict.RETRY),
        (503, "HTTP503", Verdict.RETRY),
        (429, "HTTP429", Verdict.RETRY),
        (403, "Forbidden.AccessDenied.QpsLimitForApi", Verdict.RETRY),
        (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", Verdict.RETRY),
        (200, "90018", Verdict.RETRY),  # oapi: the organisation's QPS exceeded
        (200, "-1", Verdict.RETRY),  # oapi: 系统繁忙
        (401, "InvalidAuthentication", Verdict.RENEW_TOKEN),
        (200, "40014", Verdict.RENEW_TOKEN),  # oapi: 不合法的access_token
        (400, "invalidParameter", Verdict.GIVE_UP),
        (400, "param.userIdsExceedLimit", Verdict.GIVE_UP),
        (403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", Verdict.GIVE_UP),
        (200, "40035", Verdict.GIVE_UP),  # oapi: a parameter is missing
        (400, "param.userIdNotExist", Verdict.UNKNOWN_USER),
        (400, "userNotExist", Verdict.UNKNOWN_USER),
    ],
)
def test_each_answer_gets_its_verdict(status: int, code: str, expected: Verdict) -> None:
    assert verdict(DingTalkFault(status, code, "…")) is expected


def test_an_expired_session_webhook_is_recognised() -> None:
    assert is_session_expired(DingTalkFault(200, "300001", "session 已过期"))
    assert not is_session_expired(DingTalkFault(200, "40035", "缺少参数"))
