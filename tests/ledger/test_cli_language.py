"""``duban`` speaks Chinese by default, English when asked: ``--lang`` first, then the
locale (LC_ALL, LC_MESSAGES, LANG), then DEFAULT_LANGUAGE (issue 14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli.language import cli_language, locale_language
from bot.cli.main import main
from storage.db import open_database
from tests.desk import at_the_desk


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    at_the_desk(monkeypatch, tmp_path)
    return monkeypatch


def _items(capsys, *args: str) -> str:
    assert main([*args]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_chinese_by_default(desk: pytest.MonkeyPatch, capsys) -> None:
    """No flag, no locale, no setting: the office's language."""
    assert _items(capsys, "items") == "（共 0 项）"


def test_english_with_the_flag_before_or_after_the_command(desk, capsys) -> None:
    assert _items(capsys, "--lang", "en", "items") == "(0 items)"
    assert _items(capsys, "items", "--lang", "en") == "(0 items)"


def test_an_english_locale_speaks_english_and_the_flag_still_wins(desk, capsys) -> None:
    desk.setenv("LANG", "en_US.UTF-8")
    assert _items(capsys, "items") == "(0 items)"
    assert _items(capsys, "--lang", "zh", "items") == "（共 0 项）"
    desk.setenv("LC_ALL", "zh_CN.UTF-8")  # LC_ALL overrides LANG, as in every POSIX program
    assert _items(capsys, "items") == "（共 0 项）"


def test_default_language_decides_when_the_locale_names_none(desk, capsys) -> None:
    desk.setenv("LANG", "C.UTF-8")
    desk.setenv("DEFAULT_LANGUAGE", "en")
    assert _items(capsys, "items") == "(0 items)"
    desk.setenv("LANG", "zh_CN.UTF-8")
    assert _items(capsys, "items") == "（共 0 项）"


def test_the_precedence_as_a_rule() -> None:
    assert cli_language("en", {"LANG": "zh_CN"}) == "en"
    assert locale_language({"LC_ALL": "", "LANG": "en_GB.UTF-8"}) == "en"
    assert locale_language({"LC_MESSAGES": "C", "LANG": "en_GB.UTF-8"}) is None
    assert locale_language({}) is None


def test_a_bad_setting_is_reported_in_the_chosen_language(desk, capsys) -> None:
    """Even a configuration error, which comes before any setting is known."""
    desk.setenv("TIMEZONE", "Mars/Base")
    with pytest.raises(SystemExit):
        main(["items"])
    said = capsys.readouterr().err.strip()
    assert said == 'duban: 配置有误：TIMEZONE："Mars/Base" 不是已知的时区名称（例如 Asia/Shanghai）'
    with pytest.raises(SystemExit):
        main(["--lang", "en", "items"])
    said = capsys.readouterr().err.strip()
    assert said == (
        "duban: TIMEZONE: 'Mars/Base' is not a known IANA time zone (for example Asia/Shanghai)"
    )


def test_import_summary_in_both_languages(desk, tmp_path: Path, capsys) -> None:
    """A dry run in Chinese, then in English, with English plurals."""
    from tests.ledger.test_cli import office_sheet

    sheet = office_sheet(tmp_path / "a.xlsx")
    assert main(["import", str(sheet), "--period", "2024", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == (
        "试运行：将导入 3 项：新增 3 项，修改 0 项，跳过 2 行（空行或小计）"
    )
    assert main(["--lang", "en", "import", str(sheet), "--period", "2024", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == (
        "dry run: would have imported 3 items: 3 new, 0 updated, 2 rows skipped (blank/subtotal)"
    )


def test_a_missing_file_is_named_in_chinese(desk, capsys) -> None:
    assert main(["import", "没有这个文件.xlsx"]) == 2
    assert capsys.readouterr().err.strip() == "duban: 找不到文件 没有这个文件.xlsx"


def test_a_newer_database_and_a_missing_token_are_explained_in_chinese(
    desk, tmp_path: Path, capsys
) -> None:
    """Two refusals an operator meets first, said in the command line's language."""
    assert main(["run"]) == 3
    assert capsys.readouterr().err.startswith("duban: 未设置 TELEGRAM_BOT_TOKEN")

    database = tmp_path / "duban.sqlite"
    open_database(database).close()
    raw = sqlite3.connect(database)
    raw.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('duban', '9999_from_the_future', '2030-01-01')"
    )
    raw.commit()
    raw.close()
    with pytest.raises(SystemExit):
        main(["items"])
    said = capsys.readouterr().err
    assert said.startswith(f"duban: {database} 由更新版本的督办写入")
    assert "9999_from_the_future" in said


def test_the_items_table_reads_in_words(desk, tmp_path: Path, capsys) -> None:
    """Column heads, statuses and colours in words; the JSON keeps the codes for scripts."""
    from tests.ledger.test_cli import office_sheet

    assert main(["import", str(office_sheet(tmp_path / "a.xlsx")), "--period", "2024"]) == 0
    capsys.readouterr()
    assert main(["items", "--unit", "高新区管委会"]) == 0
    head, row, count = capsys.readouterr().out.strip().splitlines()
    assert head.split() == ["编号", "状态", "等级", "办理时限", "承办单位", "问题"]
    assert row.split()[:3] == ["2024-002", "待办理", "红"] and count == "（共 1 项）"
    assert main(["--lang", "en", "items", "--unit", "高新区管委会"]) == 0
    head, row, count = capsys.readouterr().out.strip().splitlines()
    assert head.split() == ["code", "status", "level", "deadline", "unit", "problem"]
    assert row.split()[:3] == ["2024-002", "Open", "red"] and count == "(1 item)"
