"""Telegram updates to coach calls and replies to messages: python-telegram-bot handlers.

Each handler makes one coach call (one transaction, committed before anything is sent), then
delivers the reply: a pressed button is answered first, then the messages go out. Per-user
order comes from the update processor (``ordering``), HTML parse mode from the defaults.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.admin_commands import AdminCommands
from bot.channels.telegram.replies import (
    Delivery,
    answer_quietly,
    chat_of,
    guess_lang,
    kind_of,
    label_of,
    mark_chosen,
    plain,
    show_in_place,
)
from bot.channels.telegram.sender import (
    TELEGRAM,
    Outgoing,
    forget_keyboard,
    language_keyboard,
    outgoing,
)
from bot.channels.telegram.team_commands import TeamCommands
from bot.channels.text import clean_text
from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.content import Content
from bot.engine.phrases import phrase
from bot.engine.turn import Incoming, Turn
from bot.errors import CoachbotError, StoreUnavailable
from bot.languages import NAMES

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
CoachCall = Callable[[Visitor, int], Awaitable[Reply]]
# New messages in a private chat: edits are not answers, groups are not coaching sessions.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
MAX_OWED = 10_000  # users whose last reply may not have arrived, remembered at most


class TelegramChannel:
    """The thin layer between python-telegram-bot and the coach."""

    def __init__(
        self, coach: Coach, *, log_texts: bool = False, content: Content | None = None
    ) -> None:
        self.coach = coach
        self.log_texts = log_texts
        self.finished_updates = 0  # handled, skipped or failed: for health checks and tests
        # Users whose last reply failed to send: their next typed message gets the current
        # question back instead of being taken as the answer to a question they never saw.
        self._owed: OrderedDict[int, None] = OrderedDict()
        self.team = TeamCommands(self)
        self.admin = AdminCommands(self, content)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """Every handler, in the order python-telegram-bot tries them."""
        commands: dict[str, Handler] = {
            "start": self.on_start,
            "menu": self._simple(lambda v, u: self.coach.menu(v)),
            "continue": self._simple(lambda v, u: self.coach.resume(v, update_id=u)),
            "back": self._simple(lambda v, u: self.coach.back(v, update_id=u)),
            "restart": self._simple(lambda v, u: self.coach.restart(v, update_id=u)),
            "cancel": self._simple(lambda v, u: self.coach.cancel(v, update_id=u)),
            "profile": self._simple(lambda v, u: self.coach.profile(v, update_id=u)),
            "progress": self._simple(lambda v, u: self.coach.progress(v)),
            "help": self._fixed(lambda r: [Outgoing(plain(r.lang, "telegram_help"))]),
            "language": self._fixed(
                lambda r: [Outgoing(plain(r.lang, "choose_language"), language_keyboard())]
            ),
            "forget": self._fixed(
                lambda r: [Outgoing(plain(r.lang, "forget_confirm"), forget_keyboard(r.lang))]
            ),
            "mydata": self.on_mydata,
            **self.team.commands(),
            "reload": self.admin.on_reload,
        }
        found: list[BaseHandler[Update, Context, None]] = [
            CommandHandler(name, callback, filters=PRIVATE) for name, callback in commands.items()
        ]
        unknown = self._fixed(lambda r: [Outgoing(plain(r.lang, "unknown_command"))])
        return [
            *found,
            MessageHandler(PRIVATE & filters.COMMAND, unknown),
            MessageHandler(PRIVATE & filters.TEXT, self.on_text),
            self.admin.document_handler(PRIVATE),
            MessageHandler(PRIVATE, self.on_unreadable),
            CallbackQueryHandler(self.on_answer_button, pattern=r"^a:"),
            CallbackQueryHandler(self.on_menu_button, pattern=r"^[mc]:"),
            CallbackQueryHandler(self.on_language_button, pattern=r"^l:"),
            CallbackQueryHandler(self.on_forget_button, pattern=r"^f:"),
            self.team.button_handler(),
            CallbackQueryHandler(self.on_forged_button),
            TypeHandler(Update, self.on_ignored),  # edits, groups, channel posts: not for us
        ]

    # -- messages --------------------------------------------------------------------------

    async def on_start(self, update: Update, context: Context) -> None:
        """/start: welcome, the language question the first time, else the menu; with a
        payload (a deep link), a team invite."""
        if context.args:
            await self.team.on_invite_link(update, context.args[0][:100])
            return
        await self._serve(update, lambda v, u: self.coach.greet(v, update_id=u))

    async def on_text(self, update: Update, context: Context) -> None:
        """Typed text: the answer to the current question."""
        message = update.effective_message
        text = message.text if message is not None and message.text else ""
        if self.log_texts:  # only with COACHBOT_LOG_MESSAGE_TEXTS, for debugging
            log.debug("update=%s text=%r", update.update_id, text)
        user_id = update.effective_user.id if update.effective_user else 0
        if user_id in self._owed:  # they never saw the question this text would answer
            await self._serve(
                update, lambda v, u: self.coach.resume(v, update_id=u, notice="resent")
            )
            return
        await self.team.on_typed(update, Incoming.text(clean_text(text)))

    async def on_unreadable(self, update: Update, context: Context) -> None:
        """A sticker, photo, voice note...: a friendly re-prompt with the current question."""
        incoming = Incoming.unsupported(kind_of(update.effective_message))
        await self._serve(update, lambda v, u: self.coach.reply(v, incoming, update_id=u))

    async def on_mydata(self, update: Update, context: Context) -> None:
        """/mydata: everything stored about the user, as a JSON file."""

        async def deliver(delivery: Delivery) -> None:
            data = json.dumps(delivery.reply.export, ensure_ascii=False, indent=2).encode()
            await delivery.bot.send_document(
                delivery.chat_id,
                data,
                filename="coachbot-mydata.json",
                caption=plain(delivery.reply.lang, "mydata"),
            )

        await self._serve(update, lambda v, u: self.coach.export(v), deliver)

    async def on_ignored(self, update: Update, context: Context) -> None:
        """An update no coaching handler takes (an edited message, a group, ...)."""
        log.info("update=%s ignored", update.update_id)
        self.finished_updates += 1

    # -- buttons ---------------------------------------------------------------------------

    async def on_answer_button(self, update: Update, context: Context) -> None:
        """An answer button: taken only while it belongs to the current question."""
        payload = cd.decode(update.callback_query.data if update.callback_query else None)
        if not isinstance(payload, cd.Answer):
            await self.on_forged_button(update, context)
            return
        pressed = Incoming.choice(payload.value, payload.step, payload.session_id)

        async def deliver(delivery: Delivery) -> None:
            turn = delivery.reply.turn
            if turn is None or turn.outcome == "stale":  # the press changed nothing: say so once
                await delivery.answer(phrase(delivery.reply.lang, "stale"))
                if turn is not None:
                    delivery = delivery.without_notice()
            elif _changes_the_question(turn):
                await delivery.answer(delivery.reply.notice)  # why "Done" was refused, if it was
                if await show_in_place(delivery):
                    return
            else:
                await delivery.answer(None)
                if turn.outcome in {"accepted", "completed", "details"}:
                    query = delivery.query
                    label = turn.answered if turn.answered is not None else label_of(query)
                    await mark_chosen(query, label, delivery.reply.lang)
            await delivery.send(outgoing(delivery.reply))

        await self._serve(update, lambda v, u: self.coach.reply(v, pressed, update_id=u), deliver)

    async def on_menu_button(self, update: Update, context: Context) -> None:
        """A menu entry: a dialogue, or a check-in on a commitment."""
        payload = cd.decode(update.callback_query.data if update.callback_query else None)
        if not isinstance(payload, cd.Pick):
            await self.on_forged_button(update, context)
            return
        dialogue, commitment = payload.dialogue_id, payload.commitment_id
        await self._serve(
            update, lambda v, u: self.coach.open(v, dialogue, commitment, update_id=u)
        )

    async def on_language_button(self, update: Update, context: Context) -> None:
        """A language button."""
        payload = cd.decode(update.callback_query.data if update.callback_query else None)
        if not isinstance(payload, cd.Language):
            await self.on_forged_button(update, context)
            return
        code = payload.code
        await self._serve(
            update,
            lambda v, u: self.coach.set_language(v, code, update_id=u),
            _marking(NAMES[code]),
        )

    async def on_forget_button(self, update: Update, context: Context) -> None:
        """Yes or no to /forget."""
        payload = cd.decode(update.callback_query.data if update.callback_query else None)
        if not isinstance(payload, cd.Forget):
            await self.on_forged_button(update, context)
            return
        if payload.confirmed:
            await self._serve(update, lambda v, u: self.coach.forget(v), _marking(None))
            return

        async def deliver(delivery: Delivery) -> None:
            kept = [Outgoing(plain(delivery.reply.lang, "not_forgotten"))]
            await _marking(None)(delivery.with_messages(kept))

        await self._serve(update, lambda v, u: self.coach.whois(v), deliver)

    async def on_forged_button(self, update: Update, context: Context) -> None:
        """A button whose data we never sent: say so, and show where the user is."""
        log.warning("update=%s a malformed or forged button", update.update_id)

        async def deliver(delivery: Delivery) -> None:
            await delivery.answer(phrase(delivery.reply.lang, "unknown_button"))
            await delivery.send(outgoing(delivery.reply))

        await self._serve(update, lambda v, u: self.coach.resume(v, update_id=u), deliver)

    # -- errors ----------------------------------------------------------------------------

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure (never message texts) and tell the user; needs no database."""
        error = context.error
        if not isinstance(update, Update) or update.effective_user is None:
            log.error("a failure outside any update: %s", type(error).__name__, exc_info=error)
            return
        self.finished_updates += 1
        log.error("update=%s failed: %s", update.update_id, type(error).__name__, exc_info=error)
        delivery = Delivery.failed(update)
        await delivery.tell(phrase(guess_lang(update, self.coach.default_language), "error"))

    # -- the one path every update takes ---------------------------------------------------

    async def _serve(
        self,
        update: Update,
        call: CoachCall,
        deliver: Callable[[Delivery], Awaitable[None]] | None = None,
    ) -> None:
        started = time.perf_counter()
        sender = update.effective_user
        try:
            if sender is None or sender.is_bot:
                return
            visitor = Visitor(f"{TELEGRAM}{sender.id}", clean_text(sender.first_name or ""))
            reply = await self._call(update, visitor, call)
            if reply is None or reply.duplicate:
                return
            delivery = Delivery(update, reply)
            try:
                await (deliver or _send_reply)(delivery)
            except Forbidden:  # they blocked the bot: stop reaching out until they return
                log.info("update=%s user=%s blocked the bot", update.update_id, reply.user.id)
                await self.coach.mark_unreachable(visitor)
                return
            except (NetworkError, RetryAfter) as err:
                self._owe(sender.id)
                log.warning(
                    "update=%s reply not delivered: %s", update.update_id, type(err).__name__
                )
                return
            self._owed.pop(sender.id, None)
            took = (time.perf_counter() - started) * 1000
            log.info("update=%s user=%s ms=%.1f", update.update_id, reply.user.id, took)
        finally:
            self.finished_updates += 1

    async def _call(self, update: Update, visitor: Visitor, call: CoachCall) -> Reply | None:
        """The coach's reply, or ``None`` after telling the user why there is none."""
        lang = guess_lang(update, self.coach.default_language)
        try:
            reply = await call(visitor, update.update_id)
        except StoreUnavailable as err:
            log.error("update=%s not saved: %s", update.update_id, err.reason)
            await Delivery.failed(update).tell(phrase(lang, "not_saved"))
            return None
        except CoachbotError as err:  # a content bug validation could not see
            log.error("update=%s failed in the content: %s", update.update_id, err)
            await Delivery.failed(update).tell(phrase(lang, "error"))
            return None
        if reply.duplicate:
            log.info("update=%s duplicate=skipped", update.update_id)
            if update.callback_query is not None:
                await answer_quietly(update.callback_query, None)
        return reply

    def _owe(self, user_id: int) -> None:
        self._owed[user_id] = None
        self._owed.move_to_end(user_id)
        while len(self._owed) > MAX_OWED:
            self._owed.popitem(last=False)

    def _simple(self, call: CoachCall) -> Handler:
        async def handle(update: Update, context: Context) -> None:
            await self._serve(update, call)

        return handle

    def _fixed(self, messages: Callable[[Reply], list[Outgoing]]) -> Handler:
        """A handler answering with fixed messages in the user's language (only a read)."""

        async def deliver(delivery: Delivery) -> None:
            await _send_reply(delivery.with_messages(messages(delivery.reply)))

        async def handle(update: Update, context: Context) -> None:
            await self._serve(update, lambda v, u: self.coach.whois(v), deliver)

        return handle


def _changes_the_question(turn: Turn) -> bool:
    """A press that leaves the user at the same multi question: a toggle or a refused Done."""
    return turn.outcome == "toggled" or (turn.outcome == "rejected" and turn.messages[-1].multi)


async def _send_reply(delivery: Delivery, *, answered: bool = False) -> None:
    if not answered:
        await delivery.answer(None)
    messages = delivery.messages
    await delivery.send(messages if messages is not None else outgoing(delivery.reply))


def _marking(label: str | None) -> Callable[[Delivery], Awaitable[None]]:
    """Delivery for a settings button: answer it, mark the choice on its message, reply."""

    async def deliver(delivery: Delivery) -> None:
        await delivery.answer(None)
        await mark_chosen(delivery.query, label, delivery.reply.lang)
        await _send_reply(delivery, answered=True)

    return deliver


__all__ = ["TelegramChannel", "chat_of"]
