"""Our message HTML (<b>, <i>, <a href>, <code>, <pre>) as the markdown DingTalk shows.

DingTalk's robot markdown knows **bold**, *italic*, [links](…) and `code`; it folds a
single newline into a space, so each line break is written as two spaces and a newline
(DingTalk's message-type page: "换行 … \\n 前后分别加 2 个空格"). Entities are unescaped:
DingTalk shows markdown source, not HTML. Anything else in a tag is dropped, its text kept.
"""

from __future__ import annotations

from html.parser import HTMLParser

LINE_BREAK = "  \n"
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "pre": "```"}


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.words: list[str] = []  # the text alone, without any markup
        self._links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append(dict(attrs).get("href") or "")
            self.parts.append("[")
        elif tag in _MARKS:
            self.parts.append(_MARKS[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            self.parts.append(f"]({self._links.pop()})")
        elif tag in _MARKS:
            self.parts.append(_MARKS[tag])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.words.append(data)


def _parsed(html: str) -> _ToMarkdown:
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    return parser


def to_markdown(html: str) -> str:
    """The HTML as DingTalk markdown, each newline kept as a line break DingTalk shows."""
    text = "".join(_parsed(html).parts)
    return LINE_BREAK.join(line.rstrip() for line in text.split("\n"))


def plain(html: str) -> str:
    """The text a reader sees, without any markup (for titles and previews)."""
    return "".join(_parsed(html).words)


def title_of(html: str, limit: int) -> str:
    """The first line with words in it, without markup, cut to ``limit`` characters (with
    "…" when cut): what DingTalk shows in the conversation list."""
    lines = [line.strip() for line in plain(html).split("\n")]
    first = next((line for line in lines if line), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
