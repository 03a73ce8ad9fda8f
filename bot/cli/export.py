"""``duban export``: the chat's /export at the desk — the same scope (period, town, unit,
company), the same builder (bot/builders/export_job.py ``write_export``), and the same
extras: the item history sheet (事项历史) and the evidence .zip."""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.builders.build import BuildContext
from bot.builders.scope import Scope, unknown_filters
from bot.config import Settings
from bot.i18n import t
from storage.audit import chain_head

EXIT_OK, EXIT_UNKNOWN_NAME, EXIT_BAD_FILE = 0, 1, 2


@dataclass(frozen=True)
class ExportRequest:
    """What the office asked ``duban export`` for."""

    path: Path
    scope: Scope
    history: bool = False
    evidence_zip: Path | None = None


def say(lang: str, key: str, /, **values: object) -> str:
    """A catalogue message as terminal text (the catalogue's messages are HTML)."""
    return html.unescape(t(lang, key, **values))


def run_export_cli(
    db: sqlite_utils.Database, settings: Settings, request: ExportRequest, lang: str
) -> int:
    """Check the request, write the files, say what was written; the exit status."""
    problem = _refusal(db, request, lang)
    if problem:
        for line in problem:
            print(line, file=sys.stderr)
        return EXIT_UNKNOWN_NAME if unknown_filters(db, request.scope) else EXIT_BAD_FILE
    if request.path.suffix.lower() == ".csv":
        from bot.sheets.exporting import export_ledger

        count = export_ledger(db, request.path, settings.timezone, **request.scope.as_filter())
    else:
        count = _write_workbook(db, settings, request, lang)
    print(say(lang, "cli.export.done", count=count, path=request.path))
    head = chain_head(db)
    if head is not None:  # published with every export: keep it to check with duban verify
        print(say(lang, "cli.export.head", event=head.event_id, hash=head.hash))
    return EXIT_OK


def _refusal(db: sqlite_utils.Database, request: ExportRequest, lang: str) -> list[str]:
    """Why the request cannot be done as asked, one line each (none when it can)."""
    unknown = unknown_filters(db, request.scope)
    if unknown:
        return [say(lang, f"parity.cli.unknown.{key}", name=name) for key, name in unknown]
    wants_extras = request.history or request.evidence_zip is not None
    if request.path.suffix.lower() == ".csv" and wants_extras:
        return [say(lang, "parity.cli.csv_is_one_table", path=request.path)]
    if request.evidence_zip is not None and request.evidence_zip.suffix.lower() != ".zip":
        return [say(lang, "parity.cli.zip_suffix", path=request.evidence_zip)]
    return []


def _write_workbook(
    db: sqlite_utils.Database, settings: Settings, request: ExportRequest, lang: str
) -> int:
    """The workbook (and the evidence .zip parts) built as the chat's job builds them, in
    a scratch folder, then moved where the office asked."""
    from bot.builders.export_job import write_export

    context = BuildContext(
        settings.database_path, settings.media_dir, settings.timezone, datetime.now(UTC)
    )
    with tempfile.TemporaryDirectory(prefix="duban-export-") as scratch:
        made = write_export(
            context,
            db,
            request.scope,
            Path(scratch),
            lang,
            history=request.history,
            evidence=request.evidence_zip is not None,
        )
        shutil.move(made.workbook, request.path)
        if request.evidence_zip is not None:
            targets = zip_part_paths(request.evidence_zip, len(made.parts))
            for part, target in zip(made.parts, targets, strict=True):
                shutil.move(part, target)
            paths = ", ".join(str(target) for target in targets)
            print(
                say(
                    lang,
                    "parity.cli.evidence_written",
                    files=made.files,
                    parts=len(targets),
                    paths=paths,
                )
            )
    return made.count


def zip_part_paths(path: Path, parts: int) -> list[Path]:
    """Where the .zip parts go: ``path`` itself for one part, else ``name_1of3.zip`` … next
    to it, as the chat names the parts it sends."""
    if parts == 1:
        return [path]
    return [path.with_name(f"{path.stem}_{n}of{parts}{path.suffix}") for n in range(1, parts + 1)]
