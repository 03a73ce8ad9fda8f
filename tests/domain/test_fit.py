"""Fitting messages into Telegram's limits: counted as Telegram counts, cut only where
the HTML stays valid, user-typed values shortened before anything else."""

from __future__ import annotations

import random

import pytest

from bot.i18n import Safe, t
from bot.i18n.fit import CAPTION_LIMIT, TEXT_LIMIT, shorten, shown_length, split, utf16_len
from bot.i18n.limits import fit, fit_payload
from sandbox.formatting import parse_html

PIECES = ("<b>", "</b>", "<i>", "</i>", "&lt;", "&amp;", "&gt;", "字", "a", "😀", "\n", " ")


def random_html(rng: random.Random, length: int) -> str:
    """Well-formed HTML of text, entities, emoji and nested tags."""
    out, open_tags = [], []
    for _ in range(length):
        piece = rng.choice(PIECES)
        if piece in ("<b>", "<i>"):
            if piece[1] in open_tags:
                continue
            open_tags.append(piece[1])
        elif piece in ("</b>", "</i>"):
            if not open_tags:
                continue
            piece = f"</{open_tags.pop()}>"
        out.append(piece)
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def test_length_is_counted_as_telegram_counts_it() -> None:
    """Tags count nothing, an entity counts one, an emoji outside the BMP counts two:
    exactly what the sandbox (which parses as Telegram does) counts."""
    html = "<b>督办</b> &lt;5&gt; 😀"
    assert shown_length(html) == utf16_len(parse_html(html)[0]) == 9


@pytest.mark.parametrize("seed", range(40))
def test_shorten_and_split_keep_valid_html_within_the_limit(seed: int) -> None:
    """Whatever the markup, a shortened text and every piece of a split one parse as
    Telegram parses them and fit; the split pieces hold all of the text, in order."""
    rng = random.Random(seed)
    html = random_html(rng, rng.randint(50, 400))
    limit = rng.randint(12, 60)  # room for the tail, as every real limit has
    short = shorten(html, limit, "\n(tail)")
    text, _ = parse_html(short)
    assert utf16_len(text) <= limit
    assert text.endswith("…\n(tail)") or short == html
    pieces = split(html, limit)
    shown = [parse_html(piece)[0] for piece in pieces]
    assert all(utf16_len(piece) <= limit for piece in shown)
    assert "".join(shown) == parse_html(html)[0].rstrip() or "".join(shown) == parse_html(html)[0]


def test_a_rendered_message_shortens_what_the_user_typed_and_points_to_history() -> None:
    """A close-out card with 6 300 typed characters keeps its frame (title, unit, the
    request to decide) and ends with the pointer to /history of the item."""
    card = t(
        "zh",
        "co.verify_card",
        code="2024-007",
        problem="孵化器入驻率不足",
        unit="科技局",
        requester="赵联络",
        who="王督查、办公室",
        text="甲" * 6300,
        files=2,
        photos=1,
        figures="",
    )
    fitted = fit(card, TEXT_LIMIT, "zh")
    text, _ = parse_html(fitted)
    assert utf16_len(text) <= TEXT_LIMIT
    assert "请核验后选择「销号」或「退办」" in text and "佐证材料：2 个" in text
    assert "甲…" in text and text.endswith("全文请发送 /history 2024-007 查看）")
    assert (
        fit(t("zh", "co.approved_done", code="2024-007"), TEXT_LIMIT, "zh") == "2024-007 已销号。"
    )


def test_text_made_by_hand_is_cut_at_its_end_in_the_callers_language() -> None:
    """Text that ``t`` did not render whole is cut at its end, tags closed, with a note."""
    html = Safe("<b>" + "x" * 5000 + "</b>")
    fitted = fit(html, TEXT_LIMIT, "en")
    text, _ = parse_html(fitted)
    assert utf16_len(text) <= TEXT_LIMIT and text.endswith("…\n(Long text shortened)")


def test_captions_in_photos_and_albums_are_fitted_to_1024() -> None:
    """sendPhoto and every album item keep captions within 1 024; a message text is left
    alone while it fits."""
    caption = t(
        "zh", "history.photo_caption", when="2024-06-03 09:00", who="王督查", caption="设" * 2000
    )
    photo = fit_payload("sendPhoto", {"chat_id": 1, "photo": "f", "caption": caption}, "zh")
    album = fit_payload(
        "sendMediaGroup",
        {"chat_id": 1, "media": [{"type": "photo", "media": "f", "caption": caption}]},
        "zh",
    )
    for fitted in (photo["caption"], album["media"][0]["caption"]):
        assert utf16_len(parse_html(fitted)[0]) <= CAPTION_LIMIT
        assert "设…" in fitted
    short = {"chat_id": 1, "text": "好"}
    assert fit_payload("sendMessage", short, "zh") is short


def test_split_prefers_line_breaks() -> None:
    """A long history is split between lines where a line ends near the limit."""
    lines = [f"{n:02d} " + "字" * 16 for n in range(10)]  # 19 characters and a line break
    pieces = split("\n".join(lines), 50)
    assert [parse_html(piece)[0].rstrip("\n") for piece in pieces] == [
        "\n".join(lines[0:2]),
        "\n".join(lines[2:4]),
        "\n".join(lines[4:6]),
        "\n".join(lines[6:8]),
        "\n".join(lines[8:10]),
    ]


@pytest.mark.parametrize(
    "html",
    ["&amp;lt; is shown as &lt;", "&copy; &#169; &#x1F600; &amp; &nbsp;x", "a & b &lt;", "&#x27;"],
)
def test_entities_are_counted_once_whatever_they_spell(html: str) -> None:
    """An escaped entity ("&amp;lt;") counts as the four characters it shows; every
    entity as what it decodes to, exactly as the sandbox's parser counts."""
    assert shown_length(html) == utf16_len(parse_html(html)[0])
