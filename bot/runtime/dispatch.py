"""Calling a declared action (bot/actions.py) for the person behind an update.

Runs inside the update's transaction, whatever platform the update came from: the role is
checked against the person as they are now (a role taken away since a button was sent
counts), then the function is called with the arguments the command or button carries.
"""

from __future__ import annotations

from typing import Any

from bot.actions import Action
from bot.domain.lifecycle import DomainError
from bot.runtime.work import Work


class ButtonOutdated(DomainError):
    """A button made by an older version, whose arguments its function no longer takes."""

    key = "error.button_expired"
    answers_tap = True


def perform(work: Work, action: Action, /, *args: Any, **arguments: Any) -> None:
    person = work.person
    role = person.role if person is not None and person.active else None
    if not action.allows(role):
        raise DomainError(key=action.refusal)
    try:
        action.signature.bind(work, *args, **arguments)
    except TypeError as error:
        raise ButtonOutdated(str(error)) from None
    action.fn(work, *args, **arguments)
