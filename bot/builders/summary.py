"""The /report job: a short summary text and the charts, as PNG files sent as one album;
a leader gets the dashboard picture first (bot/builders/dashboard.py)."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from bot.builders import dashboard
from bot.builders.build import BuildContext, Result, album, photo, write_file
from bot.builders.charts import png, report_charts
from bot.builders.data import Filters, ReportData, collect
from bot.builders.letterhead import office_name
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.domain.reports import Scope, UnknownUnit, report_scope
from bot.i18n import Safe, t
from storage import leader_units, people
from storage.ledger import lookup_id
from storage.policy import load_policy
from storage.report_jobs import ReportJob
from storage.rows import fetch_one


def filters_from(params: dict) -> Filters:
    return Filters(
        period=params.get("period") or "quarter",
        area=params.get("area"),
        town=params.get("town"),
        unit=params.get("unit"),
        batch=params.get("batch") or None,
    )


def area_label(db: sqlite_utils.Database, code: str | None, lang: str) -> str | None:
    if not code:
        return None
    row = fetch_one(db, "SELECT name_zh, name_en FROM areas WHERE code = ?", [code])
    if row is None:
        return code
    return row["name_en"] if lang == "en" else row["name_zh"]


def scope_for(db: sqlite_utils.Database, person: Person, filters: Filters) -> Scope:
    """The person's scope, checked again now (their role or unit may have changed)."""
    unit_id = None
    if filters.unit:
        unit_id = lookup_id(db, "units", filters.unit)
        if unit_id is None:
            raise UnknownUnit(filters.unit)
    return report_scope(person, unit_id)


def describe(
    db: sqlite_utils.Database,
    person: Person,
    scope: Scope,
    filters: Filters,
    lang: str,
    as_of: date | None = None,
) -> str:
    """One line naming what the figures cover: whose items and which filters (and, for a
    period, that they are its items as they stood on its last day, ``as_of``)."""
    parts = []
    if filters.batch and as_of is not None:
        parts.append(t(lang, "periods.report.covers", name=filters.batch, day=as_of.isoformat()))
    if scope.kind == "unit":
        parts.append(t(lang, "report.scope_unit", unit=person.unit or ""))
    elif scope.kind == "inspector":
        parts.append(t(lang, "report.scope_mine"))
    if filters.unit:
        parts.append(t(lang, "report.filter_unit", unit=filters.unit))
    if filters.area:
        parts.append(t(lang, "report.filter_area", area=area_label(db, filters.area, lang)))
    if filters.town:
        parts.append(t(lang, "report.filter_town", town=filters.town))
    return " · ".join(parts)


def summary_text(data: ReportData, lang: str, covers: str) -> str:
    return t(
        lang,
        "report.summary",
        start=data.start.isoformat(),
        end=data.end.isoformat(),
        covers=Safe(f"\n{covers}") if covers else "",
        total=data.total,
        closed=data.closed,
        rate=f"{100 * data.rate:.1f}%",
        overdue=data.overdue,
        new=data.new_in_period,
        closed_in_period=data.closed_in_period,
        visits=data.visits_in_period,
    )


def build_report(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """In a worker thread: the figures, one PNG per chart on disk, and the summary."""
    lang = job.language
    person = people.by_id(db, job.person_id)
    filters = filters_from(job.params)
    scope = scope_for(db, person, filters)
    data = collect(db, scope, filters, context.today, context.tz, lang)
    covers = describe(db, person, scope, filters, lang, as_of=data.end)
    if not data.total and not data.visits:
        return Result(t(lang, "report.empty", covers=covers or "—"))
    out = context.out_dir(job.id)
    office = office_name(load_policy(db), lang)
    paths = [
        write_file(out / f"{number:02d}-{name}.png", png(figure))
        for number, (name, figure) in enumerate(report_charts(data, lang, office=office), start=1)
    ]
    sends = album(paths)
    if person.role is Role.LEADER:  # the leader's page: one tall picture before the charts
        own = frozenset(leader_units.unit_names(db, person.id))
        title = t(lang, "dash.period", start=data.start.isoformat(), end=data.end.isoformat())
        board = dashboard.for_report(db, scope, filters, data, context.today, title, covers, own)
        picture = write_file(out / "00-dashboard.png", png(dashboard.dashboard_figure(board, lang)))
        sends.insert(0, photo(picture, t(lang, "dash.caption")))
    return Result(summary_text(data, lang, covers), sends=sends)
