"""What every document says of itself: the issuing office and the programme it supervises.

The office sets them in /settings; until it does, each document uses the catalogue's wording
in its reader's language, so an English reader never gets a Chinese placeholder.
"""

from __future__ import annotations

from bot.domain.policy import Policy
from bot.i18n import t

TEXT_SETTINGS = ("office_name", "programme", "notice_prefix", "notice_requirements")


def worded(policy: Policy, key: str, lang: str) -> str:
    """A text setting's value, or the catalogue's default wording when the office left it
    unset (``key`` is one of TEXT_SETTINGS)."""
    value = getattr(policy, key)
    assert isinstance(value, str)
    return value or str(t(lang, f"letterhead.{key}"))


def office_name(policy: Policy, lang: str) -> str:
    return worded(policy, "office_name", lang)


def programme(policy: Policy, lang: str) -> str:
    return worded(policy, "programme", lang)
