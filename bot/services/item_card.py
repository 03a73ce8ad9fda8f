"""The item card: one item as a person looking it up sees it, with their role's buttons.

``render_card(work, item)`` gives the text and the buttons; features add buttons for a role
by appending a function to ``CARD_BUTTONS[role]`` (inspectors get "add evidence" here;
contacts' progress and close-out buttons are added by their own feature).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.actions import EVERYONE, INSPECTORS, button, button_to, command
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Role, Status
from bot.domain.permissions import may_see_item
from bot.domain.visits import short
from bot.i18n import Safe
from bot.runtime.work import Keyboard, Work
from bot.services.card_facts import co_units_line, facts_section
from bot.services.card_progress import progress_section
from bot.services.history import history_buttons
from bot.services.item_people import people_section
from bot.services.item_view import item_line, level_of
from bot.services.presence import item_visits_section
from storage import dialogs, people
from storage import evidence as evidence_store
from storage import visits as visit_store
from storage.ledger import NotFound, get_item
from storage.lookup import search_item_ids

SEARCH_LIMIT = 8
# The problem in the card's first line: long enough for any real one, short enough that the
# card with its measure and target stays far below Telegram's 4 096 characters.
PROBLEM_LIMIT = 300
RECENT_FINDINGS = 5

CardButtons = Callable[[Work, Item], Keyboard]
CARD_BUTTONS: dict[Role, list[CardButtons]] = {role: [] for role in Role}


class ItemHidden(DomainError):
    key = "card.not_found"


def render_card(work: Work, item: Item) -> tuple[str, Keyboard]:
    """The card's text (HTML) and the buttons this person's role adds."""
    findings = visit_store.item_findings(work.db, item.id, RECENT_FINDINGS)
    lines = []
    for finding in findings:
        who = people.by_id(work.db, finding.person_id).name
        day = finding.created_at.astimezone(work.tz).strftime("%m-%d")
        text = short(finding.text, 40) if finding.text else work.t("finding.no_text")
        lines.append(work.t("card.finding_line", day=day, name=who, text=text))
    counts = evidence_store.count_by_kind(work.db, "item_id = ?", [item.id])
    place = " · ".join(part for part in (item.company, item.town) if part) or "—"
    text = work.t(
        "card.text",
        line=item_line(item, level_of(work, item), limit=PROBLEM_LIMIT),
        status=work.t(f"card.status_{item.status.value}"),
        facts=facts_section(work, item),
        unit=item.unit or work.t("card.no_unit"),
        co_units=co_units_line(work, item),
        place=place,
        review=Safe(work.t("card.needs_review") if item.needs_review else ""),
        progress=Safe(progress_section(work, item)),
        findings=Safe("\n".join(lines) if lines else work.t("card.no_findings")),
        photos=counts.get("photo", 0),
        files=sum(counts.values()) - counts.get("photo", 0),
    ) + people_section(work, item)
    visits = item_visits_section(work, item.id)  # where each visit was, 位置不符 flagged
    if visits:
        text = Safe(f"{text}\n\n{visits}")
    keyboard: Keyboard = []
    if work.person is not None:
        for add_buttons in CARD_BUTTONS[work.person.role]:
            keyboard += add_buttons(work, item)
    return text, keyboard


def _may_see(work: Work, item: Item) -> bool:
    return may_see_item(work.person, item)


def show_card(work: Work, item: Item) -> None:
    if not _may_see(work, item):
        raise ItemHidden
    text, keyboard = render_card(work, item)
    keyboard = [*keyboard, history_buttons(work, item)]  # history, photos, dossier PDF
    if work.chat is not None:
        work.send(work.chat, text, keyboard=keyboard or None)


@command("item", roles=EVERYONE, help="cmd.item")
def item_command(work: Work, words: str) -> None:
    """/item <code> shows the card; /item <words> searches codes, problems and companies."""
    words = " ".join(words.split())
    if not words:
        work.reply("card.usage")
        return
    try:
        show_card(work, get_item(work.db, words))
        return
    except NotFound:
        pass
    found = [get_item(work.db, i) for i in search_item_ids(work.db, words, SEARCH_LIMIT + 1)]
    found = [item for item in found if _may_see(work, item)]
    if not found:
        work.reply("card.not_found_words", words=words)
    elif len(found) == 1:
        show_card(work, found[0])
    else:
        keyboard: Keyboard = [
            [button_to(item_button, f"{i.code} {short(i.problem, 24)}", item=i.id)]
            for i in found[:SEARCH_LIMIT]
        ]
        work.reply("card.choose", words=words, keyboard=keyboard)


@button("item.show", roles=EVERYONE)
def item_button(work: Work, item: int) -> None:
    """The card of an item a button names (in lists, notices, search results)."""
    try:
        found = get_item(work.db, item)
    except NotFound:
        raise ItemHidden from None
    show_card(work, found)


def _inspector_buttons(work: Work, item: Item) -> Keyboard:
    if item.status is Status.CLOSED:
        return []
    return [[button_to(attach_button, work.t("card.btn_attach"), item=item.id)]]


CARD_BUTTONS[Role.INSPECTOR].append(_inspector_buttons)


@button("item.attach", roles=INSPECTORS, refusal=ItemHidden.key)
def attach_button(work: Work, item: int) -> None:
    """The next text or photos this inspector sends are attached to this item
    (bot/services/findings.py takes them: the "item.attach" dialog)."""
    assert work.person is not None  # the registry let only an inspector through
    try:
        card = get_item(work.db, item)
    except NotFound:
        raise ItemHidden from None
    if card.status is Status.CLOSED:
        work.reply("card.closed")
        return
    dialogs.put(
        work.db,
        work.person.id,
        "item.attach",
        {"item": card.id, "at": work.at.isoformat()},
        work.at,
    )
    work.reply("card.attach_ready", code=card.code)
