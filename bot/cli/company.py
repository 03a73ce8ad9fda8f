"""``duban company``: a company's coordinates and its visits' presence checks; ``--at`` sets
the coordinates (audited as the command line), for an office that keeps them elsewhere."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.visits_sheet import check_text, visit_rows
from bot.domain.audit import Origin
from bot.domain.presence import CoordinateError, parse_point
from bot.i18n import plain
from storage import presence
from storage import visits as visit_store
from storage.policy import load_policy
from storage.rows import fetch_values
from storage.visits import Company

EXIT_OK, EXIT_REFUSED = 0, 1
VISITS_SHOWN = 20


def run_company_cli(
    db: sqlite_utils.Database, name: str, at: str | None, tz: ZoneInfo, lang: str = "zh"
) -> int:
    """Print the company (and set its place first when ``at`` is given); exit 1 if the name
    matches no company or several, or the coordinate cannot be read."""
    matches = visit_store.search_companies(db, name, 10)
    exact = visit_store.company_by_name(db, name)
    company = exact or (matches[0] if len(matches) == 1 else None)
    if company is None:
        if matches:
            print(plain(lang, "cli.company.several", name=name), file=sys.stderr)
            for found in matches:
                print(f"  {found.name}", file=sys.stderr)
        else:
            print(plain(lang, "cli.company.none", name=name), file=sys.stderr)
        return EXIT_REFUSED
    if at is not None:
        try:
            point = parse_point(at)
        except CoordinateError as error:
            reason = plain(lang, f"presence.coordinate.{error.kind}", **error.values)
            print(plain(lang, "cli.company.bad_at", reason=reason), file=sys.stderr)
            return EXIT_REFUSED
        with db.atomic():
            measured = presence.set_company_point(
                db, company.id, point, "admin", Origin.cli(datetime.now(UTC))
            )
        shown = point.shown()
        print(plain(lang, "cli.company.set", company=company.name, point=shown, count=measured))
    print(_place_line(db, company, lang))
    radius = load_policy(db).presence_radius_m
    visit_ids = fetch_values(
        db,
        "SELECT id FROM visits WHERE company_id = ? ORDER BY started_at DESC LIMIT ?",
        [company.id, VISITS_SHOWN],
    )
    for row in reversed(visit_rows(db, visit_ids)):
        started = row.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        where = row.point.shown() if row.point else "-"
        print(f"  {started}  {row.inspectors or '-'}  {check_text(lang, row, radius)}  {where}")
    return EXIT_OK


def _place_line(db: sqlite_utils.Database, company: Company, lang: str) -> str:
    """力威机械（磨头镇）：32.37000N 120.56000E（WGS-84）  <map link>, or that it has none."""
    place = presence.company_point(db, company.id)
    town = plain(lang, "cli.company.town", town=company.town) if company.town else ""
    if place is None:
        shown = plain(lang, "cli.company.no_point")
    else:
        shown = plain(lang, "cli.company.point", point=place.shown(), url=place.map_url())
    return plain(lang, "cli.company.place", company=company.name, town=town, place=shown)
