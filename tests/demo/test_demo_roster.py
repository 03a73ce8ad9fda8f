"""The demo's roster follows the bot's database (issue 14): the phone page labels people by
the role they have now, so a newcomer who registered is no longer 新用户."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cli.demo import PEOPLE, live_roster, prepare_directory, roster
from storage.db import connect


def test_roster_lists_the_cast_then_newcomers_with_their_current_roles(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    prepare_directory(directory, datetime(2024, 6, 3, 2, 0, tzinfo=UTC))
    database = directory / "duban.sqlite"
    db = connect(database)
    try:
        # The office made 李代表 a leader, and 钱代表 registered through an invitation.
        db.execute("UPDATE people SET role = 'leader' WHERE account = '1002'")
        db.execute(
            "INSERT INTO people (platform, account, name, role, created_at) "
            "VALUES ('telegram', '100001', '钱代表', 'inspector', '2024-06-03T02:00:00+00:00')"
        )
        people = roster(db)
    finally:
        db.close()
    assert [p["user_id"] for p in people] == [p.user_id for p in PEOPLE] + [100001]
    by_id = {p["user_id"]: p for p in people}
    assert (by_id[1002]["role"], by_id[1002]["role_zh"]) == ("leader", "分管领导")
    assert by_id[1002]["hint_zh"] == "人大代表，和王督查一起走访"
    newcomer = by_id[100001]
    assert (newcomer["name"], newcomer["role_zh"], newcomer["role_en"]) == (
        "钱代表",
        "督查人员",
        "Inspector",
    )
    assert newcomer["hint_zh"] == ""
    assert live_roster(database) == people
    # Without a database: the cast as seeded, for whoever embeds the sandbox without a bot.
    assert [p["role_zh"] for p in roster()][:2] == ["督查人员", "督查人员"]
