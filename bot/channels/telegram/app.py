"""Builds the python-telegram-bot Application and runs it (long polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.channels.telegram import command_menus
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.ordering import PerUserOrder
from bot.channels.telegram.pushes import push_forever
from bot.channels.telegram.webhook import WebhookServer
from bot.dialogue import dates
from bot.engine.coach import Coach
from bot.engine.content import Content
from bot.engine.pushes import Pusher
from bot.engine.watch import watch_forever
from bot.ops import heartbeat

log = logging.getLogger(__name__)
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
MAX_CONCURRENT_UPDATES = 256  # updates in flight; the store bounds the database work itself
# Telegram keeps an unconfirmed update for 24 hours; an id older than that never comes back.
REDELIVERY_WINDOW = timedelta(hours=25)
PRUNE_EVERY_SECONDS = 3600
_WEBHOOK_SERVER = "coachbot.webhook_server"  # where start() keeps it for stop(), in bot_data
_CHANNEL = "coachbot.channel"  # where build_application() keeps it for start()
_MENUS_TASK = "coachbot.command_menus"  # the start's setting of role commands, for stop()


@dataclass(frozen=True)
class TelegramOptions:
    """How to reach Telegram; the URLs can point at a self-hosted Bot API server."""

    token: str
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    max_retries: int = 3
    log_message_texts: bool = False
    messages_per_second: float = 30  # Telegram's limit for one bot, over all chats


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, and the secret it must send along."""

    url: str
    secret_token: str
    listen: str = "0.0.0.0"
    port: int = 8443

    @property
    def path(self) -> str:
        """The path to serve: the one in the URL Telegram is given (``/`` if it has none)."""
        return urlsplit(self.url).path.strip("/")


def build_application(
    options: TelegramOptions,
    coach: Coach,
    channel: TelegramChannel | None = None,
    *,
    request: BaseRequest | None = None,
    content: Content | None = None,
) -> TelegramApp:
    """The Application: the channel's handlers, per-user order, HTML by default; with
    ``content``, admins can reload and upload dialogues."""
    # Opt in to PTB's timedelta durations: otherwise every 429 (RetryAfter) raises a
    # deprecation warning inside python-telegram-bot itself.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    builder = (
        ApplicationBuilder()
        .token(options.token)
        .base_url(options.api_url)
        .base_file_url(options.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=options.messages_per_second, max_retries=options.max_retries
            )
        )
        .concurrent_updates(PerUserOrder(MAX_CONCURRENT_UPDATES))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    channel = channel or TelegramChannel(
        coach, log_texts=options.log_message_texts, content=content
    )
    application.add_handlers(channel.handlers())
    application.add_error_handler(channel.on_error)
    application.bot_data[_CHANNEL] = channel
    return application


async def start(application: TelegramApp, webhook: Webhook | None = None) -> None:
    """Initialise, set the command list, start, and begin fetching updates.

    In webhook mode our own server (``webhook.py``) takes the updates and serves ``/healthz``;
    the webhook stays set at Telegram after a stop, so updates wait for the next start (and
    several instances or a rolling restart keep receiving them). Polling deletes it at start.
    """
    await application.initialize()
    threading.Thread(target=dates.warm_up, name="coachbot-dates", daemon=True).start()
    # post_init hooks only run under run_polling/run_webhook
    await command_menus.set_default(application.bot)
    await application.start()
    channel: TelegramChannel = application.bot_data[_CHANNEL]
    menus = channel.team.menus.set_all(application.bot)  # many managers: not in the way
    application.bot_data[_MENUS_TASK] = asyncio.create_task(menus)
    if webhook is None:
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        return
    server = WebhookServer(
        application, webhook.path, webhook.secret_token, webhook.listen, webhook.port
    )
    server.start()
    application.bot_data[_WEBHOOK_SERVER] = server
    await application.bot.set_webhook(
        webhook.url, secret_token=webhook.secret_token, allowed_updates=Update.ALL_TYPES
    )


async def stop(application: TelegramApp) -> None:
    """Stop fetching, let handlers in flight finish, and shut down."""
    menus: asyncio.Task[None] | None = application.bot_data.pop(_MENUS_TASK, None)
    if menus is not None:
        menus.cancel()
        try:
            await menus
        except asyncio.CancelledError:
            pass
        except Exception as err:  # a bug there must not keep the bot from stopping
            log.error("setting the commands of managers failed: %s", type(err).__name__)
    server: WebhookServer | None = application.bot_data.pop(_WEBHOOK_SERVER, None)
    if server is not None:
        await server.stop()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def forget_seen_ids(application: TelegramApp) -> None:
    """Drop the ids python-telegram-bot collects for a persistence we do not have.

    Without a persistence nothing ever empties these two sets, so every user ever seen would
    stay in memory until a restart.
    """
    for name in (
        "_user_ids_to_be_updated_in_persistence",
        "_chat_ids_to_be_updated_in_persistence",
    ):
        seen = getattr(application, name, None)
        if isinstance(seen, set):
            seen.clear()


async def prune_forever(coach: Coach, application: TelegramApp) -> None:
    """Every hour, forget processed update ids Telegram can no longer redeliver, and the ids
    python-telegram-bot keeps of everyone it saw."""
    while True:
        forget_seen_ids(application)
        try:
            pruned = await coach.prune_updates(datetime.now(UTC) - REDELIVERY_WINDOW)
            log.info("pruned %d processed update id(s)", pruned)
        except Exception as err:  # a busy database: try again next hour
            log.warning("pruning processed updates failed: %s", type(err).__name__)
        await asyncio.sleep(PRUNE_EVERY_SECONDS)


def _reload_in_background(content: Content) -> asyncio.Task[None]:
    async def reload() -> None:
        try:
            result = await content.reload()
        except Exception:  # a reload must never take the bot down
            log.exception("reload after SIGHUP failed")
            return
        for problem in result.problems:
            log.warning("reload refused: %s", problem)

    return asyncio.create_task(reload())


async def run_until_signalled(
    application: TelegramApp,
    coach: Coach,
    webhook: Webhook | None,
    heartbeat_file: Path | None = None,
    pusher: Pusher | None = None,
    content: Content | None = None,
    watch: bool = False,
) -> None:
    """Run until SIGINT or SIGTERM; answers already given are committed, so stopping is safe.

    While running, the heartbeat file is touched from the event loop (``coachbot health``)
    and, with a ``pusher``, check-ins are pushed on their day.
    """
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    tasks: list[asyncio.Task[None]] = []
    if content is not None:  # SIGHUP: reload the dialogues (kept as they are on any problem)
        loop.add_signal_handler(signal.SIGHUP, lambda: tasks.append(_reload_in_background(content)))
    try:
        await start(application, webhook)
        tasks.append(asyncio.create_task(prune_forever(coach, application)))
        if pusher is not None:
            tasks.append(asyncio.create_task(push_forever(pusher, coach, application.bot)))
        if content is not None and watch:
            tasks.append(asyncio.create_task(watch_forever(content)))
        if heartbeat_file is not None:

            def alive() -> bool:
                return application.running

            tasks.append(asyncio.create_task(heartbeat.beat_forever(heartbeat_file, alive)))
        mode = f"webhook on /{webhook.path}" if webhook else "long polling"
        log.warning("coachbot is running (%s); stop with Ctrl-C", mode)
        await stopping.wait()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if heartbeat_file is not None:
            heartbeat.remove(heartbeat_file)
        await stop(application)
