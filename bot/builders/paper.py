"""Paper for the office's PDFs: pages that say whose they are, and Chinese text that breaks
the way printed Chinese does.

fpdf2 alone justifies ``multi_cell`` text (a timeline entry spread across the page) and
breaks lines wherever a line is full, so a line may start with "，" — both look wrong to
anyone who reads official papers. This module gives every document (the dossier, the 通报)
the same three pieces:

- ``Paper``: an A4 FPDF with the Chinese font, a running header (what the document is about
  on the left, the issuing office on the right) and footer (a note such as when it was made
  on the left, "第 N 页 共 M 页" on the right) on every page, photo-only pages included.
  The texts live in ``Running`` and may change between pages (a company's dossier names
  each item on its own pages).
- ``break_lines`` / ``write_text``: greedy left-aligned line breaking that measures with
  the font and follows the basic 禁则: no line starts with closing punctuation (the mark
  hangs at the end of the line before, at most one mark past the width) and no line ends
  with opening punctuation. Latin words break at spaces, as in English.
- ``fact_table``: a bordered two-column table (label, value) written with the same breaker,
  its rows kept whole on a page when they fit on one.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from bot.i18n import plain as plain_message

FONT = "noto"
BODY_SIZE = 11
RUNNING_SIZE = 8.5
MARGIN = 18  # mm left and right
TOP = 20  # mm: where the text starts, under the running header
BOTTOM = 18  # mm kept free at the foot of the page for the running footer
RULE_GREY = 150
RUNNING_GREY = 90
LABEL_FILL = (242, 242, 242)
CELL_PADDING = 1.5  # mm inside a table cell
LABEL_WIDTH = (24, 48)  # mm: a fact table's label column, at least and at most

# Marks that may not start a line (they close what comes before) and marks that may not end
# one (they open what comes after): the common core of the 禁则 (JIS X 4051, GB/T 15834).
CLOSING = frozenset("，。、；：？！）》」』】〕〉〗〙〛”’…‥％,.;:?!)]}%")
OPENING = frozenset("（《「『【〔〈〖〘〚“‘([{")
_TAGS = re.compile(r"<[^>]+>")

Measure = Callable[[str], float]


# --- text the font can draw ----------------------------------------------------------------


def plain(text: str) -> str:
    """Catalogue HTML as plain text for a PDF, without characters the font cannot draw
    (the chat's emoji markers would be empty boxes on paper)."""
    return drawable_only(html.unescape(_TAGS.sub("", text)))


def drawable_only(text: str) -> str:
    """Text as people typed it, less what the font cannot draw."""
    drawable = _drawable()
    return "".join(ch for ch in text if ord(ch) in drawable or ch in "\n\t").strip()


def unmarked(text: str) -> str:
    """Text without the chat's leading marker (🆕, ⏳, ↩️ …): on paper the words say it, and
    a font may draw some markers as boxed letters (🆕 as a boxed NEW)."""
    start = 0
    while start < len(text) and (
        unicodedata.category(text[start]) in ("So", "Sk", "Mn", "Cf") or text[start] == "\ufe0f"
    ):
        start += 1
    return text[start:].lstrip() if start else text


@functools.cache
def _drawable() -> frozenset[int]:
    from fontTools.ttLib import TTCollection

    from bot.builders.fonts import SC_FACE, font_path

    # Closed once read: a lazy collection otherwise keeps the 20 MB font file open.
    with TTCollection(str(font_path()), lazy=True) as collection:
        return frozenset(collection.fonts[SC_FACE].getBestCmap())


# --- line breaking -------------------------------------------------------------------------


def _units(text: str) -> list[str]:
    """The pieces a line may break between: each wide (CJK) character and each punctuation
    mark alone, a run of spaces, and each run of other characters (a Latin word, a number,
    a date) whole."""
    units: list[str] = []
    word = ""
    for char in text:
        alone = (
            char.isspace()
            or char in CLOSING
            or char in OPENING
            or unicodedata.east_asian_width(char) in ("W", "F")
        )
        if not alone:
            word += char
            continue
        if word:
            units.append(word)
            word = ""
        if char.isspace() and units and units[-1].isspace():
            units[-1] += char
        else:
            units.append(char)
    if word:
        units.append(word)
    return units


def _split_long(unit: str, width: float, measure: Measure) -> list[str]:
    """A word wider than the line, cut into pieces that each fit (a hash, a long URL)."""
    pieces, piece = [], ""
    for char in unit:
        if piece and measure(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def break_lines(text: str, width: float, measure: Measure, indent: float = 0.0) -> list[str]:
    """``text`` as lines no wider than ``width`` (as ``measure`` says), left-aligned.

    Greedy: each line takes as many pieces as fit. A closing mark that does not fit hangs
    at the end of the line (the only way a line passes ``width``, and by one mark only);
    when a second closing mark follows, the last character before them moves down with
    them instead (but for a line holding one word as wide as itself, where the marks
    hang). A line never ends with an opening mark: it moves to the next line (unless the
    word after it fills a line alone, when the width comes first). Each newline in
    ``text`` starts a new line; spaces at the ends of a line are dropped. The first line is
    ``indent`` narrower (a 通报's two-character indent).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _break_paragraph(paragraph, width, measure, 0.0 if lines else indent)
    return lines


def _break_paragraph(text: str, width: float, measure: Measure, indent: float = 0.0) -> list[str]:
    units: list[str] = []
    for unit in _units(text):
        fits = unit.isspace() or measure(unit) <= width
        units += [unit] if fits else _split_long(unit, width, measure)
    lines: list[list[str]] = []
    line: list[str] = []
    hung = False  # the line's last piece is a closing mark past the width
    for unit in units:
        room = width - indent if not lines else width  # the first line may be indented
        if not line and unit.isspace():
            continue
        if measure("".join([*line, unit]).rstrip()) <= room:
            line.append(unit)
            continue
        if not line:  # one character wider than the line: it has a line of its own
            line.append(unit)
            continue
        if unit in CLOSING and (not hung or _one_word(line)):
            line.append(unit)
            hung = True
            continue
        carried = _carried(line, unit)
        if unit not in CLOSING and measure("".join([*carried, unit])) > room:
            line += carried  # the next word fills a line alone: the opening mark stays
            carried = []
        lines.append(line)
        line = [*carried, unit] if not unit.isspace() else carried
        hung = False
    lines.append(line)
    texts = ["".join(pieces).strip() for pieces in lines]
    return [text for text in texts if text] or [""]  # an empty paragraph: one empty line


def _one_word(line: list[str]) -> bool:
    """Whether the line holds a single piece before its closing marks (a word as wide as
    the line): nothing could go down with a second mark, so that mark hangs too."""
    return sum(1 for piece in line if piece not in CLOSING) <= 1


def _carried(line: list[str], unit: str) -> list[str]:
    """The pieces at the end of a full ``line`` that must move down with ``unit`` (taken
    off ``line``): the character a second closing mark belongs to, with the marks after it,
    or an opening mark the line would otherwise end with."""
    carried: list[str] = []
    if unit in CLOSING:
        while len(line) > 1 and line[-1] in CLOSING:
            carried.insert(0, line.pop())
        while len(line) > 1 and line[-1].isspace():
            line.pop()
        if len(line) > 1:
            carried.insert(0, line.pop())
    while len(line) > 1 and (line[-1] in OPENING or line[-1].isspace()):
        piece = line.pop()
        if not piece.isspace():
            carried.insert(0, piece)
    return carried


# --- writing -------------------------------------------------------------------------------


def write_text(
    pdf: FPDF,
    text: str,
    height: float = 6,
    *,
    width: float | None = None,
    x: float | None = None,
    indent: float = 0.0,
) -> float:
    """``text`` left-aligned in lines of ``height`` mm, ``width`` wide from ``x`` (default:
    the page between its margins), the first line ``indent`` mm in, a new page where the
    page is full. Returns the height written."""
    width = pdf.epw if width is None else width
    left = pdf.l_margin if x is None else x
    lines = break_lines(text, width, pdf.get_string_width, indent)
    for number, line in enumerate(lines):
        if pdf.will_page_break(height):
            pdf.add_page()
        shift = indent if number == 0 else 0.0
        pdf.set_x(left + shift)
        pdf.cell(width - shift, height, line, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_x(pdf.l_margin)
    return height * len(lines)


def text_height(pdf: FPDF, text: str, width: float, height: float = 6) -> float:
    """The height ``write_text`` would take for ``text`` at the current font size."""
    return height * len(break_lines(text, width, pdf.get_string_width))


def heading(pdf: FPDF, text: str, size: float = 14) -> None:
    """A section's title at ``size`` points, kept with at least two lines of what follows."""
    if pdf.will_page_break(size * 0.55 + 14):
        pdf.add_page()
    pdf.set_font(FONT, size=size)
    write_text(pdf, text, size * 0.55)
    pdf.ln(2)
    pdf.set_font(FONT, size=BODY_SIZE)


def fact_table(
    pdf: FPDF,
    rows: Sequence[tuple[str, str]],
    label_width: float | None = None,
    height: float = 6,
) -> None:
    """Label and value rows with thin borders across the page, the labels shaded; a row goes
    to the next page whole when it does not fit, and only a row taller than a page is cut
    (each page's share of it boxed on its own). Without ``label_width`` the label column
    is as wide as the longest label, within LABEL_WIDTH (English labels are longer)."""
    if label_width is None:
        widest = max((pdf.get_string_width(label) for label, _ in rows), default=0)
        label_width = min(max(widest + 2 * CELL_PADDING + 3, LABEL_WIDTH[0]), LABEL_WIDTH[1])
    value_width = pdf.epw - label_width
    pad = CELL_PADDING
    for label, value in rows:
        labels = break_lines(label, label_width - 2 * pad, pdf.get_string_width)
        values = break_lines(value, value_width - 2 * pad, pdf.get_string_width)
        count = max(len(labels), len(values))
        if pdf.will_page_break(count * height + 2 * pad):
            pdf.add_page()
        top = pdf.get_y()
        lines_here = min(count, int((pdf.page_break_trigger - top - 2 * pad) // height))
        _row_box(pdf, top, lines_here * height + 2 * pad, label_width)
        pdf.set_y(top + pad)
        for index in range(count):
            if pdf.will_page_break(height + pad):
                pdf.add_page()
                top = pdf.get_y()
                rest = count - index
                lines_here = min(rest, int((pdf.page_break_trigger - top - 2 * pad) // height))
                _row_box(pdf, top, lines_here * height + 2 * pad, label_width)
                pdf.set_y(top + pad)
            y = pdf.get_y()
            if index < len(labels):
                pdf.set_xy(pdf.l_margin + pad, y)
                pdf.cell(label_width - 2 * pad, height, labels[index], align="L")
            if index < len(values):
                pdf.set_xy(pdf.l_margin + label_width + pad, y)
                pdf.cell(value_width - 2 * pad, height, values[index], align="L")
            pdf.set_xy(pdf.l_margin, y + height)
        pdf.set_xy(pdf.l_margin, pdf.get_y() + pad)


def _row_box(pdf: FPDF, top: float, height: float, label_width: float) -> None:
    """A table row's cells, drawn before its text: the label cell shaded, both bordered."""
    left = pdf.l_margin
    pdf.set_draw_color(RULE_GREY)
    pdf.set_fill_color(*LABEL_FILL)
    pdf.rect(left, top, label_width, height, style="DF")
    pdf.rect(left + label_width, top, pdf.epw - label_width, height, style="D")


# --- the page ------------------------------------------------------------------------------


@dataclass
class Running:
    """What the running header and footer say; change a field to change the next pages.

    ``lang`` chooses the page numbers' wording ("第 N 页 共 M 页" / "Page N of M"). With
    ``left`` and ``right`` both empty no header is drawn (set them after the first page
    for a document whose first page has a letterhead of its own, as a 通报 does)."""

    lang: str
    left: str = ""  # top left: what the document is about (an item's code, a title)
    right: str = ""  # top right: who issued it (bot/builders/letterhead.py office_name)
    footer: str = ""  # bottom left: e.g. when it was generated


def add_chinese_font(pdf: FPDF) -> None:
    """Register the simplified-Chinese face of the shipped collection as ``FONT``: every
    PDF the bot writes (dossier, 通报) draws its text with it."""
    from bot.builders.fonts import SC_FACE, font_path

    pdf.add_font(FONT, fname=str(font_path()), collection_font_number=SC_FACE)


class Paper(FPDF):
    """A4 portrait with the Chinese font registered and selected, margins that leave room
    for the running header and footer, and both drawn on every page from ``running``."""

    def __init__(self, running: Running) -> None:
        super().__init__(format="A4")
        self.running = running
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        add_chinese_font(self)
        self.set_font(FONT, size=BODY_SIZE)

    def header(self) -> None:
        """The document's subject on the left and the office on the right, over a rule;
        nothing while both are empty (a first page that carries its own letterhead)."""
        if not (self.running.left or self.running.right):
            return
        size = self.font_size_pt
        self.set_font(FONT, size=RUNNING_SIZE)
        self.set_text_color(RUNNING_GREY)
        half = self.epw / 2
        top = TOP - 10
        self.set_xy(self.l_margin, top)
        self.cell(half, 5, _fitted(self, self.running.left, half), align="L")
        self.set_xy(self.l_margin + half, top)
        self.cell(half, 5, _fitted(self, self.running.right, half), align="R")
        self.set_draw_color(RULE_GREY)
        self.line(self.l_margin, top + 6, self.w - self.r_margin, top + 6)
        self.set_text_color(0)
        self.set_font(FONT, size=size)
        self.set_xy(self.l_margin, TOP)

    def footer(self) -> None:
        """A rule, the running note on the left and "第 N 页 共 M 页" on the right."""
        size = self.font_size_pt
        self.set_font(FONT, size=RUNNING_SIZE)
        self.set_text_color(RUNNING_GREY)
        half = self.epw / 2
        bottom = self.h - BOTTOM + 6
        self.set_draw_color(RULE_GREY)
        self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
        self.set_xy(self.l_margin, bottom + 1)
        self.cell(half, 5, _fitted(self, self.running.footer, half), align="L")
        self.set_xy(self.l_margin + half, bottom + 1)
        number = plain_message(
            self.running.lang, "paper.page", page=self.page_no(), pages=self.str_alias_nb_pages
        )
        self.cell(half, 5, number, align="R")
        self.set_text_color(0)
        self.set_font(FONT, size=size)


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with "…" to fit ``width`` (a long company name in the running header)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
