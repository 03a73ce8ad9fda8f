"""The one catalogue of user-visible text, in Chinese (default) and English.

Messages are HTML (the bot sends everything with ``parse_mode=HTML``). ``t`` escapes every
value it fills in, so text typed by users can never break the markup; a value wrapped in
``Safe`` is already HTML (a fragment rendered by ``t`` itself) and goes in as it is.

English counts take the word's form from the number: ``{days} {days:day|days}`` reads
"1 day" and "3 days" (the part before ``|`` is for exactly one). Chinese needs no such
field; the guard tests refuse an English count followed by a bare plural noun.
"""

from __future__ import annotations

import html
import re
import string

from bot.i18n.catalogue import CATALOGUE

LANGUAGES = ("zh", "en")


class Safe(str):
    """Text that is already HTML."""


class Rendered(Safe):
    """A message ``t`` rendered, remembering how: the key, language and values it was made
    of, so a text too long for Telegram can be made again with its user-typed values
    shortened (``bot.i18n.limits``) instead of being cut off at the end."""

    key: str
    lang: str
    values: dict[str, object]


# ``{name:one|other}``: the word for the count in ``name``.
_PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}]*)\}")


def _counted(template: str, values: dict[str, object]) -> str:
    """The template with each plural field replaced by its word for the value's count."""

    def word(field: re.Match[str]) -> str:
        count = values[field[1]]
        return field[2] if count == 1 or str(count) == "1" else field[3]

    return _PLURAL.sub(word, template)


def t(lang: str, key: str, /, **values: object) -> str:
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry["zh"]
    if "|" in template:
        template = _counted(template, values)
    filled = {
        name: value if isinstance(value, Safe) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    rendered = Rendered(template.format(**filled))
    rendered.key, rendered.lang, rendered.values = key, lang, values
    return rendered


_TAG = re.compile(r"<[^>]*>")


def plain(lang: str, key: str, /, **values: object) -> str:
    """A message as plain text, for a terminal or a spreadsheet cell: its tags dropped and
    its escapes undone (a value's own "<" is escaped, so it is never taken for a tag)."""
    return html.unescape(_TAG.sub("", t(lang, key, **values)))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_for(telegram_code: str | None, default: str = "zh") -> str:
    """Telegram's language_code → our language (English for en-*, else the default)."""
    if telegram_code and telegram_code.lower().startswith("en"):
        return "en"
    if telegram_code and telegram_code.lower().startswith("zh"):
        return "zh"
    return default
