"""/export: everything, or one town, unit or company (一镇区一企一表一清单), of all periods
or one (批次), as a workbook, a .zip with the evidence, or a company's dossier PDF; built by
a job with the builder ``duban export`` uses too (bot/builders/export_job.py).

The whole ledger is for the office and its leaders: every action here is theirs alone
(``OFFICE``), refused to others with the words a contact asking for /export has always seen.
"""

from __future__ import annotations

from bot.actions import OFFICE, button, button_to, command
from bot.builders.scope import PLACES, Scope, scope_name
from bot.runtime.work import Keyboard, Work
from bot.services.report_menus import rows_of, show_menu, start_job
from storage.rows import fetch_values

MAX_CHOICES = 60  # Telegram shows at most 100 buttons under a message
FORMATS = ("xlsx", "zip", "dossier")
NOT_FOR_YOU = "report.not_allowed"


@command("export", roles=OFFICE, help="cmd.export", refusal=NOT_FOR_YOU)
def offer(work: Work) -> None:
    """What to export: everything, or a town, unit or company to choose; and of which
    period (批次), all of them until one is chosen."""
    work.reply("export.choose", keyboard=_scope_keyboard(work, None))


@button("export.periods", roles=OFFICE, refusal=NOT_FOR_YOU)
def choose_period(work: Work) -> None:
    """The periods to export from, newest first, and "all periods"."""
    names = fetch_values(
        work.db, "SELECT name FROM periods ORDER BY year DESC, id DESC LIMIT ?", [MAX_CHOICES]
    )
    options = [button_to(in_period, name, period=name) for name in names]
    options.append(button_to(in_period, work.t("parity.export.all_periods"), period=None))
    show_menu(work, work.tapped_message, work.t("parity.export.choose_period"), rows_of(options))


@button("export.in_period", roles=OFFICE, refusal=NOT_FOR_YOU)
def in_period(work: Work, period: str | None) -> None:
    """The scope menu again, each of its choices now within ``period``."""
    text = work.t("parity.export.choose_in_period", period=period) if period else None
    show_menu(
        work,
        work.tapped_message,
        text or work.t("export.choose"),
        _scope_keyboard(work, period),
    )


def _scope_keyboard(work: Work, period: str | None) -> Keyboard:
    """Everything, by town / unit / company, and the period button (when there are
    periods), every choice carrying the period chosen so far."""
    within = {"period": period} if period else {}
    keyboard: Keyboard = [
        [button_to(formats, work.t("export.everything"), filter=within)],
        [button_to(pick, work.t(f"export.by_{by}"), by=by, period=period) for by in PLACES],
    ]
    if fetch_values(work.db, "SELECT 1 FROM periods LIMIT 1"):
        shown = period or work.t("parity.export.all_periods")
        label = work.t("parity.export.period_button", period=shown)
        keyboard.append([button_to(choose_period, label)])
    return keyboard


@button("export.scope", roles=OFFICE, refusal=NOT_FOR_YOU)
def pick(work: Work, by: str, town: str | None = None, period: str | None = None) -> None:
    """Towns, units or (town by town) companies to choose from, within ``period``."""
    db = work.db
    within = {"period": period} if period else {}
    if by == "company" and town is None:
        names = fetch_values(db, "SELECT name FROM towns ORDER BY name")
        options = [button_to(pick, name, by=by, town=name, period=period) for name in names]
        options.append(button_to(pick, work.t("export.no_town"), by=by, town="", period=period))
        title = work.t("export.choose_town_of_company")
    elif by == "company":
        companies = fetch_values(
            db,
            "SELECT c.name FROM companies c LEFT JOIN towns t ON t.id = c.town_id "
            "WHERE coalesce(t.name, '') = ? ORDER BY c.name LIMIT ?",
            [town, MAX_CHOICES],
        )
        options = [
            button_to(formats, name, filter={**within, "company": name}) for name in companies
        ]
        title = work.t("export.choose_company", town=town or work.t("export.no_town"))
    else:
        table = "towns" if by == "town" else "units"
        names = fetch_values(db, f"SELECT name FROM {table} ORDER BY name LIMIT ?", [MAX_CHOICES])
        options = [button_to(formats, name, filter={**within, by: name}) for name in names]
        title = work.t(f"export.choose_{by}")
    if not options:
        work.reply("export.nothing_to_choose")
        return
    show_menu(work, work.tapped_message, title, rows_of(options))


@button("export.formats", roles=OFFICE, refusal=NOT_FOR_YOU)
def formats(work: Work, filter: dict | None = None) -> None:
    """The formats for the chosen scope (a company's dossier only for a company)."""
    chosen = Scope.of(filter).as_filter()
    keyboard: Keyboard = [
        [
            button_to(go, work.t("export.xlsx"), filter=chosen, format="xlsx"),
            button_to(go, work.t("export.zip"), filter=chosen, format="zip"),
        ]
    ]
    if chosen.get("company"):
        keyboard.append([button_to(go, work.t("export.dossier"), filter=chosen, format="dossier")])
    text = work.t("export.formats", scope=scope_name(work.lang, chosen))
    show_menu(work, work.tapped_message, text, keyboard)


@button("export.go", roles=OFFICE, refusal=NOT_FOR_YOU)
def go(work: Work, filter: dict, format: str) -> None:
    """Start the export (once, however often the button is tapped); the payload's keys
    ``filter`` and ``format`` name the parameters, as buttons already in chats store them."""
    if format not in FORMATS or not work.first_tap():
        return
    chosen = Scope.of(filter).as_filter()
    scope = scope_name(work.lang, chosen)
    if format == "dossier" and chosen.get("company"):
        company = chosen["company"]
        start_job(work, "dossier", {"company": company}, "dossier.working", code=company)
        return
    start_job(work, "export", {"filter": chosen, "format": format}, "export.working", scope=scope)
