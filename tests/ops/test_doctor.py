"""``duban doctor`` against the Telegram sandbox and the DingTalk stand-in: a good
installation passes every check; a wrong token, an unreachable API URL, a proxy that is not
there, a wrong DingTalk secret, a read-only data folder and a bad setting each fail with
their own line saying what to do, exit 1, and no secret printed."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from bot.cli.main import main
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import Sandbox
from storage.db import open_database
from storage.migrations import migrations
from tests.desk import at_the_desk
from tests.harness import TOKEN

WRONG_TOKEN = TOKEN.split(":")[0] + ":" + "W" * 35  # the same bot, a revoked secret
SECRET = "sandbox-client-secret-000000000000"


@pytest.fixture
def standin() -> Iterator[DingTalkStandIn]:
    server = DingTalkStandIn(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def installed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bot_sandbox: Sandbox,
    standin: DingTalkStandIn,
) -> Path:
    """Both front-ends configured against the stand-ins, on a database made by the bot;
    returns the data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    database = at_the_desk(monkeypatch, folder)
    open_database(database).close()
    (folder / "media").mkdir()
    for name, value in {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": bot_sandbox.url,
        "DINGTALK_CLIENT_ID": standin.state.client_id,
        "DINGTALK_CLIENT_SECRET": SECRET,
        "DINGTALK_ROBOT_CODE": standin.state.robot_code,
        "DINGTALK_CARD_TEMPLATE_ID": "duban-card-template",
        "DINGTALK_OPENAPI_ENDPOINT": standin.url,
        "DINGTALK_OAPI_ENDPOINT": standin.url,
    }.items():
        monkeypatch.setenv(name, value)
    return folder


