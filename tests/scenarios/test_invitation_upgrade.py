"""A link sent before the upgrade that hashed invitation codes still works after it."""

from __future__ import annotations

from pathlib import Path

from sandbox.server import Sandbox
from tests.harness import ADMIN_ID, Duban, make_settings, office
from tests.invitation_seed import LIVE, REVOKED, USED, old_database


async def test_link_sent_before_the_upgrade_still_registers(
    bot_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Duban upgrades an old database at start-up; the invited person's old link registers
    them and the admin who made it is told; used and revoked old links stay refused."""
    settings = make_settings(bot_sandbox, tmp_path)
    old_database(settings.database_path, ADMIN_ID, traces=False)
    duban = Duban(bot_sandbox, settings)
    await duban.start()
    try:
        admin = await office(duban)
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
