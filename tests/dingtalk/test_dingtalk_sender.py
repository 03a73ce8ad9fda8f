"""The DingTalk sender against the stand-in: what a DingTalk person sees of the outbox.

Rows carry the contract's payloads (markdown, card, updateCard, file); each test delivers
them as the sender's loop does and checks the phone and the row: a reply through the live
session webhook, a push once the webhook has expired, one card however often its creation is
retried, card updates, files and evidence, and the failures that give a row up.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import dingtalk_stream
from dingtalk_stream import AckMessage

from bot.chat import Address
from bot.domain.visits import MediaIn
from bot.platforms import media_files
from bot.runtime.outcomes import DOWNLOAD_PENDING
from sandbox.dingtalk.server import DingTalkStandIn
from storage import evidence
from tests.dingtalk.outbox_kit import dingtalk_kit, open_session
from tests.dingtalk.sdk import sdk_client, streaming

CONTACT = "manager4521"
BUTTONS = [[{"text": "签收", "token": "tok-sign"}], [{"text": "稍后", "reply": "稍后"}]]


async def test_a_reply_goes_through_the_live_session_webhook(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        kit.webhooks[CONTACT] = open_session(standin, CONTACT)
        row = await kit.queue(CONTACT, "markdown", {"title": "已记录", "text": "**发现 1** 已记录"})

        assert await kit.deliver(row)

        shown = await phone.expect("**发现 1** 已记录")
        assert (shown.via, shown.kind) == ("webhook", "markdown")
        assert shown.body["markdown"]["title"] == "已记录"
        assert (await kit.status(row))[0] == "sent"


async def test_an_expired_webhook_falls_back_to_a_one_to_one_push(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """The lookup still offers a webhook DingTalk has let expire: the message is pushed
    with batchSend instead, in the same attempt, and arrives once."""
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        kit.webhooks[CONTACT] = open_session(standin, CONTACT, lifetime=-1)
        row = await kit.queue(
            CONTACT, "markdown", {"title": "提醒", "text": "事项 2024-012 明天到期"}
        )

        assert await kit.deliver(row)

        shown = await phone.expect("明天到期")
        assert (shown.via, shown.kind) == ("batchSend", "sampleMarkdown")
        assert [item.via for item in phone.received()] == ["batchSend"]
        assert (await kit.status(row))[0] == "sent"


async def test_without_a_webhook_the_message_is_pushed(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        row = await kit.queue(CONTACT, "markdown", {"title": "早安", "text": "今日待办 3 项"})
        assert await kit.deliver(row)
        assert (await phone.expect("今日待办 3 项")).via == "batchSend"


async def test_a_card_is_created_once_even_when_its_first_creation_times_out(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """DingTalk makes the card but answers too late: the row is retried with the same
    outTrackId, DingTalk refuses the duplicate, and the row counts as sent — the person
    has one card, with its buttons, and the row's message_id names it."""
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path, call_timeout=0.3) as kit:
        standin.cards.answer_late(1.0)
        payload = {"title": "新提醒", "text": "**2024-012** 请签收", "buttons": BUTTONS}
        row = await kit.queue(CONTACT, "card", payload)

        assert not await kit.deliver(row)  # timed out: to be retried
        status, _, attempts, error = await kit.status(row)
        assert (status, attempts) == ("pending", 1) and error and "TimeoutError" in error
        await asyncio.sleep(0.8)  # the late answer comes and goes
        assert await kit.deliver(row)

        assert (await kit.status(row))[:3] == ("sent", row, 2)
        assert standin.cards.creates == 2
        cards = standin.cards.of(CONTACT)
        assert [card.out_track_id for card in cards] == [f"duban-{row}"]
        assert [item.via for item in phone.received()] == ["card"]
        assert (await phone.expect("请签收")).body["title"] == "新提醒"
        assert phone.buttons() == ["签收", "稍后"]
        assert cards[0].template_id == "duban-card-template"


