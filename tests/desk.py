"""The office's desk: ``duban`` commands run as they are on the server, from a clean folder."""

from __future__ import annotations

from pathlib import Path

import pytest


def at_the_desk(
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    database: Path | None = None,
    media: Path | None = None,
) -> Path:
    """Point ``bot.cli.main`` at a database and media folder (by default ``duban.sqlite``
    and ``media`` in ``folder``) the way the server's environment does, from ``folder`` so
    no stray .env from the developer's checkout is read, and with no bot token, as the desk
    commands need none. No locale or DEFAULT_LANGUAGE either, so the commands speak their
    default, Chinese, unless a test gives ``--lang``. Returns the database path."""
    database = database or folder / "duban.sqlite"
    monkeypatch.chdir(folder)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("MEDIA_DIR", str(media or folder / "media"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    return database
