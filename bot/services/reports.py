"""/report: choose a calendar range or a period (批次), area, town and (leaders, admins)
unit with buttons, then a job builds text and charts.

Buttons carry the whole choice so far in their payload, so no dialog row is needed; every
tap checks the person's scope again (a contact may only ever see their own unit). Every
registered person has a report (their own scope); the ranking is the office's.
"""

from __future__ import annotations

from bot.actions import EVERYONE, OFFICE, button, button_to, command
from bot.builders.data import Filters, units_with_items
from bot.chat import Button, UrlButton
from bot.clock import local_day
from bot.domain.people import Person
from bot.domain.permissions import ReportsNotForYou, may_export
from bot.domain.reports import (
    PERIODS,
    UnknownUnit,
    check_unit_choice,
    may_choose_unit,
    report_scope,
)
from bot.i18n import Safe
from bot.runtime.work import Keyboard, Work
from bot.services.report_menus import build_or_answer, rows_of, show_menu
from storage.ledger import lookup_id
from storage.periods import period_names
from storage.rows import fetch_one

MAX_TOWN_BUTTONS = 40
BATCH_BUTTONS = 4  # the latest periods, one row: older ones are rarely asked for
UNITS_PER_PAGE = 10  # five rows of two: the list stays short enough to read on a phone


def _person(work: Work) -> Person:
    if work.person is None:
        raise ReportsNotForYou
    return work.person


def _checked_state(work: Work, state: dict) -> dict:
    """The choice with only known keys, refused if the person may not see it."""
    person = _person(work)
    unit = state.get("unit") or None
    unit_id = None
    if unit:
        unit_id = lookup_id(work.db, "units", unit)
        if unit_id is None:
            raise UnknownUnit(unit)
    report_scope(person, unit_id)
    period = state.get("period") if state.get("period") in PERIODS else "quarter"
    checked = {"period": period, "area": state.get("area"), "town": state.get("town"), "unit": unit}
    if state.get("batch") and state["batch"] in period_names(work.db):
        checked["batch"] = state["batch"]  # kept only when chosen: older buttons lack it
    return checked


@command("report", roles=EVERYONE, help="cmd.report", refusal="report.not_allowed")
def offer(work: Work, unit: str) -> None:
    """``/report [unit]``: the options menu (a contact naming another unit is refused)."""
    _menu(work, _checked_state(work, {"unit": unit.strip() or None}), None)


@button("report.choose", roles=EVERYONE, refusal="report.not_allowed")
def choose(
    work: Work,
    period: str | None = None,
    area: str | None = None,
    town: str | None = None,
    unit: str | None = None,
    batch: str | None = None,
) -> None:
    """A period, area, town or unit was tapped: show the menu again with it chosen."""
    state = {"period": period, "batch": batch, "area": area, "town": town, "unit": unit}
    _menu(work, _checked_state(work, state), work.tapped_message)


def _menu(work: Work, state: dict, message_id: int | None) -> None:
    person = _person(work)
    area = _area_name(work, state["area"])
    keyboard: Keyboard = [
        [
            button_to(
                choose,
                ("✓ " if state["period"] == p and not state.get("batch") else "")
                + work.t(f"report.period.{p}"),
                **(_without_batch(state) | {"period": p}),
            )
            for p in PERIODS
        ],
        *_batch_rows(work, state),
        [
            button_to(
                pick,
                work.t("report.pick_area", area=area or work.t("report.any")),
                state=state,
                what="area",
            ),
            button_to(
                pick,
                work.t("report.pick_town", town=state["town"] or work.t("report.any")),
                state=state,
                what="town",
            ),
        ],
        [button_to(go, work.t("report.go"), **state)],
    ]
    if may_choose_unit(person):
        unit_button = button_to(
            units,
            work.t("report.pick_unit", unit=state["unit"] or work.t("report.any")),
            state=state,
            page=0,
        )
        keyboard.insert(2, [unit_button])
    if may_export(person):
        covered = {key: value for key, value in state.items() if key != "unit"}
        keyboard.append([button_to(ranking, work.t("report.ranking"), **covered)])
    text = work.t(
        "report.menu",
        period=_period_label(work, state),
        area=area or work.t("report.any"),
        town=state["town"] or work.t("report.any"),
        unit=Safe(work.t("report.menu_unit", unit=state["unit"])) if state["unit"] else "",
    )
    show_menu(work, message_id, text, keyboard)


def _batch_rows(work: Work, state: dict) -> Keyboard:
    """The latest periods (批次) to choose instead of a calendar range: a period's report
    shows its items as they stood on its last day."""
    buttons = [
        button_to(
            choose,
            ("✓ " if state.get("batch") == name else "")
            + work.t("periods.report.batch", name=name),
            **(state | {"batch": name}),
        )
        for name in period_names(work.db)[:BATCH_BUTTONS]
    ]
    return rows_of(buttons, per_row=BATCH_BUTTONS)


