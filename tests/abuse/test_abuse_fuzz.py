"""A storm of random and malformed updates, through the real getUpdates → inbox path.

Hypothesis makes the updates: known kinds with fields dropped or of the wrong type, huge
texts, bogus entities, negative ids, unknown update kinds and arbitrary JSON. They are put
straight into the sandbox's update queue, as a broken client or a future Bot API version
might deliver them. ``make test`` runs a few hundred; ``DUBAN_STRESS=full`` (``make stress``)
runs ten thousand.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.lifecycle import Role
from bot.registry import ACTIONS
from tests.harness import TOKEN, Duban

REGISTERED = 8701
FULL = os.environ.get("DUBAN_STRESS") == "full"

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
user_ids = st.one_of(
    st.just(REGISTERED),
    st.integers(1, 10**10),
    st.integers(-(10**13), 0),
    st.sampled_from([0, -1, 2**31, 2**53 + 1]),
)
texts = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["/start", "/help", "/visit", "/users", "/export", "/start x y", "/item 1"]),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(1000, 5000)),
)
entities = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["bot_command", "bold", "url", "mention", "nonsense"]),
            "offset": st.integers(-5, 5000),
            "length": st.integers(-5, 5000),
        }
    ),
    max_size=3,
)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """A message, mostly well-formed, with some fields dropped or garbled."""
    user = draw(user_ids)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(-10, 10**6)),
        "date": draw(st.integers(-1, 2**32)),
        "chat": {"id": user, "type": draw(st.sampled_from(["private", "private", "group", "x"]))},
        "from": {"id": user, "is_bot": draw(st.booleans()), "first_name": draw(st.text())},
    }
    body = draw(st.sampled_from(["text", "photo", "document", "location", "sticker", "none"]))
    if body == "text":
        message["text"] = draw(texts)
        message["entities"] = draw(entities)
    elif body == "photo":
        message["photo"] = [{"file_id": draw(st.text()), "file_unique_id": "u",
                             "width": draw(st.integers(-1, 10**6)),
                             "height": draw(st.integers(-1, 10**6)),
                             "file_size": draw(st.integers(-1, 2**40))}]  # fmt: skip
        message["caption"] = draw(st.text(max_size=50))
    elif body == "document":
        message["document"] = {"file_id": "BQAC", "file_unique_id": "u",
                               "file_name": draw(st.sampled_from(["../../etc/passwd.xlsx",
                                                                  "a/b.csv", "表.xlsx", ""])),
                               "file_size": draw(st.integers(-1, 2**40))}  # fmt: skip
    elif body == "location":
        message["location"] = {"latitude": draw(st.floats()), "longitude": draw(st.floats())}
    elif body == "sticker":
        message["sticker"] = draw(json_values)
    for key in draw(st.lists(st.sampled_from(sorted(message)), max_size=2)):
        if draw(st.booleans()):
            message.pop(key, None)
        else:
            message[key] = draw(json_values)
    return message


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """One update body (without update_id): a known kind or something else entirely."""
    kind = draw(
        st.sampled_from(
            ["message", "message", "message", "edited_message", "callback_query",
             "my_chat_member", "channel_post", "poll", "business_message", "future_kind"]
        )
    )  # fmt: skip
    if kind in ("message", "edited_message", "channel_post", "business_message"):
        return {kind: draw(messages())}
    if kind == "callback_query":
        query = {
            "id": draw(st.text(max_size=20)),
            "from": {"id": draw(user_ids), "is_bot": False, "first_name": "x"},
            "chat_instance": "1",
            "data": draw(st.one_of(st.text(max_size=100), st.none())),
        }
        if draw(st.booleans()):
            query["message"] = draw(messages())
        return {kind: query}
    return {kind: draw(json_values)} | draw(st.dictionaries(st.text(max_size=8), json_values))


def generate(count: int) -> list[dict[str, Any]]:
    """``count`` update bodies from hypothesis (collected, then sent in one storm)."""
    made: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=not FULL,  # the same storm on every `make test`; a new one under stress
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(updates())
    def collect(update: dict[str, Any]) -> None:
        made.append(update)

    collect()
    return made[:count]


@pytest.mark.parametrize(
    "count",
    [
        pytest.param(300, id="300"),
        pytest.param(
            10_000,
            id="10000",
            marks=[
                pytest.mark.slow,
                pytest.mark.skipif(not FULL, reason="DUBAN_STRESS=full runs the big storm"),
            ],
        ),
    ],
)
async def test_storm_of_malformed_updates_leaves_the_bot_serving(duban: Duban, count: int) -> None:
    """After a storm of broken updates every one is done or set aside, the bot still answers
    a registered person, and nobody was shown a traceback or an error text."""
    phone = await duban.register(REGISTERED, "王督查", Role.INSPECTOR)
    await duban.settle()
    bodies = generate(count)
    state = duban.sandbox.state
    bot = state.bot_for_token(TOKEN)
    base = duban.table_counts()["inbox"]
    for body in bodies:
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.updates.append({"update": {"update_id": update_id, **body}, "created": state.now()})
    state.wake_pollers(bot.id)
    await duban.received(base + len(bodies), seconds=60 if not FULL else 900)
    await duban.processed(seconds=60 if not FULL else 900)

    phone.skip_to_end()
    await phone.send("/help")
    shown = await phone.expect("可用命令", within=60)
    # The inspector's commands as the registry declares them (/visit among them).
    assert all(f"/{a.name} — " in shown.text for a in ACTIONS.menu(Role.INSPECTOR))
    for task in duban.runtime._tasks:
        assert not task.done(), f"{task.get_name()} stopped"
    db = duban.db()
    try:
        statuses = dict(db.execute("SELECT status, count(*) FROM inbox GROUP BY status"))
    finally:
        db.close()
    assert set(statuses) <= {"done", "set_aside"} and sum(statuses.values()) == base + count + 1
    # A row is tried at most three times: no crash loop, however broken the update.
    db = duban.db()
    try:
        most = db.execute("SELECT max(attempts) FROM inbox").fetchone()[0] or 0
    finally:
        db.close()
    assert most <= 3
    for call in state.calls_to("sendMessage"):
        text = str(call["params"].get("text", ""))
        assert "Traceback" not in text and "Error" not in text, text[:200]
