"""What services say and hear, in terms no chat platform owns.

Services and the domain speak only these: a text with buttons or a reply keyboard, an edit
of an earlier message, files and albums, a deletion, a chat action; and, coming in, the person
who wrote (``Sender``) and the message a button sat under (``Tap``). A platform's adapter
(bot/platforms/<name>/) turns each into its own API calls. Each outgoing kind says what an
adapter does where its platform lacks it, so a service never asks which platform it is on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Address:
    """A chat the bot can write to: the platform and that platform's id for it, as text
    (Telegram's ids are numbers, DingTalk's are not)."""

    platform: str
    id: str


@dataclass(frozen=True)
class Sender:
    """Who sent an update, as their platform names them (an inviter is told exactly this)."""

    address: Address
    name: str
    username: str | None = None


@dataclass(frozen=True)
class Button:
    """An inline button: its label and the action it calls (bot/actions.py), kept
    server-side under a token. Made with ``bot.actions.button_to``, never by hand."""

    label: str
    action: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UrlButton:
    label: str
    url: str


Keyboard = list[list[Button | UrlButton]]


@dataclass(frozen=True)
class PlacedButton:
    """A button as an adapter draws it: the label and either our token or a link."""

    label: str
    token: str | None = None
    url: str | None = None


PlacedKeyboard = list[list[PlacedButton]]


@dataclass(frozen=True)
class Text:
    """A message of text (HTML with <b>, <i>, <a>, <code> only) and its keyboard.

    ``reply_keyboard`` offers answers to type with one tap; ``remove_keyboard`` takes such a
    keyboard away. ``request_location`` turns the one reply button into "send my location".
    Where a platform has no reply keyboard the adapter lists the answers under the text.
    """

    text: str
    buttons: PlacedKeyboard | None = None
    reply_keyboard: list[list[str]] | None = None
    request_location: str | None = None
    remove_keyboard: bool = False


@dataclass(frozen=True)
class Edit:
    """Replace an earlier message's text and buttons. Where a platform cannot edit (or the
    message is gone) the adapter sends the new text as a new message."""

    message_id: int
    text: str
    buttons: PlacedKeyboard | None = None


@dataclass(frozen=True)
class Attachment:
    """A file to send: ``kind`` is photo, video, voice or document; ``ref`` is the platform's
    own reference to a file it already holds (Telegram's file_id). A file the bot made (a
    report, a workbook) is on disk instead: ``path``, uploaded when the message is sent,
    under ``file_name`` if given (made with ``Attachment.on_disk``)."""

    kind: str
    ref: str
    caption: str = ""
    buttons: PlacedKeyboard | None = None
    path: str = ""
    file_name: str = ""

    @classmethod
    def on_disk(cls, kind: str, path: str, caption: str = "", file_name: str = "") -> Attachment:
        return cls(kind, "", caption, path=path, file_name=file_name)


@dataclass(frozen=True)
class Album:
    """Pictures and videos shown together. Where a platform has no albums, or for files of
    other kinds, the adapter sends them one by one; over a platform's album size, in parts."""

    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class Delete:
    """Remove a message of the bot's. Where a platform cannot, nothing is sent."""

    message_id: int


@dataclass(frozen=True)
class CommandMenu:
    """The commands offered in one person's chat (name, one-line description), in their
    language. Where a platform has no per-chat menu, nothing is sent: /help lists them."""

    commands: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ChatAction:
    """Show that the bot is at work for this chat ("sending a photo…") while a report or an
    import is built: ``activity`` is typing, upload_photo or upload_document. Shown at once,
    never queued (it is worth nothing later); where a platform has none, nothing is shown."""

    activity: str


Outgoing = Text | Edit | Attachment | Album | Delete | CommandMenu | ChatAction


@dataclass
class Tap:
    """The button tap being handled: which button (its token, for single-use buttons) and
    under which message, and the short answer shown where the finger is (a toast, or an
    alert to dismiss) — set by the service, sent once the work is committed."""

    token: str = ""
    message_id: int | None = None
    text: str | None = None
    alert: bool = False
