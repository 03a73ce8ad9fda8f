"""What contacts, the office and leaders do from an item card: report progress (报告进展),
ask for close-out (申请销号) or more time (延期), acknowledge (签收), escalate (提级).

Progress and close-out requests are collected in a dialog row: the contact types text,
sends photos and documents (stored as evidence the moment they arrive), types a figure
toward the item's numeric target, then taps 提交. Every button re-checks the rules against
the item as it is now, because the card may be days old.
"""

from __future__ import annotations

import re
import unicodedata

from bot.actions import button, button_to, step
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Event, Role, Status, decide, may
from bot.domain.permissions import is_admin
from bot.domain.targets import format_number
from bot.domain.visits import MediaIn
from bot.i18n import Safe
from bot.runtime.work import Keyboard, Work
from bot.services import acks as ack_actions
from bot.services import closeout, escalation, extensions, item_card, levels
from bot.services.item_view import viewable_item
from storage import dialogs, evidence, followup, ledger
from storage import reminders as reminder_store

PROGRESS, CLOSEOUT = "progress", "closeout"
_STATE = "followup."
# One typed message, whole: Telegram's own limit. Cards that show the texts shorten them to
# fit (bot/i18n/limits.py) and point to /history, which shows them in full.
_TEXT_LIMIT = 4096
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:/|of|／)\s*\d+(?:\.\d+)?)?")
# A measure word after a figure: one the target itself uses (a few characters), or one of
# the words the office's tables count in. "天" or "月" after a number is not a figure.
_WORD_LIMIT = 3
_MEASURE_WORDS = frozenset(
    {"家", "个", "项", "人", "名", "件", "户", "所", "台", "套", "元", "万元", "亿元", "%"}
)


class NotYourAction(DomainError):
    """The person's role or unit does not allow this on this item (now)."""

    key = "error.not_permitted"


def card_actions(work: Work, item: Item) -> Keyboard:
    """The rows this person may use on this item now."""
    person = work.person
    if person is None:
        return []
    actor, parties, status = person.actor, item.parties, item.status
    rows: Keyboard = []
    if person.role is Role.CONTACT:
        row = []
        if may(Event.LOG_ACTIVITY, status, actor, parties):
            row.append(button_to(start_progress, work.t("act.progress"), item=item.id))
        if may(Event.REQUEST_CLOSE, status, actor, parties):
            row.append(button_to(start_closeout, work.t("act.closeout"), item=item.id))
        if row:
            rows.append(row)
        if person.unit_id == item.unit_id and status is not Status.CLOSED:
            rows.append([button_to(extensions.start, work.t("act.extension"), item=item.id)])
        acks = [
            a.id for a in reminder_store.open_acks(work.db, person.unit_id) if a.item_id == item.id
        ]
        if acks:
            rows.append([button_to(ack_actions.acknowledge, work.t("act.ack"), acks=acks)])
    if is_admin(person) and may(Event.REQUEST_CLOSE, status, actor, parties):
        # The office may ask on a unit's behalf (papers handed in at the desk); it then
        # cannot verify that close-out itself (bot/domain/lifecycle.py verify_refusal).
        rows.append([button_to(start_closeout, work.t("act.closeout"), item=item.id)])
    if may(Event.ESCALATE, status, actor, parties):
        meeting = "act.meeting_off" if item.joint_meeting else "act.meeting"
        rows.append(
            [
                levels.level_button(work, item),
                button_to(escalation.joint_meeting, work.t(meeting), item=item.id),
            ]
        )
    if status is Status.CLOSE_REQUESTED and may(Event.APPROVE_CLOSE, status, actor, parties):
        request = followup.pending_closeout(work.db, item.id)
        if request is not None:
            rows.append(closeout.decision_row(work.lang, request["id"]))
    return rows


# Contacts get progress, close-out and extension; admins and leaders escalation; anyone the
# lifecycle accepts as an independent verifier the close-out decision.
for _role in Role:
    item_card.CARD_BUTTONS[_role].append(card_actions)


def _require(work: Work, item: Item, event: Event) -> None:
    """Contacts (and the office asking for a close-out); the lifecycle explains the rest."""
    person = work.person
    if person is None:
        raise NotYourAction
    office_close = is_admin(person) and event is Event.REQUEST_CLOSE
    if person.role is not Role.CONTACT and not office_close:
        raise NotYourAction
    decide(event, item.status, person.actor, item.parties, has_evidence=True)


@button("fu.progress")
def start_progress(work: Work, item: int) -> None:
    """报告进展: open the collecting dialog for a progress report on the item."""
    _start(work, PROGRESS, item)


@button("fu.closeout")
def start_closeout(work: Work, item: int) -> None:
    """申请销号: open the collecting dialog for a close-out request on the item."""
    _start(work, CLOSEOUT, item)


def _start(work: Work, kind: str, item_id: int) -> None:
    """Open the collecting dialog of this kind, if this person may now act on the item."""
    item = viewable_item(work, item_id)
    _require(work, item, Event.LOG_ACTIVITY if kind == PROGRESS else Event.REQUEST_CLOSE)
    data = {"item": item.id, "texts": [], "evidence": [], "figure": None}
    dialogs.put(work.db, work.person.id, _STATE + kind, data, work.at)
    hint = ""
    if item.target_number is not None:
        hint = Safe(work.t("fu.figure_hint", target=item.target, number=f"{item.target_number:g}"))
    work.reply(
        f"fu.{kind}_prompt", code=item.code, problem=item.problem, hint=hint, keyboard=_keys(work)
    )


