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
from storage import presence
from storage import visits as visit_store
from storage.policy import load_policy
from storage.rows import fetch_values

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
            print(f"duban: '{name}' matches several companies:", file=sys.stderr)
            for found in matches:
                print(f"  {found.name}", file=sys.stderr)
        else:
            print(f"duban: no company matches '{name}'", file=sys.stderr)
        return EXIT_REFUSED
    if at is not None:
        try:
            point = parse_point(at)
        except CoordinateError as error:
            print(f"duban: --at: {error}", file=sys.stderr)
            return EXIT_REFUSED
        with db.atomic():
            measured = presence.set_company_point(
                db, company.id, point, "admin", Origin.cli(datetime.now(UTC))
            )
        print(f"set {company.name} to {point.shown()} (WGS-84); {measured} visits measured")
    place = presence.company_point(db, company.id)
    town = f"（{company.town}）" if company.town else ""
    shown = f"{place.shown()} (WGS-84)  {place.map_url()}" if place else "no coordinates"
    print(f"{company.name}{town}: {shown}")
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
