"""/export: everything, or one town, unit or company (一镇区一企一表一清单), as a workbook,
a .zip with the evidence, or a company's dossier PDF; built by a job."""

from __future__ import annotations

from bot.builders.scope import FILTERS, scope_name
from bot.domain.permissions import require_export
from bot.runtime.work import Button, Keyboard, Work
from bot.services.report_menus import rows_of, show_menu, start_job
from storage import buttons
from storage.rows import fetch_values

MAX_CHOICES = 60  # Telegram shows at most 100 buttons under a message
FORMATS = ("xlsx", "zip", "dossier")


def _require(work: Work) -> None:
    require_export(work.person)


def offer(work: Work) -> None:
    _require(work)
    keyboard: Keyboard = [
        [Button(work.t("export.everything"), "export.formats", {"filter": {}})],
        [
            Button(work.t(f"export.by_{by}"), "export.scope", {"by": by})
            for by in ("town", "unit", "company")
        ],
    ]
    work.reply("export.choose", keyboard=keyboard)


def pick(work: Work, by: str, town: str | None, message_id: int | None) -> None:
    """Towns, units or (town by town) companies to choose from."""
    _require(work)
    db = work.db
    if by == "company" and town is None:
        names = fetch_values(db, "SELECT name FROM towns ORDER BY name")
        options = [Button(name, "export.scope", {"by": by, "town": name}) for name in names]
        options.append(Button(work.t("export.no_town"), "export.scope", {"by": by, "town": ""}))
        title = work.t("export.choose_town_of_company")
    elif by == "company":
        companies = fetch_values(
            db,
            "SELECT c.name FROM companies c LEFT JOIN towns t ON t.id = c.town_id "
            "WHERE coalesce(t.name, '') = ? ORDER BY c.name LIMIT ?",
            [town, MAX_CHOICES],
        )
        options = [
            Button(name, "export.formats", {"filter": {"company": name}}) for name in companies
        ]
        title = work.t("export.choose_company", town=town or work.t("export.no_town"))
    else:
        table = "towns" if by == "town" else "units"
        names = fetch_values(db, f"SELECT name FROM {table} ORDER BY name LIMIT ?", [MAX_CHOICES])
        options = [Button(name, "export.formats", {"filter": {by: name}}) for name in names]
        title = work.t(f"export.choose_{by}")
    if not options:
        work.reply("export.nothing_to_choose")
        return
    show_menu(work, message_id, title, rows_of(options))


def formats(work: Work, state: dict, message_id: int | None) -> None:
    _require(work)
    chosen = {key: value for key, value in state.get("filter", {}).items() if key in FILTERS}
    row = [
        Button(work.t("export.xlsx"), "export.go", {"filter": chosen, "format": "xlsx"}),
        Button(work.t("export.zip"), "export.go", {"filter": chosen, "format": "zip"}),
    ]
    keyboard: Keyboard = [row]
    if chosen.get("company"):
        keyboard.append(
            [Button(work.t("export.dossier"), "export.go", {"filter": chosen, "format": "dossier"})]
        )
    show_menu(
        work, message_id, work.t("export.formats", scope=scope_name(work.lang, chosen)), keyboard
    )


def go(work: Work, chosen: dict, fmt: str, token: str) -> None:
    """Start the export (once, however often the button is tapped)."""
    _require(work)
    if fmt not in FORMATS or not buttons.use_once(work.db, token, work.at):
        return
    chosen = {key: value for key, value in chosen.items() if key in FILTERS and value}
    scope = scope_name(work.lang, chosen)
    if fmt == "dossier" and chosen.get("company"):
        start_job(work, "dossier", {"company": chosen["company"]}, "dossier.working", code=scope)
        return
    start_job(work, "export", {"filter": chosen, "format": fmt}, "export.working", scope=scope)
