"""Issuing the 通报: 📤 签发 and ✖ 取消 under a preview, the record and the sends, /notices.

The preview (bot/builders/notice.py ``build_preview``) takes no number. 签发 re-checks the
draft before anything happens — issued already, cancelled, being issued, not a preview —
and answers politely instead of starting a second issue; the ``notice`` job then builds
the numbered paper, and ``record_and_send`` records it with the year's next number in the
transaction that delivers it, so a number is taken exactly when a notice is recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.actions import ADMINS, OFFICE, button, button_to, command
from bot.chat import Address, Attachment
from bot.domain.audit import AuditAction
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import delivery, notify
from bot.services.report_menus import show_menu, start_job
from storage import notices, report_jobs
from storage.audit import record
from storage.ledger import lookup_id

if TYPE_CHECKING:
    from bot.builders.notice import IssueNotice

LISTED = 20  # issued notices /notices shows, newest first (one button each)


class NumberTaken(RuntimeError):
    """The number the job wrote on the paper was given meanwhile: the delivery is undone
    and the runner builds the job again, with the next free number."""


def _draft(work: Work, job: int) -> report_jobs.ReportJob | None:
    """The preview a button names, if it is one this person asked for."""
    draft = report_jobs.get(work.db, job)
    if draft is None or draft.kind != "ranking" or work.person is None:
        return None
    return draft if draft.person_id == work.person.id and draft.status == "done" else None


def _refusal(work: Work, job: int) -> tuple[str, dict[str, object]] | None:
    """Why the draft cannot be issued or cancelled now (a catalogue key and its values),
    or None while it is open."""
    if _draft(work, job) is None:
        return "notice.expired", {}
    decided = notices.by_draft(work.db, job)
    if decided is not None and decided.state == notices.ISSUED:
        return "notice.already_issued", {"number": decided.doc_number}
    if decided is not None:
        return "notice.was_cancelled", {}
    if _issuing(work, job):
        return "notice.busy", {}
    return None


def _issuing(work: Work, job: int) -> bool:
    """Whether an issue of this draft is queued or being built (a tap from a second copy of
    the preview while the first is at work)."""
    row = work.db.execute(
        "SELECT 1 FROM report_jobs WHERE kind = 'notice' AND status = 'pending' "
        "AND json_extract(params, '$.draft') = ? LIMIT 1",
        [job],
    ).fetchone()
    return row is not None


@button("notice.issue", roles=ADMINS, refusal="notice.admin_only")
def issue(work: Work, job: int, figures: str) -> None:
    """签发: start the numbered issue of the draft ``job`` (its preview showed ``figures``)."""
    refusal = _refusal(work, job)
    if refusal is not None:
        key, values = refusal
        work.answer_tap(key, alert=True, **values)
        return
    if not work.first_tap():
        work.answer_tap("notice.busy")
        return
    show_menu(work, work.tapped_message, work.t("notice.issue_asked"), [])
    start_job(work, "notice", {"draft": job, "figures": figures}, "notice.issuing")


@button("notice.cancel", roles=ADMINS, refusal="notice.admin_only")
def cancel(work: Work, job: int) -> None:
    """✖ 取消: the draft is kept from being issued (its 签发 button then says so)."""
    refusal = _refusal(work, job)
    if refusal is not None:
        key, values = refusal
        work.answer_tap(key, alert=True, **values)
        return
    notices.record_cancelled(work.db, job, work.registered.id, work.at)
    show_menu(work, work.tapped_message, work.t("notice.cancelled"), [])


def record_and_send(work: Work, issuing: IssueNotice) -> tuple[str, Keyboard | None]:
    """In the delivering transaction: take the number, record the notice and its audit
    event, send the paper to every contact of the ranked units (each in their language)
    and a copy to the issuer; the text that replaces "issuing…"."""
    lang = issuing.lang
    decided = notices.by_draft(work.db, issuing.draft_job)
    if decided is not None:  # issued or cancelled while the paper was being written
        if decided.state == notices.ISSUED:
            return t(lang, "notice.already_issued", number=decided.doc_number), None
        return t(lang, "notice.was_cancelled"), None
    if notices.next_number(work.db, issuing.year) != issuing.number:
        raise NumberTaken(f"{issuing.year}/{issuing.number}")
    chinese, english = issuing.papers["zh"], issuing.papers["en"]
    notice_id = notices.record_issued(
        work.db,
        notices.Issued(
            draft_job=issuing.draft_job,
            year=issuing.year,
            number=issuing.number,
            doc_number=chinese.number,
            title=chinese.title,
            doc_number_en=english.number,
            title_en=english.title,
            filters=issuing.filters,
            period_start=issuing.start,
            period_end=issuing.end,
            person_id=work.registered.id,
            at=work.at,
            sha256=chinese.sha256,
            sha256_en=english.sha256,
            path=chinese.path,
            path_en=english.path,
        ),
    )
    record(
        work.db,
        work.origin,
        entity="notice",
        entity_id=notice_id,
        action=AuditAction.NOTICE_ISSUED,
        after={
            "doc_number": chinese.number,
            "title": chinese.title,
            "filters": issuing.filters,
            "sha256": chinese.sha256,
            "sha256_en": english.sha256,
        },
    )
    sent, without = _send_to_units(work, issuing, notice_id)
    notices.set_recipients(work.db, notice_id, sent)
    mine = issuing.papers[lang]
    words = (mine.path, mine.number, mine.title)
    _send_paper(work, issuing.chat, lang, words, f"{notice_id}:issuer")
    text = t(lang, "notice.issued", number=mine.number, title=mine.title, count=sent)
    if without:
        text += t(lang, "notice.no_contact", units=("、" if lang == "zh" else ", ").join(without))
    return text, None


def _send_to_units(work: Work, issuing: IssueNotice, notice_id: int) -> tuple[int, list[str]]:
    """The paper to every active contact of the ranked units; the units with none."""
    sent, without = 0, []
    for unit in issuing.units:
        contacts = notify.unit_contacts(work, lookup_id(work.db, "units", unit))
        if not contacts:
            without.append(unit)
        for person in contacts:
            paper = issuing.papers.get(person.language, issuing.papers["zh"])
            if person.address is None:
                continue  # unit_contacts lists only people the bot can write to
            words = (paper.path, paper.number, paper.title)
            key = f"{notice_id}:{person.id}"
            sent += _send_paper(work, person.address, person.language, words, key)
    return sent, without


def _send_paper(work: Work, to: Address, lang: str, words: tuple[str, str, str], key: str) -> bool:
    """One copy of an issued paper (path, 文号, title), named by its 文号, via the outbox."""
    path, number, title = words
    caption = t(lang, "notice.caption", number=number, title=title)
    name = f"{number}.pdf".replace("/", "-")
    files = Attachment.on_disk("document", path, caption, name)
    return delivery.queue_file(work, to, files, key=f"notice:{key}")


@command("notices", roles=OFFICE, help="cmd.notices", refusal="notices.office_only")
def list_notices(work: Work) -> None:
    """/notices: the issued notices, newest first, with a button to get each PDF again."""
    found = notices.issued(work.db, LISTED)
    if not found:
        work.reply("notices.none")
        return
    lines = []
    for notice in found:
        _, number, title = notice.words(work.lang)
        day = notice.at.astimezone(work.tz).date().isoformat()
        lines.append(work.t("notices.line", number=number, title=title, date=day))
    keyboard: Keyboard = [
        [button_to(resend, f"📄 {notice.words(work.lang)[1]}", notice=notice.id)]
        for notice in found
    ]
    work.reply("notices.title", count=len(found), lines=Safe("\n".join(lines)), keyboard=keyboard)


@button("notice.resend", roles=OFFICE, refusal="notices.office_only")
def resend(work: Work, notice: int) -> None:
    """The kept paper of an issued notice, in the reader's language, to the reader."""
    found = notices.get(work.db, notice)
    if found is None:
        work.answer_tap("notices.unknown", alert=True)
        return
    path, number, title = found.words(work.lang)
    if not path or not Path(path).is_file():
        work.reply("notices.missing_file", number=number)
        return
    chat = work.chat
    if chat is None:
        raise RuntimeError("a tap comes from a chat")
    _send_paper(work, chat, work.lang, (path, number, title), f"{found.id}:again:{work.cause}")
