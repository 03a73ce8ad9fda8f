"""The bot started on a database made by its first release serves the people in it.

tests/ledger/test_upgrade_first_release.py checks the rows; this is the office's view: the
morning after the upgrade, the inspector, the contact and the administrator registered
under the old version write to the bot and are answered in their roles, with their history.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sandbox.server import Sandbox
from tests.harness import TOKEN, Duban, make_settings, running

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "first_release"


async def test_people_of_the_first_release_are_served_after_the_upgrade(
    bot_sandbox: Sandbox, tmp_path: Path
) -> None:
    """The old inspector's /visits lists the visits made under the old version with their
    findings and location; the old contact's /help is a contact's, the administrator's an
    administrator's."""
    shutil.copy(FIXTURE / "duban.sqlite", tmp_path / "duban.sqlite")
    shutil.copytree(FIXTURE / "media", tmp_path / "media")
    # The old sandbox numbered that bot's updates from 1; Telegram's numbers only grow.
    bot_sandbox.state.bot_for_token(TOKEN).next_update_id = 1000
    async with running(Duban(bot_sandbox, make_settings(bot_sandbox, tmp_path))) as duban:
        inspector = duban.phone(6101, "王督查")
        await inspector.send("/visits")
        visits = await inspector.expect("卓远半导体")
        assert "2024-06-04 10:00 卓远半导体 · 发现 2 条" in visits.text
        assert "32.39000N 120.57000E" in visits.text  # the location kept through 0012
        assert "力沛阀门 · 发现 1 条" in visits.text
        contact = duban.phone(6201, "赵联络")
        await contact.send("/help")
        help_text = (await contact.expect("可用命令")).text
        admin = duban.admin()
        await admin.send("/help")
        admin_help = (await admin.expect("可用命令")).text
        assert "/invite" in admin_help and "/invite" not in help_text
