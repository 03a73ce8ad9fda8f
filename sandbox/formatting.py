"""Message formatting as Telegram applies it: parse modes into plain text plus entities.

Limits such as "1-4096 characters after entities parsing" count the text left once tags
and escapes are gone, in UTF-16 code units, so the sandbox has to parse exactly as Telegram
does and refuse malformed markup with Telegram's ``can't parse entities: ...`` wording
(https://core.telegram.org/bots/api#formatting-options).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from sandbox.errors import ApiError, bad_request

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ATTR_RE = re.compile(r'([a-zA-Z_-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\']+))|([a-zA-Z_-]+)')
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: emoji outside the BMP count 2)."""
    return len(text.encode("utf-16-le")) // 2


def entities_parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    kind: str
    tag: str
    start: int  # UTF-16 offset in the output text
    extra: dict[str, Any] = field(default_factory=dict)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for ``parse_mode=HTML``; malformed markup raises ApiError."""
    out: list[str] = []
    out_len = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            byte_offset = len(source[:i].encode("utf-8"))
            if end == -1:
                raise entities_parse_error(
                    f"Can't find end of the tag starting at byte offset {byte_offset}"
                )
            body = source[i + 1 : end].strip()
            if body.startswith("/"):
                name = body[1:].strip().lower()
                if not stack:
                    raise entities_parse_error(f"Unexpected end tag at byte offset {byte_offset}")
                top = stack.pop()
                if name != top.tag:
                    raise entities_parse_error(
                        f'Unmatched end tag at byte offset {byte_offset}, expected "</{top.tag}>",'
                        f' found "</{name}>"'
                    )
                _close_html(top, out_len, entities, stack)
            else:
                name, _, rest = body.partition(" ")
                name = name.rstrip("/").lower()
                attrs = _html_attrs(rest)
                kind = _HTML_TAGS.get(name)
                if kind is None or (name == "span" and attrs.get("class") != "tg-spoiler"):
                    raise entities_parse_error(
                        f'Unsupported start tag "{name}" at byte offset {byte_offset}'
                    )
                extra: dict[str, Any] = {}
                if name == "a":
                    extra["url"] = attrs.get("href", "")
                elif name == "code" and "class" in attrs:
                    extra["language"] = attrs["class"].removeprefix("language-")
                elif name == "blockquote" and "expandable" in attrs:
                    kind = "expandable_blockquote"
                elif name == "tg-emoji":
                    extra["custom_emoji_id"] = attrs.get("emoji-id", "")
                stack.append(_Open(kind=kind, tag=name, start=out_len, extra=extra))
            i = end + 1
            continue
        if char == "&":
            end = source.find(";", i, i + 12)
            if end != -1:
                decoded = unescape(source[i : end + 1])
                if decoded != source[i : end + 1]:
                    out.append(decoded)
                    out_len += utf16_len(decoded)
                    i = end + 1
                    continue
        out.append(char)
        out_len += utf16_len(char)
        i += 1
    if stack:
        raise entities_parse_error(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_html(top: _Open, end: int, entities: list[dict[str, Any]], stack: list[_Open]) -> None:
    length = end - top.start
    if top.kind == "code" and stack and stack[-1].kind == "pre" and "language" in top.extra:
        # <pre><code class="language-python"> is one pre entity with a language.
        stack[-1].extra["language"] = top.extra["language"]
        return
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": top.kind, "offset": top.start, "length": length}
    if top.kind == "text_link":
        url = top.extra["url"]
        match = re.match(r"tg://user\?id=(\d+)$", url)
        if match:
            entity = {**entity, "type": "text_mention", "user": {"id": int(match.group(1))}}
        else:
            entity["url"] = url
    elif top.kind == "pre" and "language" in top.extra:
        entity["language"] = top.extra["language"]
    elif top.kind == "custom_emoji":
        entity["custom_emoji_id"] = top.extra["custom_emoji_id"]
    entities.append(entity)


def _html_attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(text):
        if match.group(5):
            attrs[match.group(5).lower()] = ""
        else:
            value = match.group(2) or match.group(3) or match.group(4) or ""
            attrs[match.group(1).lower()] = unescape(value)
    return attrs


_MD2_MARKS = [("```", "pre"), ("||", "spoiler"), ("__", "underline"), ("*", "bold"),
              ("_", "italic"), ("~", "strikethrough"), ("`", "code")]  # fmt: skip
_MD1_MARKS = [("```", "pre"), ("*", "bold"), ("_", "italic"), ("`", "code")]


def parse_markdown(source: str, *, v2: bool) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for ``MarkdownV2`` (or legacy ``Markdown`` when not v2)."""
    marks = _MD2_MARKS if v2 else _MD1_MARKS
    out: list[str] = []
    out_len = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    link_stack: list[int] = []
    i = 0

    def emit(text: str) -> None:
        nonlocal out_len
        out.append(text)
        out_len += utf16_len(text)

    while i < len(source):
        char = source[i]
        byte_offset = len(source[:i].encode("utf-8"))
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        if char == "\\" and v2 and i + 1 < len(source):
            emit(source[i + 1])
            i += 2
            continue
        matched = next(((m, k) for m, k in marks if source.startswith(m, i)), None)
        if matched and (not in_code or stack[-1].tag == matched[0]):
            mark, kind = matched
            if stack and stack[-1].tag == mark:
                top = stack.pop()
                if out_len > top.start:
                    entity = {"type": top.kind, "offset": top.start, "length": out_len - top.start}
                    entities.append(entity)
            else:
                if not v2 and stack:
                    raise entities_parse_error(
                        f"Can't find end of {stack[-1].kind} entity at byte offset {byte_offset}"
                    )
                stack.append(_Open(kind=kind, tag=mark, start=out_len))
                if mark == "```":
                    newline = source.find("\n", i + 3)
                    if newline != -1 and re.fullmatch(r"[\w+-]*", source[i + 3 : newline]):
                        i = newline + 1
                        continue
            i += len(mark)
            continue
        if char == "[" and not in_code:
            link_stack.append(out_len)
            i += 1
            continue
        if char == "]" and link_stack and not in_code and source.startswith("(", i + 1):
            close = source.find(")", i + 2)
            if close == -1:
                raise entities_parse_error(f"Can't find end of a URL at byte offset {byte_offset}")
            start = link_stack.pop()
            url = source[i + 2 : close].replace("\\)", ")").replace("\\\\", "\\")
            if out_len > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": out_len - start, "url": url}
                )
            i = close + 1
            continue
        if v2 and not in_code and char in _MD2_RESERVED:
            raise entities_parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(char)
        i += 1
    if stack:
        kind = stack[-1].kind.replace("_", " ").title().replace(" ", "")
        offset = len(source.encode("utf-8"))
        raise entities_parse_error(f"Can't find end of {kind} entity at byte offset {offset}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities as the message will carry them."""
    if entities is not None:
        return text, entities
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown(text, v2=True)
    if mode == "markdown":
        return parse_markdown(text, v2=False)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities Telegram adds to a user's text (``/visit`` at offset 0)."""
    found = []
    for match in _COMMAND_RE.finditer(text):
        offset = utf16_len(text[: match.start()])
        found.append({"type": "bot_command", "offset": offset, "length": utf16_len(match.group())})
    return found
