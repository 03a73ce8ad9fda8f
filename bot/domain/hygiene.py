"""Text that can go anywhere the bot writes it: no characters that break a workbook.

People paste from other programs, so typed text and sheet cells can carry control
characters (a NUL, a vertical tab, an escape…) and lone surrogates that arrive as JSON
escapes. XML 1.0 — and so every .xlsx — cannot hold them: openpyxl refuses the cell and the
whole export fails. Tab, newline and carriage return are ordinary text and are kept.
"""

from __future__ import annotations

import re

_BREAKS_A_WORKBOOK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def without_controls(text: str) -> str:
    """``text`` without the characters a workbook cannot hold."""
    return _BREAKS_A_WORKBOOK.sub("", text)
