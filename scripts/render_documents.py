"""One rendered page of each of the office's documents, for the README: ``make docs-images``.

``python -m scripts.render_documents docs/`` seeds the demo's ledger (bot/cli/demo.py: the
source article's 31 items, one person in every role, two items closed, a red item raised
to a joint meeting) in a temporary folder, on a fixed day, and builds each document the way
the bot does: a job of its kind run by the runner's own ``build`` (bot/builders/runner.py),
so every picture shows what an office gets from the chat today, and a builder that moves to
another module is followed through the runner's table. Then:

- the workbooks (the ledger export, the weekly workbook, the import's error copy) are
  printed to PDF by LibreOffice Calc, as the office would print them, and their first
  page rendered at 100 dpi by poppler's pdftoppm;
- the PDFs (the 通报 and an item's dossier) have their first page rendered the same way;
- the charts (the /report album a leader gets, and the leader's picture before it) are
  the PNGs the bot sends, copied as they are.

The day is fixed (a Friday afternoon, in office hours), so the same code renders the same
pictures: a changed picture is a changed document. It is a maintainer's tool, not part of
``duban``: it needs LibreOffice and poppler, which a server running the bot never needs
(``make docs-images`` installs them with the other system packages).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
from PIL import Image

from bot.builders import runner
from bot.builders.build import BuildContext, Result
from bot.builders.import_preview import sheet_path
from bot.builders.notice import IssueNotice, gather, notice_filters
from bot.chat import Address, Album, Attachment
from bot.cli import demo
from bot.cli.language import cli_language
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.i18n import plain
from storage import ledger, report_jobs
from storage import people as people_store
from storage.db import connect, open_database
from storage.policy import load_policy, set_policy_value

# 15:00 in 如皋 on Friday 4 December 2026: a working day, so the week has closed items, and
# the demo's deadlines (days from "today") fall around it as they do in the demo.
NOW = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
LANG = "zh"  # the office's documents, as the README shows them
DPI = 100
CONVERT_TIMEOUT_S = 300

# The job kinds of runner.BUILDERS that make each document.
EXPORT_KIND = "export"
WEEKLY_KIND = "weekly"
IMPORT_KIND = "import"
NOTICE_KIND = "ranking"  # the draft (样稿)
ISSUE_KIND = "notice"  # 签发: the numbered paper
NOTICE_PARAMS = {"period": "year"}  # the 通报 of the year so far, as the reports menu offers it
DOSSIER_KIND = "dossier"
REPORT_KIND = "report"

# What the sample office calls itself (settings an administrator makes in /settings): the
# documents take them from the policy, as they would in a real county.
LETTERHEAD = {"office_name": "如皋市人大常委会办公室", "notice_prefix": "皋人大办"}
DOSSIER_SEQ = "14"  # 高新区管委会's incubators: red, raised to a joint meeting, overdue
IMPORT_FILE = "督查推进任务表（修订）.xlsx"
# Mistakes an office makes in its table, by the sheet row (title row 1, header row 2): an
# area outside the 1+8 system, a date that does not exist, a level no one defined, and a
# row with its problem left empty.
SHEET_MISTAKES = {
    4: {"领域": "智能制造"},
    8: {"办理时限": "2026-02-30"},
    12: {"督办等级": "紫"},
    17: {"问题": None},
}

SOFFICE = ("soffice", "libreoffice-calc-nogui")  # (program, the Debian package it is in)
PDFTOPPM = ("pdftoppm", "poppler-utils")
INSTALL = "make system-deps"


class RenderError(Exception):
    """A tool is missing or failed: said to whoever ran the script in their language."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class SampleLedger:
    """The seeded ledger and who asks for each document."""

    context: BuildContext
    admin_id: int
    leader_id: int
    dossier_item: int
    period: str


def seed(directory: Path, now: datetime = NOW) -> SampleLedger:
    """The demo's ledger in ``directory`` (emptied first), named as the sample office: the
    demo's table imported and its people and story seeded (bot/cli/demo.py), as
    ``demo.prepare_directory`` does, but from a table that is the same file every time."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    sheet = demo.write_sheet(directory / demo.SHEET_NAME, now.astimezone(demo.TIMEZONE).date())
    same_bytes(sheet, now)
    database = directory / "duban.sqlite"
    db = open_database(database)
    try:
        demo.seed_database(db, sheet, now)
        origin = Origin.system(now, "samples")
        for key, text in LETTERHEAD.items():
            value = load_policy(db).with_setting(key, text).to_values()[key]
            set_policy_value(db, key, value, origin)
        accounts = {
            person.account: person.id
            for person in people_store.active_people(db)
            if person.account is not None
        }
        period = str(now.astimezone(demo.TIMEZONE).year)
        items = {item.seq: item.id for item in ledger.list_items(db, period=period)}
    finally:
        db.close()
    context = BuildContext(database, directory / "media", demo.TIMEZONE, now)
    return SampleLedger(
        context=context,
        admin_id=accounts[str(demo.ADMIN_ID)],
        leader_id=next(accounts[str(p.user_id)] for p in demo.PEOPLE if p.role is Role.LEADER),
        dossier_item=items[DOSSIER_SEQ],
        period=period,
    )


_TAG = re.compile(r"<[^>]+>")
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def same_bytes(workbook: Path, now: datetime) -> Path:
    """The workbook rewritten with ``now`` as its creation and modification time and as the
    time of every part in it. The import records the file's sha256 as the author of what it
    wrote, so the audit chain's head, which the ledger and the dossier print, depends on
    these bytes; openpyxl stamps them with the wall clock."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    moment = now.astimezone(demo.TIMEZONE).timetuple()[:6]
    with zipfile.ZipFile(workbook) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(workbook, "w") as target:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = _STAMPS.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            part = zipfile.ZipInfo(name, date_time=moment)
            target.writestr(part, data, compress_type=zipfile.ZIP_DEFLATED)
    return workbook


