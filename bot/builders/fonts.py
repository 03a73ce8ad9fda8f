"""The Chinese font for charts and PDFs, shipped as a Python package (no system fonts).

``noto-cjk-sans-otc`` carries Noto Sans CJK (OFL) as one OpenType collection. matplotlib
learns it with ``fontManager.addfont`` — naming a family it has not loaded would depend on
a font cache built before the package was installed. The collection's outlines are CFF,
which fpdf2 embeds as a CID font (reportlab's TTF support refuses CFF outlines).
"""

from __future__ import annotations

import threading
from pathlib import Path

import matplotlib
import noto_cjk_sans_otc

matplotlib.use("Agg")  # no display: charts are rendered to PNG bytes

from matplotlib import font_manager

FAMILY = "Noto Sans CJK SC"
# Face of the collection with Simplified Chinese glyph forms (JP, KR, SC, TC, HK, ...).
SC_FACE = 2

_lock = threading.Lock()
_ready = False


def font_path() -> Path:
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def use_cjk_font() -> None:
    """Register the font with matplotlib once per process and make it the default."""
    global _ready
    with _lock:
        if _ready:
            return
        font_manager.fontManager.addfont(str(font_path()))
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["font.sans-serif"] = [FAMILY, "DejaVu Sans"]
        # U+2212 (the typographic minus) is in the font, but ASCII keeps numbers plain.
        matplotlib.rcParams["axes.unicode_minus"] = False
        _ready = True
