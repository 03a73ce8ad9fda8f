"""/export: everything, one town, unit or company (一镇区一企一表一清单), or one period (批次)
as of its last day, as a workbook, a .zip with the evidence, or a company's dossier PDF;
built by a job.

The whole ledger is for the office and its leaders: every action here is theirs alone
(``OFFICE``), refused to others with the words a contact asking for /export has always seen.
"""

from __future__ import annotations

from bot.actions import OFFICE, button, button_to, command
from bot.builders.scope import FILTERS, scope_name
from bot.runtime.work import Keyboard, Work
from bot.services.report_menus import rows_of, show_menu, start_job
from storage.periods import period_names
from storage.rows import fetch_values

MAX_CHOICES = 60  # Telegram shows at most 100 buttons under a message
FORMATS = ("xlsx", "zip", "dossier")
NOT_FOR_YOU = "report.not_allowed"


@command("export", roles=OFFICE, help="cmd.export", refusal=NOT_FOR_YOU)
def offer(work: Work) -> None:
    """What to export: everything, or a town, unit or company to choose."""
    keyboard: Keyboard = [
        [button_to(formats, work.t("export.everything"), filter={})],
        [button_to(pick, work.t(f"export.by_{by}"), by=by) for by in ("town", "unit", "company")],
        [button_to(pick, work.t("periods.export.by_period"), by="period")],
    ]
    work.reply("export.choose", keyboard=keyboard)


@button("export.scope", roles=OFFICE, refusal=NOT_FOR_YOU)
def pick(work: Work, by: str, town: str | None = None) -> None:
    """Towns, units, (town by town) companies or periods (批次) to choose from."""
    db = work.db
    if by == "period":
        options = [
            button_to(formats, work.t("periods.export.scope", name=name), filter={"period": name})
            for name in period_names(db)[:MAX_CHOICES]
        ]
        title = work.t("periods.export.choose_period")
    elif by == "company" and town is None:
        names = fetch_values(db, "SELECT name FROM towns ORDER BY name")
        options = [button_to(pick, name, by=by, town=name) for name in names]
        options.append(button_to(pick, work.t("export.no_town"), by=by, town=""))
        title = work.t("export.choose_town_of_company")
    elif by == "company":
        companies = fetch_values(
            db,
            "SELECT c.name FROM companies c LEFT JOIN towns t ON t.id = c.town_id "
            "WHERE coalesce(t.name, '') = ? ORDER BY c.name LIMIT ?",
            [town, MAX_CHOICES],
        )
        options = [button_to(formats, name, filter={"company": name}) for name in companies]
        title = work.t("export.choose_company", town=town or work.t("export.no_town"))
    else:
        table = "towns" if by == "town" else "units"
        names = fetch_values(db, f"SELECT name FROM {table} ORDER BY name LIMIT ?", [MAX_CHOICES])
        options = [button_to(formats, name, filter={by: name}) for name in names]
        title = work.t(f"export.choose_{by}")
    if not options:
        work.reply("export.nothing_to_choose")
        return
    show_menu(work, work.tapped_message, title, rows_of(options))


@button("export.formats", roles=OFFICE, refusal=NOT_FOR_YOU)
def formats(work: Work, filter: dict | None = None) -> None:
    """The formats for the chosen scope (a company's dossier only for a company)."""
    chosen = {key: value for key, value in (filter or {}).items() if key in FILTERS}
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
    chosen = {key: value for key, value in filter.items() if key in FILTERS and value}
    scope = scope_name(work.lang, chosen)
    if format == "dossier" and chosen.get("company"):
        start_job(work, "dossier", {"company": chosen["company"]}, "dossier.working", code=scope)
        return
    start_job(work, "export", {"filter": chosen, "format": format}, "export.working", scope=scope)