async def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    # In a thread: the Telegram sandbox answers on this test's event loop.
    code = await asyncio.to_thread(main, ["--lang", "en", "doctor"])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def _failed(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_good_installation_passes_every_check(
    installed: Path, bot_sandbox: Sandbox, standin: DingTalkStandIn, capsys
) -> None:
    code, lines, err = await _doctor(capsys)
    assert code == 0, lines
    assert _failed(lines) == [] and err == ""
    username = bot_sandbox.state.bot_for_token(TOKEN).username
    assert lines[:5] == [
        "✓ front-ends configured: Telegram, DingTalk",
        f"✓ Telegram settings: the token is well formed, Bot API at {bot_sandbox.url}, no proxy",
        f"✓ Telegram's getMe answered: the bot is @{username}",
        f"✓ DingTalk settings: app {standin.state.client_id}, OpenAPI at {standin.url}",
        f"✓ DingTalk at {standin.url} gave an access token",
    ]
    assert lines[5].startswith("✓ time zone Asia/Shanghai: the local time is ")
    database = installed / "duban.sqlite"
    assert lines[6:11] == [
        f"✓ DATABASE_PATH: {installed} is writable",
        f"✓ MEDIA_DIR: {installed / 'media'} is writable",
        f"✓ the database {database} is writable",
        lines[9],
        "✓ the database passes SQLite's quick integrity check",
    ]
    assert lines[9].startswith("✓ the database's schema is current (")
    assert lines[11].startswith(f"✓ free disk space for {database}, {installed / 'media'}: ")
    assert lines[12].startswith("✓ the Chinese font for charts is in place: ")
    assert lines[13:] == ["every check passed"]
    assert len(bot_sandbox.state.calls_to("getMe")) == 1


async def test_a_wrong_token_fails_its_line(
    installed: Path, bot_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    bot_sandbox.state.bot_for_token(TOKEN)  # the bot exists; its secret changed since
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", WRONG_TOKEN)
    code, lines, err = await _doctor(capsys)
    assert code == 1
    assert _failed(lines) == [
        f"✗ getMe at {bot_sandbox.url} refused the token: check TELEGRAM_BOT_TOKEN with "
        "@BotFather, and TELEGRAM_API_URL"
    ]
    assert err == "duban: 1 check failed\n"
    assert WRONG_TOKEN.split(":")[1] not in "".join(lines)


async def test_an_unreachable_api_url_and_a_missing_proxy_fail_without_their_secrets(
    installed: Path, bot_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("TELEGRAM_API_URL", nowhere)
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    [failed] = _failed(lines)
    assert failed.startswith(f"✗ getMe at {nowhere} could not be reached (")
    assert failed.endswith("): check TELEGRAM_API_URL, TELEGRAM_PROXY and the network")

    # The right URL, but through a proxy that is not there: getMe goes by the proxy.
    monkeypatch.setenv("TELEGRAM_API_URL", bot_sandbox.url)
    proxy_port = _closed_port()
    monkeypatch.setenv("TELEGRAM_PROXY", f"http://office:hunter2@127.0.0.1:{proxy_port}")
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    assert lines[1] == (
        f"✓ Telegram settings: the token is well formed, Bot API at {bot_sandbox.url}, "
        f"through the proxy http://127.0.0.1:{proxy_port}"
    )
    [failed] = _failed(lines)
    assert failed.startswith(f"✗ getMe at {bot_sandbox.url} could not be reached (")
    assert "hunter2" not in "\n".join(lines)
    assert bot_sandbox.state.calls_to("getMe") == []


async def test_a_wrong_dingtalk_secret_fails_its_line_without_the_secret(
    installed: Path, standin: DingTalkStandIn, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    wrong = "not-the-secret-00000000000000000000"
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", wrong)
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    [failed] = _failed(lines)
    assert failed.startswith(f"✗ DingTalk at {standin.url} gave no access token (DingTalk ")
    assert failed.endswith("): check DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET and the network")
    assert wrong not in "\n".join(lines)

    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", SECRET)
    monkeypatch.delenv("DINGTALK_ROBOT_CODE")
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    assert _failed(lines) == [  # the settings themselves refuse it (bot/config.py)
        "✗ DINGTALK_ROBOT_CODE: required once DingTalk is configured (DINGTALK_CLIENT_ID and "
        "DINGTALK_CLIENT_SECRET): every robot message and card needs it (see the console "
        "steps in README, On DingTalk)"
    ]


@pytest.fixture
def read_only(installed: Path) -> Iterator[Path]:
    """The data folder made read-only as the root user feels it too: immutable (a folder's
    mode bits do not stop root), else by its mode."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(installed)], check=False).returncode != 0:
            pytest.skip("no way here to make a folder read-only for root")
        try:
            yield installed
        finally:
            subprocess.run(["chattr", "-i", str(installed)], check=True)
        return
    installed.chmod(0o555)
    try:
        yield installed
    finally:
        installed.chmod(0o755)


async def test_a_read_only_data_folder_fails_with_what_to_do(read_only: Path, capsys) -> None:
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    failed = _failed(lines)
    assert failed[0].startswith(f"✗ DATABASE_PATH: no file can be made in {read_only} (")
    assert failed[0].endswith("): let the user the bot runs as write there")
    assert any(line.startswith(f"✗ the database {read_only / 'duban.sqlite'} ") for line in failed)


async def test_a_bad_setting_is_a_failed_line(
    installed: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    code, lines, err = await _doctor(capsys)
    assert code == 1
    assert lines == [
        "✗ TIMEZONE: 'Mars/Base' is not a known IANA time zone (for example Asia/Shanghai)"
    ]
    assert err == "duban: 1 check failed\n"


FIRST_RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "first_release"


async def test_a_database_from_an_older_release_is_to_be_upgraded_first(
    installed: Path, capsys
) -> None:
    """The first release's database, not upgraded yet: the doctor says so and what to do,
    and leaves it as it was (the bot upgrades it at start, after a backup)."""
    database = installed / "duban.sqlite"
    shutil.copyfile(FIRST_RELEASE / "duban.sqlite", database)
    before = database.read_bytes()
    old = sqlite_utils.Database(database)
    pending = ", ".join(migration.name for migration in migrations.pending(old))
    old.close()
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    assert _failed(lines) == [
        f"✗ the database is not upgraded yet (pending: {pending}): run duban backup, then "
        "start the bot, which upgrades it at start"
    ]
    assert pending.startswith("0006_inspector_assignments, ")
    assert database.read_bytes() == before


async def test_a_damaged_database_fails_the_quick_check(installed: Path, capsys) -> None:
    """Pages of an index overwritten on disk: the integrity check finds them."""
    database = installed / "duban.sqlite"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = DELETE")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'inbox_pending'"
    ).fetchone()[0]
    connection.close()
    with database.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\x0d" + b"\xff" * 64)
    code, lines, _ = await _doctor(capsys)
    assert code == 1
    [failed] = _failed(lines)
    assert failed.startswith("✗ the database fails SQLite's quick integrity check (")
    assert failed.endswith("): stop the bot and restore the latest backup with duban restore")
