"""A link sent before the upgrade that hashed invitation codes still works after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.server import Sandbox
from tests.harness import ADMIN_ID, TOKEN, Duban, make_settings, with_dingtalk
from tests.invitation_seed import LIVE, REVOKED, USED, old_database

pytestmark = pytest.mark.both_platforms


async def test_link_sent_before_the_upgrade_still_registers(
    bot_sandbox: Sandbox, tmp_path: Path, platform: str, request: pytest.FixtureRequest
) -> None:
    """Duban upgrades an old database at start-up; the invited person's old link registers
    them and the admin who made it is told; used and revoked old links stay refused.
    On DingTalk (an office that adds DingTalk with the upgrade) the invited person types the
    old code to the robot."""
    if platform == "dingtalk":
        standin = request.getfixturevalue("standin")
        duban = Duban(bot_sandbox, with_dingtalk(bot_sandbox, standin, tmp_path), standin=standin)
    else:
        duban = Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))
    old_database(duban.settings.database_path, ADMIN_ID, traces=False)
    await duban.start()
    try:
        # The old database's administrator made the links on Telegram (DingTalk came
        # later): that is where they hear of a link's use, wherever it was redeemed.
        admin = duban.sandbox.phone(user_id=ADMIN_ID, name="办公室管理员", token=TOKEN)
        duban.phones.append(admin)
        await admin.send("/help")
        await admin.expect("可用命令")
        invited = duban.phone(5201, "王")
        await invited.send(f"/start {LIVE}")
        await invited.expect("欢迎，王督查！您已登记为督查人员")
        await admin.expect("邀请已被使用")
        other = duban.phone(5202, "李")
        await other.send(f"/start {USED}")
        await other.expect("已经使用过了")
        await other.send(f"/start {REVOKED}")
        await other.expect("已被撤销")
        db = duban.db()
        try:
            assert db.execute(
                "SELECT count(*) FROM invitations WHERE code_hash = ?", [LIVE]
            ).fetchone() == (0,)
        finally:
            db.close()
    finally:
        for phone in duban.phones:
            phone.close()
        await duban.stop()
