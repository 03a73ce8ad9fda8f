"""Fitting HTML messages into Telegram's limits, counted the way Telegram counts them.

Telegram refuses a text over 4 096 characters and a caption over 1 024, "after entities
parsing" (https://core.telegram.org/bots/api#sendmessage): what counts is the text left once
the tags are gone and the entities (``&lt;``) are decoded, in UTF-16 code units (an emoji
outside the BMP counts 2). HTML length is the wrong measure both ways: markup inflates it,
and emoji deflate Python's ``len``.

Cuts here fall only between tokens or inside plain text, never inside a tag or an entity,
and every tag still open at a cut is closed, so the result always parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"

# A tag, an entity, or a run of plain text; a stray "&" (not an entity) is plain text.
_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|[^<&]+|&")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Token:
    source: str  # as written in the HTML
    shown: str  # what Telegram shows for it ("" for a tag)
    opens: str | None = None  # the tag name it opens
    closes: str | None = None  # the tag name it closes


def _tokens(html: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(html):
        source = match.group(0)
        if source.startswith("<"):
            name = _TAG_NAME.match(source)
            tag = name.group(1).lower() if name else ""
            closing = source.startswith("</")
            found.append(
                _Token(source, "", opens=None if closing else tag, closes=tag if closing else None)
            )
        elif source.startswith("&") and len(source) > 1:
            found.append(_Token(source, unescape(source)))
        else:
            found.append(_Token(source, source))
    return found


_TAG = re.compile(r"<[^>]*>")
_ESCAPES = ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;")  # what html.escape writes
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def shown_length(html: str) -> int:
    """The length Telegram counts for this HTML message text or caption (the same count
    as summing ``_tokens``, without building them: it runs on every queued message)."""
    text = _TAG.sub("", html) if "<" in html else html
    units = utf16_len(text)
    if "&" not in text:
        return units
    # Entities never overlap, and each of these shows as one character: count them.
    counts = {entity: text.count(entity) for entity in _ESCAPES}
    if sum(counts.values()) == text.count("&"):
        return units - sum((len(entity) - 1) * n for entity, n in counts.items())
    for match in _ENTITY.finditer(text):
        units -= len(match.group(0)) - utf16_len(unescape(match.group(0)))
    return units


def _cut(html: str, budget: int) -> tuple[str, str, list[str]]:
    """The longest head of ``html`` showing at most ``budget`` units, with its open tags
    closed; the rest; and the tags (as written) to reopen before the rest."""
    head: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening source)
    used = 0
    tokens = _tokens(html)
    for index, token in enumerate(tokens):
        size = utf16_len(token.shown)
        if used + size > budget:
            if token.opens is None and token.closes is None and not token.source.startswith("&"):
                # Plain text: take as many characters as fit (never half a surrogate pair).
                taken = ""
                for char in token.source:
                    if used + utf16_len(char) > budget:
                        break
                    taken += char
                    used += utf16_len(char)
                head.append(taken)
                rest = token.source[len(taken) :]
                remaining = rest + "".join(t.source for t in tokens[index + 1 :])
            else:
                remaining = "".join(t.source for t in tokens[index:])
            closers = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            reopen = [source for _, source in open_tags]
            return "".join(head) + closers, remaining, reopen
        used += size
        head.append(token.source)
        if token.opens and not token.source.endswith("/>"):
            open_tags.append((token.opens, token.source))
        elif token.closes:
            for position in range(len(open_tags) - 1, -1, -1):
                if open_tags[position][0] == token.closes:
                    del open_tags[position]
                    break
    return html, "", []


def shorten(html: str, limit: int, tail: str = "") -> str:
    """``html`` if it fits in ``limit``; else its head, "…" and ``tail`` (HTML), fitting."""
    if shown_length(html) <= limit:
        return html
    budget = limit - utf16_len(ELLIPSIS) - shown_length(tail)
    head, _, _ = _cut(html, max(0, budget))
    return head + ELLIPSIS + tail


def _line_break_before(html: str, limit: int) -> int:
    """Where to cut for ``limit``: just after the last line break in the final quarter of
    the piece, so a long text is split between lines where it can be; else at ``limit``."""
    used, best = 0, limit
    for token in _tokens(html):
        if used >= limit:
            break
        if token.opens is None and token.closes is None:
            for char in token.shown:
                used += utf16_len(char)
                if used > limit:
                    break
                if char == "\n" and used >= limit * 3 // 4:
                    best = used
    return best


def split(html: str, limit: int) -> list[str]:
    """``html`` in pieces that each fit in ``limit``, tags closed at each cut and reopened
    in the next piece: a long text sent whole over several messages."""
    pieces: list[str] = []
    rest = html
    while shown_length(rest) > limit:
        head, rest, reopen = _cut(rest, _line_break_before(rest, limit))
        if not shown_length(head):
            break  # nothing more can be shown (cannot happen with limit > 1)
        pieces.append(head)
        rest = "".join(reopen) + rest
    if rest.strip():
        pieces.append(rest)
    return pieces
