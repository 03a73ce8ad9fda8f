"""The stand-in's outgoing routes refuse what DingTalk refuses: msgParam per msgKey, media
types, duplicate and unknown cards. (The sender's own tests show what they accept.)"""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp

from sandbox.dingtalk.server import DingTalkStandIn

STAFF = "manager4521"


async def _token(standin: DingTalkStandIn) -> str:
    status, body = await _call(
        "POST",
        f"{standin.url}/v1.0/oauth2/accessToken",
        {"appKey": standin.state.client_id, "appSecret": standin.state.client_secret},
    )
    assert status == 200
    return str(body["accessToken"])


async def _call(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, json=body, headers=headers, **kw) as response,
    ):
        return response.status, await response.json(content_type=None)


async def _batch(standin: DingTalkStandIn, token: str, key: str, param: dict) -> tuple[int, dict]:
    return await _call(
        "POST",
        f"{standin.url}/v1.0/robot/oToMessages/batchSend",
        {
            "robotCode": standin.state.robot_code,
            "userIds": [STAFF],
            "msgKey": key,
            "msgParam": json.dumps(param, ensure_ascii=False),
        },
        {"x-acs-dingtalk-access-token": token},
    )


async def _upload(standin: DingTalkStandIn, token: str, kind: str, data: bytes) -> dict:
    form = aiohttp.FormData()
    form.add_field("media", io.BytesIO(data), filename="a.bin")
    url = f"{standin.url}/media/upload"
    status, body = await _call("POST", url, params={"access_token": token, "type": kind}, data=form)
    assert status == 200
    return body


async def test_each_msg_key_needs_its_fields_and_real_media(standin: DingTalkStandIn) -> None:
    phone = standin.phone(STAFF, "李联络")
    token = await _token(standin)
    media_id = (await _upload(standin, token, "file", b"workbook"))["media_id"]

    accepted = {
        "sampleText": {"content": "你好"},
        "sampleMarkdown": {"title": "标题", "text": "**正文**"},
        "sampleImageMsg": {"photoURL": media_id},
        "sampleFile": {"mediaId": media_id, "fileName": "a.xlsx", "fileType": "xlsx"},
        "sampleAudio": {"mediaId": media_id, "duration": "3000"},
        "sampleVideo": {
            "duration": "10",
            "videoMediaId": media_id,
            "videoType": "mp4",
            "picMediaId": media_id,
        },
    }
    for key, param in accepted.items():
        assert (await _batch(standin, token, key, param))[0] == 200, key
    assert [item.kind for item in phone.received()] == list(accepted)
    assert [item.text for item in phone.received()][:2] == ["你好", "**正文**"]

    refused = [
        ("sampleMarkdown", {"text": "没有标题"}, "msgParam.title"),
        ("sampleText", {"content": ""}, "msgParam.content"),
        ("sampleFile", {"mediaId": "@lAunknown", "fileName": "a", "fileType": "x"}, "mediaId"),
        ("sampleImageMsg", {"photoURL": "@lAunknown"}, "photoURL"),
        ("sampleAudio", {"mediaId": media_id}, "msgParam.duration"),
    ]
    for key, param, field in refused:
        status, body = await _batch(standin, token, key, param)
        assert (status, body["code"]) == (400, "invalidParameter") and field in body["message"]
    assert len(phone.received()) == len(accepted)


async def test_media_upload_checks_token_type_and_size(standin: DingTalkStandIn) -> None:
    token = await _token(standin)
    assert (await _upload(standin, token, "gif", b"x"))["errcode"] == 40004
    assert (await _upload(standin, token, "voice", b"x" * (2 * 1024 * 1024 + 1)))[
        "errcode"
    ] == 40006
    assert (await _upload(standin, "not-a-token", "image", b"x"))["errcode"] == 40014
    uploaded = await _upload(standin, token, "image", b"\x89PNG")
    assert uploaded["errcode"] == 0
    assert standin.media.get(uploaded["media_id"]).data == b"\x89PNG"  # type: ignore[union-attr]


async def test_cards_are_unique_per_out_track_id_and_updates_need_a_card(
    standin: DingTalkStandIn,
) -> None:
    phone = standin.phone(STAFF, "李联络")
    token = await _token(standin)
    headers = {"x-acs-dingtalk-access-token": token}
    create = {
        "cardTemplateId": "tpl",
        "outTrackId": "duban-7",
        "callbackType": "STREAM",
        "cardData": {"cardParamMap": {"title": "提醒", "markdown": "请签收", "buttons": "[]"}},
        "openSpaceId": f"dtv1.card//IM_ROBOT.{STAFF}",
        "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": "x"},
    }
    url = f"{standin.url}/v1.0/card/instances/createAndDeliver"
    status, body = await _call("POST", url, create, headers)
    assert status == 200 and body["result"]["deliverResults"][0]["success"] is True
    again = {**create, "cardData": {"cardParamMap": {"markdown": "第二张"}}}
    assert (await _call("POST", url, again, headers))[1]["code"] == "param.outTrackIdDuplicate"
    stranger = {**create, "outTrackId": "duban-8", "openSpaceId": "dtv1.card//IM_ROBOT.nobody"}
    assert (await _call("POST", url, stranger, headers))[1]["code"] == "param.userIdNotExist"
    numbers = {**create, "outTrackId": "duban-9", "cardData": {"cardParamMap": {"n": 1}}}
    assert (await _call("POST", url, numbers, headers))[0] == 400  # values must be strings

    update_url = f"{standin.url}/v1.0/card/instances"
    unknown = {"outTrackId": "duban-404", "cardData": {"cardParamMap": {"markdown": "x"}}}
    assert (await _call("PUT", update_url, unknown, headers))[1]["code"] == (
        "param.cardInstanceNotExist"
    )
    [shown] = phone.received()
    assert (shown.via, shown.text) == ("card", "请签收")
