"""The DingTalk renderer: our HTML as DingTalk markdown, and each neutral message as the
calls the DingTalk sender makes (issue 16's contract, point 2)."""

from __future__ import annotations

from bot.chat import (
    Album,
    Attachment,
    ChatAction,
    CommandMenu,
    Delete,
    Edit,
    PlacedButton,
    Text,
)
from bot.platforms import RENDERERS
from bot.platforms.dingtalk.markdown import plain, title_of, to_markdown
from bot.platforms.dingtalk.render import TEXT_LIMIT

RENDER = RENDERERS["dingtalk"]
CONFIRM = PlacedButton("确认收到", token="tok-1")
LINK = PlacedButton("查看", url="https://example.org/a?b=1")


def render(message):
    return RENDER.render(message, "manager4521", "zh")


def test_tags_become_markdown_and_entities_are_shown_as_typed() -> None:
    html = '<b>督办事项</b> <i>新</i> <code>A&lt;1&gt;</code> <a href="https://x.cn/?a=1&amp;b=2">详情</a>'
    assert to_markdown(html) == "**督办事项** *新* `A<1>` [详情](https://x.cn/?a=1&b=2)"
    assert to_markdown("周一 &amp; 周二 “科技局”") == "周一 & 周二 “科技局”"


def test_each_newline_is_a_line_break_dingtalk_shows() -> None:
    assert to_markdown("第一行\n第二行\n\n第四行") == "第一行  \n第二行  \n  \n第四行"


def test_the_title_is_the_first_line_without_markup_and_at_most_twenty_characters() -> None:
    assert title_of("\n<b>提醒</b>：办理期限将到\n详情", 20) == "提醒：办理期限将到"
    long = "关于县科技局牵头的产业园区配套道路建设项目进度滞后问题"
    assert title_of(long, 20) == long[:19] + "…"
    assert plain("<b>A</b> &lt;b&gt;") == "A <b>"


def test_a_text_without_buttons_is_markdown() -> None:
    assert render(Text("<b>已记录</b>\n第 2 条")) == [
        (
            "markdown",
            {"title": "已记录", "text": "**已记录**  \n第 2 条", "html": "<b>已记录</b>\n第 2 条"},
        )
    ]


def test_inline_buttons_make_a_card_carrying_our_token_or_the_link() -> None:
    [(method, payload)] = render(Text("请确认", buttons=[[CONFIRM], [LINK]]))
    assert method == "card"
    assert payload["buttons"] == [
        [{"text": "确认收到", "token": "tok-1"}],
        [{"text": "查看", "url": "https://example.org/a?b=1"}],
    ]
    assert (payload["title"], payload["text"]) == ("请确认", "请确认")


def test_a_reply_keyboard_becomes_buttons_that_type_their_answer() -> None:
    [(method, payload)] = render(Text("选择区域", reply_keyboard=[["城关镇", "城南镇"], ["跳过"]]))
    assert method == "card"
    assert payload["buttons"] == [
        [{"text": "城关镇", "reply": "城关镇"}, {"text": "城南镇", "reply": "城南镇"}],
        [{"text": "跳过", "reply": "跳过"}],
    ]


def test_asking_for_a_location_adds_no_button_since_robots_receive_none() -> None:
    assert render(Text("请发送位置", request_location="发送我的位置")) == [
        ("markdown", {"title": "请发送位置", "text": "请发送位置", "html": "请发送位置"})
    ]


def test_the_services_words_are_kept_beside_the_markdown_for_later_corrections() -> None:
    """storage/sent.py reads a message back to correct it (a 签收 line, a moved finding) in
    the services' HTML, whatever the platform: the markdown alone would lose the bold
    code a reminder's line is found by."""
    [(_, payload)] = render(
        Text("⚪ <b>2024-001</b> 净增 — 🆕 新交办，请签收", buttons=[[CONFIRM]])
    )
    assert payload["html"] == "⚪ <b>2024-001</b> 净增 — 🆕 新交办，请签收"
    assert payload["text"] == "⚪ **2024-001** 净增 — 🆕 新交办，请签收"


def test_an_edit_updates_the_card_it_names() -> None:
    assert render(Edit(17, "<b>已销号</b>", buttons=[[CONFIRM]])) == [
        (
            "updateCard",
            {
                "message_id": 17,
                "title": "已销号",
                "text": "**已销号**",
                "html": "<b>已销号</b>",
                "buttons": [[{"text": "确认收到", "token": "tok-1"}]],
            },
        )
    ]
    assert render(Edit(18, "无按钮"))[0][1]["buttons"] == []


def test_a_file_is_sent_alone_and_its_caption_and_buttons_follow() -> None:
    report = Attachment.on_disk("document", "/tmp/r.xlsx", "<b>周报</b>", "周报.xlsx")
    assert render(report) == [
        ("file", {"kind": "document", "path": "/tmp/r.xlsx", "ref": "", "file_name": "周报.xlsx"}),
        ("markdown", {"title": "周报", "text": "**周报**", "html": "<b>周报</b>"}),
    ]
    photo = Attachment("photo", "dl-code-1", buttons=[[CONFIRM]])
    assert render(photo) == [
        ("file", {"kind": "photo", "path": "", "ref": "dl-code-1", "file_name": ""}),
        (
            "card",
            {
                "title": "",
                "text": "",
                "html": "",
                "buttons": [[{"text": "确认收到", "token": "tok-1"}]],
            },
        ),
    ]
    assert render(Attachment("voice", "dl-code-2")) == [
        ("file", {"kind": "voice", "path": "", "ref": "dl-code-2", "file_name": ""})
    ]


def test_an_album_is_one_file_each_with_the_captions_after_the_last() -> None:
    album = Album((Attachment("photo", "p1", "现场照片"), Attachment("video", "v2")))
    calls = render(album)
    assert [method for method, _ in calls] == ["file", "file", "markdown"]
    assert [payload.get("ref") for _, payload in calls[:2]] == ["p1", "v2"]
    assert calls[-1][1]["text"] == "现场照片"


def test_what_dingtalk_robots_cannot_do_renders_as_nothing() -> None:
    assert render(Delete(5)) == []
    assert render(CommandMenu((("help", "帮助"),))) == []
    assert render(ChatAction("typing")) == []


def test_a_text_over_dingtalks_length_is_shortened_to_fit() -> None:
    [(_, payload)] = render(Text("督" * (TEXT_LIMIT + 500)))
    assert len(payload["text"]) <= TEXT_LIMIT
    assert "督…" in payload["text"]  # cut, and said so
