"""Deployment settings, read once from the environment and an optional ``.env`` file.

Only what differs between deployments lives here. Working policy (reminder ladder,
thresholds) lives in the database so the office can change it from the chat.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import plain

DEFAULT_API_URL = "https://api.telegram.org"
# DingTalk's two OpenAPI hosts (the SDK's DINGTALK_OPENAPI_ENDPOINT default, and the older
# host media upload lives on), overridable so every call can be aimed at a stand-in.
DEFAULT_DINGTALK_OPENAPI = "https://api.dingtalk.com"
DEFAULT_DINGTALK_OAPI = "https://oapi.dingtalk.com"
LANGUAGES = ("zh", "en")
LOG_FORMATS = ("text", "json")
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
# What Telegram's setWebhook accepts as secret_token: https://core.telegram.org/bots/api#setwebhook
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1:8443"


@dataclass(frozen=True)
class ConfigFault:
    """One bad variable: its name, the catalogue's reason (``config.<key>``) and what the
    reason quotes, so ``duban`` says it in its own language."""

    setting: str
    key: str
    values: Mapping[str, object]


class ConfigError(Exception):
    """Raised with one line per bad variable, each naming the variable and why."""

    def __init__(self, faults: list[ConfigFault]) -> None:
        self.faults = faults
        self.problems = [self.say("en", fault) for fault in faults]
        super().__init__("\n".join(self.problems))

    @staticmethod
    def say(lang: str, fault: ConfigFault) -> str:
        """ "TIMEZONE: 'Mars/Base' is not a known IANA time zone …", in ``lang``."""
        reason = plain(lang, f"config.{fault.key}", **fault.values)
        return plain(lang, "config.line", setting=fault.setting, reason=reason)


@dataclass(frozen=True)
class DingTalkSettings:
    """The DingTalk app (Stream mode robot) this deployment answers as, and where its
    OpenAPI lives. ``admin_ids`` are staff ids: administrators from their first message,
    as ADMIN_IDS are on Telegram."""

    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    robot_code: str = ""
    card_template_id: str = ""
    openapi_endpoint: str = DEFAULT_DINGTALK_OPENAPI
    oapi_endpoint: str = DEFAULT_DINGTALK_OAPI
    admin_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WebhookSettings:
    """Telegram's webhook mode: Telegram posts each update to ``url`` (public, https, behind
    a reverse proxy) which reaches the bot's own server on ``host``:``port``; every request
    must carry ``secret`` in ``X-Telegram-Bot-Api-Secret-Token``."""

    url: str
    host: str
    port: int
    secret: str = field(repr=False)

    @property
    def path(self) -> str:
        """The path the bot serves: the URL's, as the proxy passes it on."""
        return urlsplit(self.url).path or "/"


