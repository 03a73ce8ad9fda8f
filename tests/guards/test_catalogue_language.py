"""The catalogue reads as each language is written (issue 14): English counts agree with
their number, Chinese punctuation is full-width, command descriptions in sentence case.

Each rule is stated exactly, so a new message is checked the day it is added:

- English: a filled-in number is never followed by a countable noun in the plural
  ("{days} days") nor by "(s)"; it takes the word's form from the number instead,
  ``{days} {days:day|days}`` (bot/i18n/__init__.py).
- Chinese: no ASCII colon, comma, semicolon, question or exclamation mark, or bracket
  directly before or after a Chinese character (：，；？！（） instead).
- English command descriptions (the menu beside the text box) start with a capital.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.i18n import t
from bot.i18n.catalogue import CATALOGUE

KEYS = sorted(CATALOGUE)
ROOT = Path(__file__).resolve().parents[2]

# Nouns our messages count. An adjective may stand between ({files} evidence files).
COUNT_NOUNS = [
    *("assignments", "characters", "companies", "days", "errors", "events", "files"),
    *("hours", "items", "messages", "mismatches", "notes", "parts", "PDFs", "people"),
    *("persons", "photos", "rows", "times", "units", "updates", "verifiers", "videos"),
    "visits",
]
_BARE_COUNT = re.compile(r"\{(\w+)\}(?: [a-z]+)? (?:" + "|".join(COUNT_NOUNS) + r")\b")
_CJK = r"[\u3400-\u9fff]"
_ASCII_NEXT_TO_CJK = re.compile(_CJK + r"[:,;?!()]|[:,;?!()]" + _CJK)
_TAG = re.compile(r"<[^>]*>")


def text_with_values(template: str) -> str:
    """The template's own words with each value as "X" (a value's punctuation is the
    value's) and its tags dropped."""
    parts = string.Formatter().parse(template)
    return _TAG.sub(
        "", "".join(text + ("X" if name is not None else "") for text, name, _, _ in parts)
    )


def test_english_counts_agree_with_their_number() -> None:
    bare = {key: _BARE_COUNT.findall(CATALOGUE[key]["en"]) for key in KEYS}
    assert {key: found for key, found in bare.items() if found} == {}
    assert [key for key in KEYS if "(s)" in CATALOGUE[key]["en"]] == []


def test_the_rule_catches_a_bare_plural_and_spares_a_plural_field() -> None:
    assert _BARE_COUNT.search("{days} days overdue")
    assert _BARE_COUNT.search("checked {files} evidence files")
    assert not _BARE_COUNT.search("{days} {days:day|days} overdue")
    assert not _BARE_COUNT.search("{code} is closed")


def test_a_plural_field_picks_the_form_for_its_number() -> None:
    assert t("en", "red.line", line="🔴 2024-003", unit="科技局", days=1).endswith("1 day overdue")
    assert t("en", "red.line", line="🔴 2024-003", unit="科技局", days=3).endswith("3 days overdue")
    assert t("en", "export.caption", scope="2024", count=0) == "Ledger: 2024 (0 items)"
    assert t("en", "export.caption", scope="2024", count=1) == "Ledger: 2024 (1 item)"
    assert t("en", "remind.reason.overdue", days="1") == "1 day overdue"  # a value given as text
    assert t("zh", "remind.reason.overdue", days=1) == "已逾期 1 天"


def test_a_plural_field_still_escapes_the_values_around_it() -> None:
    said = t("en", "faults.title", count=2)
    assert said.startswith("2 messages failed and were set aside")
    assert "<b>" not in t("en", "users.title", count="<b>")  # a value is text, never markup


def test_chinese_punctuation_is_full_width_next_to_chinese() -> None:
    found = {
        key: _ASCII_NEXT_TO_CJK.findall(text_with_values(CATALOGUE[key]["zh"])) for key in KEYS
    }
    assert {key: marks for key, marks in found.items() if marks} == {}


def test_the_punctuation_rule_catches_ascii_and_spares_full_width() -> None:
    assert _ASCII_NEXT_TO_CJK.search("承办单位:科技局")
    assert _ASCII_NEXT_TO_CJK.search("逾期(3 天)")
    assert not _ASCII_NEXT_TO_CJK.search("承办单位：科技局（牵头），时限 2024-06-30")
    assert not _ASCII_NEXT_TO_CJK.search("duban: 找不到文件")


def test_command_descriptions_are_in_sentence_case() -> None:
    commands = {key: CATALOGUE[key]["en"] for key in KEYS if key.startswith("cmd.")}
    assert len(commands) > 10
    assert {key: text for key, text in commands.items() if not text[0].isupper()} == {}


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
    ]


def _first_text(call: ast.Call, position: int = 0) -> str | None:
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        value = call.args[position].value
        return value if isinstance(value, str) else None
    return None


def test_every_import_deadline_and_setting_reason_has_its_message() -> None:
    """The reasons an import, a deadline or a setting gives are named by key in the code
    (SheetFileError, RowError via the readers, DeadlineError's kind, ConfigFault's key):
    each must be in the catalogue, or the reader would get a KeyError instead of a reason."""
    named: set[str] = set()
    for path in [*(ROOT / "bot" / "sheets").glob("*.py"), ROOT / "bot" / "cli" / "main.py"]:
        source = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"\"((?:import\.(?:error|file|row)|cli)\.[a-z_.]+)\"", source))
    for call in _calls(ROOT / "bot" / "domain" / "deadlines.py", "DeadlineError"):
        kind = _first_text(call)
        if kind:
            named.add(f"deadline.error.{kind}")
    for call in _calls(ROOT / "bot" / "config.py", "ConfigFault"):
        key = _first_text(call, 1)
        if key:
            named.add(f"config.{key}")
    assert len(named) > 40, "the scan lost sight of the reasons"
    assert sorted(key for key in named if key not in CATALOGUE) == []
