"""A person's accounts on the platforms (issue 16): when one of them may be unlinked, and
where the bot writes once it is.

A person is never left unreachable: their only account cannot be unlinked (deactivation
is the way to stop someone using the bot), and unlinking the account the bot writes to
moves their messages to the one that stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.chat import Address


class UnlinkRefusal(StrEnum):
    """Why an account is not unlinked (each has a sentence in the catalogue)."""

    NOT_THEIRS = "not_theirs"  # unlinked already, or never this person's
    ONLY_ACCOUNT = "only_account"  # unlinking it would leave them unreachable


def unlink_refusal(accounts: Sequence[Address], account: Address) -> UnlinkRefusal | None:
    """Why ``account`` may not be taken from a person holding ``accounts``; None if it may."""
    if account not in accounts:
        return UnlinkRefusal.NOT_THEIRS
    if len(accounts) < 2:
        return UnlinkRefusal.ONLY_ACCOUNT
    return None


def reached_after_unlink(
    accounts: Sequence[Address], current: Address | None, account: Address
) -> Address:
    """The account the bot writes to once ``account`` is unlinked: the current one if it
    stays; otherwise the one linked last of those that stay (``accounts`` oldest first),
    which is the one the person most likely holds now."""
    staying = [a for a in accounts if a != account]
    if not staying:
        raise ValueError("the only account cannot be unlinked")
    if current is not None and current in staying:
        return current
    return staying[-1]
