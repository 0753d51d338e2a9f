"""Logging, set up once from the settings: no token, secret or typed text in any log line.

Two guards. Every record is redacted before a handler writes it: the bot token (and the part
after its colon), the webhook secret and the database password become ``[redacted]``, in the
message and in the traceback. And unless ``COACHBOT_LOG_MESSAGE_TEXTS`` is set, the libraries
that log request parameters, update payloads, SQL parameters or result rows are kept to the
levels where they do not, and whatever arguments they still log (say, an update Telegram sent
that could not be read, logged as CRITICAL) are replaced by ``[hidden]``: they may hold what
users typed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any, TextIO
from urllib.parse import quote

from bot.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
HIDDEN = "[hidden]"

# Loggers that write message texts below these levels: Bot API parameters and results, webhook
# and update payloads (python-telegram-bot, our webhook server); statements with parameters and
# result rows (SQLAlchemy, aiosqlite); request lines (aiohttp).
TEXT_LOGGERS = {
    "telegram": logging.INFO,
    "bot.channels.telegram.webhook.payloads": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    "aiosqlite": logging.INFO,
    "aiohttp.access": logging.WARNING,
}
# Request URLs, which contain the bot token; quiet even when texts may be logged.
URL_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}

_traceback = logging.Formatter()
log = logging.getLogger(__name__)


class Redactor(logging.Filter):
    """Rewrites a record before it is written: secrets replaced, third-party payloads hidden."""

    def __init__(self, *secrets: str, hide_texts: bool = True) -> None:
        super().__init__()
        self.hide_texts = hide_texts
        self._secrets: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Also redact these values (a bot token's part after the colon too, and URL forms)."""
        found = set(self._secrets)
        for secret in filter(None, secrets):
            for value in (secret, secret.partition(":")[2]):
                found.update(form for form in (value, quote(value, safe="")) if form)
        self._secrets = sorted(found, key=len, reverse=True)  # a whole token before its part

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place (other handlers see the redacted record too)."""
        if self.hide_texts and record.args and _writes_texts(record.name):
            record.args = _hide(record.args)
        try:
            message = self.redact(record.getMessage())
        except (TypeError, ValueError):  # arguments that do not fit the format: leave them out
            message = self.redact(f"{record.msg} [arguments left out: they do not fit]")
        if record.exc_info and not record.exc_text:
            record.exc_text = _traceback.formatException(record.exc_info)
        record.msg, record.args, record.exc_info = message, None, None  # exc_text stands for it
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _writes_texts(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in TEXT_LOGGERS)


class _Hidden:
    """Stands for a hidden argument, for ``%s`` and ``%r`` alike."""

    def __repr__(self) -> str:
        return HIDDEN


def _hide(args: tuple[Any, ...] | Mapping[str, Any]) -> tuple[Any, ...] | Mapping[str, Any]:
    def keep(value: Any) -> Any:
        return value if value is None or isinstance(value, int | float) else _Hidden()

    if isinstance(args, Mapping):
        return {key: keep(value) for key, value in args.items()}
    return tuple(keep(value) for value in args)


_installed: tuple[logging.Handler, Redactor] | None = None


def configure_logging(settings: Settings, stream: TextIO | None = None) -> Redactor:
    """Log to ``stream`` (stderr) at the configured level, redacted; the CLI calls this once."""
    global _installed
    named = logging.getLevelName(settings.log_level.upper())
    level = named if isinstance(named, int) else logging.WARNING
    root = logging.getLogger()
    if _installed is not None:  # configured before (tests): replace, never stack
        root.removeHandler(_installed[0])
        for handler in root.handlers:
            handler.removeFilter(_installed[1])
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    redactor = Redactor(
        token,
        _database_password(settings.database_url),
        hide_texts=not settings.log_message_texts,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    for each in root.handlers:
        each.addFilter(redactor)
    root.setLevel(level)
    for name, quiet in TEXT_LOGGERS.items():
        texts_level = max(quiet, level) if redactor.hide_texts else logging.NOTSET
        logging.getLogger(name).setLevel(texts_level)
    for name, quiet in URL_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet, level))
    _installed = (handler, redactor)
    if not isinstance(named, int):
        log.warning(
            "COACHBOT_LOG_LEVEL=%r is not a level (DEBUG, INFO, ...); using WARNING",
            settings.log_level,
        )
    return redactor


def redact_also(*secrets: str) -> None:
    """Also keep these out of the logs (say, a webhook secret given on the command line)."""
    if _installed is not None:
        _installed[1].add(*secrets)


def redact(text: str) -> str:
    """``text`` with every known secret replaced (for messages printed outside logging)."""
    return _installed[1].redact(text) if _installed is not None else text


def _database_password(url: str) -> str:
    if "@" not in url:  # no credentials; and commands without a database skip SQLAlchemy
        return ""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password or ""
    except ArgumentError:
        return ""
