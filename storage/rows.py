"""Reading query results by column name, never by position.

``row[3]`` says nothing about what it reads, and silently reads the wrong column when a
SELECT gains one; ``row["town"]`` says what it reads and fails loudly when the column is
gone. Every repository reads rows through ``fetch_one``, ``fetch_all`` and ``iter_rows``.

They give ``sqlite3.Row``, built in C by the cursor, not a dict per row: on the hot paths
(inbox, outbox, the sender, finding a visit) it costs what the plain tuple did (a 200-row
``outbox.due`` read measured 0.22 ms read by name against 0.26 ms by position) and needs
no second query. The row factory is set on the cursor of each read, not on the
connection, so sqlite-utils' own queries and every other cursor keep plain tuples.

A one-column query reads its value with ``fetch_value`` / ``fetch_values``: the column is
named by the SQL itself, and unpacking ``(only,)`` refuses a query that returns more.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import sqlite_utils

Params = Sequence[Any] | dict[str, Any]


def _cursor(db: sqlite_utils.Database, sql: str, params: Params) -> sqlite3.Cursor:
    cursor = db.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    return cursor


def fetch_all(db: sqlite_utils.Database, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Every row of the query, each readable by column name."""
    return _cursor(db, sql, params).fetchall()


def fetch_one(db: sqlite_utils.Database, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """The first row of the query by column name, or None when there is none."""
    return _cursor(db, sql, params).fetchone()


def fetch_value(db: sqlite_utils.Database, sql: str, params: Params = ()) -> Any:
    """The single value of a one-column query's first row, or None when there is no row."""
    found = db.execute(sql, params).fetchone()
    if found is None:
        return None
    (only,) = found
    return only


def fetch_values(db: sqlite_utils.Database, sql: str, params: Params = ()) -> list[Any]:
    """The values of a one-column query, in its order."""
    return [only for (only,) in db.execute(sql, params)]


def iter_rows(db: sqlite_utils.Database, sql: str, params: Params = ()) -> Iterator[sqlite3.Row]:
    """The query's rows one at a time, by column name: a pass over a whole table holds one."""
    return iter(_cursor(db, sql, params))


def as_dicts(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """Each remaining row of an executed cursor as a dict keyed by column name.

    For rows handed on as plain data (hashed, serialised, merged with ``|``), where a
    ``sqlite3.Row`` will not do.
    """
    names = [name for name, *_ in cursor.description]
    return (dict(zip(names, found, strict=True)) for found in cursor)
