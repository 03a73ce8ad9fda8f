"""Who made a change, when, and from which Telegram update: attached to every audit event."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"  # a person in the chat: actor is their Telegram user id
    CLI = "cli"  # someone at the office's desk: actor is the OS user
    IMPORT = "import"  # a sheet import: actor is the file's sha256
    SYSTEM = "system"  # the bot itself (escalation by deadline, idle visit closing)


@dataclass(frozen=True)
class Origin:
    kind: ActorKind
    actor: str
    at: datetime  # aware, UTC
    update_id: int | None = None
    person_id: int | None = None

    @classmethod
    def cli(cls, at: datetime) -> Origin:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(ActorKind.CLI, user, at)

    @classmethod
    def system(cls, at: datetime, what: str = "duban") -> Origin:
        return cls(ActorKind.SYSTEM, what, at)
