"""Finding list items by what a person types: a code, or words of the problem."""

from __future__ import annotations

import sqlite_utils

from storage.rows import fetch_values


def search_item_ids(db: sqlite_utils.Database, words: str, limit: int) -> list[int]:
    """Items whose code, problem, measure or company contains the words (all of them).

    ``instr`` keeps % and _ plain; items merged into another are left out.
    """
    terms = words.split()
    if not terms:
        return []
    clauses = []
    params: list[object] = []
    for term in terms:
        clauses.append(
            "(instr(i.code, ?) > 0 OR instr(i.problem, ?) > 0 OR instr(i.measure, ?) > 0 "
            "OR instr(coalesce(c.name, ''), ?) > 0)"
        )
        params += [term] * 4
    return fetch_values(
        db,
        "SELECT i.id FROM items i LEFT JOIN companies c ON c.id = i.company_id "
        f"WHERE i.merged_into IS NULL AND {' AND '.join(clauses)} "
        "ORDER BY i.status = 'closed', i.code LIMIT ?",
        [*params, limit],
    )
