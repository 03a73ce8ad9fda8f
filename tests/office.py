"""Opening a workbook as the office does: LibreOffice Calc prints it to PDF, and poppler's
pdftotext reads each printed page back as text, laid out as on paper.

Both are Debian packages (libreoffice-calc-nogui, poppler-utils) that `make test` installs
through scripts/install-system-deps.sh; tests that need them are marked ``needs_office``
and skip, saying why, where they are missing. Every conversion runs with a profile of its
own, so parallel test runs do not fight over LibreOffice's user directory.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
CONVERT_SECONDS = 240  # a cold LibreOffice start on a busy two-core machine takes a while

needs_office = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="printing to PDF needs LibreOffice (soffice) and pdftotext: "
    "run `make system-deps` (libreoffice-calc-nogui, poppler-utils)",
)


def to_pdf(workbook: Path) -> Path:
    """The workbook printed to PDF by LibreOffice Calc, next to it: every sheet, with the
    page set-up the workbook carries."""
    assert SOFFICE is not None
    out = workbook.parent / f"{workbook.stem}-pdf"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=CONVERT_SECONDS,
        )
    pdf = out / f"{workbook.stem}.pdf"
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {workbook.name}"
    return pdf


def page_texts(pdf: Path) -> list[str]:
    """Each printed page's text, laid out as on the page (pdftotext -layout)."""
    assert PDFTOTEXT is not None
    done = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = done.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def fonts(pdf: Path) -> str:
    """The fonts the PDF embeds (pdffonts' table), to see what LibreOffice printed with."""
    pdffonts = shutil.which("pdffonts")
    assert pdffonts is not None
    done = subprocess.run([pdffonts, str(pdf)], check=True, capture_output=True, timeout=60)
    return done.stdout.decode("utf-8", "replace")
