"""``duban status``: one line per health figure, ✓ or ✗ with the figure and its threshold,
exit 1 when any is past; ``--format json`` for scripts; ``--health-check`` (the container's)
only what a restart can mend; read-only, beside a bot holding the write lock."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.chat import Address
from bot.cli.main import main
from storage import inbox, outbox
from storage.backups import record_backup
from storage.db import connect, open_database
from storage.reminders import set_state
from tests.desk import at_the_desk
from tests.harness import TOKEN

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "first_release"


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bot's database made now, with Telegram configured; returns the database path."""
    database = at_the_desk(monkeypatch, tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    open_database(database).close()
    return database


def _status(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["status", *args])
    return code, capsys.readouterr().out.splitlines()


def _made_long_ago(database: Path) -> None:
    """The database as one made a year ago would be (its first migration's moment)."""
    db = open_database(database)
    year_ago = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    db.execute("UPDATE _sqlite_migrations SET applied_at = ?", [year_ago])
    db.close()


def test_a_new_installation_is_all_ticks_in_chinese(office: Path, capsys) -> None:
    code, lines = _status(capsys)
    assert code == 0
    assert lines == [
        "✓ Telegram 收到的消息：没有等待处理的（上限 5m）",
        "✓ Telegram 待发消息：没有已到发送时间的（上限 1000 条，等待 15m）",
        "✓ 近 7 天放弃发送的消息：0 条（上限 10；累计 0 条）",
        "✓ 搁置的消息：0 条（上限 0；用 duban inbox list 查看）",
        lines[4],
        "✓ 尚无备份（每天 03:00，允许延迟 2h00m；可运行 duban backup）",
        lines[6],
    ]
    assert lines[4].startswith("✓ 提醒推送从未运行（最近应推送日为 ")
    assert lines[6].startswith(f"✓ {office}, {office.parent / 'media'} 所在磁盘剩余 ")


def test_an_update_and_messages_waiting_too_long_fail_with_their_figures(
    office: Path, capsys
) -> None:
    now = datetime.now(UTC)
    db = open_database(office)
    inbox.save_updates(
        db, [{"update_id": 7, "message": {"text": "hi"}}], now - timedelta(minutes=12)
    )
    to = Address("telegram", "42")
    for number in range(3):
        outbox.enqueue(
            db,
            key=f"late-{number}",
            to=to,
            method="sendMessage",
            payload={"chat_id": 42, "text": "x"},
            at=now - timedelta(hours=1),
            not_before=now - timedelta(minutes=20),
        )
    # One held for the end of quiet hours is not due, and not counted.
    outbox.enqueue(
        db,
        key="tomorrow",
        to=to,
        method="sendMessage",
        payload={"chat_id": 42, "text": "x"},
        at=now,
        not_before=now + timedelta(hours=8),
    )
    db.close()
    code, lines = _status(capsys, "--lang", "en")
    assert code == 1
    assert (
        lines[0] == "✗ updates from Telegram: the oldest unprocessed one has waited 12m (limit 5m)"
    )
    assert lines[1] == (
        "✗ Telegram outbox: 3 messages due (limit 1000), the oldest waiting 20m (limit 15m)"
    )
    assert all(line.startswith("✓") for line in lines[2:])

    code = main(["status", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["ok"] is False
    by_name = {figure["name"]: figure for figure in report["figures"]}
    assert by_name["inbox.telegram"]["ok"] is False
    assert by_name["inbox.telegram"]["value"] >= 720
    assert by_name["inbox.telegram"]["threshold"] == 300
    assert by_name["outbox.telegram"]["value"] == 3
    assert by_name["set_aside"] == {
        "name": "set_aside",
        "ok": True,
        "value": 0,
        "threshold": 0,
        "restart_mends": False,
        "text": "搁置的消息：0 条（上限 0；用 duban inbox list 查看）",
    }

    # The container's check counts these: the bot's own work stands still.
    assert main(["status", "--health-check"]) == 1
    checked = capsys.readouterr().out.splitlines()
    assert len(checked) == 2 and all(line.startswith("✗") for line in checked)


def test_what_needs_a_person_fails_status_but_not_the_containers_check(
    office: Path, capsys
) -> None:
    """A set-aside update, an overdue backup and a missed reminder pass: ✗ in ``duban
    status``, yet the container stays healthy (a restart would mend none of them)."""
    _made_long_ago(office)
    now = datetime.now(UTC)
    db = open_database(office)
    inbox.save_updates(db, [{"update_id": 9, "message": {"text": "/x"}}], now)
    assert inbox.mark_failed(db, 9, "boom", now, final=True) == "set_aside"
    record_backup(db, now - timedelta(days=3), office.parent / "backups" / "old")
    long_ago = datetime.now(SHANGHAI).date() - timedelta(days=40)
    set_state(db, "last_sweep_day", long_ago.isoformat())
    db.close()
    code, lines = _status(capsys, "--lang", "en")
    assert code == 1
    failed = [line for line in lines if line.startswith("✗")]
    assert failed[0] == "✗ set-aside updates: 1 (limit 0; see duban inbox list)"
    assert failed[1].startswith(f"✗ last reminder pass: {long_ago} (due by ")
    assert failed[2].startswith("✗ last backup: ")
    assert failed[2].endswith("(daily at 03:00, 2h00m allowed)")
    assert len(failed) == 3

    assert main(["status", "--health-check"]) == 0
    checked = capsys.readouterr().out.splitlines()
    assert checked == [
        "✓ Telegram 收到的消息：没有等待处理的（上限 5m）",
        "✓ Telegram 待发消息：没有已到发送时间的（上限 1000 条，等待 15m）",
    ]


def test_a_waiting_dingtalk_update_is_named_though_dingtalk_is_turned_off(
    office: Path, capsys
) -> None:
    db = open_database(office)
    inbox.save_dingtalk(
        db, "msg-1", {"text": {"content": "hi"}}, datetime.now(UTC) - timedelta(hours=2)
    )
    db.close()
    code, lines = _status(capsys, "--lang", "en")
    assert code == 1
    assert (
        "✗ updates from DingTalk: the oldest unprocessed one has waited 2h00m (limit 5m)" in lines
    )


def test_status_reads_beside_a_bot_holding_the_write_lock_and_writes_nothing(
    office: Path, capsys
) -> None:
    bot = connect(office)
    bot.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(office.read_bytes()).hexdigest()
    bot.execute("BEGIN IMMEDIATE")
    bot.execute("INSERT INTO sweep_state (key, value) VALUES ('held', 'x')")
    try:
        code, lines = _status(capsys)
    finally:
        bot.execute("ROLLBACK")
        bot.close()
    assert code == 0 and len(lines) == 7
    assert hashlib.sha256(office.read_bytes()).hexdigest() == before


def test_without_a_database_status_says_so_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    at_the_desk(monkeypatch, tmp_path)
    code, lines = _status(capsys, "--lang", "en", "--health-check")
    assert code == 1
    assert lines == [
        f"✗ there is no database at {tmp_path / 'duban.sqlite'}: check DATABASE_PATH "
        "(duban run makes it at its first start)"
    ]


def test_a_database_not_upgraded_yet_is_one_line_pointing_to_the_doctor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    database = at_the_desk(monkeypatch, tmp_path)
    shutil.copyfile(FIRST_RELEASE / "duban.sqlite", database)
    code, lines = _status(capsys, "--lang", "en")
    assert code == 1
    assert lines == [
        f"✗ the database {database} does not have this version's schema: duban doctor says "
        "why and what to do"
    ]
