"""Why a setting value was refused, in the reader's language.

The policy (bot/domain/policy.py) names a Refusal and its values, never a sentence; this is
the one place that words them from the catalogue (``policy.error.<refusal>``), for the
/settings dialog and for ``duban`` when the stored policy cannot be read.
"""

from __future__ import annotations

from bot.domain.policy import PolicyError
from bot.i18n import t


def refusal_text(lang: str, error: PolicyError) -> str:
    """The reason as catalogue HTML. A clash says which other setting the value would
    break, and that setting's own reason."""
    if error.clash is not None:
        return t(
            lang,
            "policy.error.clash",
            label=t(lang, f"setting.{error.clash.setting}"),
            reason=refusal_text(lang, error.clash),
        )
    return t(lang, f"policy.error.{error.refusal.value}", **error.values)