def _keys(work: Work) -> Keyboard:
    return [[button_to(submit, work.t("fu.submit")), button_to(cancel, work.t("fu.cancel"))]]


def parse_figure(text: str, target: str = "") -> float | None:
    """A typed figure: ``98``, ``98/142`` or ``98 of 142`` (the first number counts), or
    with a measure word after it (``105家``, or the target's own word); "105家已全部完成"
    and "3天" are words, not figures."""
    typed = unicodedata.normalize("NFKC", text).strip().lower()
    match = _FIGURE.fullmatch(typed)
    if match is None:
        match = _FIGURE.match(typed)
        word = typed[match.end() :].strip() if match else ""
        measured = word in _MEASURE_WORDS or (len(word) <= _WORD_LIMIT and word in target.lower())
        if not (word and measured):
            return None
    return float(match.group(1)) if match else None


@step("followup.")
def on_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed text in the dialog: a figure toward the target (in a progress report or a
    close-out request alike), or words of the report."""
    item = ledger.get_item(work.db, data["item"])
    figure = parse_figure(text, item.target)
    if figure is not None and item.target_number is not None:
        data["figure"] = figure
    else:
        data["texts"].append(text.strip()[:_TEXT_LIMIT])
    dialogs.put(work.db, work.person.id, state, data, work.at)
    _collected(work, data)


@step("followup.", takes="media")
def on_media(work: Work, state: str, data: dict, media: MediaIn) -> None:
    """A photo or document: stored as evidence now, tied to the report on 提交."""
    evidence_id = evidence.add_evidence(
        work.db,
        media=media,
        finding_id=None,
        item_id=data["item"],
        person_id=work.person.id,
        at=work.at,
        update_id=work.update_id,
    )
    data["evidence"].append(evidence_id)
    dialogs.put(work.db, work.person.id, state, data, work.at)
    # An album arrives as one update per photo: answer it once.
    key = f"fu:{work.person.id}:{media.media_group_id}" if media.media_group_id else None
    _collected(work, data, key=key)


def _collected(work: Work, data: dict, key: str | None = None) -> None:
    figure = "—" if data["figure"] is None else f"{data['figure']:g}"
    text = work.t(
        "fu.collected",
        texts=len(data["texts"]),
        files=len(data["evidence"]),
        figure=figure,
    )
    work.send(work.chat, text, keyboard=_keys(work), key=key)


@button("fu.cancel")
def cancel(work: Work) -> None:
    """Drop the report or request being collected."""
    dialog = dialogs.get(work.db, work.person.id) if work.person else None
    if dialog is not None and dialog.state.startswith(_STATE):
        dialogs.clear(work.db, work.person.id)
        work.reply("fu.cancelled")


@button("fu.submit")
def submit(work: Work) -> None:
    """提交: the progress report or close-out request, with its evidence, in one commit."""
    dialog = dialogs.get(work.db, work.person.id) if work.person else None
    if dialog is None or not dialog.state.startswith(_STATE):
        work.reply("fu.nothing_open")
        return
    kind, data = dialog.state.removeprefix(_STATE), dialog.data
    item = viewable_item(work, data["item"])
    text = "\n".join(data["texts"])
    ids = data["evidence"]
    if kind == PROGRESS:
        if not text and not ids and data["figure"] is None:
            work.reply("fu.empty")
            return
        ledger.apply_event(work.db, item.id, Event.LOG_ACTIVITY, work.person.actor, work.origin)
        report = followup.add_progress(
            work.db, item.id, work.person.id, text, data["figure"], work.at, work.update_id
        )
        followup.attach_evidence(work.db, ids, "progress_id", report)
        dialogs.clear(work.db, work.person.id)
        work.reply("fu.progress_saved", code=item.code, files=len(ids))
        return
    ledger.apply_event(
        work.db,
        item.id,
        Event.REQUEST_CLOSE,
        work.person.actor,
        work.origin,
        has_evidence=bool(text or ids),
    )
    if data["figure"] is not None:
        # Recorded as a progress figure is, beside the request, so the ledger and the
        # verifier's card show what the unit claims (closeout.claimed_figure finds it).
        followup.add_progress(
            work.db, item.id, work.person.id, text, data["figure"], work.at, work.update_id
        )
    request = followup.add_closeout(work.db, item.id, work.person.id, text, work.at, work.update_id)
    followup.attach_evidence(work.db, ids, "closeout_id", request)
    dialogs.clear(work.db, work.person.id)
    sent = closeout.send_verification(work, ledger.get_item(work.db, item.id), request)
    answer = work.t("fu.closeout_sent", code=item.code, verifiers=sent)
    if data["figure"] is not None:
        saved = work.t("cards.closeout_figure_saved", figure=format_number(data["figure"]))
        answer = Safe(answer + saved)
    work.send(work.chat, answer)
