"""Turns the coach's replies into Telegram messages: HTML text, inline keyboards, photos."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.callback_data import Answer, Payload, encode
from bot.channels.telegram.limits import fit_caption, split_text
from bot.dialogue.dates import day_month
from bot.engine.coach import Reply
from bot.engine.menu import MenuItem
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Screen
from bot.engine.turn import Button, Image
from bot.languages import LANGUAGES, NAMES

TELEGRAM = "telegram:"  # the external ids of Telegram users: "telegram:<user id>"


def chat_of(external_id: str) -> int | None:
    """The private chat to reach a user in, or None if they are not a Telegram user."""
    if not external_id.startswith(TELEGRAM):
        return None
    return int(external_id.removeprefix(TELEGRAM))


def keyboard(rows: Sequence[Sequence[tuple[str, Payload]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, payload)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=encode(payload)) for label, payload in row]
            for row in rows
        ]
    )


def answer_keyboard(session_id: int, step: int, buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    """A question's buttons, each bound to this session and step (a 1-5 scale on one row)."""
    payloads = [(b.shown, Answer(session_id, step, b.value)) for b in buttons]
    short = all(len(b.label) <= 3 for b in buttons)
    return keyboard([payloads] if short else [[p] for p in payloads])


@dataclass(frozen=True)
class Outgoing:
    """One message to send: Telegram HTML, optional buttons (on its last piece) and a chart."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    chart: Image | None = None


def outgoing(reply: Reply) -> list[Outgoing]:
    """The messages for ``reply``: its notice joined to the first, so a re-prompt is one message."""
    out: list[Outgoing] = []
    turn = reply.turn
    for message in turn.messages if turn else ():
        session = turn.session if turn else None
        markup, text = None, message.text
        # Buttons belong to the session's current question, or to its summary's "Details".
        current = session is not None and (session.status == "active" or message.details)
        if message.buttons and session and session.id is not None and current:
            markup = answer_keyboard(session.id, session.step, message.buttons)
            if message.multi:
                text += f"\n\n<i>{html.escape(phrase(reply.lang, 'multi_hint'), quote=False)}</i>"
        out.append(Outgoing(text, markup, message.image))
    out += [Outgoing(message.text, None, message.image) for message in reply.info]
    out += [screen_message(screen) for screen in reply.panel.screens] if reply.panel else []
    if reply.ask_language:
        out.append(Outgoing(phrase(reply.lang, "choose_language"), language_keyboard()))
    if reply.menu is not None:
        out.append(menu_message(reply.menu, reply.lang))
    if reply.notice:
        notice = html.escape(reply.notice, quote=False)
        if out:
            out[0] = replace(out[0], text=f"{notice}\n\n{out[0].text}")
        else:
            out.append(Outgoing(notice))
    return out


def actions_keyboard(actions: Sequence[Action]) -> InlineKeyboardMarkup | None:
    """Team buttons, one a row (None for none)."""
    rows = [[(a.label, cd.TeamPress(a.kind, a.ref))] for a in actions]
    return keyboard(rows) if rows else None


def screen_message(screen: Screen) -> Outgoing:
    """A team screen (plain text) with its buttons, one a row, and its chart."""
    markup = actions_keyboard(screen.actions)
    return Outgoing(html.escape(screen.text, quote=False), markup, screen.chart)


def notice_message(notice: Notice) -> Outgoing:
    """A message to someone else, with its buttons."""
    text = notice.text if notice.html else html.escape(notice.text, quote=False)
    return Outgoing(text, actions_keyboard(notice.actions))


def menu_message(items: Sequence[MenuItem], lang: str) -> Outgoing:
    """The menu as buttons: assigned first (with their day), unfinished, due check-ins, ..."""
    if not items:
        return Outgoing(html.escape(phrase(lang, "menu_empty"), quote=False))
    rows = []
    for item in items:
        mark = "▶ " if item.unfinished else ("⏰ " if item.due else "")
        label = f"{mark}{item.title}"
        if item.assigned_due is not None:
            due = phrase(lang, "menu_due", day=day_month(item.assigned_due, lang))
            label = f"📌 {mark}{item.title} · {due}"
        rows.append([(label[:60], cd.Pick(item.dialogue_id, item.commitment_id))])
    return Outgoing(html.escape(phrase(lang, "menu"), quote=False), keyboard(rows))


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each named in its own language."""
    return keyboard([[(NAMES[code], cd.Language(code)) for code in LANGUAGES]])


def forget_keyboard(lang: str) -> InlineKeyboardMarkup:
    """Yes / no for /forget."""
    return keyboard(
        [
            [
                (phrase(lang, "forget_yes"), cd.Forget(True)),
                (phrase(lang, "forget_no"), cd.Forget(False)),
            ]
        ]
    )


async def send_all(bot: Bot, chat_id: int, messages: Sequence[Outgoing]) -> None:
    """Send ``messages`` in order."""
    for message in messages:
        await send_message(bot, chat_id, message)


async def send_message(bot: Bot, chat_id: int, message: Outgoing) -> None:
    """One message: its text (split when long; buttons on the last piece), then its chart."""
    pieces = split_text(message.text)
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await bot.send_message(chat_id, piece, reply_markup=message.markup if last else None)
    if message.chart is not None:
        await send_chart(bot, chat_id, message.chart)


async def send_chart(bot: Bot, chat_id: int, chart: Image) -> None:
    """A chart as a photo with its caption, drawn in a worker thread."""
    png = await asyncio.to_thread(chart.png)  # tens of ms: not on the event loop
    photo = InputFile(png, filename=chart.filename)
    caption = fit_caption(html.escape(chart.caption, quote=False))
    await bot.send_photo(chat_id, photo, caption=caption)
