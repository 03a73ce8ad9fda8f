"""``duban browse``: Datasette, read-only, on 127.0.0.1, with the office's saved queries."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.browse import CANNED_QUERIES, command, metadata
from storage.db import open_database
from tests.report_seed import seed


def test_saved_queries_answer_on_a_real_ledger(tmp_path: Path) -> None:
    """Each saved query runs on the schema; overdue-by-unit counts what /report counts."""
    db = open_database(tmp_path / "duban.sqlite")
    seed(db, datetime.now(UTC))
    for name, query in CANNED_QUERIES.items():
        db.execute(query["sql"]).fetchall()  # valid SQL on the current schema
        assert query["title"], name
    overdue = {row[0]: row[1] for row in db.execute(CANNED_QUERIES["overdue_by_unit"]["sql"])}
    assert overdue == {"科技局": 1, "工信局": 1, "财政局": 1}
    unowned = db.execute(CANNED_QUERIES["items_without_contact"]["sql"]).fetchall()
    assert len(unowned) == 4  # every open item: no contact has registered yet


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _browsing(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """``duban browse``'s command on the seeded ledger in ``folder``, once it answers: the
    database's URL and the command line; the server is stopped afterwards."""
    path = folder / "duban.sqlite"
    db = open_database(path)
    seed(db, datetime.now(UTC))
    db.close()
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata("duban"), ensure_ascii=False), encoding="utf-8")
    port = _free_port()
    args = command(path, meta, port)
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/duban"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}.json", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("datasette did not answer")
        yield base, args
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_datasette_serves_read_only_on_localhost(tmp_path: Path) -> None:
    """The server binds 127.0.0.1 and answers a saved query as JSON; writes are refused."""
    with _browsing(tmp_path) as (base, args):
        assert args[args.index("--host") + 1] == "127.0.0.1"
        url = f"{base}/overdue_by_unit.json?_shape=array"
        with urllib.request.urlopen(url, timeout=5) as response:
            rows = json.loads(response.read())
        assert {row["承办单位"] for row in rows} == {"科技局", "工信局", "财政局"}
        query = urllib.parse.urlencode({"sql": "DELETE FROM items"})
        try:
            urllib.request.urlopen(f"{base}.json?{query}", timeout=5)
            raise AssertionError("a write query was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 400
    check = open_database(tmp_path / "duban.sqlite")
    assert check.execute("SELECT count(*) FROM items").fetchone()[0] == 6


def test_secret_tables_are_refused_to_pages_and_typed_sql(tmp_path: Path) -> None:
    """invitations, inbox and buttons: hidden from the lists, 403 as pages, and refused to
    SQL typed into the query page; the ledger's tables still answer."""

    def status(url: str) -> tuple[int, dict | list]:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {}

    with _browsing(tmp_path) as (base, _):
        _, listing = status(f"{base}.json")
        shown = {table["name"] for table in listing["tables"] if not table["hidden"]}
        assert "items" in shown and not shown & {"invitations", "inbox", "buttons"}
        for table in ("invitations", "inbox", "buttons"):
            assert status(f"{base}/{table}.json")[0] == 403
            sql = urllib.parse.urlencode({"sql": f"SELECT * FROM {table}"})
            assert status(f"{base}.json?{sql}")[0] == 400
        sql = urllib.parse.urlencode({"sql": "SELECT code FROM invitations WHERE 1"})
        assert status(f"{base}.json?{sql}")[0] == 400
        code, rows = status(
            f"{base}.json?{urllib.parse.urlencode({'sql': 'SELECT code FROM items'})}"
        )
        assert code == 200 and len(rows["rows"]) == 6
