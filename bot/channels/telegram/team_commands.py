"""Team commands and buttons on Telegram: /invite, /team, /leave, /managers, invite links.

Only the translation lives here (arguments in, screens out, QR codes drawn, others notified);
who may do what is decided by the engine (``bot.engine.teams``) inside each unit.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import segno
from telegram import Bot, InputFile, Update
from telegram import Message as TgMessage
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.command_menus import CommandMenus
from bot.channels.telegram.limits import fit_caption, split_text
from bot.channels.telegram.replies import Delivery, label_of, mark_chosen
from bot.channels.telegram.sender import (
    chat_of,
    notice_message,
    outgoing,
    screen_message,
    send_chart,
    send_message,
)
from bot.engine.coach import Visitor
from bot.engine.roles import Notice, Panel, Screen
from bot.engine.stats_command import stats
from bot.engine.team_buttons import TeamButtons
from bot.engine.team_report import team_args
from bot.engine.teams import Teams
from bot.engine.turn import Incoming

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


class TeamCommands:
    """The team handlers of one ``TelegramChannel``."""

    def __init__(self, channel: TelegramChannel) -> None:
        self.channel = channel
        self.teams = Teams(channel.coach)
        self.buttons = TeamButtons(self.teams)
        self.assignments = self.buttons.assignments
        self.menus = CommandMenus(channel.coach)

    def commands(self) -> dict[str, Handler]:
        """Command name to handler."""
        return {
            "invite": self.on_invite,
            "team": self.on_team,
            "leave": self.on_leave,
            "managers": self.on_managers,
            "assign": self.on_assign,
            "assignments": self.on_assignments,
            "stats": self.on_stats,
        }

    def button_handler(self) -> CallbackQueryHandler[Any, None]:
        """The handler for team buttons (``t:...``)."""
        return CallbackQueryHandler(self.on_button, pattern=r"^t:")

    async def on_invite(self, update: Update, context: Context) -> None:
        """/invite: a new invite link with its QR code, and the open invites."""
        link = f"https://t.me/{context.bot.username}?start="
        await self.serve(update, lambda v, u: self.teams.invite(v, link, update_id=u))

    async def on_team(self, update: Update, context: Context) -> None:
        """/team, /team all, /team <telegram-id>, each optionally with chart or export."""
        arg, view = team_args(context.args or [])
        await self.serve(update, lambda v, u: self.teams.team(v, arg, update_id=u, view=view))

    async def on_leave(self, update: Update, context: Context) -> None:
        """/leave: leave the team, after a confirmation."""
        await self.serve(update, lambda v, u: self.teams.leave(v, update_id=u))

    async def on_managers(self, update: Update, context: Context) -> None:
        """/managers, /managers add <id>, /managers remove <id>."""
        args = list(context.args or [])[:3]
        await self.serve(update, lambda v, u: self.teams.managers(v, args, update_id=u))

    async def on_assign(self, update: Update, context: Context) -> None:
        """/assign: give members a coaching session with a due day."""
        await self.serve(update, lambda v, u: self.assignments.assign(v, update_id=u))

    async def on_assignments(self, update: Update, context: Context) -> None:
        """/assignments: the team's open assignments, to move or withdraw."""
        await self.serve(update, lambda v, u: self.assignments.overview(v, update_id=u))

    async def on_stats(self, update: Update, context: Context) -> None:
        """/stats, /stats <dialogue>: the analytics, for admins."""
        coach, args = self.channel.coach, context.args or []
        chosen = args[0] if args else None
        await self.serve(update, lambda v, _: stats(coach, v, chosen))

    async def on_typed(self, update: Update, incoming: Incoming) -> None:
        """Typed text: a date or note /assign waits for, else the answer to the question."""
        await self.serve(update, lambda v, u: self.assignments.typed(v, incoming, update_id=u))

    async def on_invite_link(self, update: Update, token: str) -> None:
        """/start <token>: an invite link was opened."""
        await self.serve(update, lambda v, u: self.buttons.open_invite(v, token, update_id=u))

    async def on_button(self, update: Update, context: Context) -> None:
        """A team button; data that does not decode is a forged button."""
        payload = cd.decode(update.callback_query.data if update.callback_query else None)
        if not isinstance(payload, cd.TeamPress):
            await self.channel.on_forged_button(update, context)
            return
        kind, ref = payload.kind, payload.ref
        await self.serve(
            update, lambda v, u: self.buttons.press(v, kind, ref, update_id=u), pressed=True
        )

    async def serve(
        self,
        update: Update,
        call: Callable[[Visitor, int], Coroutine[Any, Any, Any]],
        *,
        pressed: bool = False,
    ) -> None:
        async def deliver(delivery: Delivery) -> None:
            panel = delivery.reply.panel or Panel(())
            try:
                await _show(delivery, panel, pressed)
            finally:  # the change is committed: others are told even if the sender's reply failed
                await self._notify(delivery.bot, panel.notices)
                await self.menus.changed(delivery.bot, panel.roles_changed)

        await self.channel._serve(update, call, deliver)

    async def _notify(self, bot: Bot, notices: tuple[Notice, ...]) -> None:
        """Tell others (best effort): one who blocked the bot never breaks the sender's reply."""
        for notice in notices:
            chat_id = chat_of(notice.external_id)
            if chat_id is None:
                continue
            try:
                await send_message(bot, chat_id, notice_message(notice))
            except Forbidden:
                log.info("a team notice was not delivered: the recipient blocked the bot")
                await self.channel.coach.mark_unreachable(Visitor(notice.external_id, ""))
            except TelegramError as err:
                log.warning("a team notice was not delivered: %s", type(err).__name__)