# --- the documents, built as the bot builds them -----------------------------------------


def build(sample: SampleLedger, kind: str, person_id: int, params: dict) -> list[Path]:
    """The files a job of ``kind`` made, in sending order (``run_job``)."""
    _, result = run_job(sample, kind, person_id, params)
    files = _files(result)
    if result.failed or not files:
        raise RenderError("samples.no_document", kind=kind, text=_TAG.sub("", result.text))
    return files


def run_job(sample: SampleLedger, kind: str, person_id: int, params: dict) -> tuple[int, Result]:
    """Run a job of ``kind`` as the chat asks for one (a row in report_jobs, from the
    person's own chat) through the runner's builder: the job's number and its result."""
    if kind not in runner.BUILDERS:  # a kind renamed with its builder: say which exist
        raise RenderError("samples.unknown_kind", kind=kind, kinds=", ".join(runner.BUILDERS))
    db = connect(sample.context.db_path)
    try:
        person = people_store.by_id(db, person_id)
        chat = Address(person.platform, str(person.account))
        job_id = report_jobs.create(
            db,
            kind=kind,
            person_id=person_id,
            chat=chat,
            language=LANG,
            params=params,
            at=sample.context.now,
            update_id=None,
        )
        job = report_jobs.get(db, job_id)
    finally:
        db.close()
    assert job is not None
    if kind == IMPORT_KIND:
        # Where the chat's download would have put the office's file (sheet_download.download).
        _write_faulty_sheet(sheet_path(sample.context, job_id, IMPORT_FILE), sample.context)
    return job_id, runner.build(kind, sample.context, job)


def _files(result: Result) -> list[Path]:
    attachments: list[Attachment] = []
    for send in result.sends:
        attachments.extend(send.attachments if isinstance(send, Album) else [send])
    return [Path(attachment.path) for attachment in attachments if attachment.path]


def _write_faulty_sheet(path: Path, context: BuildContext) -> Path:
    """The demo's table as an office might send it back, with SHEET_MISTAKES in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    demo.write_sheet(path, context.today)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[2]}
    for row, changes in SHEET_MISTAKES.items():
        for header, value in changes.items():
            sheet.cell(row=row, column=columns[header]).value = value  # None empties it
    book.save(path)
    return path


def workbooks(sample: SampleLedger) -> dict[str, Path]:
    """The three workbooks, by the name their picture gets."""
    monday = sample.context.today - timedelta(days=sample.context.today.weekday())
    export = build(sample, EXPORT_KIND, sample.admin_id, {"filter": {"period": sample.period}})
    weekly = build(sample, WEEKLY_KIND, sample.leader_id, {"week": monday.isoformat()})
    return {
        "ledger": _one(export, ".xlsx"),
        "weekly": _one(weekly, ".xlsx"),
        "import-errors": import_errors(sample),
    }


def import_errors(sample: SampleLedger) -> Path:
    """The annotated copy an administrator gets back for a table with mistakes in it."""
    made = build(sample, IMPORT_KIND, sample.admin_id, {"file_name": IMPORT_FILE})
    return _one(made, ".xlsx")


def pdfs(sample: SampleLedger) -> dict[str, Path]:
    """The issued 通报 and the dossier of the red item, by the name their picture gets."""
    return {"notice": issued_notice(sample), "dossier": dossier(sample)}


def issued_notice(sample: SampleLedger) -> Path:
    """The 通报 as issued: the preview (``ranking``), then 签发 (``notice``) with the figures
    the preview showed; the paper is numbered and kept on disk before delivery records it."""
    draft, _ = run_job(sample, NOTICE_KIND, sample.admin_id, NOTICE_PARAMS)
    db = connect(sample.context.db_path, read_only=True)
    try:
        figures = gather(db, notice_filters(NOTICE_PARAMS), sample.context.today, sample.context.tz)
    finally:
        db.close()
    params = {"draft": draft, "figures": figures.fingerprint()}
    _, issued = run_job(sample, ISSUE_KIND, sample.admin_id, params)
    if issued.failed or not isinstance(issued.commit, IssueNotice):
        raise RenderError("samples.no_document", kind=ISSUE_KIND, text=_TAG.sub("", issued.text))
    return Path(issued.commit.papers[LANG].path)


def dossier(sample: SampleLedger) -> Path:
    """The dossier of DOSSIER_SEQ, as the office asks for it from the item's card."""
    made = build(sample, DOSSIER_KIND, sample.admin_id, {"item": sample.dossier_item})
    return _one(made, ".pdf")


