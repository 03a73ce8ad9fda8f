"""``make docs-images`` (scripts/render_documents.py): one page of each document as a PNG for
the README, built from the demo's ledger by the bot's own builders, the same every time.

The workbooks need LibreOffice Calc and every page needs poppler's pdftoppm; where they are
not installed, the tests that need them are skipped and say which program is missing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from scripts import render_documents
from scripts.render_documents import SampleLedger, seed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
A4_AT_100_DPI = (827, 1170)  # 210 × 297 mm at 100 dots per inch, as pdftoppm rounds it
CHART_WIDTH = 1080  # the bot's pictures: a phone's width at 150 dpi (bot/builders/charts.py)
MOST_BYTES = 500 * 1024  # "a few hundred KB at most": the README stays light to clone

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="soffice (libreoffice-calc-nogui) is not installed"
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleLedger:
    return seed(tmp_path_factory.mktemp("samples") / "ledger")


def picture(path: Path) -> tuple[int, int]:
    """The size of a PNG that is a picture a README can show: a real PNG, not empty, light."""
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path.name
    assert 10 * 1024 < path.stat().st_size <= MOST_BYTES, (path.name, path.stat().st_size)
    with Image.open(path) as image:
        image.verify()
        return image.size


def test_the_leaders_report_gives_the_dashboard_and_each_chart(
    sample: SampleLedger, tmp_path: Path
) -> None:
    """The leader's /report of the demo's ledger: the tall picture first, then the charts a
    phone shows, each at the bot's width; a chart from an earlier run that the report no
    longer draws is removed, so the README's folder holds only today's set."""
    (tmp_path / "chart-gone.png").write_bytes(PNG_SIGNATURE)
    made = render_documents.render_charts(sample, tmp_path)
    names = [path.name for path in made]
    assert names[0] == "dashboard.png"
    assert {"chart-closeout.png", "chart-overdue.png", "chart-areas.png"} <= set(names)
    assert not (tmp_path / "chart-gone.png").exists()
    for path in made:
        assert picture(path)[0] == CHART_WIDTH
    assert picture(tmp_path / "dashboard.png")[1] > CHART_WIDTH  # tall, read by scrolling


@needs_pdftoppm
def test_the_notice_and_the_dossier_show_their_first_page(
    sample: SampleLedger, tmp_path: Path
) -> None:
    """The 通报 and the red item's dossier, page 1 as an A4 portrait picture at 100 dpi."""
    made = render_documents.render_pdfs(sample, tmp_path)
    assert [path.name for path in made] == ["notice.png", "dossier.png"]
    for path in made:
        assert picture(path) == A4_AT_100_DPI


@needs_pdftoppm
def test_the_same_ledger_renders_the_same_pictures(sample: SampleLedger, tmp_path: Path) -> None:
    """Rendered again from a fresh seed, a page is byte for byte the same: the clock is
    fixed, so a picture that changes in a commit is a document that changed. The dossier
    shows it best: it prints when it was made and the audit chain's head, which hashes
    everything the seed wrote (the imported table's sha256 among it)."""
    time.sleep(2)  # openpyxl stamps a workbook to the second, a zip its parts to two
    again = seed(tmp_path / "again")
    first = render_documents.first_page(render_documents.dossier(sample), tmp_path / "1.png")
    second = render_documents.first_page(render_documents.dossier(again), tmp_path / "2.png")
    assert first.read_bytes() == second.read_bytes()


@needs_soffice
@needs_pdftoppm
def test_the_workbooks_print_through_libreoffice(sample: SampleLedger, tmp_path: Path) -> None:
    """The ledger export, the weekly workbook and the import's error copy, printed by Calc
    as the office prints them: page 1 of each, an A4 page either way round."""
    made = render_documents.render_workbooks(sample, tmp_path, tmp_path / "scratch")
    assert [path.name for path in made] == ["ledger.png", "weekly.png", "import-errors.png"]
    for path in made:
        assert sorted(picture(path)) == sorted(A4_AT_100_DPI)


def test_the_import_copy_marks_the_offices_mistakes(sample: SampleLedger) -> None:
    """The error workbook is the import's annotated copy of a sheet with SHEET_MISTAKES in
    it: one row marked for each mistake, so its picture shows what an office gets back."""
    import openpyxl

    copy = render_documents.import_errors(sample)
    sheet = openpyxl.load_workbook(copy).worksheets[0]
    error_column = sheet.max_column
    assert sheet.cell(row=2, column=error_column).value  # the column's header
    marked = [row for row in range(3, sheet.max_row + 1) if sheet.cell(row, error_column).value]
    assert marked == sorted(render_documents.SHEET_MISTAKES)


def test_a_missing_program_is_named_with_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without LibreOffice or poppler on the PATH the command stops before seeding anything,
    says which program is missing and how to install it, in the locale's language, and
    writes no picture (no traceback)."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    out = tmp_path / "docs"
    assert render_documents.main([str(out)]) == 1
    printed = capsys.readouterr()
    said = printed.err
    assert "soffice (libreoffice-calc-nogui) is not installed" in said
    assert "make system-deps" in said and "Traceback" not in said
    assert "Seeding" not in printed.out  # told at once, before any work
    assert not out.exists() or not any(out.iterdir())


def test_a_job_kind_that_no_longer_exists_is_named(sample: SampleLedger) -> None:
    """When a builder moves and its job kind is renamed, the script says which kind it
    asked for and which the runner has, instead of failing somewhere inside."""
    with pytest.raises(render_documents.RenderError) as raised:
        render_documents.build(sample, "tongbao", sample.admin_id, {})
    assert raised.value.key == "samples.unknown_kind"
    assert "export" in str(raised.value.values["kinds"])
