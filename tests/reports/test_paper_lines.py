"""Chinese line breaking for paper (bot/builders/paper.py): no line starts with closing
punctuation, a line passes its width only by one hanging mark, words stay whole."""

from __future__ import annotations

import random

import pytest

from bot.builders.paper import CLOSING, OPENING, Paper, Running, _units, break_lines, unmarked
from tests.pdf_text import pdf_pages

# A progress report as contacts write them: long clauses, many marks, quotes, a figure.
REPORT = (
    "已完成研发中心主体建设，设备采购合同已签订（共 12 台套），预计 2026 年 6 月到位；"
    "“专精特新”申报材料已报送工信局，待评审。存在问题：用地指标紧张、人才引进难，"
    "请求协调解决！下一步将加快进度，确保按期销号。"
)
ENGLISH = (
    "The research centre is built; twelve machines are ordered (contract signed), "
    "due in June 2026. Problems: land quota, hiring engineers."
)


def cjk_measure(text: str) -> float:
    """A font-free measure: a wide character is 1, anything else 0.5."""
    return sum(1.0 if ord(char) > 0x2E80 or char in "“”‘’…" else 0.5 for char in text)


def _check(
    lines: list[str], text: str, width: float, measure, *, opening_may_end: bool = False
) -> None:
    """The rules: no empty line, none starting with a closing mark, none ending with an
    opening one (unless the word after it fills a line alone), none wider than ``width``
    but by one hanging mark, and every character kept."""
    for number, line in enumerate(lines):
        assert line, "no empty line"
        if number:
            assert line[0] not in CLOSING, (line, lines)
        if number < len(lines) - 1 and line[-1] in OPENING:
            assert opening_may_end, (line, lines)
            assert measure(lines[number + 1].split()[0]) > width - measure(line[-1]), lines
        if measure(line) > width:
            # only by one hanging closing mark, or by the marks after a word as wide as a line
            rest = line
            while rest and rest[-1] in CLOSING and measure(rest) > width:
                rest = rest[:-1]
            assert measure(rest) <= width, (line, width)
            assert len(line) - len(rest) == 1 or len(_units(rest)) == 1, (line, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost


@pytest.mark.parametrize("width", [w / 2 for w in range(8, 80)])
def test_no_line_starts_with_closing_punctuation_at_any_width(width: float) -> None:
    lines = break_lines(REPORT, width, cjk_measure)
    _check(lines, REPORT, width, cjk_measure)


def test_mixed_text_of_every_kind_keeps_the_rules() -> None:
    """Random text as people write it — Chinese, Latin words, dates, opening marks before
    a word and up to two closing marks after it, spaces — at widths from three characters
    up: the rules hold for every line."""
    words = ["研", "发", "中心", "设备", "R&D", "2026-06-30", "sha256", "高企"]
    closing = ["", "", "，", "。", "、", "；", "：", "！", "）", "》", "”", "。”", "！）"]
    opening = ["", "", "", "（", "《", "“"]
    chance = random.Random(15)
    for _ in range(500):
        text = "".join(
            chance.choice(opening) + chance.choice(words) + chance.choice(closing)
            + chance.choice(["", "", " "])
            for _ in range(chance.randint(3, 40))
        )  # fmt: skip
        width = chance.uniform(3, 30)
        lines = break_lines(text, width, cjk_measure)
        _check(lines, text, width, cjk_measure, opening_may_end=True)


def test_a_mark_that_does_not_fit_hangs_on_the_line_before() -> None:
    """Four characters fit; the "，" after them hangs rather than starting the next line."""
    assert break_lines("研发中心，设备到位。", 4, cjk_measure) == ["研发中心，", "设备到位。"]


def test_two_closing_marks_take_the_character_before_them_down() -> None:
    """Only one mark may hang: with "。”" at the break, "位" goes down with both marks."""
    lines = break_lines("设备已经到位。”然后", 6, cjk_measure)
    assert lines == ["设备已经到", "位。”然后"]


def test_an_opening_mark_does_not_end_a_line() -> None:
    lines = break_lines("申报材料“专精特新”已报送", 5, cjk_measure)
    assert lines[0] == "申报材料"
    assert lines[1].startswith("“专")


def test_an_opening_mark_stays_when_the_word_after_it_fills_a_line_alone() -> None:
    """Taking "“" down would push the next line past its width: the width comes first."""
    lines = break_lines("申报材料“abcdefghi”", 5, cjk_measure)
    assert lines == ["申报材料“", "abcdefghi”"]


def test_english_breaks_between_words_and_never_inside_one() -> None:
    lines = break_lines(ENGLISH, 30, cjk_measure)
    _check(lines, ENGLISH, 30, cjk_measure)
    words = ENGLISH.split()
    assert " ".join(lines).split() == words


def test_a_word_longer_than_the_line_is_cut_to_fit() -> None:
    digest = "bf0bd14f898c9a87b3f692ae392959058a58cf6ec5ba5f947ea3d44fa5c525e6"
    lines = break_lines(f"审计链头 {digest}", 20, cjk_measure)
    assert "".join(lines[1:]) == digest
    assert all(cjk_measure(line) <= 20 for line in lines)


def test_newlines_start_new_lines_and_spaces_at_the_ends_go() -> None:
    assert break_lines("第一行\n  第二行  ", 40, cjk_measure) == ["第一行", "第二行"]


@pytest.mark.parametrize("width", [30.0, 47.5, 61.0, 88.0])
def test_with_the_real_font_in_points(width: float) -> None:
    """Measured by the PDF's own font, as the dossier measures."""
    pdf = Paper(Running("zh"))
    try:
        lines = break_lines(REPORT * 3, width, pdf.get_string_width)
        _check(lines, REPORT * 3, width, pdf.get_string_width)
        assert len(lines) > 3
    finally:
        pdf.add_page()
        pdf.output()  # closes the font file fpdf2 opened


def test_a_page_without_running_texts_has_no_header_but_keeps_its_number(tmp_path) -> None:
    """A 通报's first page carries its own letterhead: no running header there; the header
    comes from the page its texts are set on, and every page is numbered."""
    pdf = Paper(Running("zh"))
    pdf.add_page()
    pdf.running.left, pdf.running.right = "通报", "人大常委会办公室"
    pdf.add_page()
    path = tmp_path / "p.pdf"
    pdf.output(str(path))
    first, second = (page.replace("\n", "") for page in pdf_pages(path.read_bytes()))
    assert first == "第 1 页 共 2 页"
    assert second.startswith("通报人大常委会办公室") and second.endswith("第 2 页 共 2 页")


def test_an_indented_first_line_is_narrower_and_the_rest_keep_the_width() -> None:
    """A 通报's paragraph starts two characters in; its later lines use the whole width."""
    text = "截至2026年12月6日，全市共有督办事项48项，已销号12项，销号率25.0%。"
    lines = break_lines(text, 20, len, indent=2)
    assert len(lines[0]) <= 18 and all(len(line) <= 20 for line in lines[1:])
    assert len(lines[1]) > 18 and "".join(lines) == text


def test_the_chats_markers_are_left_off_paper() -> None:
    """🆕 登记为督办事项 reads 登记为督办事项 in a dossier; text without a marker is kept."""
    assert unmarked("🆕 登记为督办事项（表格导入）") == "登记为督办事项（表格导入）"
    assert unmarked("↩️ 销号申请被退回") == "销号申请被退回"
    assert unmarked("指派督查 王督查") == "指派督查 王督查"