async def _show(delivery: Delivery, panel: Panel, pressed: bool) -> None:
    """The sender's own reply: the pressed button answered, the screens, the messages."""
    await delivery.answer(None)
    screens = panel.screens
    if pressed and panel.in_place and screens and await _replace(delivery, screens[0]):
        screens = screens[1:]
    elif pressed:  # the question is answered: show the choice, drop its buttons
        query = delivery.query
        await mark_chosen(query, label_of(query), delivery.reply.lang)
    if delivery.reply.turn is not None:  # a conversation's messages, then the screens
        await delivery.send(outgoing(delivery.reply))
        return
    for screen in screens:
        await _send_screen(delivery.bot, delivery.chat_id, screen)
    await delivery.send(outgoing(replace(delivery.reply, panel=None)))


async def _replace(delivery: Delivery, screen: Screen) -> bool:
    """Show ``screen`` on the message whose button was pressed; False if it cannot be edited."""
    message = delivery.query.message
    shown = screen_message(screen)
    if not isinstance(message, TgMessage) or len(split_text(shown.text)) != 1:
        return False
    try:
        await message.edit_text(shown.text, reply_markup=shown.markup)
    except BadRequest as err:
        return "not modified" in str(err).lower()
    return True


async def _send_screen(bot: Bot, chat_id: int, screen: Screen) -> None:
    if screen.document is not None:
        name, data = screen.document
        caption = fit_caption(_plain(screen.text))
        await bot.send_document(chat_id, InputFile(data, filename=name), caption=caption)
        return
    if screen.qr is None:
        if screen.text:
            await send_message(bot, chat_id, screen_message(screen))
        elif screen.chart is not None:
            await send_chart(bot, chat_id, screen.chart)
        return
    png = await asyncio.to_thread(qr_png, screen.qr)
    photo = InputFile(png, filename="invite.png")
    await bot.send_photo(chat_id, photo, caption=fit_caption(_plain(screen.text)))


def qr_png(text: str) -> bytes:
    """``text`` as a QR code, a PNG image."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _plain(text: str) -> str:
    return html.escape(text, quote=False)
