"""``duban doctor``: whether this installation can run, checked the way the bot will need it.

Each check is a plain function returning one Check: the configuration of every configured
front-end, Telegram's ``getMe`` through the configured API URL and proxy, DingTalk's token
endpoint through the bot's own OpenAPI client, the time zone, the folders the bot writes,
the database (writable, migrations current, ``PRAGMA quick_check``), free disk and the CJK
font charts are drawn with. A failing check says what to do; none prints a secret (the
bot token, the DingTalk secret, a proxy's password).

Unlike ``duban status`` it may take the database's write lock for a moment (to prove it
can) and calls out to the network, so it is for installing and upgrading, not for polling.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from bot.config import Settings
from bot.health import disk_space, existing
from storage.db import BUSY_TIMEOUT_MS
from storage.migrations import migrations, unknown_migrations

GETME_TIMEOUT_S = 5.0
DINGTALK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: ``key`` and ``values`` are its catalogue message
    (``doctor.*``), which says what to do when ``ok`` is False."""

    name: str
    ok: bool
    key: str
    values: dict[str, object] = field(default_factory=dict)


def checks(settings: Settings) -> list[Check]:
    """Every check, in the order ``duban doctor`` prints them."""
    found = [front_ends(settings)]
    if settings.token:
        found += [telegram_settings(settings), telegram_reached(settings)]
    if settings.dingtalk_configured:
        found += [dingtalk_settings(settings), dingtalk_reached(settings)]
    found.append(time_zone(settings))
    found += [writable("DATABASE_PATH", settings.database_path.parent)]
    found += [writable("MEDIA_DIR", settings.media_dir)]
    found += database(settings.database_path)
    found += [
        Check("disk", figure.ok, "doctor.disk" if figure.ok else "doctor.disk.low", figure.values)
        for figure in disk_space([settings.database_path, settings.media_dir])
    ]
    found.append(cjk_font())
    return found


def front_ends(settings: Settings) -> Check:
    named = [name for name, on in _front_ends(settings) if on]
    if not named:
        return Check("front_ends", False, "doctor.front_ends.none")
    return Check("front_ends", True, "doctor.front_ends", {"names": ", ".join(named)})


def _front_ends(settings: Settings) -> list[tuple[str, bool]]:
    return [("Telegram", bool(settings.token)), ("DingTalk", settings.dingtalk_configured)]