async def test_a_card_update_changes_the_card_the_person_has(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        card = await kit.queue(
            CONTACT, "card", {"title": "提醒", "text": "请签收", "buttons": BUTTONS}
        )
        assert await kit.deliver(card)
        edit = await kit.queue(
            CONTACT,
            "updateCard",
            {"message_id": card, "title": "提醒", "text": "✅ 已签收", "buttons": []},
        )

        assert await kit.deliver(edit)

        shown = await phone.expect("✅ 已签收")
        assert shown.via == "cardUpdate"
        assert len(standin.cards.of(CONTACT)) == 1
        assert standin.cards.get(f"duban-{card}").markdown == "✅ 已签收"  # type: ignore[union-attr]
        assert phone.buttons() == []
        assert (await kit.status(edit))[:2] == ("sent", card)


async def test_an_update_of_an_unknown_card_is_sent_as_a_new_message(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """The message to edit was plain markdown (no card): with buttons the new content comes
    as a new card named after the edit's own row; without, as markdown."""
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        plain = await kit.queue(CONTACT, "markdown", {"title": "记录", "text": "照片 1 张"})
        assert await kit.deliver(plain)
        assert (await kit.status(plain))[:2] == ("sent", plain)  # what an edit names
        edit = await kit.queue(
            CONTACT,
            "updateCard",
            {"message_id": plain, "title": "记录", "text": "照片 2 张", "buttons": BUTTONS},
        )
        assert await kit.deliver(edit)
        assert (await phone.expect("照片 2 张")).via == "card"
        assert [c.out_track_id for c in standin.cards.of(CONTACT)] == [f"duban-{edit}"]
        assert (await kit.status(edit))[:2] == ("sent", edit)

        again = await kit.queue(
            CONTACT,
            "updateCard",
            {"message_id": plain, "title": "记录", "text": "照片 3 张", "buttons": []},
        )
        assert await kit.deliver(again)
        assert (await phone.expect("照片 3 张")).kind == "sampleMarkdown"


async def test_a_file_on_disk_is_uploaded_and_shown_to_the_phone(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone(CONTACT, "李联络")
    sheet = tmp_path / "督办事项导出.xlsx"
    sheet.write_bytes(b"PK\x03\x04 a workbook")
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG a chart")
    async with dingtalk_kit(standin, tmp_path) as kit:
        document = await kit.queue(
            CONTACT,
            "file",
            {"kind": "document", "path": str(sheet), "ref": "", "file_name": sheet.name},
        )
        photo = await kit.queue(
            CONTACT, "file", {"kind": "photo", "path": str(chart), "ref": "", "file_name": ""}
        )

        assert await kit.deliver(document) and await kit.deliver(photo)

        shown = await phone.expect("[文件] 督办事项导出.xlsx")
        assert shown.body["fileType"] == "xlsx"
        assert standin.media.get(shown.body["mediaId"]).data == sheet.read_bytes()  # type: ignore[union-attr]
        picture = await phone.expect("[图片]")
        assert picture.kind == "sampleImageMsg"
        media = standin.media.get(picture.body["photoURL"])
        assert media is not None and (media.kind, media.data) == ("image", chart.read_bytes())


async def test_an_evidence_ref_waits_for_its_download_then_is_sent_from_media_dir(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone(CONTACT, "李联络")
    photo = b"\xff\xd8 a site photo"
    async with dingtalk_kit(standin, tmp_path) as kit:
        evidence_id = await kit.store.run(_evidence_from_dingtalk, "dlcode-site-1")
        row = await kit.queue(
            CONTACT,
            "file",
            {"kind": "photo", "path": "", "ref": "dlcode-site-1", "file_name": ""},
        )

        assert not await kit.deliver(row)  # not downloaded yet: waits
        status, _, _, error = await kit.status(row)
        assert status == "pending" and error == DOWNLOAD_PENDING.error
        assert phone.received() == []

        await media_files.keep(kit.services, evidence_id, photo)
        assert await kit.deliver(row)

        picture = await phone.expect("[图片]")
        assert standin.media.get(picture.body["photoURL"]).data == photo  # type: ignore[union-attr]


async def test_a_refused_message_is_given_up_and_the_admins_are_told(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """DingTalk answers 400 invalidParameter (a markdown without a title): the row dies at
    once and the administrator gets a notice saying DingTalk refused it, quoting DingTalk's
    answer as DingTalk's."""
    standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        row = await kit.queue(CONTACT, "markdown", {"title": "", "text": "无标题的消息"})

        assert await kit.deliver(row)

        status, _, _, error = await kit.status(row)
        assert status == "dead" and error and "invalidParameter" in error
        notices = await kit.store.run(
            lambda db: [
                json.loads(payload)["text"]
                for (payload,) in db.execute(
                    "SELECT payload FROM outbox WHERE dedup_key LIKE ? AND chat = ?",
                    [f"dead:{row}:%", "9000"],
                )
            ]
        )
        assert len(notices) == 1
        assert "钉钉拒收了这条消息" in notices[0] and "无标题的消息" in notices[0]
        assert "钉钉 回复：" in notices[0] and "Telegram" not in notices[0]


async def test_a_person_dingtalk_does_not_know_is_unreachable(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """batchSend lists the staff id as invalid (they left the organisation): the row dies
    and the chat is reported unreachable, as a Telegram chat that blocked the bot."""
    async with dingtalk_kit(standin, tmp_path) as kit:
        row = await kit.queue("left0001", "markdown", {"title": "提醒", "text": "请签收"})
        assert await kit.deliver(row)
        assert (await kit.status(row))[0] == "dead"
        assert kit.blocked == [Address("dingtalk", "left0001")]


class CardTaps(dingtalk_stream.CallbackHandler):
    """What a Stream client receives when a card's button is tapped."""

    def __init__(self) -> None:
        super().__init__()
        self.taps: list[dingtalk_stream.CardCallbackMessage] = []

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        self.taps.append(dingtalk_stream.CardCallbackMessage.from_dict(callback.data))
        return AckMessage.STATUS_OK, "OK"


async def test_tapping_a_card_button_comes_back_as_the_card_callback(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """The phone taps a label on the card the sender made; the SDK receives the callback
    with the card's outTrackId, the person, and the button's token (or typed answer)."""
    phone = standin.phone(CONTACT, "李联络")
    async with dingtalk_kit(standin, tmp_path) as kit:
        card = await kit.queue(
            CONTACT, "card", {"title": "提醒", "text": "请签收", "buttons": BUTTONS}
        )
        assert await kit.deliver(card)
    handler = CardTaps()
    client = sdk_client(standin)
    client.register_callback_handler(dingtalk_stream.Card_Callback_Router_Topic, handler)
    async with streaming(client, standin):
        await phone.tap("签收")
        await phone.tap("稍后")
        for _ in range(250):
            if len(handler.taps) == 2:
                break
            await asyncio.sleep(0.02)
    first, second = handler.taps
    assert (first.card_instance_id, first.user_id) == (f"duban-{card}", CONTACT)
    assert first.content["cardPrivateData"] == {
        "actionIds": ["tap"],
        "params": {"token": "tok-sign"},
    }
    assert second.content["cardPrivateData"]["params"] == {"reply": "稍后"}


def _evidence_from_dingtalk(db, download_code: str) -> int:  # type: ignore[no-untyped-def]
    """An evidence photo a DingTalk person sent (its file id is the downloadCode)."""
    now = datetime.now(UTC)
    contact = (
        db["people"]
        .insert(
            {
                "platform": "dingtalk",
                "account": CONTACT,
                "name": "李联络",
                "role": "contact",
                "created_at": now.isoformat(),
            }
        )
        .last_pk
    )
    media = MediaIn(
        "photo", download_code, download_code, 1000, "image/jpeg", None, "", None, now, "dingtalk"
    )
    return evidence.add_evidence(
        db, media=media, finding_id=None, item_id=None, person_id=contact, at=now, update_id=-1
    )
