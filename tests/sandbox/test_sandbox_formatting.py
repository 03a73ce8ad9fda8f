"""Entity parsing and generated images match what Telegram and viewers expect."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.formatting import command_entities, parse_html, parse_markdown, utf16_len
from sandbox.images import image_size, make_jpeg, photo_ladder


def test_html_entities_use_utf16_offsets() -> None:
    """Offsets count UTF-16 units, so an emoji before a bold word shifts it by two."""
    text, entities = parse_html("👍 <b>督办</b> <a href='https://t.me'>链接</a>")
    assert text == "👍 督办 链接"
    assert entities[0] == {"type": "bold", "offset": 3, "length": 2}
    assert entities[1]["type"] == "text_link" and entities[1]["url"] == "https://t.me"
    assert utf16_len("👍") == 2


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
    ],
)
def test_malformed_html_is_refused(source: str, detail: str) -> None:
    """Broken HTML gets Telegram's can't-parse-entities description."""
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.description == f"Bad Request: can't parse entities: {detail}"


def test_markdown_v2_requires_escapes() -> None:
    """MarkdownV2 parses entities and refuses unescaped reserved characters."""
    text, entities = parse_markdown(r"*粗* _斜_ 1\.5", v2=True)
    assert text == "粗 斜 1.5"
    assert [e["type"] for e in entities] == ["bold", "italic"]
    with pytest.raises(ApiError, match="reserved"):
        parse_markdown("1.5", v2=True)


def test_bot_commands_are_marked() -> None:
    """A user's /command (with or without @bot) becomes a bot_command entity."""
    assert command_entities("/visit@duban_bot 卓远") == [
        {"type": "bot_command", "offset": 0, "length": 16}
    ]
    assert command_entities("a/b and http://x/y") == []


def test_generated_jpegs_and_photo_sizes() -> None:
    """Generated JPEGs carry their size; the PhotoSize ladder follows Telegram's steps."""
    jpeg = make_jpeg(1000, 750)
    assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
    assert image_size(jpeg) == (1000, 750)
    assert [(w, h) for _, w, h, _ in photo_ladder(1000, 750)] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1000, 750),
    ]
    assert image_size(b"not an image") is None
