"""SQLite connections and the single thread that owns the bot's connection.

A sqlite3 connection belongs to the thread that made it. The bot keeps exactly one
connection, on one dedicated thread; the event loop hands that thread work with
``await store.run(fn, ...)`` and never touches SQLite itself. Every repository
function is therefore plain synchronous code taking a ``sqlite_utils.Database``,
which the CLI and the tests call directly.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import sqlite_utils

from storage.migrations import upgrade

P = ParamSpec("P")
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str, *, read_only: bool = False) -> sqlite_utils.Database:
    """Open a connection with the pragmas every Duban connection needs."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=True)
    else:
        path = Path(path)
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None)
    # isolation_level=None: transactions are explicit (db.atomic()), never implicit.
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


def is_disk_full(error: BaseException | None) -> bool:
    """SQLITE_FULL: the disk (or ``PRAGMA max_page_count``) has no room for a write.

    It is a state of the machine, not of the update being written: the same write succeeds
    once space is freed, so callers wait and retry instead of giving up on the data.
    """
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(error)


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Connect and bring the schema up to date (refusing a database from a newer version)."""
    db = connect(path)
    upgrade(db)
    return db


class Store:
    """The bot's one connection, owned by one thread; ``run`` hands it work."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite_utils.Database | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self._db = await loop.run_in_executor(self._executor, open_database, self.path)

    async def run(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(db, *args, **kwargs)`` on the connection's thread."""
        if self._db is None:
            raise RuntimeError("Store.open() has not been awaited")
        call = functools.partial(fn, self._db, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await asyncio.get_running_loop().run_in_executor(self._executor, db.close)
        self._executor.shutdown(wait=True)


def insert_row(db: sqlite_utils.Database, table: str, values: dict) -> int:
    """A plain INSERT: sqlite-utils' ``insert`` re-reads the table's schema on every call,
    which dominates bulk work such as a 10 000-row import."""
    columns = ", ".join(f"[{name}]" for name in values)
    marks = ", ".join("?" for _ in values)
    cursor = db.execute(
        f"INSERT INTO [{table}] ({columns}) VALUES ({marks})", list(values.values())
    )
    return cursor.lastrowid


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Many plain INSERTs of same-shaped rows in one executemany."""
    if not rows:
        return
    columns = ", ".join(f"[{name}]" for name in rows[0])
    marks = ", ".join("?" for _ in rows[0])
    db.conn.executemany(
        f"INSERT INTO [{table}] ({columns}) VALUES ({marks})", [list(r.values()) for r in rows]
    )


def backup(source: Path | str, target: Path | str) -> None:
    """A consistent copy of a live database through SQLite's online backup API."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    src = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