def charts(sample: SampleLedger) -> dict[str, Path]:
    """The leader's /report: the dashboard picture, then each chart of the album."""
    made = build(sample, REPORT_KIND, sample.leader_id, {})
    named: dict[str, Path] = {}
    for path in made:
        name = path.stem.split("-", 1)[-1]  # the builder numbers them: 00-dashboard, 01-…
        named[name if name == "dashboard" else f"chart-{name}"] = path
    return named


def _one(files: list[Path], suffix: str) -> Path:
    """The file of the kind a document is (a job may send a picture beside its PDF)."""
    for path in files:
        if path.suffix == suffix:
            return path
    made = ", ".join(path.name for path in files)
    raise RenderError("samples.no_file", suffix=suffix, files=made)


# --- pages as pictures -------------------------------------------------------------------


def render_workbooks(sample: SampleLedger, out: Path, scratch: Path) -> list[Path]:
    """Each workbook printed to PDF by LibreOffice Calc (all in one run), page 1 as PNG."""
    _require(SOFFICE)
    _require(PDFTOPPM)
    printing = scratch / "print"
    printing.mkdir(parents=True, exist_ok=True)
    copies = []
    for name, workbook in workbooks(sample).items():
        copies.append(shutil.copyfile(workbook, printing / f"{name}.xlsx"))
    profile = (scratch / "soffice-profile").resolve().as_uri()
    _run(
        SOFFICE[0],
        [f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(printing), *map(str, copies)],
        copies[0],
    )  # fmt: skip
    return [first_page(copy.with_suffix(".pdf"), out / f"{copy.stem}.png") for copy in copies]


def render_pdfs(sample: SampleLedger, out: Path) -> list[Path]:
    """The 通报 and the dossier, page 1 of each as PNG."""
    _require(PDFTOPPM)
    return [first_page(pdf, out / f"{name}.png") for name, pdf in pdfs(sample).items()]


def render_charts(sample: SampleLedger, out: Path) -> list[Path]:
    """The charts as the bot sends them; earlier chart-*.png files are removed first, so a
    chart the report no longer draws does not linger in the README's folder."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("chart-*.png"):
        stale.unlink()
    return [shutil.copyfile(png, out / f"{name}.png") for name, png in charts(sample).items()]


def first_page(pdf: Path, target: Path) -> Path:
    """Page 1 of ``pdf`` as ``target`` (PNG, DPI dots per inch)."""
    if not pdf.is_file():
        raise RenderError("samples.not_converted", tool=SOFFICE[0], file=pdf.with_suffix("").name)
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    _run(
        PDFTOPPM[0],
        ["-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        pdf,
    )
    return target


def _require(tool: tuple[str, str]) -> None:
    program, package = tool
    if shutil.which(program) is None:
        raise RenderError("samples.missing_tool", tool=program, package=package, command=INSTALL)


def _run(program: str, arguments: list[str], file: Path) -> None:
    try:
        done = subprocess.run(
            [program, *arguments],
            capture_output=True,
            text=True,
            timeout=CONVERT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            "samples.tool_failed", tool=program, file=file.name, reason=f"> {CONVERT_TIMEOUT_S} s"
        ) from None
    if done.returncode != 0:
        reason = (done.stderr.strip() or f"exit {done.returncode}").splitlines()[-1]
        raise RenderError("samples.tool_failed", tool=program, file=file.name, reason=reason)


# --- the command -------------------------------------------------------------------------


def render_all(out: Path, scratch: Path) -> list[Path]:
    """Every sample page into ``out``, working in ``scratch``."""
    sample = seed(scratch / "ledger")
    made = render_charts(sample, out)
    made += render_pdfs(sample, out)
    made += render_workbooks(sample, out, scratch)
    return made


def main(argv: list[str] | None = None) -> int:
    lang = cli_language(None, os.environ)
    parser = argparse.ArgumentParser(
        prog="python -m scripts.render_documents", description=plain(lang, "samples.about")
    )
    parser.add_argument("folder", type=Path, help=plain(lang, "samples.folder", example="docs/"))
    args = parser.parse_args(argv)
    day = NOW.astimezone(demo.TIMEZONE).date().isoformat()
    try:
        # Looked for first: a machine without them is told at once, not after the seeding.
        _require(SOFFICE)
        _require(PDFTOPPM)
        print(plain(lang, "samples.seeding", day=day), flush=True)
        with tempfile.TemporaryDirectory(prefix="duban-samples-") as scratch:
            made = render_all(args.folder, Path(scratch))
    except RenderError as error:
        print(plain(lang, error.key, **error.values), file=sys.stderr)
        return 1
    for path in made:
        with Image.open(path) as picture:
            width, height = picture.size
        size = f"{(path.stat().st_size + 1023) // 1024} KB"
        print(plain(lang, "samples.written", path=path, width=width, height=height, size=size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
