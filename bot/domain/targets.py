"""The figure in a 跟踪督办目标 (tracking target) cell, for progress charts.

Targets are sentences: ``净增100家``, ``研发投入占比达3%``, ``新增高企142家，总数达457家``.
The rule is deliberately simple so the office can predict it: **the first number in the
text is the target**, skipping years (``2025年``, four digits followed by 年) because
``到2025年高企达500家`` means 500. A percentage gives its number (3% → 3.0), and 万/亿
right after a number scale it (7063.39万元 → 70 633 900.0) so money compares with money
reported in yuan. Thousands separators are allowed (1,200). Chinese numerals are not
read: a target written in words gets no figure, and the office can still track it by text.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(年)?(万|亿)?")
_SCALE = {"万": 1e4, "亿": 1e8}


def parse_target_number(text: object) -> float | None:
    """The target's figure by the first-number rule above, or None when there is none."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    normalised = unicodedata.normalize("NFKC", str(text))
    for match in _NUMBER.finditer(normalised):
        digits, year, scale = match.groups()
        if year and len(digits) == 4:
            continue
        value = float(digits.replace(",", ""))
        return value * _SCALE[scale] if scale else value
    return None


def format_number(value: float) -> str:
    """A figure as people write it: ``62``, ``1,200``, ``70,633,900``, ``2.75`` (no
    exponent, which ``:g`` gives money targets in 万 such as 7063.39万)."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