def shown_url(url: str) -> str:
    """A URL without its user and password (a proxy URL may carry both)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def telegram_settings(settings: Settings) -> Check:
    """The token's shape, the API URL and the proxy's were checked when the settings were
    read (a bad one stops ``duban doctor`` before any check, naming it); here they are
    shown as the bot will use them."""
    via = shown_url(settings.proxy) if settings.proxy else ""
    key = "doctor.telegram.settings_proxy" if via else "doctor.telegram.settings"
    return Check("telegram.settings", True, key, {"url": settings.api_url, "proxy": via})


def telegram_reached(settings: Settings) -> Check:
    """``getMe`` through the configured API URL and proxy, with a short timeout."""
    from bot.platforms.telegram.username import UsernameUnknown, ask_telegram

    try:
        username = ask_telegram(settings, GETME_TIMEOUT_S)
    except UsernameUnknown as error:
        return Check(
            "telegram.getme",
            False,
            f"doctor.telegram.{error.kind}",
            {"url": settings.api_url, **error.values},
        )
    return Check("telegram.getme", True, "doctor.telegram.ok", {"username": username})


def dingtalk_settings(settings: Settings) -> Check:
    """Which DingTalk app this is and where it is called (the settings refuse a missing
    robot code or card template already: bot/config.py)."""
    app = settings.dingtalk
    return Check(
        "dingtalk.settings",
        True,
        "doctor.dingtalk.settings",
        {"client_id": app.client_id, "url": app.openapi_endpoint},
    )


def dingtalk_reached(settings: Settings) -> Check:
    """An access token from DingTalk's token endpoint, asked by the bot's own client."""
    from bot.platforms.dingtalk.openapi import DingTalkConfig, DingTalkError, DingTalkOpenAPI

    app = settings.dingtalk
    api = DingTalkOpenAPI(DingTalkConfig.of(app), timeout=DINGTALK_TIMEOUT_S)

    async def ask() -> None:
        try:
            await api.access_token()
        finally:
            await api.close()

    try:
        asyncio.run(ask())
    except DingTalkError as error:
        return Check(
            "dingtalk.token",
            False,
            "doctor.dingtalk.refused",
            {"url": app.openapi_endpoint, "reason": api.redact(str(error.fault))},
        )
    return Check("dingtalk.token", True, "doctor.dingtalk.ok", {"url": app.openapi_endpoint})


def time_zone(settings: Settings) -> Check:
    local = datetime.now(UTC).astimezone(settings.timezone)
    return Check(
        "timezone",
        True,
        "doctor.timezone",
        {"zone": settings.timezone.key, "now": f"{local:%Y-%m-%d %H:%M}"},
    )


def writable(setting: str, folder: Path) -> Check:
    """Whether a file can be made in ``folder`` (or, before it exists, in the nearest
    folder above it, where the bot will make it): tried, since permissions alone do not
    tell (a read-only file system, an immutable folder, a root-owned one)."""
    target = existing(folder)
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".duban-doctor-"):
            pass
    except OSError as error:
        return Check(
            f"writable.{setting}",
            False,
            "doctor.not_writable",
            {"setting": setting, "path": target, "reason": error.strerror or error},
        )
    return Check(
        f"writable.{setting}", True, "doctor.writable", {"setting": setting, "path": folder}
    )


def database(path: Path) -> list[Check]:
    """The database's three checks; before the first run, one line saying it will be made."""
    if not path.is_file():
        return [Check("database", True, "doctor.database.none", {"path": path})]
    try:
        db = _plain_connection(path)
    except sqlite3.Error as error:
        return [Check("database", False, "doctor.database.unopened", _why(path, error))]
    try:
        return [_write_lock(db, path), _migrations(db), _quick(db)]
    finally:
        db.close()


def _plain_connection(path: Path) -> sqlite_utils.Database:
    """A connection that changes nothing: unlike the bot's (storage.db.connect) it leaves
    the journal mode as it is, so a database not yet upgraded stays as its release left it."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return sqlite_utils.Database(connection)


def _why(path: Path, error: BaseException) -> dict[str, object]:
    return {"path": path, "reason": error}


def _write_lock(db: sqlite_utils.Database, path: Path) -> Check:
    """The write lock taken and let go at once: nothing is written."""
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error as error:
        return Check("database.writable", False, "doctor.database.read_only", _why(path, error))
    return Check("database.writable", True, "doctor.database.writable", {"path": path})


def _migrations(db: sqlite_utils.Database) -> Check:
    try:
        newer = unknown_migrations(db)
        pending = [m.name for m in migrations.pending(db)]
    except sqlite3.Error as error:
        return Check("database.migrations", False, "doctor.database.unread", {"reason": error})
    if newer:
        names = ", ".join(newer)
        return Check("database.migrations", False, "doctor.migrations.newer", {"names": names})
    if pending:
        names = ", ".join(pending)
        return Check("database.migrations", False, "doctor.migrations.pending", {"names": names})
    done = len(migrations.applied(db))
    return Check("database.migrations", True, "doctor.migrations.current", {"count": done})


def _quick(db: sqlite_utils.Database) -> Check:
    try:
        answers = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.Error as error:
        answers = [str(error)]
    if answers == ["ok"]:
        return Check("database.integrity", True, "doctor.quick_check.ok")
    shown = "; ".join(" ".join(answer.split()) for answer in answers[:3])
    return Check("database.integrity", False, "doctor.quick_check.failed", {"reason": shown})


def cjk_font() -> Check:
    """The Noto Sans CJK collection charts and PDFs are drawn with, and matplotlib taking it."""
    try:
        from bot.builders.fonts import font_path, use_cjk_font

        path = font_path()
        use_cjk_font()
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        return Check("font", False, "doctor.font.missing", {"reason": error})
    return Check("font", True, "doctor.font.ok", {"path": path})
