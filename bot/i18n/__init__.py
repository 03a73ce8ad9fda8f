"""The one catalogue of user-visible text, in Chinese (default) and English.

Messages are HTML (the bot sends everything with ``parse_mode=HTML``). ``t`` escapes every
value it fills in, so text typed by users can never break the markup; a value wrapped in
``Safe`` is already HTML (a fragment rendered by ``t`` itself) and goes in as it is.
"""

from __future__ import annotations

import html
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


def t(lang: str, key: str, /, **values: object) -> str:
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry["zh"]
    filled = {
        name: value if isinstance(value, Safe) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    rendered = Rendered(template.format(**filled))
    rendered.key, rendered.lang, rendered.values = key, lang, values
    return rendered


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_for(telegram_code: str | None, default: str = "zh") -> str:
    """Telegram's language_code → our language (English for en-*, else the default)."""
    if telegram_code and telegram_code.lower().startswith("en"):
        return "en"
    if telegram_code and telegram_code.lower().startswith("zh"):
        return "zh"
    return default