@dataclass(frozen=True)
class Settings:
    token: str | None = field(repr=False)
    api_url: str
    proxy: str | None
    database_path: Path
    media_dir: Path
    admin_ids: frozenset[int]
    timezone: ZoneInfo
    default_language: str
    log_format: str = "text"
    dingtalk: DingTalkSettings = field(default_factory=lambda: DingTalkSettings())
    webhook: WebhookSettings | None = None
    # Where GET /healthz is served (host, port); None: not at all (bot/runtime/healthz.py).
    health_listen: tuple[str, int] | None = None

    @property
    def dingtalk_configured(self) -> bool:
        """DingTalk is a front-end of this deployment when its app's id and secret are set."""
        return bool(self.dingtalk.client_id and self.dingtalk.client_secret)

    @property
    def front_ends(self) -> frozenset[str]:
        """The platforms people reach this deployment on ("telegram", "dingtalk"), for the
        invitation text's ways to join; Telegram when neither is set (a desk command)."""
        served = {"telegram"} if self.token else set()
        if self.dingtalk_configured:
            served.add("dingtalk")
        return frozenset(served or {"telegram"})

    @property
    def base_url(self) -> str:
        """What python-telegram-bot calls: ``{root}/bot{token}/{method}``."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    def __repr__(self) -> str:  # the token must never reach a log line
        token = "set" if self.token else "unset"
        return (
            f"Settings(token={token}, api_url={self.api_url!r}, db={self.database_path}, "
            f"media={self.media_dir}, admins={sorted(self.admin_ids)}, tz={self.timezone.key})"
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse ``KEY=value`` lines; ``#`` comments and blank lines are ignored."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip().removeprefix("export ").strip()] = value
    return values


def _environment(env: Mapping[str, str] | None, dotenv: Path | None) -> dict[str, str]:
    merged = read_dotenv(dotenv if dotenv is not None else Path(".env"))
    merged.update(os.environ if env is None else env)  # the real environment wins
    return merged


def load_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """Build and validate settings; raise ConfigError listing every bad value."""
    values = _environment(env, dotenv)
    problems: list[ConfigFault] = []

    def get(name: str, default: str = "") -> str:
        return values.get(name, default).strip()

    token = get("TELEGRAM_BOT_TOKEN") or None
    if token and not _TOKEN_RE.match(token):
        problems.append(ConfigFault("TELEGRAM_BOT_TOKEN", "token", {}))

    api_url = get("TELEGRAM_API_URL", DEFAULT_API_URL).rstrip("/") or DEFAULT_API_URL
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        example = {"value": api_url, "example": DEFAULT_API_URL}
        problems.append(ConfigFault("TELEGRAM_API_URL", "api_url", example))

    proxy = get("TELEGRAM_PROXY") or None
    if proxy and urlsplit(proxy).scheme not in ("http", "https", "socks5", "socks5h"):
        schemes = "http://, https://, socks5://, socks5h://"
        problems.append(
            ConfigFault("TELEGRAM_PROXY", "proxy", {"value": proxy, "schemes": schemes})
        )

    database_path = Path(get("DATABASE_PATH", "data/duban.sqlite"))
    if database_path.exists() and database_path.is_dir():
        problems.append(ConfigFault("DATABASE_PATH", "is_folder", {"path": database_path}))
    media_dir = Path(get("MEDIA_DIR", "data/media"))
    if media_dir.exists() and not media_dir.is_dir():
        problems.append(ConfigFault("MEDIA_DIR", "not_folder", {"path": media_dir}))

    admin_ids: set[int] = set()
    for chunk in filter(None, (c.strip() for c in get("ADMIN_IDS").split(","))):
        try:
            admin_ids.add(int(chunk))
        except ValueError:
            problems.append(ConfigFault("ADMIN_IDS", "admin_id", {"value": chunk}))

    tz_name = get("TIMEZONE", "Asia/Shanghai")
    timezone = ZoneInfo("Asia/Shanghai")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        example = {"value": tz_name, "example": "Asia/Shanghai"}
        problems.append(ConfigFault("TIMEZONE", "timezone", example))

    language = get("DEFAULT_LANGUAGE", "zh").lower()
    if language in ("zh-hans", "zh-cn", "zh_cn"):
        language = "zh"
    if language not in LANGUAGES:
        choices = {"value": language, "choices": ", ".join(LANGUAGES)}
        problems.append(ConfigFault("DEFAULT_LANGUAGE", "language", choices))

    log_format = get("LOG_FORMAT", "text").lower() or "text"
    if log_format not in LOG_FORMATS:
        choices = {"value": log_format, "choices": ", ".join(LOG_FORMATS)}
        problems.append(ConfigFault("LOG_FORMAT", "log_format", choices))

    dingtalk = _dingtalk(get, problems)
    webhook = _webhook(get, problems)

    health_listen = None
    if get("HEALTH_LISTEN"):
        health_listen = listen_address(get("HEALTH_LISTEN"))
        if health_listen is None:
            problems.append(
                ConfigFault("HEALTH_LISTEN", "health_listen", {"value": get("HEALTH_LISTEN")})
            )

    if problems:
        raise ConfigError(problems)
    return Settings(
        token=token,
        api_url=api_url,
        proxy=proxy,
        database_path=database_path,
        media_dir=media_dir,
        admin_ids=frozenset(admin_ids),
        timezone=timezone,
        default_language=language,
        log_format=log_format,
        dingtalk=dingtalk,
        webhook=webhook,
        health_listen=health_listen,
    )


def _webhook(get: Callable[[str, str], str], problems: list[ConfigFault]) -> WebhookSettings | None:
    """TELEGRAM_WEBHOOK_*: None (polling) unless a URL is set; then the secret is required."""
    url = get("TELEGRAM_WEBHOOK_URL", "")
    if not url:
        return None
    faults = len(problems)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        example = {"value": url, "example": "https://duban.example.org/telegram"}
        problems.append(ConfigFault("TELEGRAM_WEBHOOK_URL", "api_url", example))
    listen = get("TELEGRAM_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN) or DEFAULT_WEBHOOK_LISTEN
    host, _, port_text = listen.rpartition(":")
    port = int(port_text) if port_text.isdigit() else 0
    if not host or not 0 < port < 65536:
        example = {"value": listen, "example": DEFAULT_WEBHOOK_LISTEN}
        problems.append(ConfigFault("TELEGRAM_WEBHOOK_LISTEN", "webhook_listen", example))
    secret = get("TELEGRAM_WEBHOOK_SECRET", "")
    if not _SECRET_RE.match(secret):
        problems.append(ConfigFault("TELEGRAM_WEBHOOK_SECRET", "webhook_secret", {}))
    if len(problems) > faults:
        return None
    return WebhookSettings(url=url, host=host.strip("[]"), port=port, secret=secret)


def listen_address(text: str) -> tuple[str, int] | None:
    """``host:port`` (``[::1]:port`` for an IPv6 host) as a (host, port) pair; None when it
    is not one."""
    host, _, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host, int(port)


def _dingtalk(get: Callable[[str, str], str], problems: list[ConfigFault]) -> DingTalkSettings:
    """The DINGTALK_* settings; the two endpoints must be http(s) URLs like the Bot API's."""
    endpoints = {}
    for name, default in (
        ("DINGTALK_OPENAPI_ENDPOINT", DEFAULT_DINGTALK_OPENAPI),
        ("DINGTALK_OAPI_ENDPOINT", DEFAULT_DINGTALK_OAPI),
    ):
        url = get(name, default).rstrip("/") or default
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(ConfigFault(name, "api_url", {"value": url, "example": default}))
        endpoints[name] = url
    staff_ids = frozenset(
        filter(None, (c.strip() for c in get("DINGTALK_ADMIN_IDS", "").split(",")))
    )
    if get("DINGTALK_CLIENT_ID", "") and get("DINGTALK_CLIENT_SECRET", ""):
        # Without them every push and every card is refused by DingTalk: the robot would
        # start, take messages and never answer.
        for name in ("DINGTALK_ROBOT_CODE", "DINGTALK_CARD_TEMPLATE_ID"):
            if not get(name, ""):
                problems.append(ConfigFault(name, "dingtalk_required", {}))
    return DingTalkSettings(
        client_id=get("DINGTALK_CLIENT_ID", ""),
        client_secret=get("DINGTALK_CLIENT_SECRET", ""),
        robot_code=get("DINGTALK_ROBOT_CODE", ""),
        card_template_id=get("DINGTALK_CARD_TEMPLATE_ID", ""),
        openapi_endpoint=endpoints["DINGTALK_OPENAPI_ENDPOINT"],
        oapi_endpoint=endpoints["DINGTALK_OAPI_ENDPOINT"],
        admin_ids=staff_ids,
    )


def front_end_configured() -> bool:
    """True when the environment or ``.env`` sets a front-end (used by ``make run``): a
    Telegram bot token, or a DingTalk app's client id and secret."""
    values = _environment(None, None)
    if values.get("TELEGRAM_BOT_TOKEN", "").strip():
        return True
    dingtalk = ("DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET")
    return all(values.get(name, "").strip() for name in dingtalk)


def configured_language() -> str:
    """DEFAULT_LANGUAGE as the environment or ``.env`` sets it, read on its own: the
    command line needs a language even to say that another setting is wrong."""
    language = _environment(None, None).get("DEFAULT_LANGUAGE", "").strip().lower()
    return "zh" if language.startswith("zh") or language not in LANGUAGES else language


def configured_log_format() -> str:
    """LOG_FORMAT as the environment or ``.env`` sets it, read on its own: logging is set up
    before (and even when) the rest of the settings are checked. Unknown values log as text;
    ``load_settings`` names them as a fault."""
    log_format = _environment(None, None).get("LOG_FORMAT", "").strip().lower()
    return log_format if log_format in LOG_FORMATS else "text"
