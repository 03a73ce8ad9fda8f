"""The message catalogue keeps its promises: every key in Chinese and English, the same
values filled in, the same markup, valid HTML as Telegram reads it, and Chinese text that
is Chinese.

A message that lacks a placeholder in one language drops a value for half the users (or
raises KeyError when ``t`` fills it); a tag missing in one language shows bold text plain,
or makes Telegram refuse the message ("can't parse entities") for everyone who reads that
language. These checks run on every key, so a new message is checked the day it is added.
"""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from pathlib import Path

from bot.i18n import LANGUAGES, placeholders
from bot.i18n.catalogue import CATALOGUE
from sandbox.errors import ApiError
from sandbox.formatting import parse_html

KEYS = sorted(CATALOGUE)
ROOT = Path(__file__).resolve().parents[2]
# The calls that take a catalogue key, and where the key is among their arguments:
# t(lang, key, …), work.t(key, …), work.reply(key, …), work.answer_tap(key, …).
KEY_TAKERS = {"t": 1, "reply": 0, "answer_tap": 0}
# Keyword arguments of those calls that are not values filled into the message.
NOT_VALUES = {"keyboard", "alert"}

# Latin words a Chinese message may keep, each for a reason a reader would accept. Other
# Latin text is left alone by rule, not by listing (see ``latin_words``): values filled in,
# markup and <code>, commands, the server's settings and file extensions.
ALLOWED_LATIN = {
    # Product and format names, written in Latin in Chinese too.
    "Telegram": "the chat platform",
    "Excel": "the spreadsheet program the office issues its table in",
    "WPS": "the office suite many offices open and save the table in instead of Excel",
    "PDF": "the document format of dossiers and 通报",
    # Units.
    "MB": "file sizes (Telegram's limits are given in MB)",
    # Standards and algorithms known by their code.
    "sha256": "the hash that fingerprints evidence files and the audit chain",
    "WGS-84": "the coordinate system of phone locations",
    "ID": "a Telegram account's number, as Telegram itself calls it",
    # What a user types.
    "on": "the argument of /holiday that makes a day a working day",
    "off": "the argument of /holiday that makes a day a holiday",
    # A language's own name, on the button that chooses it.
    "English": "the language button reads in the language it chooses",
}

_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
# A command in the chat (/holiday) or on the server (duban verify --head).
_COMMAND = re.compile(r"/[a-z_]+|\bduban(?: -{0,2}[a-z][a-z-]*)*")
# A setting in the server's configuration, e.g. ADMIN_IDS.
_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# A Latin word that does not hang on a digit or a dot: ".xlsx" and "32.37N" are codes.
_WORD = re.compile(r"(?<![0-9A-Za-z_.-])[A-Za-z][A-Za-z0-9_-]*")


def literal(template: str) -> str:
    """The template's own text: the values it fills in are not its words."""
    return "".join(text for text, _, _, _ in string.Formatter().parse(template))


def filled(template: str) -> str:
    """The template with each value filled in as plain text, as ``t`` would."""
    return "".join(
        text + ("x" if name is not None else "")
        for text, name, _, _ in string.Formatter().parse(template)
    )


def tags(template: str) -> Counter[str]:
    return Counter(_TAG.findall(template))


def latin_words(zh: str) -> set[str]:
    """Latin words in a Chinese message that no rule explains: what is left once values,
    <code> spans, tags, commands, server settings and codes hanging on a digit are set
    aside, less the allowed names and units."""
    text = _CODE.sub("", literal(zh))
    text = _TAG.sub("", text)
    text = _COMMAND.sub("", text)
    text = _SETTING.sub("", text)
    return {word for word in _WORD.findall(text) if word not in ALLOWED_LATIN}


def test_every_key_speaks_both_languages() -> None:
    """A key with an empty text in one language would send an empty message (Telegram
    refuses it) to everyone who reads that language."""
    empty = [
        (key, lang)
        for key in KEYS
        for lang in LANGUAGES
        if not CATALOGUE[key].get(lang, "").strip()
    ]
    assert empty == []


