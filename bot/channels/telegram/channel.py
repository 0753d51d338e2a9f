"""Handles Telegram updates: one user's updates in order, each turned into a coach call."""

from __future__ import annotations

import html
import logging
import time

from telegram import Bot, CallbackQuery, Update
from telegram import Message as TgMessage
from telegram import User as TgUser
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.locks import UserLocks
from bot.channels.telegram.screens import Screens, label_of, mark_chosen, user_chat
from bot.channels.telegram.sender import keyboard
from bot.channels.text import clean_text
from bot.engine.coach import Coach
from bot.engine.menu import MenuItem
from bot.engine.phrases import phrase
from bot.engine.turn import Incoming
from bot.errors import NoSuchCommitment, UnknownDialogue
from bot.store.records import User

log = logging.getLogger(__name__)
COMMANDS = (
    "start",
    "menu",
    "continue",
    "back",
    "restart",
    "cancel",
    "help",
    "language",
    "mydata",
    "forget",
)


class TelegramChannel:
    """The thin layer between python-telegram-bot and the coach."""

    def __init__(self, coach: Coach, *, log_texts: bool = False) -> None:
        self.coach = coach
        self.screens = Screens(coach)
        self.locks = UserLocks()
        self.log_texts = log_texts
        self.finished_updates = 0  # handled, skipped or failed: for health checks and tests

    async def handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Entry point for every update (registered as a TypeHandler)."""
        try:
            await self._handle(update, context)
        finally:
            self.finished_updates += 1

    async def _handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        started = time.perf_counter()
        sender = update.effective_user
        if sender is None or sender.is_bot:
            return
        if not await self.coach.store.claim_update(update.update_id):
            log.info("update=%s duplicate=skipped", update.update_id)
            return
        async with self.locks.hold(sender.id):
            user = await self._user(sender)
            handled = await self._dispatch(update, context.bot, user)
        took = (time.perf_counter() - started) * 1000
        log.info("update=%s user=%s handled=%s ms=%.1f", update.update_id, user.id, handled, took)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with its context (never message texts) and reassure the user."""
        error = context.error
        sender = update.effective_user if isinstance(update, Update) else None
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(error, Forbidden) and sender is not None:
            user = await self._user(sender)
            await self.coach.store.set_active(user.id, False)
            log.info("update=%s user=%s blocked the bot; marked inactive", update_id, user.id)
            return
        log.error("update=%s failed: %s", update_id, type(error).__name__, exc_info=error)
        if sender is not None:
            lang = (await self._user(sender)).language or self.coach.default_language
            try:
                await context.bot.send_message(sender.id, phrase(lang, "error"))
            except Exception:  # the error may be that Telegram cannot be reached at all
                log.warning("update=%s could not tell the user about the failure", update_id)

    async def _user(self, sender: TgUser) -> User:
        return await self.coach.user(f"telegram:{sender.id}", clean_text(sender.first_name or ""))

    async def _dispatch(self, update: Update, bot: Bot, user: User) -> str:
        if update.callback_query is not None:
            return await self._button(update.callback_query, bot, user)
        message = update.effective_message
        if message is None or update.edited_message is not None:
            return "ignored"
        if message.text and message.text.startswith("/"):
            command, _, argument = message.text[1:].partition(" ")
            return await self._command(command.split("@")[0].lower(), argument.strip(), bot, user)
        if self.log_texts:  # only with COACHBOT_LOG_MESSAGE_TEXTS, for debugging
            log.debug("update=%s user=%s text=%r", update.update_id, user.id, message.text)
        incoming = (
            Incoming.text(clean_text(message.text))
            if message.text
            else Incoming.unsupported(_kind(message))
        )
        turn = await self.coach.reply(user, incoming)
        await self.screens.turn_or_menu(bot, user, turn)
        return f"answer:{turn.session.node}" if turn else "answer:none"

    async def _command(self, command: str, argument: str, bot: Bot, user: User) -> str:
        lang = self.screens.lang(user)
        if command == "start":
            await self._start(bot, user, argument)
        elif command == "menu":
            await self.screens.menu(bot, user)
        elif command in {"continue", "back", "restart"}:
            act = {
                "continue": self.coach.resume,
                "back": self.coach.back,
                "restart": self.coach.restart,
            }
            await self.screens.turn_or_menu(bot, user, await act[command](user))
        elif command == "cancel":
            notice = "cancelled" if await self.coach.cancel(user) else "no_session"
            await bot.send_message(user_chat(user), phrase(lang, notice))
            await self.screens.menu(bot, user)
        elif command == "help":
            await bot.send_message(user_chat(user), phrase(lang, "telegram_help"))
        elif command == "language":
            await self.screens.ask_language(bot, user)
        elif command == "mydata":
            await self.screens.data(bot, user)
        elif command == "forget":
            rows = [
                [
                    (phrase(lang, "forget_yes"), cd.Forget(True)),
                    (phrase(lang, "forget_no"), cd.Forget(False)),
                ]
            ]
            await bot.send_message(
                user_chat(user), phrase(lang, "forget_confirm"), reply_markup=keyboard(rows)
            )
        else:
            await bot.send_message(user_chat(user), phrase(lang, "unknown_command"))
            return "command:unknown"
        return f"command:{command}"

    async def _start(self, bot: Bot, user: User, payload: str) -> None:
        # Deep-link payloads (team invites, assignments) will be read here; none are defined yet.
        if payload:
            log.info("user=%s start payload of %d characters ignored", user.id, len(payload))
        name = html.escape(user.display_name)
        await bot.send_message(
            user_chat(user),
            phrase(self.screens.lang(user), "welcome", name=name),
            parse_mode=ParseMode.HTML,
        )
        if user.language is None:
            await self.screens.ask_language(bot, user)
        else:
            await self.screens.menu(bot, user)

    async def _button(self, query: CallbackQuery, bot: Bot, user: User) -> str:
        """Act on a pressed button; the press is always answered, once, so no spinner stays."""
        notice: str | None = None
        try:
            payload = cd.decode(query.data)
            if payload is None:
                log.warning(
                    "user=%s pressed a malformed or forged button (%d bytes)",
                    user.id,
                    len(query.data or ""),
                )
                notice = phrase(self.screens.lang(user), "unknown_button")
                await self.screens.turn_or_menu(bot, user, await self.coach.resume(user))
                return "button:rejected"
            handled, notice = await self._pressed(query, payload, bot, user)
            return handled
        finally:
            await _answer_quietly(query, notice)

    async def _pressed(
        self, query: CallbackQuery, payload: cd.Payload, bot: Bot, user: User
    ) -> tuple[str, str | None]:
        if isinstance(payload, cd.Answer):
            return await self._answer_button(query, payload, bot, user)
        if isinstance(payload, cd.Pick):
            item = MenuItem(payload.dialogue_id, "", "", commitment_id=payload.commitment_id)
            try:
                turn = await self.coach.open_item(user, item)
            except (UnknownDialogue, NoSuchCommitment):
                await bot.send_message(
                    user_chat(user), phrase(self.screens.lang(user), "unknown_dialogue")
                )
                await self.screens.menu(bot, user)
                return "button:gone", None
            await self.screens.turn_or_menu(bot, user, turn)
            return f"open:{payload.dialogue_id}", None
        if isinstance(payload, cd.Language):
            user = await self.coach.set_language(user, payload.code)
            await mark_chosen(
                query, "Nederlands" if payload.code == "nl" else "English", payload.code
            )
            await bot.send_message(user_chat(user), phrase(payload.code, "language_set"))
            await self.screens.menu(bot, user)
            return f"language:{payload.code}", None
        lang = self.screens.lang(user)
        await mark_chosen(query, None, lang)
        if payload.confirmed:
            await self.coach.forget(user)
            await bot.send_message(user_chat(user), phrase(lang, "forgotten"))
            return "forget:done", None
        await bot.send_message(user_chat(user), phrase(lang, "not_forgotten"))
        return "forget:kept", None

    async def _answer_button(
        self, query: CallbackQuery, payload: cd.Answer, bot: Bot, user: User
    ) -> tuple[str, str | None]:
        pressed = Incoming.choice(payload.value, payload.step, payload.session_id)
        turn = await self.coach.reply(user, pressed)
        if turn is not None and turn.outcome in {"accepted", "completed"}:
            await mark_chosen(query, label_of(query, query.data), self.screens.lang(user))
        await self.screens.turn_or_menu(bot, user, turn)
        # No session any more (finished or cancelled) is stale too: the press changed nothing.
        stale = turn is None or turn.outcome == "stale"
        notice = phrase(self.screens.lang(user), "stale") if stale else None
        return f"button:{turn.outcome if turn else 'stale'}", notice


def _kind(message: TgMessage) -> str:
    for kind in ("sticker", "photo", "voice", "video", "document", "audio", "location", "contact"):
        if getattr(message, kind, None):
            return kind
    return "other"


async def _answer_quietly(query: CallbackQuery, notice: str | None) -> None:
    try:
        await query.answer(notice[:200] if notice else None)
    except BadRequest as err:  # too old to answer
        log.debug("could not answer callback %s: %s", query.id, err)
