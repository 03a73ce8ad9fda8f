"""``duban status`` (the health figures against their thresholds) and ``duban doctor`` (can
this installation run), one line each, ✓ or ✗, in the command line's language.

``duban status`` opens the database read-only, so it runs beside the bot (and as the
container's health check, with ``--health-check``: only the figures a restart can mend).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime

from bot.config import ConfigError, Settings, load_settings
from bot.doctor import checks
from bot.domain.health import Figure
from bot.health import database_not_current, database_unreadable, figures
from bot.i18n import plain
from storage.db import connect
from storage.migrations import migrations, unknown_migrations

EXIT_OK, EXIT_PAST = 0, 1
OK_MARK, BAD_MARK = "✓", "✗"


def _line(ok: bool, text: str) -> str:
    return f"{OK_MARK if ok else BAD_MARK} {text}"


def read_figures(settings: Settings, now: datetime) -> list[Figure]:
    """Every figure, or the one saying why the database could not be read."""
    path = settings.database_path
    if not path.is_file():
        return [database_unreadable(path, None)]
    try:
        db = connect(path, read_only=True)
        try:
            if migrations.pending(db) or unknown_migrations(db):  # its figures mean otherwise
                return [database_not_current(path)]
            return figures(db, settings, now)
        finally:
            db.close()
    except sqlite3.Error as error:
        return [database_unreadable(path, str(error))]


def run_status_cli(settings: Settings, lang: str, as_json: bool, health_check: bool) -> int:
    """Print the figures; exit 1 when any is past its threshold. With ``health_check``,
    only the figures a restart of the bot can mend are printed and counted."""
    shown = read_figures(settings, datetime.now(UTC))
    if health_check:
        shown = [figure for figure in shown if figure.restart_mends]
    healthy = all(figure.ok for figure in shown)
    if as_json:
        print(json.dumps(_as_json(shown, healthy, lang), ensure_ascii=False, indent=2))
    else:
        for figure in shown:
            print(_line(figure.ok, plain(lang, figure.key, **_worded(lang, figure.values))))
    return EXIT_OK if healthy else EXIT_PAST


def _worded(lang: str, values: dict[str, object]) -> dict[str, object]:
    """Values as a person reads them: a platform by its name in ``lang``."""
    platform = values.get("platform")
    if platform is None:
        return values
    return {**values, "platform": plain(lang, f"health.platform.{platform}")}


def _as_json(shown: list[Figure], healthy: bool, lang: str) -> dict[str, object]:
    return {
        "ok": healthy,
        "checked_at": datetime.now(UTC).isoformat(),
        "figures": [
            figure.as_json() | {"text": plain(lang, figure.key, **_worded(lang, figure.values))}
            for figure in shown
        ],
    }


def run_doctor_cli(lang: str) -> int:
    """Print every check; exit 1 when any failed. Settings that cannot be read are each a
    failed line, and nothing else can be checked without them."""
    try:
        settings = load_settings()
    except ConfigError as error:
        for fault in error.faults:
            print(_line(False, ConfigError.say(lang, fault)))
        print(plain(lang, "doctor.failed", count=len(error.faults)), file=sys.stderr)
        return EXIT_PAST
    found = checks(settings)
    for check in found:
        print(_line(check.ok, plain(lang, check.key, **check.values)))
    failed = sum(not check.ok for check in found)
    if failed:
        print(plain(lang, "doctor.failed", count=failed), file=sys.stderr)
        return EXIT_PAST
    print(plain(lang, "doctor.passed"))
    return EXIT_OK