def test_both_languages_fill_in_the_same_values() -> None:
    """The same {name} fields in zh and en: otherwise a value the service passes is missing
    from one language's message, or ``t`` raises KeyError for one language only."""
    differ = {
        key: placeholders(CATALOGUE[key]["zh"]) ^ placeholders(CATALOGUE[key]["en"]) for key in KEYS
    }
    assert {key: names for key, names in differ.items() if names} == {}


def test_both_languages_have_the_same_markup() -> None:
    """The same HTML tags (with their attributes) in zh and en, so emphasis, codes and
    links show alike whatever the reader's language."""
    differ = [key for key in KEYS if tags(CATALOGUE[key]["zh"]) != tags(CATALOGUE[key]["en"])]
    assert differ == []


def test_every_message_is_html_telegram_accepts() -> None:
    """Filled in, each message parses as Telegram parses HTML (the sandbox's parser): a
    stray "<" or "&" or an unclosed tag would make Telegram refuse the whole message."""
    refused = []
    for key in KEYS:
        for lang in LANGUAGES:
            try:
                parse_html(filled(CATALOGUE[key][lang]))
            except ApiError as error:
                refused.append((key, lang, str(error)))
    assert refused == []


def test_chinese_text_has_no_english_left_in_it() -> None:
    """Chinese messages keep Latin letters only for codes, names, commands, units and
    product names: an English word in a Chinese message is a translation someone forgot."""
    found = {key: latin_words(CATALOGUE[key]["zh"]) for key in KEYS}
    assert {key: words for key, words in found.items() if words} == {}


def test_every_allowed_latin_word_is_still_needed() -> None:
    """The allow-list stays as small as the catalogue needs: a word no Chinese message uses
    any more is taken off, so it cannot hide a forgotten translation later."""
    used = {
        word
        for entry in CATALOGUE.values()
        for word in _WORD.findall(_TAG.sub("", _CODE.sub("", literal(entry["zh"]))))
    }
    assert set(ALLOWED_LATIN) <= used, set(ALLOWED_LATIN) - used


def test_the_latin_check_finds_english_and_spares_codes() -> None:
    """The check is not blind: an English word in Chinese text is caught, while a command
    with its arguments, a server setting, a file extension, a coordinate, a <code> span
    and a filled-in value are not."""
    assert latin_words("请 retry 一次") == {"retry"}
    assert latin_words("<b>Warning</b>：已保存") == {"Warning"}
    assert latin_words("用法：/holiday 2024-10-01 off") == set()
    assert latin_words("请修改 ADMIN_IDS 设置，或发送 .xlsx 文件，如 32.37N 120.56E") == set()
    assert latin_words("运行 <code>duban verify --head {head}</code>，核对 {name}") == set()
    assert latin_words("可在服务器上运行 duban verify --head {head} 核对") == set()


def keys_named_in_code() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, values passed) for every call of a key taker with a written-out key in
    bot/, handlers/ and storage/; values is None when the call passes ``**values``."""
    found = []
    for folder in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call):
                    continue
                callee = call.func
                if isinstance(callee, ast.Name) and callee.id == "t":
                    position = KEY_TAKERS["t"]
                elif isinstance(callee, ast.Attribute) and callee.attr in KEY_TAKERS:
                    position = 0  # a method: work.t(key), work.reply(key)…
                else:
                    continue
                if len(call.args) <= position:
                    continue
                key = call.args[position]
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                names = {keyword.arg for keyword in call.keywords}
                values = None if None in names else {str(n) for n in names} - NOT_VALUES
                found.append((f"{path.relative_to(ROOT)}:{call.lineno}", key.value, values))
    return found


def test_every_key_the_code_names_exists_and_gets_its_values() -> None:
    """A key the code names but the catalogue lacks raises KeyError when the message is
    sent; a placeholder the call does not fill raises KeyError too; a value passed that no
    placeholder shows is a detail the reader never sees."""
    named = keys_named_in_code()
    assert len(named) > 100, "the scan lost sight of the messages"
    missing = [(where, key) for where, key, _ in named if key not in CATALOGUE]
    assert missing == []
    mismatched = [
        (where, key, sorted(values ^ placeholders(CATALOGUE[key]["zh"])))
        for where, key, values in named
        if values is not None and values != placeholders(CATALOGUE[key]["zh"])
    ]
    assert mismatched == []
