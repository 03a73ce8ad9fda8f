"""The audit hash chain's rules, alone: what a change, a removal or a rewrite looks like."""

from __future__ import annotations

from bot.domain.audit_chain import GENESIS, ChainCheck, canonical, chain_hash, link, valid_head


def _events(count: int) -> list[dict]:
    return [
        {
            "id": number,
            "item_id": 1,
            "entity": "item",
            "entity_id": 1,
            "action": f"step{number}",
            "actor_kind": "user",
            "actor": "6001",
            "at": f"2024-06-0{number}T01:00:00+00:00",
            "before": None,
            "after": '{"status": "closed"}',
            "update_id": None,
        }
        for number in range(1, count + 1)
    ]


def _walk(rows: list[dict], head: str | None = None) -> list[str]:
    check = ChainCheck(published_head=head)
    for row in rows:
        check.add(row)
    return [problem.kind for problem in check.finish()]


def test_an_untouched_chain_is_clean_and_its_head_is_the_last_hash() -> None:
    """Events linked as the bot writes them pass, and the head is the newest event's hash."""
    rows = link(GENESIS, _events(4))
    check = ChainCheck(published_head=rows[1]["hash"])
    for row in rows:
        check.add(row)
    assert check.finish() == []
    assert check.head is not None and check.head.hash == rows[-1]["hash"]
    assert check.head.event_id == 4 and check.events == 4


def test_the_hash_covers_every_stored_field_and_the_link() -> None:
    """Changing any field, or the previous hash, gives another hash."""
    event = _events(1)[0]
    original = chain_hash(GENESIS, event)
    for name, value in event.items():
        changed = event | {name: "x" if value is None else f"{value}x"}
        if name in {"id", "item_id", "entity_id", "update_id"}:
            changed = event | {name: (value or 0) + 1}
        assert chain_hash(GENESIS, changed) != original, name
    assert chain_hash("1" * 64, event) != original


def test_stored_types_hash_like_the_values_written() -> None:
    """An id given as text hashes as SQLite stores it (an integer): no false alarm."""
    event = _events(1)[0]
    assert canonical(event | {"item_id": "1", "actor": 6001}) == canonical(event)


def test_an_edited_event_is_named_once() -> None:
    """An event changed in place fails its own hash; the events after it are not blamed."""
    rows = link(GENESIS, _events(5))
    rows[2] = rows[2] | {"after": '{"status": "open"}'}
    assert _walk(rows) == ["event_altered"]


def test_a_removed_event_breaks_the_next_link() -> None:
    """Deleting an event in the middle leaves the one after it pointing at a missing hash."""
    rows = link(GENESIS, _events(5))
    del rows[2]
    assert _walk(rows) == ["link_broken"]


def test_removing_the_first_events_is_seen_at_the_start() -> None:
    """The chain must begin at GENESIS: cutting off the oldest events shows."""
    rows = link(GENESIS, _events(5))
    assert _walk(rows[2:]) == ["chain_start"]


def test_a_rewritten_chain_passes_alone_but_not_against_a_published_head() -> None:
    """Someone who edits an event and recomputes every later hash makes the chain consistent
    again; the head published before the edit is then nowhere in it."""
    original = link(GENESIS, _events(5))
    published = original[3]["hash"]
    forged = _events(5)
    forged[1]["after"] = '{"status": "open"}'
    rewritten = link(GENESIS, forged)
    assert _walk(rewritten) == []
    assert _walk(rewritten, published) == ["head_missing"]


def test_cutting_off_the_newest_events_is_caught_by_the_published_head() -> None:
    """Removing the newest events leaves a valid chain, but not the head published later."""
    rows = link(GENESIS, _events(5))
    assert _walk(rows[:3]) == []
    assert _walk(rows[:3], rows[4]["hash"]) == ["head_missing"]


def test_a_head_found_after_a_break_is_reported_as_such() -> None:
    """A published head that is present but behind a broken link does not vouch for it."""
    rows = link(GENESIS, _events(5))
    rows[1] = rows[1] | {"actor": "someone else"}
    assert _walk(rows, rows[4]["hash"]) == ["event_altered", "head_behind_break"]


def test_events_without_chain_hashes_are_reported() -> None:
    """A row inserted by hand without hashes is not part of the chain."""
    rows = [*link(GENESIS, _events(2)), _events(3)[2]]
    assert _walk(rows) == ["event_unchained"]


def test_a_typed_head_is_accepted_in_any_case_and_refused_when_malformed() -> None:
    """Heads are copied by hand from a phone or a paper: spaces and capitals are forgiven."""
    assert valid_head("  " + "AB" * 32 + "\n") == "ab" * 32
    assert valid_head("ab" * 31) is None
    assert valid_head("zz" * 32) is None
