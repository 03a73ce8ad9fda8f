"""The office at its desk: ``duban import / export / items / backup / invite``."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bot.cli.main import build_parser, main
from sandbox.server import Sandbox
from storage.audit import item_events
from storage.db import connect, open_database
from storage.ledger import get_item, list_items
from storage.people import bot_username, get_invitation
from tests.desk import at_the_desk
from tests.harness import TOKEN

HEADER = [
    "序号",
    "存在问题",
    "整改措施",
    "责任单位",
    "办理时限",
    "跟踪督办目标",
    "所属领域",
    "镇区",
    "企业名称",
]
ROWS = [
    [
        1,
        "高企培育后劲不足",
        "建立后备企业库",
        "科技局、工信局",
        "2024年6月30日前",
        "净增100家",
        "高企培育",
        "磨头镇",
        "卓远半导体",
    ],
    [
        2,
        "孵化器建设缓慢 ",
        "加快双创载体建设",
        "高新区管委会",
        "三季度末",
        "",
        "双创载体",
        "高新区",
        "力威机械",
    ],
    [None, None, None, None, None, None, None, None, None],
    [
        3,
        "科技金融产品少",
        "推出科技贷",
        "财政局牵头，各镇区配合",
        "长期坚持",
        "",
        "科技金融",
        "",
        "",
    ],
    ["合计", None, None, None, None, None, None, None, None],
]


def office_sheet(path: Path, rows: list[list[object]] = ROWS) -> Path:
    """The table as the office issues it: a merged title row above the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["如皋市科技创新督查推进任务表"])
    sheet.merge_cells("A1:I1")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desk's database path, in a fresh folder."""
    return at_the_desk(monkeypatch, tmp_path)


def test_import_summarises_and_skips_blank_and_total_rows(
    env: Path, tmp_path: Path, capsys
) -> None:
    """The office sees one line saying what the import did."""
    sheet = office_sheet(tmp_path / "任务表.xlsx")
    assert main(["--lang", "en", "import", str(sheet), "--period", "2024"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "imported 3 items: 3 new, 0 updated, 2 rows skipped (blank/subtotal)"
    items = list_items(open_database(env))
    assert [i.code for i in items] == ["2024-001", "2024-002", "2024-003"]
    first = items[0]
    assert (first.unit, first.co_units) == ("科技局", ("工信局",))
    assert first.deadline.isoformat() == "2024-06-30" and first.target_number == 100
    assert items[2].ongoing and items[2].co_units == ("各镇区",)


def test_reimport_updates_in_place_and_never_duplicates(env: Path, tmp_path: Path, capsys) -> None:
    """Importing the same sheet twice changes nothing; an edited cell updates the item, audited."""
    sheet = office_sheet(tmp_path / "a.xlsx")
    assert main(["--lang", "en", "import", str(sheet), "--period", "2024"]) == 0
    assert main(["--lang", "en", "import", str(sheet), "--period", "2024"]) == 0
    assert "0 new, 0 updated" in capsys.readouterr().out

    edited = [row[:] for row in ROWS]
    edited[1][4] = "2024-12-31"
    assert main(["--lang", "en", "import", str(office_sheet(tmp_path / "b.xlsx", edited))]) == 0
    assert "0 new, 1 updated" in capsys.readouterr().out
    db = open_database(env)
    assert len(list_items(db)) == 3
    item = get_item(db, "2024-002")
    assert item.deadline.isoformat() == "2024-12-31"
    assert item_events(db, item.id)[-1]["actor_kind"] == "import"


def test_row_errors_write_nothing_and_name_row_and_column(
    env: Path, tmp_path: Path, capsys
) -> None:
    """All or nothing: one bad cell and the office gets every error, the ledger stays empty."""
    bad = [row[:] for row in ROWS]
    bad[0][4] = "下个月吧"
    # In Chinese, the command line's default.
    assert main(["import", str(office_sheet(tmp_path / "bad.xlsx", bad)), "--period", "2024"]) == 1
    err = capsys.readouterr().err
    assert '第 3 行「办理时限」：无法把"下个月吧"读作日期' in err
    assert "共 1 处错误，未导入任何内容" in err
    assert list_items(open_database(env)) == []


def test_inserted_row_cannot_rewrite_another_items_history(
    env: Path, tmp_path: Path, capsys
) -> None:
    """A 序号 that now names a different problem is a row error, not a silent rewrite."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"])
        == 0
    )
    shifted = [[1, "新插入的问题", "措施", "科技局", "年底", "", "", "", ""], *ROWS[1:]]
    assert main(["--lang", "en", "import", str(office_sheet(tmp_path / "b.xlsx", shifted))]) == 1
    assert 'Row 3, column "No.": number 1 is item 2024-001' in capsys.readouterr().err
    assert get_item(open_database(env), "2024-001").problem == "高企培育后劲不足"


def test_dry_run_writes_nothing(env: Path, tmp_path: Path, capsys) -> None:
    """--dry-run checks the whole sheet and reports what it would do."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--dry-run"]) == 0
    )
    assert capsys.readouterr().out.startswith("dry run: would have imported 3 items")
    assert list_items(open_database(env)) == []