def _without_batch(state: dict) -> dict:
    """The choice with a calendar range instead of a period."""
    return {key: value for key, value in state.items() if key != "batch"}


def _period_label(work: Work, state: dict) -> str:
    """The chosen period or calendar range, as the menu names it."""
    if state.get("batch"):
        return work.t("periods.report.batch", name=state["batch"])
    return work.t(f"report.period.{state['period']}")


def _area_name(work: Work, code: str | None) -> str | None:
    if not code:
        return None
    row = fetch_one(work.db, "SELECT name_zh, name_en FROM areas WHERE code = ?", [code])
    if row is None:
        return None
    return row["name_en"] if work.lang == "en" else row["name_zh"]


@button("report.pick", roles=EVERYONE, refusal="report.not_allowed")
def pick(work: Work, state: dict, what: str) -> None:
    """The list of areas (the 1+8) or towns to choose from."""
    state = _checked_state(work, state)
    if what == "area":
        column = "name_en" if work.lang == "en" else "name_zh"
        options = [
            button_to(choose, name, **(state | {"area": code}))
            for code, name in work.db.execute(f"SELECT code, {column} FROM areas ORDER BY id")
        ]
        title = work.t("report.choose_area")
        any_choice = state | {"area": None}
    else:
        options = [
            button_to(choose, name, **(state | {"town": name}))
            for (name,) in work.db.execute(
                "SELECT name FROM towns ORDER BY name LIMIT ?", [MAX_TOWN_BUTTONS]
            )
        ]
        title = work.t("report.choose_town")
        any_choice = state | {"town": None}
    keyboard: Keyboard = [
        [button_to(choose, work.t("report.any"), **any_choice)],
        *rows_of(options),
    ]
    show_menu(work, work.tapped_message, title, keyboard)


@button("report.units", roles=EVERYONE, refusal="report.not_allowed")
def units(work: Work, state: dict, page: object = 0) -> None:
    """One page of the units with items under the options chosen (leaders and admins only;
    a unit tapped here comes back to the menu as ``/report <unit>`` would)."""
    check_unit_choice(_person(work))
    state = _checked_state(work, state)
    today = local_day(work.at, work.tz)
    filters = Filters(
        period=state["period"], area=state["area"], town=state["town"], batch=state.get("batch")
    )
    names = units_with_items(work.db, filters, today, work.tz)
    pages = max(1, -(-len(names) // UNITS_PER_PAGE))
    page = min(max(page if isinstance(page, int) else 0, 0), pages - 1)
    shown = names[page * UNITS_PER_PAGE : (page + 1) * UNITS_PER_PAGE]
    keyboard: Keyboard = [
        [button_to(choose, work.t("report.any"), **(state | {"unit": None}))],
        *rows_of([button_to(choose, name, **(state | {"unit": name})) for name in shown]),
    ]
    turn: list[Button | UrlButton] = []
    if page > 0:
        turn.append(button_to(units, work.t("report.prev_page"), state=state, page=page - 1))
    if page < pages - 1:
        turn.append(button_to(units, work.t("report.next_page"), state=state, page=page + 1))
    if turn:
        keyboard.append(turn)
    text = work.t(
        "report.choose_unit",
        period=_period_label(work, state),
        area=_area_name(work, state["area"]) or work.t("report.any"),
        town=state["town"] or work.t("report.any"),
        page=Safe(work.t("report.units_page", page=page + 1, pages=pages)) if pages > 1 else "",
        note=Safe(work.t("report.units_listed" if names else "report.units_none")),
    )
    show_menu(work, work.tapped_message, text, keyboard)


@button("report.go", roles=EVERYONE, refusal="report.not_allowed")
def go(
    work: Work,
    period: str | None = None,
    area: str | None = None,
    town: str | None = None,
    unit: str | None = None,
    batch: str | None = None,
) -> None:
    """Build the report; asked for again with the same options it is answered, not
    ignored (``build_or_answer``)."""
    state = _checked_state(
        work, {"period": period, "batch": batch, "area": area, "town": town, "unit": unit}
    )
    again = button_to(go, work.t("report.build_again"), **state)
    build_or_answer(work, "report", state, "report.working", again)


@button("report.ranking", roles=OFFICE, refusal="report.not_allowed")
def ranking(
    work: Work,
    period: str | None = None,
    area: str | None = None,
    town: str | None = None,
    batch: str | None = None,
) -> None:
    """The 通报 of the period, area and town chosen in the menu (every unit is ranked): a
    draft as PDF and picture, which an administrator then issues (bot/services/notices.py).
    A button made before it carried the menu's choice covers all time."""
    chosen = {"period": period or "all", "batch": batch, "area": area, "town": town}
    state = _checked_state(work, chosen)
    covered = {key: value for key, value in state.items() if key != "unit"}
    again = button_to(ranking, work.t("report.build_again"), **covered)
    build_or_answer(work, "ranking", covered, "ranking.working", again)
