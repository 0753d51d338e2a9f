"""Sending what the Pusher says is due: check-ins, assignment reminders, managers' notices.

``send_due`` sends everything due at one moment and is what tests call with an injected clock;
``push_forever`` runs it every minute while the bot runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.channels.telegram import callback_data as cd
from bot.channels.telegram.sender import Outgoing, chat_of, keyboard, send_message
from bot.engine.coach import Coach, Visitor
from bot.engine.push_texts import OpenTrack, PushButton
from bot.engine.pushes import Pusher

log = logging.getLogger(__name__)

PUSH_EVERY_SECONDS = 60
# Pushes go out at most 20 a second (bursts of 4): replies to people typing share Telegram's
# ~30 a second with them, and a leaky bucket of 30 would allow up to 60 in one second.
PUSH_RATE = (4, 0.2)


def push_pace() -> AsyncLimiter:
    """The pace of pushes, shared by every round of one bot."""
    return AsyncLimiter(*PUSH_RATE)


def _now() -> datetime:
    return datetime.now(UTC)


async def send_due(
    pusher: Pusher, coach: Coach, bot: Bot, now: datetime, pace: AsyncLimiter | None = None
) -> int:
    """Send every push due at ``now`` (none outside working time); how many went out."""
    sent = 0
    while (message := await pusher.next_due(now)) is not None:
        if pace is not None:
            await pace.acquire()
        push = message.push
        chat_id = chat_of(push.external_id)
        assert chat_id is not None  # the pusher only hands out Telegram users' pushes
        rows = [[(button.label, _payload(button))] for button in message.buttons]
        try:
            await send_message(bot, chat_id, Outgoing(message.text, keyboard(rows)))
        except Forbidden:  # blocked the bot: recorded, and the others still go out
            await pusher.finish(push, now, "blocked the bot")
            await coach.mark_unreachable(Visitor(push.external_id, push.display_name))
        except RetryAfter:  # surely not sent: Telegram asks to slow down, so stop this round
            await pusher.release(push)
            break
        except TelegramError as err:  # maybe sent (a timeout): never twice
            await pusher.finish(push, now, f"{type(err).__name__}: maybe not sent")
        else:
            await pusher.finish(push, now)
            sent += 1
    return sent


def _payload(button: PushButton) -> cd.Payload:
    """A push's button as callback data: open a track (or a check-in), or a team press."""
    if isinstance(button, OpenTrack):
        return cd.Pick(button.dialogue_id, button.commitment_id)
    return cd.TeamPress(button.kind, button.ref)


async def push_forever(
    pusher: Pusher, coach: Coach, bot: Bot, clock: Callable[[], datetime] = _now
) -> None:
    """Every minute: mark claims a dead sender left behind, then send what is due."""
    pace = push_pace()
    while True:
        try:
            interrupted = await pusher.interrupt_stale(clock())
            if interrupted:
                log.warning(
                    "%d push(es) were interrupted mid-send and are not sent again", interrupted
                )
            sent = await send_due(pusher, coach, bot, clock(), pace)
            if sent:
                log.info("pushed %d message(s)", sent)
        except Exception as err:  # a busy database: try again next minute
            log.warning("pushing failed: %s", type(err).__name__)
        await asyncio.sleep(PUSH_EVERY_SECONDS)
