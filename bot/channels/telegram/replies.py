"""Delivering one reply on Telegram: answering the pressed button, marking a choice, sending."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import Bot, CallbackQuery, Update
from telegram import Message as TgMessage
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.limits import split_text
from bot.channels.telegram.sender import Outgoing, outgoing, send_all
from bot.engine.coach import Reply
from bot.engine.phrases import phrase
from bot.languages import language_or
from bot.records import User

log = logging.getLogger(__name__)
UNREADABLE = ("sticker", "photo", "voice", "video", "document", "audio", "location", "contact")


@dataclass(frozen=True)
class Delivery:
    """A reply on its way to the chat an update came from."""

    update: Update
    reply: Reply
    messages: Sequence[Outgoing] | None = None  # fixed messages instead of the reply's own

    @classmethod
    def failed(cls, update: Update) -> Delivery:
        """For telling the user something went wrong, when there is no reply to deliver."""
        return cls(update, Reply(User(0, "", "", None), ""))

    @property
    def bot(self) -> Bot:
        """The bot that received the update."""
        return self.update.get_bot()

    @property
    def chat_id(self) -> int:
        """Where to answer: the private chat with the sender."""
        return chat_of(self.update)

    @property
    def query(self) -> CallbackQuery:
        """The pressed button (only for button updates)."""
        assert self.update.callback_query is not None
        return self.update.callback_query

    def with_messages(self, messages: Sequence[Outgoing]) -> Delivery:
        """This delivery with fixed messages to send."""
        return replace(self, messages=messages)

    def without_notice(self) -> Delivery:
        """This delivery without the reply's notice (it went on the button instead)."""
        return replace(self, reply=replace(self.reply, notice=None))

    async def answer(self, toast: str | None) -> None:
        """Answer the pressed button (once, so its spinner stops), with an optional toast."""
        if self.update.callback_query is not None:
            await answer_quietly(self.update.callback_query, toast)

    async def send(self, messages: Sequence[Outgoing]) -> None:
        """Send ``messages`` to the chat."""
        await send_all(self.bot, self.chat_id, messages)

    async def tell(self, text: str) -> None:
        """Best effort: answer the button and send ``text``; never raises."""
        try:
            await self.answer(None)
            await self.send([Outgoing(html.escape(text, quote=False))])
        except TelegramError as err:  # Telegram itself may be what failed
            log.warning(
                "update=%s could not tell the user: %s", self.update.update_id, type(err).__name__
            )


def chat_of(update: Update) -> int:
    """The private chat to answer in (the sender's own)."""
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    assert update.effective_user is not None
    return update.effective_user.id


def guess_lang(update: Update, default: str) -> str:
    """The sender's language as Telegram reports it; used when the database cannot tell."""
    code = update.effective_user.language_code if update.effective_user else None
    return language_or((code or "")[:2], language_or(default, "nl"))


def plain(lang: str, key: str) -> str:
    """A coach phrase as Telegram HTML (escaped)."""
    return html.escape(phrase(lang, key), quote=False)


def kind_of(message: TgMessage | None) -> str:
    """What an unreadable message carries (sticker, photo, ...), for the re-prompt."""
    for kind in UNREADABLE:
        if message is not None and getattr(message, kind, None):
            return kind
    return "other"


def label_of(query: CallbackQuery) -> str | None:
    """The text of the button that was pressed, read from the message it sits on."""
    markup = query.message.reply_markup if isinstance(query.message, TgMessage) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


async def show_in_place(delivery: Delivery) -> bool:
    """Show the question again on the message whose button was pressed (after a toggle or a
    refused "Done"), so the chat does not fill up; False if that message cannot be edited."""
    message = delivery.query.message
    shown = outgoing(delivery.reply)
    if not isinstance(message, TgMessage) or len(shown) != 1:
        return False
    text, markup = shown[0].text, shown[0].markup
    try:
        if len(split_text(text)) == 1:
            await message.edit_text(text, reply_markup=markup)
        else:  # the buttons sit on the last piece of a long question: change only them
            await message.edit_reply_markup(reply_markup=markup)
    except BadRequest as err:
        if "not modified" in str(err).lower():
            return True
        log.debug("could not edit message %s: %s", message.message_id, err)
        return False
    return True


async def mark_chosen(query: CallbackQuery, label: str | None, lang: str) -> None:
    """Edit the question to show the chosen answer and drop its buttons."""
    message = query.message
    if not isinstance(message, TgMessage) or message.text is None:
        return
    text = message.text_html
    if label:
        chosen = html.escape(phrase(lang, "chosen"), quote=False)
        text += f"\n\n➡️ <i>{chosen}:</i> <b>{html.escape(label, quote=False)}</b>"
    try:
        await message.edit_text(text, reply_markup=None)
    except BadRequest as err:  # too old to edit, or already edited by a double tap
        log.debug("could not edit message %s: %s", message.message_id, err)


async def answer_quietly(query: CallbackQuery, notice: str | None) -> None:
    """Answer a button press; a press too old to answer is not an error."""
    try:
        await query.answer(notice[:200] if notice else None)
    except BadRequest as err:
        log.debug("could not answer callback %s: %s", query.id, err)
