"""Neutral messages (bot/chat.py) as the calls the DingTalk sender makes: the one place that
writes DingTalk's payloads (the contract between the adapter's two halves, issue 16).

Each message becomes a list of (method, payload) rows for the outbox; the chat is the
person's staff id, kept in the outbox row, not in the payload:

* ``markdown`` {title, text, html} — a message without buttons (``html``: its words as the
  services wrote them, never sent, read back by storage/sent.py);
* ``card`` {title, text, html, buttons} — a message with buttons, sent as an interactive card
  whose taps come back on the Stream (an inline button carries our single-use token; a
  reply keyboard's answers come back as that typed text; a link opens its page);
* ``updateCard`` {message_id, title, text, html, buttons} — an edit of an earlier card;
* ``file`` {kind, path, ref, file_name} — a picture, video, voice note or document, from
  disk (``path``) or a file the platform holds (``ref``); a caption or buttons follow as a
  separate markdown or card, since DingTalk's file messages carry no text.

What DingTalk robots cannot do renders as nothing: deleting a message, a per-chat command
menu (/help lists the commands), a chat action; a robot receives no location, so "send my
location" becomes no button. Texts are fitted to DingTalk's length here, the one place every
message passes.
"""

from __future__ import annotations

from typing import Any

from bot.chat import (
    Album,
    Attachment,
    ChatAction,
    CommandMenu,
    Delete,
    Edit,
    Outgoing,
    PlacedKeyboard,
    Text,
)
from bot.i18n.limits import fit
from bot.platforms.dingtalk.markdown import title_of, to_markdown

Call = tuple[str, dict[str, Any]]
Buttons = list[list[dict[str, str]]]

# Assumed: DingTalk's robot pages give no figure for a markdown message's text; 5 000
# characters keeps well inside what its clients show in one bubble.
TEXT_LIMIT = 5000
# DingTalk shows the title in the conversation list and the notification; the card and
# markdown pages give no limit, 20 characters is what the list shows (contract, assumed).
TITLE_LIMIT = 20


class DingTalkRenderer:
    """Turns each neutral message for one DingTalk chat into the sender's calls."""

    platform = "dingtalk"

    def render(self, message: Outgoing, chat: str, lang: str) -> list[Call]:
        if isinstance(message, Text):
            return [_text(message, lang)]
        if isinstance(message, Edit):
            payload = {"message_id": message.message_id, **_words(message.text, lang)}
            return [("updateCard", payload | {"buttons": _buttons(message.buttons)})]
        if isinstance(message, Attachment):
            return [_file(message), *_caption([message], message.buttons, lang)]
        if isinstance(message, Album):
            files = list(message.attachments)
            return [*(_file(file) for file in files), *_caption(files, None, lang)]
        if isinstance(message, Delete | CommandMenu | ChatAction):
            return []
        raise TypeError(f"no DingTalk rendering for {type(message).__name__}")


def _words(html: str, lang: str) -> dict[str, str]:
    """The title and the markdown of a text, fitted to DingTalk's length: the HTML is
    shortened (keeping the "/history" pointer) until its markdown, which line breaks and
    marks make longer, fits. ``html`` keeps the fitted text as the services wrote it: the
    sender never sends it, but a service that corrects a message later reads what it shows
    from there (storage/sent.py), in the same words on both platforms."""
    budget = TEXT_LIMIT
    while True:
        fitted = fit(html, budget, lang)
        text = to_markdown(fitted)
        if len(text) <= TEXT_LIMIT or budget <= TEXT_LIMIT // 2:
            return {"title": title_of(fitted, TITLE_LIMIT), "text": text, "html": fitted}
        budget -= len(text) - TEXT_LIMIT


def _buttons(keyboard: PlacedKeyboard | None) -> Buttons:
    """Inline buttons: our token, or a link."""
    return [
        [
            {"text": b.label, "url": b.url} if b.url else {"text": b.label, "token": b.token or ""}
            for b in row
        ]
        for row in keyboard or []
    ]


def _card_or_markdown(html: str, buttons: Buttons, lang: str) -> Call:
    words = _words(html, lang)
    if buttons:
        return "card", words | {"buttons": buttons}
    return "markdown", words


def _text(message: Text, lang: str) -> Call:
    """Buttons make a card; a reply keyboard's answers become buttons that type them back.
    ``request_location`` adds nothing: DingTalk robots receive no location."""
    buttons = _buttons(message.buttons)
    if not buttons and message.reply_keyboard:
        buttons = [
            [{"text": label, "reply": label} for label in row] for row in message.reply_keyboard
        ]
    return _card_or_markdown(message.text, buttons, lang)


def _file(file: Attachment) -> Call:
    return "file", {
        "kind": file.kind,
        "path": file.path,
        "ref": file.ref,
        "file_name": file.file_name,
    }


def _caption(files: list[Attachment], keyboard: PlacedKeyboard | None, lang: str) -> list[Call]:
    """The files' captions (and buttons) as one message after the last file, if any."""
    captions = "\n".join(file.caption for file in files if file.caption)
    buttons = _buttons(keyboard)
    if not captions and not buttons:
        return []
    return [_card_or_markdown(captions, buttons, lang)]
