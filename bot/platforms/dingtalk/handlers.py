"""DingTalk's robot messages and card taps run through the same services as Telegram's.

This is the DingTalk adapter's half of what handlers/ does for Telegram: who wrote
(``identify``, as handlers/access.py), a command of the registry or a typed text or a file
(as handlers/dispatch.py and handlers/messages.py), a button tap (as ``on_button``). Only the
words differ: DingTalk has no ``/start`` deep link, so ``绑定 CODE`` redeems an invitation as
``/start CODE`` does; it has no tap toast, so what Telegram shows there is sent as a message.
Only one-to-one chats are served, as only private chats are on Telegram.
"""

from __future__ import annotations

import html
import re

from bot.chat import Sender, Tap
from bot.domain.audit import Origin
from bot.domain.lifecycle import DomainError
from bot.domain.people import dingtalk_address
from bot.domain.visits import MediaIn
from bot.platforms.dingtalk.inputs import CardTap, Part, RobotMessage
from bot.registry import ACTIONS
from bot.runtime.context import Resources, Turn
from bot.runtime.dispatch import perform
from bot.runtime.work import Work
from bot.services import registration
from bot.services.router import route_media, route_text
from storage import buttons, dingtalk_sessions, people

BIND = "绑定"  # "bind": DingTalk's way to say /start CODE (no deep links into a robot chat)

# A command as Telegram marks one (a bot_command entity at the text's start): a slash, a
# word, perhaps @botname, then a space or the end. "/srv/duban" typed as a setting's value
# (a folder) is text, as it is on Telegram, not the unknown command "/srv".
COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


async def on_robot_message(services: Resources, update_id: int, message: RobotMessage) -> None:
    """A message typed or sent to the robot in a one-to-one chat."""
    if not message.one_to_one:
        return  # the bot works in one-to-one chats only; a group's message is just done
    if message.webhook and message.webhook_expires_at is not None:
        await services.store.run(
            dingtalk_sessions.remember,
            message.staff_id,
            message.webhook,
            message.webhook_expires_at,
        )
    turn = await identify(services, update_id, message.staff_id, message.nick)
    first = message.parts[0] if message.parts else ""
    if isinstance(first, str):
        first = first.strip()  # DingTalk keeps the spaces around a typed text
    code = _start_code(first) if isinstance(first, str) else None
    if turn.person is None and code is None:
        await turn.work(registration.refuse_stranger)
        return
    if not message.parts:
        await turn.work(say, "ignored.unsupported")
    elif code is not None:
        await turn.work(perform, ACTIONS.commands["start"], code)
    elif isinstance(first, str) and len(message.parts) == 1 and COMMAND.match(first):
        await _command(turn, first)
    else:
        await turn.work(route_parts, message.parts)
        if services.dingtalk_downloads is not None and any(
            isinstance(part, MediaIn) for part in message.parts
        ):
            services.dingtalk_downloads.wake()  # its files are committed: fetch them now


async def on_card_tap(services: Resources, update_id: int, tap: CardTap) -> None:
    """A tap on a card's button: our token (the button path of handlers/dispatch.py
    ``on_button``), or an answer typed with one tap (a reply keyboard's)."""
    turn = await identify(services, update_id, tap.staff_id, tap.staff_id)
    if turn.person is None:
        await turn.work(registration.refuse_stranger)
        return
    if tap.token is None:
        await turn.work(route_text, tap.reply or "")
        return
    press = await services.store.run(buttons.resolve, tap.token)
    now = services.clock.now()
    if press is None or press.action not in ACTIONS.buttons or now >= press.expires_at:
        await turn.work(say, "error.button_expired")
        return
    if press.person_id != turn.person.id:
        await turn.work(say, "error.button_not_yours")
        return
    turn.tap = Tap(press.token, tap.message_id)
    await turn.work(perform_tap, press.action, press.payload)


async def identify(services: Resources, update_id: int, staff_id: str, nick: str) -> Turn:
    """The person behind a DingTalk frame and their language (as handlers/access.py does
    for Telegram): DINGTALK_ADMIN_IDS are administrators from their first message; anyone
    else is who registered from this staff id, or no one (person None)."""
    account = dingtalk_address(staff_id)
    lang = services.settings.default_language  # DingTalk does not say the phone's language
    turn = Turn(services, update_id, chat=account, sender=Sender(account, nick), lang=lang)
    if staff_id in services.settings.dingtalk.admin_ids:
        origin = Origin.system(services.clock.now(), "DINGTALK_ADMIN_IDS")
        person = await services.store.run(people.ensure_admin, account, nick, lang, origin)
    else:
        person = await services.store.run(people.by_address, account)
    if person is not None and person.active:
        if person.address != account:  # their linked Telegram account wrote last: now here
            person = await services.store.run(people.wrote_from, person, account)
        turn.person, turn.lang = person, person.language
        if not person.reachable:  # they write again: the robot can reach them
            await services.store.run(people.set_reachable, account, True)
    return turn


def _start_code(text: str) -> str | None:
    """The code of ``/start CODE`` or ``绑定 CODE`` (also written 绑定CODE), else None."""
    words = text.split()
    if len(words) == 2 and words[0] in ("/start", BIND):
        return words[1]
    if len(words) == 1 and words[0].startswith(BIND) and len(words[0]) > len(BIND):
        return words[0][len(BIND) :]
    return None


async def _command(turn: Turn, text: str) -> None:
    """A command of the registry with its words (as handlers/dispatch.py ``on_command``),
    or one Duban does not have."""
    word, _, rest = text.partition(" ")
    action = ACTIONS.commands.get(word[1:].split("@")[0].lower())
    if action is None:
        await turn.work(registration.unknown_command, word)
        return
    args = (" ".join(rest.split()),) if action.takes_text else ()
    await turn.work(perform, action, *args)


def route_parts(work: Work, parts: tuple[Part, ...]) -> None:
    """Each part of a message in the order sent, in the message's one transaction: a rich
    text's words, then its pictures, as if sent one after another."""
    for part in parts:
        if isinstance(part, str):
            route_text(work, part)
        else:
            route_media(work, part)


def say(work: Work, key: str) -> None:
    """One line from the catalogue: a refusal Telegram shows as a toast where the finger
    is, or what the bot says of a kind of message it does not take."""
    work.reply(key)


def perform_tap(work: Work, action_name: str, payload: dict) -> None:
    """The tapped button's action, then what Telegram would show as its toast, as a
    message. A refusal (DomainError) undoes the action's changes, as ``run_work`` does,
    and is said as a message too."""
    action = ACTIONS.buttons[action_name]
    try:
        with work.db.atomic():
            perform(work, action, **payload)
    except DomainError as error:
        work.reply(error.key)
        return
    tap = work.tap
    if tap is not None and tap.text and work.chat is not None:
        work.send(work.chat, html.escape(tap.text))  # the toast's text is plain
