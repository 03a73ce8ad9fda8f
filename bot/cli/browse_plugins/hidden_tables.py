"""A Datasette plugin for ``duban browse``: the tables that hold secrets cannot be read.

``invitations`` (codes that register whoever holds them), ``inbox`` (every raw update,
with names and texts as Telegram sent them) and ``buttons`` (the tokens behind inline
buttons) are hidden from the table lists and refused as pages by the metadata
(bot/cli/browse.py); this authorizer also refuses them to any SQL typed into the query page.
Counting their rows stays possible: it reads no column.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

HIDDEN_TABLES = frozenset({"invitations", "inbox", "buttons"})


def authorize(action: int, first: str | None, second: str | None, *_: object) -> int:
    """SQLite's authorizer: no column of a hidden table is read (``count(*)`` asks for the
    column "", which is allowed: Datasette counts every table's rows)."""
    if action == sqlite3.SQLITE_READ and first in HIDDEN_TABLES and second:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(authorize)
