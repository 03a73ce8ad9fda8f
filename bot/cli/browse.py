"""``duban browse``: the database in Datasette, read-only, on this computer only.

Datasette opens a database file it may change with read-only connections (``mode=ro``) and
writes only through write-enabled canned queries, of which there are none here; it is bound
to 127.0.0.1 so nobody else on the network can read the ledger. (``--immutable`` would be
wrong for a live database: it ignores the write-ahead log the bot is writing.) The saved
queries answer the office's everyday questions; each is an ordinary SQL page the office can
change and save as a link.

The tables ``invitations``, ``inbox`` and ``buttons`` hold secrets (live invitation codes,
raw updates, button tokens): they are hidden from the lists, refused as pages, and refused
to typed SQL by the plugin in bot/cli/browse_plugins/.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.i18n import plain

# The same names as bot/cli/browse_plugins/hidden_tables.py, which only Datasette imports.
HIDDEN_TABLES = ("invitations", "inbox", "buttons")
PLUGINS_DIR = Path(__file__).parent / "browse_plugins"

# Local dates: the database stores UTC, Asia/Shanghai is 8 hours ahead with no DST.
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "overdue_by_unit": {
        "title": "各单位逾期事项 Overdue items by unit",
        "sql": """SELECT coalesce(u.name, '（未指定）') AS 承办单位,
       count(*) AS 逾期事项,
       min(i.deadline) AS 最早时限
FROM items i LEFT JOIN units u ON u.id = i.unit_id
WHERE i.status != 'closed' AND i.deadline IS NOT NULL
  AND i.deadline < date('now', '+8 hours')
GROUP BY u.name
ORDER BY 逾期事项 DESC, 承办单位""",
    },
    "items_without_contact": {
        "title": "没有登记联络员的事项 Items whose unit has no registered contact",
        "sql": """SELECT i.code AS 督办编号, i.problem AS 问题,
       coalesce(u.name, '（未指定）') AS 承办单位, i.deadline AS 办理时限, i.status AS 状态
FROM items i LEFT JOIN units u ON u.id = i.unit_id
WHERE i.status != 'closed' AND NOT EXISTS (
  SELECT 1 FROM people p
  WHERE p.unit_id = i.unit_id AND p.role = 'contact' AND p.active = 1
    AND p.account IS NOT NULL)
ORDER BY 承办单位, i.deadline""",
    },
    "visits_this_month": {
        "title": "本月走访 Visits this month",
        "sql": """SELECT datetime(v.started_at, '+8 hours') AS 开始时间,
       c.name AS 企业, coalesce(t.name, '') AS 镇区, p.name AS 督查人员,
       (SELECT count(*) FROM findings f WHERE f.visit_id = v.id AND f.withdrawn = 0) AS 发现问题,
       coalesce(v.end_reason, '进行中') AS 结束
FROM visits v JOIN companies c ON c.id = v.company_id
LEFT JOIN towns t ON t.id = c.town_id JOIN people p ON p.id = v.started_by
WHERE v.started_at >= datetime(strftime('%Y-%m-01', 'now', '+8 hours'), '-8 hours')
ORDER BY v.started_at DESC""",
    },
}


def metadata(database: str) -> dict:
    """Datasette metadata: a title and the canned queries for the database ``database``."""
    return {
        "title": "督办 Duban",
        "description": "只读浏览督办台账 · read-only view of the supervision ledger",
        "databases": {
            database: {
                "queries": CANNED_QUERIES,
                "tables": {name: {"hidden": True, "allow": False} for name in HIDDEN_TABLES},
            }
        },
    }


def command(database_path: Path, metadata_path: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--metadata",
        str(metadata_path),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "allow_download",
        "off",
    ]


def run_browse(database_path: Path, port: int, lang: str = "zh") -> int:
    """Serve until interrupted; the metadata file lives only as long as the server."""
    if not database_path.is_file():
        print(plain(lang, "cli.no_database", path=database_path), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="duban-browse-") as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(
            json.dumps(metadata(database_path.stem), ensure_ascii=False), encoding="utf-8"
        )
        url = f"http://127.0.0.1:{port}/"
        print(plain(lang, "cli.browse.serving", url=url, stop="Ctrl+C"))
        try:
            return subprocess.call(command(database_path, meta, port))
        except KeyboardInterrupt:
            return 0
