"""Turns the coach's output into Telegram messages: HTML text, inline keyboards, photos."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode

from bot.channels.telegram.callback_data import Answer, Payload, encode
from bot.channels.telegram.limits import fit_caption, split_text
from bot.engine.turn import Button, Message, Turn


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
    payloads = [(b.label, Answer(session_id, step, b.value)) for b in buttons]
    short = all(len(b.label) <= 3 for b in buttons)
    return keyboard([payloads] if short else [[p] for p in payloads])


async def send_message(
    bot: Bot, chat_id: int, message: Message, markup: InlineKeyboardMarkup | None
) -> None:
    """One engine message: its text (split when long; buttons on the last part), then its image."""
    pieces = split_text(message.text)
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await bot.send_message(
            chat_id, piece, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )
    if message.image is not None:
        photo = InputFile(message.image.png, filename=message.image.filename)
        await bot.send_photo(chat_id, photo, caption=fit_caption(message.image.caption))


async def send_turn(bot: Bot, chat_id: int, turn: Turn) -> None:
    """Every message of a turn; the question's buttons carry the session's current step."""
    session = turn.session
    for message in turn.messages:
        markup = None
        if message.buttons and session.id is not None and session.status == "active":
            markup = answer_keyboard(session.id, session.step, message.buttons)
        await send_message(bot, chat_id, message, markup)
