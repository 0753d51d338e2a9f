"""What the bot shows a user: menus, turns, the language question, their data, a chosen answer."""

from __future__ import annotations

import html
import json
import logging

from telegram import Bot, CallbackQuery
from telegram import Message as TgMessage
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.sender import keyboard, send_turn
from bot.engine.coach import Coach
from bot.engine.phrases import phrase
from bot.engine.turn import Turn
from bot.store.records import User

log = logging.getLogger(__name__)


def user_chat(user: User) -> int:
    """The private chat id of a Telegram user (the number after ``telegram:``)."""
    return int(user.external_id.removeprefix("telegram:"))


class Screens:
    """Sends the bot's standard screens to a user, in their language."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def lang(self, user: User) -> str:
        """The language to address ``user`` in."""
        return user.language or self.coach.default_language

    async def ask_language(self, bot: Bot, user: User) -> None:
        """Ask which language to coach in, as two buttons."""
        rows = [[("Nederlands", cd.Language("nl")), ("English", cd.Language("en"))]]
        await bot.send_message(
            user_chat(user),
            phrase(self.lang(user), "choose_language"),
            reply_markup=keyboard(rows),
        )

    async def menu(self, bot: Bot, user: User) -> None:
        """The menu as buttons: unfinished first, then due check-ins, the entry, the tracks."""
        items = await self.coach.menu(user)
        lang = self.lang(user)
        if not items:
            await bot.send_message(user_chat(user), phrase(lang, "menu_empty"))
            return
        rows = []
        for item in items:
            mark = "▶ " if item.unfinished else ("⏰ " if item.due else "")
            rows.append(
                [(f"{mark}{item.title}"[:60], cd.Pick(item.dialogue_id, item.commitment_id))]
            )
        await bot.send_message(user_chat(user), phrase(lang, "menu"), reply_markup=keyboard(rows))

    async def turn_or_menu(self, bot: Bot, user: User, turn: Turn | None) -> None:
        """The turn's messages, or (without a session) a notice and the menu."""
        if turn is None:
            await bot.send_message(user_chat(user), phrase(self.lang(user), "no_session"))
            await self.menu(bot, user)
            return
        await send_turn(bot, user_chat(user), turn)
        if turn.finished:
            await bot.send_message(user_chat(user), phrase(self.lang(user), "finished"))

    async def data(self, bot: Bot, user: User) -> None:
        """Everything stored about the user, as a JSON document (/mydata)."""
        data = json.dumps(await self.coach.export(user), ensure_ascii=False, indent=2).encode()
        caption = phrase(self.lang(user), "mydata")
        await bot.send_document(
            user_chat(user), data, filename="coachbot-mydata.json", caption=caption
        )


def label_of(query: CallbackQuery, data: str | None) -> str | None:
    markup = query.message.reply_markup if isinstance(query.message, TgMessage) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def mark_chosen(query: CallbackQuery, label: str | None, lang: str) -> None:
    """Edit the question to show the chosen answer and drop its buttons."""
    message = query.message
    if not isinstance(message, TgMessage) or message.text is None:
        return
    text = message.text_html
    if label:
        text += f"\n\n➡️ <i>{html.escape(phrase(lang, 'chosen'))}:</i> <b>{html.escape(label)}</b>"
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    except BadRequest as err:  # too old to edit, or already edited by a double tap
        log.debug("could not edit message %s: %s", message.message_id, err)
