"""Builds the python-telegram-bot Application and runs it (long polling or webhook)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, TypeHandler
from telegram.request import BaseRequest

from bot.channels.telegram.channel import TelegramChannel
from bot.engine.coach import Coach

log = logging.getLogger(__name__)
TelegramApp = Application[Any, Any, Any, Any, Any, Any]

COMMAND_TEXTS = {
    "nl": {
        "menu": "Kies een gesprek",
        "continue": "Ga verder waar je was",
        "back": "Vorige vraag opnieuw",
        "restart": "Dit gesprek opnieuw beginnen",
        "cancel": "Dit gesprek stoppen",
        "language": "Taal kiezen",
        "mydata": "Al je gegevens als bestand",
        "forget": "Al je gegevens wissen",
        "help": "Hoe werkt het?",
    },
    "en": {
        "menu": "Choose a conversation",
        "continue": "Continue where you were",
        "back": "Previous question again",
        "restart": "Start this conversation over",
        "cancel": "Stop this conversation",
        "language": "Choose a language",
        "mydata": "All your data as a file",
        "forget": "Erase all your data",
        "help": "How does it work?",
    },
}


@dataclass(frozen=True)
class TelegramOptions:
    """How to reach Telegram; the URLs can point at a self-hosted Bot API server."""

    token: str
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    max_retries: int = 3
    log_message_texts: bool = False


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, and the secret it must send along."""

    url: str
    secret_token: str
    listen: str = "0.0.0.0"
    port: int = 8443
    path: str = "telegram"


def silence_request_urls() -> None:
    """httpx and httpcore log request URLs, and Telegram URLs contain the bot token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def build_application(
    options: TelegramOptions,
    coach: Coach,
    channel: TelegramChannel | None = None,
    *,
    request: BaseRequest | None = None,
) -> TelegramApp:
    """The Application with one entry handler; updates of different users run concurrently.

    ``request`` replaces the HTTP layer for every Bot API call (the benchmark's in-memory API).
    """
    # Opt in to PTB's timedelta durations: otherwise every 429 (RetryAfter) raises a
    # deprecation warning inside python-telegram-bot itself.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    builder = (
        ApplicationBuilder()
        .token(options.token)
        .base_url(options.api_url)
        .base_file_url(options.file_url)
        .rate_limiter(AIORateLimiter(max_retries=options.max_retries))
        .concurrent_updates(True)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    channel = channel or TelegramChannel(coach, log_texts=options.log_message_texts)
    application.add_handler(TypeHandler(Update, channel.handle))
    application.add_error_handler(channel.on_error)
    return application


async def _set_commands(application: TelegramApp) -> None:
    for lang, texts in COMMAND_TEXTS.items():
        commands = [BotCommand(name, text) for name, text in texts.items()]
        await application.bot.set_my_commands(commands, language_code=lang)
    english = [BotCommand(name, text) for name, text in COMMAND_TEXTS["en"].items()]
    await application.bot.set_my_commands(english)


async def start(application: TelegramApp, webhook: Webhook | None = None) -> None:
    """Initialise, set the command list, start, and begin fetching updates."""
    await application.initialize()
    await _set_commands(application)  # post_init hooks only run under run_polling/run_webhook
    await application.start()
    assert application.updater is not None
    if webhook is None:
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    else:
        await application.updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=webhook.secret_token,
            allowed_updates=Update.ALL_TYPES,
        )


async def stop(application: TelegramApp) -> None:
    """Stop fetching, let handlers finish, and shut down."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def run_until_signalled(application: TelegramApp, webhook: Webhook | None) -> None:
    """Run until SIGINT or SIGTERM; answers already given are committed, so stopping is safe."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await start(application, webhook)
    mode = "webhook" if webhook else "long polling"
    log.warning("coachbot is running (%s); stop with Ctrl-C", mode)
    try:
        await stopping.wait()
    finally:
        await stop(application)
