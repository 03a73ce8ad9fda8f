"""A Store with nothing but a notes table: the database thread tested apart from the ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import sqlite_utils

from storage.db import Store, connect


@asynccontextmanager
async def notes_store(path: Path) -> AsyncIterator[Store]:
    """An open Store on a fresh database holding one table, ``notes (id, text)``; closed
    afterwards, so its thread does not outlive the test."""
    opened = Store(path)
    await opened.open()
    await opened.run(lambda db: db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text)"))
    try:
        yield opened
    finally:
        await opened.close()


def add_note(db: sqlite_utils.Database, text: str) -> int:
    """One write, as a job on the database thread (or another program) makes it."""
    return db.execute("INSERT INTO notes (text) VALUES (?)", [text]).lastrowid


def note_texts(path: Path) -> list[str]:
    """What another connection (a crash survivor, the CLI) sees on disk."""
    db = connect(path, read_only=True)
    try:
        return [row[0] for row in db.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        db.close()
