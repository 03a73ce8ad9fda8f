"""SQLite connections and the single thread that owns the bot's connection.

A sqlite3 connection belongs to the thread that made it. The bot keeps exactly one
connection, on one dedicated thread; the event loop hands that thread work with
``await store.run(fn, ...)`` and never touches SQLite itself. Every repository
function is therefore plain synchronous code taking a ``sqlite_utils.Database``,
which the CLI and the tests call directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import sqlite_utils

from storage.migrations import upgrade

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000


class Database(sqlite_utils.Database):
    """sqlite-utils' Database, with transactions that suit several processes writing.

    An outermost ``atomic()`` begins IMMEDIATE: it takes the write lock at once, waiting
    up to the busy timeout for another writer. sqlite-utils begins a plain (deferred)
    transaction, which starts as a read; in WAL mode, if another connection commits before
    it writes (the bot, while ``duban import`` runs), its first write fails at once with
    "database is locked" instead of waiting.

    Savepoints nested inside use one fixed name, which SQLite prepares once: sqlite-utils
    names each anew, two statements SQLite has never seen, thousands a minute in a busy
    bot. SQLite keeps savepoints on a stack and ``RELEASE`` / ``ROLLBACK TO`` act on the
    most recent one of that name, so one name nests exactly like unique ones.
    """

    def __init__(self, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        super().__init__(conn)
        self.read_only = read_only

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        conn = self.conn
        if conn.in_transaction:
            with self._savepoint():
                yield self
            return
        conn.execute("BEGIN" if self.read_only else "BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()  # a no-op if the error already ended the transaction
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        conn = self.conn
        conn.execute("SAVEPOINT duban")
        try:
            yield
        except BaseException:
            # An error that destroyed the whole transaction took the savepoint with it.
            if conn.in_transaction:
                conn.execute("ROLLBACK TO duban")
                conn.execute("RELEASE duban")
            raise
        conn.execute("RELEASE duban")


def connect(path: Path | str, *, read_only: bool = False) -> Database:
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
    # Text rewritten or deleted (an invitation link dropped from the outbox) is zeroed on
    # disk, not left in free space for a backup to carry.
    conn.execute("PRAGMA secure_delete = ON")
    return Database(conn, read_only=read_only)


def is_disk_full(error: BaseException | None) -> bool:
    """SQLITE_FULL: the disk (or ``PRAGMA max_page_count``) has no room for a write.

    It is a state of the machine, not of the update being written: the same write succeeds
    once space is freed, so callers wait and retry instead of giving up on the data.
    """
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(error)


def is_locked(error: BaseException | None) -> bool:
    """SQLITE_BUSY: another connection (``duban import``, a backup tool) held the write lock
    for longer than the busy timeout.

    Like a full disk it is a state of the machine, not of the work: the same write succeeds
    once the other writer is done, so it is waited out, never given up on.
    """
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in str(
        error
    )


def must_wait(error: BaseException | None) -> bool:
    """A full disk or a lock: the write did not happen and will succeed later."""
    return is_disk_full(error) or is_locked(error)


class LockWait:
    """Waiting out another process's write lock, on the database thread.

    Every wait for the lock already lasts up to the busy timeout inside SQLite; between
    such waits the thread pauses a little longer each time (0.1 s doubling to 2 s), so a
    lock that SQLite answers at once is no busy loop. Said once when the lock is first met
    and once when it is gone, however many tries it took; ``busy`` counts the tries.
    """

    FIRST_PAUSE = 0.1
    MAX_PAUSE = 2.0

    def __init__(self) -> None:
        self.busy = 0  # SQLITE_BUSY answers met, ever: what a test or an operator can check
        self.since: float | None = None
        self._pause = self.FIRST_PAUSE

    def hit(self) -> float:
        """Count a refusal; returns the seconds to pause before the next try."""
        self.busy += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning(
                "the database is locked by another program (an import, a backup?); "
                "the bot waits for it and loses nothing"
            )
        pause, self._pause = self._pause, min(self._pause * 2, self.MAX_PAUSE)
        log.debug("database locked: trying again in %.1f s", pause)
        return pause

    def cleared(self) -> None:
        if self.since is not None:
            log.warning(
                "the database lock was released after %.0f s; the bot carries on",
                time.monotonic() - self.since,
            )
        self.since = None
        self._pause = self.FIRST_PAUSE


def open_database(path: Path | str) -> Database:
    """Connect and bring the schema up to date (refusing a database from a newer version)."""
    db = connect(path)
    upgrade(db)
    return db


class Store:
    """The bot's one connection, owned by one thread; ``run`` hands it work.

    Jobs that queue up while the thread is busy run together in one transaction and are
    committed once (a group commit): with many people writing at the same moment, one fsync
    serves them all. Every caller still gets its answer only after the commit that holds its
    changes, so whatever a caller goes on to do (confirm an update to Telegram, send a
    reply) rests on data that is on disk. A job that must be all or nothing says so with
    ``db.atomic()``, which inside the shared transaction is a savepoint that rolls back
    alone. If the commit itself fails (a full disk), the jobs that wrote get that error as
    they would have alone, and the ones that only read are run again.

    Another process holding the write lock past the busy timeout (SQLITE_BUSY) is waited
    out here, for every caller at once (``LockWait``): a transaction that could not begin,
    or a job refused before it changed anything, is simply tried again, so the poller, the
    processor, the sender and the periodic jobs only see their work take longer.
    """

    MAX_BATCH = 64

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="sqlite", daemon=True)
        self._db: sqlite_utils.Database | None = None
        self._closed = False
        self.lock_wait = LockWait()

    async def open(self) -> None:
        self._thread.start()
        self._db = await self._submit(lambda: open_database(self.path))

    async def run(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(db, *args, **kwargs)`` on the connection's thread."""
        return await self._submit(self._bind(fn, args, kwargs), grouped=True)

    async def run_alone(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn`` by itself, outside any shared transaction: for statements that cannot
        run inside one, and for work that must commit statement by statement."""
        return await self._submit(self._bind(fn, args, kwargs))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._thread.is_alive():
            return
        if self._db is not None:
            db, self._db = self._db, None
            await self._submit(db.close)
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)

    def _bind(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> Callable[[], T]:
        if self._db is None:
            raise RuntimeError("Store.open() has not been awaited")
        return functools.partial(fn, self._db, *args, **kwargs)

    def _submit(self, call: Callable[[], T], *, grouped: bool = False) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        job = _Job(call, loop, loop.create_future(), grouped)
        self._jobs.put(job)
        return job.future

    def _serve(self) -> None:
        self._serve_batches()
        while True:  # closed: whatever was still queued is answered, not left waiting
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.settle(False, RuntimeError("the database is closed"))
                _answer([job])

    def _serve_batches(self) -> None:
        while (job := self._jobs.get()) is not None:
            batch = [job]
            while len(batch) < self.MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # stop after this batch
                    break
                batch.append(job)
            try:
                self._run_batch(batch)
            except BaseException as error:  # never leave a caller waiting forever
                if is_locked(error):  # only while closing: said by LockWait already
                    log.warning("the database thread gave up waiting for the lock: closing")
                else:
                    log.exception("the database thread failed a batch")
                if self._db is not None and self._db.conn.in_transaction:
                    self._db.conn.rollback()
                for job in batch:
                    if not job.settled:
                        job.settle(False, error)
            finally:
                _answer(batch)

    def _run_batch(self, batch: list[_Job]) -> None:
        grouped = [job for job in batch if job.grouped]
        if len(grouped) > 1 and self._db is not None:
            self._run_together(self._db, grouped)
        else:
            for job in grouped:
                self._run_alone(job)
        _answer(grouped)
        for job in batch:
            if not job.grouped:
                self._run_alone(job)
                _answer([job])

    def _run_alone(self, job: _Job) -> None:
        """Run one job; if the lock refused it before it changed anything, run it again."""
        db = self._db
        while True:
            changes = db.conn.total_changes if db is not None else 0
            job.run_alone()
            ok, value = job.outcome
            if (
                ok
                or db is None
                or self._closed
                or not is_locked(value)  # type: ignore[arg-type]
                or db.conn.in_transaction
                or db.conn.total_changes != changes  # it wrote before it was refused
            ):
                if ok and db is not None and db.conn.total_changes != changes:
                    self.lock_wait.cleared()  # it wrote: the lock (if any) is gone
                return
            time.sleep(self.lock_wait.hit())

    def _begin(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE (see Database: another process may be writing), waiting out a
        lock held past the busy timeout; given up only when the store is closing."""
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not is_locked(error) or self._closed:
                    raise
                time.sleep(self.lock_wait.hit())
                continue
            self.lock_wait.cleared()
            return

    def _run_together(self, db: sqlite_utils.Database, jobs: list[_Job]) -> None:
        conn = db.conn
        self._begin(conn)
        finished: list[tuple[_Job, bool, object, bool]] = []
        for index, job in enumerate(jobs):
            changes = conn.total_changes
            try:
                ok, value = True, job.call()
            except BaseException as error:  # the caller gets it, as from a job run alone
                ok, value = False, error
            if not conn.in_transaction:
                # SQLite undid the whole transaction (it does on a full disk and some I/O
                # errors): this job and the ones before it saved nothing.
                if ok:  # the job swallowed the error that ended the transaction
                    ok, value = False, sqlite3.OperationalError("transaction rolled back")
                _undone(finished, value)
                job.settle(ok, value)
                for rest in jobs[index + 1 :]:
                    self._run_alone(rest)
                return
            finished.append((job, ok, value, conn.total_changes != changes))
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            _undone(finished, error)
            return
        for job, ok, value, _ in finished:
            job.settle(ok, value)


@dataclass
class _Job:
    call: Callable[[], object]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    grouped: bool
    settled: bool = False
    answered: bool = False
    outcome: tuple[bool, object] = (False, None)

    def run_alone(self) -> None:
        try:
            value = self.call()
        except BaseException as error:
            self.settle(False, error)
        else:
            self.settle(True, value)

    def settle(self, ok: bool, value: object) -> None:
        """Record the answer; ``_answer`` hands it to the waiting caller."""
        self.settled = True
        self.outcome = (ok, value)


def _answer(jobs: list[_Job]) -> None:
    """Hand settled jobs their answers: one wake-up of each event loop for all of them,
    not one per job (each wake-up is a write to the loop's self-pipe)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in jobs:
        if job.settled and not job.answered:
            job.answered = True
            by_loop.setdefault(job.loop, []).append(job)
    for loop, answered in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            loop.call_soon_threadsafe(_set_futures, answered)


def _undone(finished: list[tuple[_Job, bool, object, bool]], error: BaseException) -> None:
    """Answer the jobs of a transaction that was not committed: a job that wrote gets
    the error, a job that failed its own way keeps its error, one that only read runs
    again (it may have read what the lost transaction wrote)."""
    for job, ok, value, wrote in finished:
        if not ok:
            job.settle(False, value)
        elif wrote:
            job.settle(False, error)
        else:
            job.run_alone()


def _set_futures(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.cancelled():
            continue
        ok, value = job.outcome
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)  # type: ignore[arg-type]


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
