"""Storage reads rows by column name, never by position (issue 13, point 3).

``row[3]`` silently reads the wrong column once a SELECT gains one; ``row["town"]`` fails
loudly. The source scan keeps positional reads from coming back under storage/; the
helper tests pin what the scan relies on: names on every row, one-column reads that
refuse a second column.
"""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from storage.db import open_database
from storage.rows import fetch_all, fetch_one, fetch_value, fetch_values, iter_rows

STORAGE = Path(__file__).resolve().parents[2] / "storage"

# Calls whose result is a row, a list of rows or a cursor of rows.
_ROW_SOURCES = {
    "execute",
    "fetchone",
    "fetchall",
    "fetchmany",
    "fetch_one",
    "fetch_all",
    "iter_rows",
}


def _called(node: ast.AST) -> set[str]:
    """Names of the functions and methods called anywhere inside ``node``."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _bound_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def positional_reads(source: str) -> list[tuple[int, str]]:
    """Line and text of every integer-index read of a query result in ``source``.

    A query result is the value of an execute/fetch call, a name bound from one (by
    assignment, a for loop or a comprehension), or a name that says it is one row
    (``row``, ``r``).
    """
    tree = ast.parse(source)
    from_queries: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            if _called(node.value) & _ROW_SOURCES:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    from_queries |= _bound_names(target)
        elif isinstance(node, ast.For | ast.comprehension):
            source_names = _bound_names(node.iter)
            if _called(node.iter) & _ROW_SOURCES or source_names & from_queries:
                from_queries |= _bound_names(node.target)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript):
            continue
        index = node.slice
        if not (isinstance(index, ast.Constant) and isinstance(index.value, int)):
            continue
        value = node.value
        if isinstance(value, ast.Call):
            hit = bool(_called(value) & _ROW_SOURCES)
        elif isinstance(value, ast.Name):
            hit = value.id in from_queries or value.id in ("row", "r")
        else:
            hit = False
        if hit:
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_positional_row_reads_under_storage():
    """No module under storage/ reads a query result by position: each names its column."""
    offenders = [
        f"{path.relative_to(STORAGE.parent)}:{line}: {text}"
        for path in sorted(STORAGE.rglob("*.py"))
        for line, text in positional_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "snippet",
    [
        "row = db.execute('SELECT id, name FROM towns').fetchone()\nname = row[1]",
        "count = db.execute('SELECT count(*) FROM items').fetchone()[0]",
        "ids = [r[0] for r in db.execute('SELECT id FROM items')]",
        "rows = fetch_all(db, 'SELECT id FROM items')\nfor found in rows:\n    x = found[0]",
        "def f(row):\n    return row[2]",
    ],
)
def test_the_scan_catches_positional_reads(snippet):
    """Each way a row has been read by position in this codebase is one the scan reports."""
    assert positional_reads(snippet)


def test_the_scan_leaves_other_indexing_alone():
    """Indexing a list that is not a query result (a split, a pair of values) is not a row."""
    snippet = "parts = code.split('-')\nyear = parts[0]\npair = (1, 2)\nfirst = pair[0]"
    assert positional_reads(snippet) == []


@pytest.fixture
def db():
    database = open_database(":memory:")
    database.execute("INSERT INTO towns (name, created_at) VALUES ('城关镇', '2024-01-01')")
    database.execute("INSERT INTO towns (name, created_at) VALUES ('河口镇', '2024-01-01')")
    return database


def test_rows_are_read_by_column_name(db):
    """fetch_one, fetch_all and iter_rows give rows that answer to their column names."""
    one = fetch_one(db, "SELECT id, name FROM towns WHERE name = ?", ["河口镇"])
    assert isinstance(one, sqlite3.Row)
    assert one["name"] == "河口镇"
    assert [row["name"] for row in fetch_all(db, "SELECT name FROM towns ORDER BY id")] == [
        "城关镇",
        "河口镇",
    ]
    assert [row["name"] for row in iter_rows(db, "SELECT name FROM towns ORDER BY id")] == [
        "城关镇",
        "河口镇",
    ]
    assert fetch_one(db, "SELECT id FROM towns WHERE name = ?", ["nowhere"]) is None


def test_one_column_reads_refuse_a_second_column(db):
    """fetch_value and fetch_values read one-column queries only, so no column is guessed."""
    assert fetch_value(db, "SELECT count(*) FROM towns") == 2
    assert fetch_value(db, "SELECT id FROM towns WHERE name = ?", ["nowhere"]) is None
    assert fetch_values(db, "SELECT name FROM towns ORDER BY id") == ["城关镇", "河口镇"]
    with pytest.raises(ValueError):
        fetch_value(db, "SELECT id, name FROM towns")
    with pytest.raises(ValueError):
        fetch_values(db, "SELECT id, name FROM towns")


def test_the_connection_keeps_plain_tuples(db):
    """The row factory is the read's own: sqlite-utils and raw cursors still get tuples."""
    fetch_one(db, "SELECT id FROM towns")
    assert db.execute("SELECT id, name FROM towns ORDER BY id").fetchone() == (1, "城关镇")
