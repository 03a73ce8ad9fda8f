"""The office's working rules from the chat: /settings (reminder policy), /holiday
(the office's own holidays and 调休 working days) and /period (rolling into a new period)."""

from __future__ import annotations

import re
from datetime import date

from bot.actions import ADMINS, button, button_to, command, step
from bot.builders.letterhead import TEXT_SETTINGS, worded
from bot.clock import local_day
from bot.domain.policy import SETTING_KEYS, Policy, PolicyError
from bot.i18n import Safe
from bot.i18n.catalogue import CATALOGUE
from bot.runtime.work import Work
from bot.services.policy_refusals import refusal_text
from storage import dialogs, ledger
from storage import reminders as reminder_store
from storage.policy import load_policy, set_policy_value

# Settings that change when items are looked at; changing one reschedules every item.
SCHEDULE_KEYS = frozenset(
    {
        "reminder_days_before",
        "remind_on_deadline_day",
        "overdue_every_days",
        "red_after_overdue_days",
        "ongoing_progress_every",
        "lookback_after_days",
    }
)
_HOLIDAY = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(on|off|上班|放假)", re.IGNORECASE)
_YEAR = re.compile(r"(20\d\d)")


@command("settings", roles=ADMINS, help="cmd.settings")
def show(work: Work) -> None:
    """Every setting with its current and default value, each a button to change it."""
    dialogs.clear(work.db, work.person.id)
    lines = []
    for view in load_policy(work.db).describe():
        lines.append(
            work.t(
                "settings.line_changed" if view.changed else "settings.line",
                label=work.t(f"setting.{view.key}"),
                value=_shortened(_in_words(work, view.key, view.value)),
                default=_shortened(_in_words(work, view.key, view.default, marked=False)),
            )
        )
    buttons = [button_to(choose, work.t(f"setting.{key}"), key=key) for key in SETTING_KEYS]
    keyboard = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    work.reply("settings.title", lines=Safe("\n".join(lines)), keyboard=keyboard)


@button("settings.key", roles=ADMINS)
def choose(work: Work, key: str) -> None:
    """Ask for a new value of one setting."""
    if key not in SETTING_KEYS:
        return
    view = next(v for v in load_policy(work.db).describe() if v.key == key)
    dialogs.put(work.db, work.person.id, "settings.value", {"key": key}, work.at)
    work.reply(
        "settings.ask",
        label=work.t(f"setting.{key}"),
        value=_in_words(work, key, view.value),
        default=_in_words(work, key, view.default, marked=False),
    )


def _in_words(work: Work, key: str, value: str, marked: bool = True) -> str:
    """A setting's value as the reader says it (开/关, 每月, 周一); numbers and times as
    they are. The policy shows codes (on, monthly, mon), which are also what it accepts.
    An unset document text shows the wording documents use in its place, ``marked`` as the
    default where it stands for the current value."""
    if key in TEXT_SETTINGS:
        if value != "default":
            return value
        wording = worded(Policy(), key, work.lang)
        return work.t("setting.default_shown", value=wording) if marked else wording
    word = f"setting.value.{value}"
    return work.t(word) if word in CATALOGUE else value


def _shortened(text: str, limit: int = 40) -> str:
    """The settings list keeps one line per setting; a long text is cut, shown whole when
    its button is tapped."""
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit and first == text else first[:limit] + "…"


@step("settings.", roles=ADMINS, refusal="admin.only")
def on_text(work: Work, state: str, data: dict, text: str) -> None:
    """The typed value: checked by the policy itself; a refusal says why and asks again."""
    key = data["key"]
    label = work.t(f"setting.{key}")
    try:
        policy = load_policy(work.db).with_setting(key, text)
    except PolicyError as error:
        work.reply("settings.invalid", label=label, reason=refusal_text(work.lang, error))
        return
    set_policy_value(work.db, key, policy.to_values()[key], work.origin)
    dialogs.clear(work.db, work.person.id)
    if key in SCHEDULE_KEYS:
        reminder_store.reschedule_all(work.db)
    shown = next(v.value for v in policy.describe() if v.key == key)
    work.reply("settings.saved", label=label, value=_in_words(work, key, shown))


@command("holiday", roles=ADMINS, help="cmd.holiday")
def holiday(work: Work, text: str) -> None:
    """/holiday YYYY-MM-DD on|off: a working day (on) or a holiday (off); bare: the list."""
    match = _HOLIDAY.fullmatch(text.strip())
    if match is None:
        lines = [
            work.t("holiday.line_on" if workday else "holiday.line_off", day=day.isoformat())
            for day, workday in reminder_store.overrides(work.db)
        ]
        work.reply("holiday.usage", lines=Safe("\n".join(lines) or "—"))
        return
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        work.reply("holiday.bad_date", text=match.group(1))
        return
    workday = match.group(2).lower() in ("on", "上班")
    reminder_store.set_override(work.db, day, workday, work.origin)
    work.reply("holiday.set_on" if workday else "holiday.set_off", day=day.isoformat())


@command("period", roles=ADMINS, help="cmd.period")
def new_period(work: Work, name: str) -> None:
    """/period <name>: unfinished items roll into the new period with code and history."""
    name = " ".join(name.split())[:40]
    if not name:
        work.reply("period.usage")
        return
    found = _YEAR.search(name)
    year = int(found.group(1)) if found else local_day(work.at, work.tz).year
    codes = ledger.roll_over(work.db, name, year, work.origin)
    work.reply("period.started", name=name, count=len(codes))