def test_unreadable_file_is_one_line_and_exit_2(env: Path, tmp_path: Path, capsys) -> None:
    """A file that is not a spreadsheet is refused with one clear line."""
    fake = tmp_path / "table.xlsx"
    fake.write_bytes(b"this is not a zip file")
    assert main(["--lang", "en", "import", str(fake)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_export_round_trips_through_import(env: Path, tmp_path: Path, capsys) -> None:
    """An exported workbook re-imports onto the same items, matched by their code."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"])
        == 0
    )
    out = tmp_path / "export.xlsx"
    assert main(["--lang", "en", "export", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert len(workbook.sheetnames) >= 3  # summary, all items, one per town
    capsys.readouterr()
    assert main(["--lang", "en", "import", str(out)]) == 0
    assert "0 new, 0 updated" in capsys.readouterr().out


def test_csv_export_has_a_bom_for_excel(env: Path, tmp_path: Path) -> None:
    """Excel opens the CSV with Chinese intact."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"])
        == 0
    )
    out = tmp_path / "export.csv"
    assert main(["--lang", "en", "export", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "高企培育后劲不足" in out.read_text(encoding="utf-8-sig")


def test_items_json_has_the_documented_fields(env: Path, tmp_path: Path, capsys) -> None:
    """Scripts get every documented field, filtered by status and unit."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"])
        == 0
    )
    capsys.readouterr()
    assert main(["--lang", "en", "items", "--unit", "科技局", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    expected = {
        "id",
        "code",
        "period",
        "seq",
        "problem",
        "measure",
        "unit",
        "co_units",
        "deadline",
        "deadline_text",
        "recurring",
        "ongoing",
        "target",
        "area",
        "town",
        "company",
        "status",
        "level",
    }
    assert expected <= set(rows[0])
    assert rows[0]["deadline"] == "2024-06-30" and rows[0]["level"] in ("yellow", "red")
    assert main(["--lang", "en", "items", "--status", "closed"]) == 0
    assert "(0 items)" in capsys.readouterr().out


def test_backup_is_a_consistent_copy_while_in_use(env: Path, tmp_path: Path) -> None:
    """A backup taken while the bot holds the database open is complete and valid."""
    assert (
        main(["--lang", "en", "import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"])
        == 0
    )
    live = connect(env)
    live.execute("BEGIN")
    live.execute("INSERT INTO units (name, created_at) VALUES ('未提交', 'x')")
    target = tmp_path / "backup" / "copy.sqlite"
    assert main(["--lang", "en", "backup", str(target)]) == 0
    live.execute("ROLLBACK")
    copy = connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(list_items(copy)) == 3


def test_invite_prints_a_single_use_code(env: Path, capsys) -> None:
    """The office can invite from the desk; a contact invitation needs its unit."""
    assert main(["--lang", "en", "invite", "--role", "contact", "--name", "赵联络"]) == 1
    assert (
        main(
            ["--lang", "en", "invite", "--role", "contact", "--unit", "科技局", "--name", "赵联络"]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("/start ")


def test_invite_without_a_token_says_why_in_the_desk_language(env: Path, capsys) -> None:
    """No link without a token: the one line saying why is in the command's language, the
    reason included (issue 15), not an English sentence inside a Chinese one."""
    assert main(["invite", "--role", "inspector"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("/start ")
    assert err.startswith("duban: 无法生成邀请链接：未设置 TELEGRAM_BOT_TOKEN；")
    assert "is not set" not in err
    assert main(["--lang", "en", "invite", "--role", "inspector"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("duban: no t.me link: TELEGRAM_BOT_TOKEN is not set;")


async def test_invite_on_a_fresh_database_prints_the_link(
    env: Path, bot_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Before the bot has ever run, the office still gets the t.me link: Telegram is asked."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", bot_sandbox.url)
    # In a thread: the sandbox answers on this test's event loop.
    assert await asyncio.to_thread(main, ["--lang", "en", "invite", "--role", "inspector"]) == 0
    out, err = capsys.readouterr()
    username = bot_sandbox.state.bot_for_token(TOKEN).username
    link, valid = out.splitlines()
    assert link.startswith(f"https://t.me/{username}?start=") and valid.startswith("valid until")
    assert err == ""
    db = open_database(env)
    code = link.partition("?start=")[2]
    assert get_invitation(db, code) is not None
    assert bot_username(db) == username  # stored, as the running bot stores it

    assert await asyncio.to_thread(main, ["--lang", "en", "invite", "--role", "inspector"]) == 0
    assert capsys.readouterr().out.startswith(f"https://t.me/{username}?start=")
    assert len(bot_sandbox.state.calls_to("getMe")) == 1  # asked once, then remembered


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_invite_without_telegram_prints_the_code_and_why(
    env: Path, bot_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Unreachable or refusing Telegram: the invitation is made, its /start line printed, one
    line says why there is no link, and the token is shown nowhere."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", f"http://127.0.0.1:{_closed_port()}")
    assert await asyncio.to_thread(main, ["--lang", "en", "invite", "--role", "inspector"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("/start ")
    assert err.startswith("duban: no t.me link: getMe at http://127.0.0.1:") and "failed" in err
    assert len(err.splitlines()) == 1

    # The sandbox refuses a second secret for a known bot id, as Telegram a revoked token;
    # PTB's own error quotes the token.
    bot_sandbox.state.bot_for_token(TOKEN)
    revoked = TOKEN.split(":")[0] + ":" + "R" * 35
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", revoked)
    monkeypatch.setenv("TELEGRAM_API_URL", bot_sandbox.url)
    assert await asyncio.to_thread(main, ["--lang", "en", "invite", "--role", "inspector"]) == 0
    out2, err2 = capsys.readouterr()
    assert out2.startswith("/start ")
    assert "refused the token" in err2 and len(err2.splitlines()) == 1

    for text in (out, err, out2, err2):
        for secret in (TOKEN, TOKEN.split(":")[1], revoked, revoked.split(":")[1]):
            assert secret not in text
    db = open_database(env)
    codes = [line.split()[1] for line in (out.splitlines()[0], out2.splitlines()[0])]
    assert all(get_invitation(db, code) is not None for code in codes)
    assert bot_username(db) is None


def test_bad_setting_is_named_with_its_reason(env: Path, monkeypatch, capsys) -> None:
    """A wrong TIMEZONE stops the command with a line naming the variable."""
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    with pytest.raises(SystemExit):
        main(["--lang", "en", "items"])
    assert "TIMEZONE: 'Mars/Base' is not a known IANA time zone" in capsys.readouterr().err


def test_a_stored_setting_it_cannot_read_is_named_in_the_desk_language(env: Path, capsys) -> None:
    """A policy value no version of the bot writes (edited by hand in the database) stops a
    command with one line naming the setting and why, in its language, not a traceback."""
    assert main(["--lang", "en", "items"]) == 0
    db = open_database(env)
    db.execute(
        "INSERT INTO policy (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)",
        ["red_after_overdue_days", json.dumps("三十"), "2026-12-01T00:00:00+00:00", "sql"],
    )
    db.conn.commit()
    capsys.readouterr()
    assert main(["items"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == (
        "duban: 工作设置「逾期多少天转红色」有误：数据库中保存的值 '三十' 无效；"
        "请管理员在 /settings 中重新设置"
    )
    assert main(["--lang", "en", "items"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("duban: the setting “Red after N days overdue” is not valid: ")
    assert "the stored value '三十' is not valid" in err


def _subcommands() -> list[str]:
    parser = build_parser()
    (actions,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(actions.choices)


def test_help_lists_every_subcommand_with_a_description() -> None:
    """`duban --help` names each subcommand with one line saying what it does."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    names = _subcommands()
    assert {"run", "demo", "import", "export", "verify", "assign", "inbox"} <= set(names)
    for name in names:
        assert f"    {name}" in result.stdout


def test_readme_documents_every_subcommand() -> None:
    """The README's command-line block names every subcommand an operator can run."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\nduban run") + len("```text")
    block = readme[start : readme.index("```", start)]
    missing = [name for name in _subcommands() if f"\nduban {name} " not in block]
    assert not missing, f"README's command-line block lacks: {missing}"


def test_invite_on_dingtalk_says_what_to_send_the_robot(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """With DingTalk configured, the desk's invitation also says DingTalk's way to join:
    「绑定 CODE」 sent to the robot, with the same code (issue 16)."""
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "dingdeskclient")
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "desk-secret")
    monkeypatch.setenv("DINGTALK_ROBOT_CODE", "dingdeskclient")
    monkeypatch.setenv("DINGTALK_CARD_TEMPLATE_ID", "duban-card-template")
    assert main(["invite", "--role", "inspector"]) == 0
    lines = capsys.readouterr().out.splitlines()
    code = lines[0].removeprefix("/start ")
    assert lines[1] == f"钉钉：在钉钉里给督办机器人发送「绑定 {code}」"
    assert get_invitation(open_database(env), code) is not None
