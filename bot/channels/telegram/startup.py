"""A start Telegram refuses (a rejected token, no Bot API to reach) as one clear line, not a
traceback, and never with the token in it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.logs import redact

EXIT_CANNOT_START = 2


def startup_failure(error: TelegramError, api_url: str) -> str:
    """What to tell the admin when the bot could not start because of ``error``."""
    if isinstance(error, InvalidToken):
        return (
            "coachbot: Telegram rejected the bot token (COACHBOT_TELEGRAM_TOKEN). "
            "Check it with @BotFather."
        )
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return (
            f"coachbot: cannot reach the Telegram Bot API at {api_url} ({error.message}). "
            "Check the network and COACHBOT_TELEGRAM_API_URL."
        )
    return f"coachbot: the Telegram Bot API at {api_url} refused to start the bot: {error.message}"


def run_bot(main: Coroutine[Any, Any, None], api_url: str) -> int:
    """Run ``main`` to the end; the exit code, 2 (with one line on stderr) if it cannot start."""
    try:
        asyncio.run(main)
    except TelegramError as error:
        print(redact(startup_failure(error, api_url)), file=sys.stderr)
        return EXIT_CANNOT_START
    return 0
