"""Logs at DEBUG through a whole walk, polling and webhook: no token, no secret, no typed text."""

from __future__ import annotations

import asyncio
import io
import logging
import os
from collections.abc import Iterator

import aiohttp
import pytest
from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.error import InvalidToken

from bot.channels.telegram.app import Webhook, start, stop
from bot.engine.coach import Coach
from bot.logs import TEXT_LOGGERS, URL_LOGGERS, Redactor, configure_logging, redact_also
from bot.settings import Settings
from tests.channels.chat_process import COACHBOT, REPO
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import TOKEN, FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_robustness import at_first_question, free_port
from tests.telegram.test_salesperson import step

SECRET = "wh00k-S3cret-Zq81"
MARKER = "Zonnebloemveld-QX7"  # typed by the user; must never reach a log line
PASSWORD = "db-Pa55-Hx42"


class Recorder(logging.Handler):
    """Keeps every record exactly as a handler on the root logger would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message with its traceback, if any


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A handler on the root logger; the logging setup is restored afterwards."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    names = [*TEXT_LOGGERS, *URL_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    handler = Recorder()
    root.addHandler(handler)
    yield handler
    for each in root.handlers:
        if each not in saved[1]:
            root.removeHandler(each)
        each.filters = [f for f in each.filters if not isinstance(f, Redactor)]
    root.setLevel(saved[0])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def settings(database_url: str, *, texts: bool = False) -> Settings:
    url = make_url(database_url).set(password=PASSWORD).render_as_string(hide_password=False)
    return Settings(
        telegram_token=TOKEN, log_level="DEBUG", log_message_texts=texts, database_url=url
    )


async def post_update(url: str, update: dict[str, object], secret: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as sent,
    ):
        return sent.status


async def a_walk_by_polling_and_by_webhook(api: FakeBotAPI, coach: Coach) -> None:
    """Typed answers with the marker, a failure with a traceback, /mydata, a webhook update."""
    eva = FakeUser(api, 801)
    polling = application_for(api, coach)
    await start(polling)
    try:
        await at_first_question(api, eva)
        await step(api, eva, "Ik zorg voor lunch en een borrel", "3 · Best")
        api.fail_next("sendMessage", 500, "Internal Server Error")  # logged with a traceback
        await step(api, eva, f"> Ik stelde {MARKER} voor aan Bert")
        await step(api, eva, "> /continue", "> /mydata")
    finally:
        await stop(polling)

    port = free_port()
    hook = Webhook("https://coach.example.com/telegram", SECRET, "127.0.0.1", port)
    webhook = application_for(api, coach)
    await start(webhook, hook)
    try:
        url = f"http://127.0.0.1:{port}/telegram"
        assert await post_update(url, eva.message_update("geen geheim"), "wrong") == 403
        replies = len(eva.messages)
        assert await post_update(url, eva.message_update(f"Nog eens {MARKER}"), SECRET) == 200
        await api.wait_for(lambda _: len(eva.messages) > replies)  # answered
        await api.settle()
    finally:
        await stop(webhook)
    assert api.webhook is not None
    assert api.webhook["secret_token"] == SECRET


async def test_no_token_secret_or_typed_text_in_any_log_line(
    api: FakeBotAPI, coach: Coach, database_url: str, recorder: Recorder
) -> None:
    stderr = io.StringIO()
    configured = settings(database_url)
    configure_logging(configured, stderr)
    redact_also(SECRET)  # what ``coachbot run --secret-token`` does

    await a_walk_by_polling_and_by_webhook(api, coach)
    api.fail_next("getMe", 401, "Unauthorized")
    rejecting = Bot(TOKEN, base_url=api.base_url)
    with pytest.raises(InvalidToken) as rejected:  # python-telegram-bot puts the token in it
        await rejecting.initialize()
    await rejecting.shutdown()
    logging.getLogger("bot").error("could not start", exc_info=rejected.value)
    logging.getLogger("bot.store").warning("cannot open %s", configured.database_url)

    written = stderr.getvalue()
    assert "DEBUG" in written  # the walk was logged at DEBUG
    assert "ms=" in written  # one line per update
    assert "Traceback" in written  # the failure, with its traceback
    assert TOKEN in str(rejected.value)
    for logged in (written, "\n".join(recorder.lines)):
        leaks = [s for s in (TOKEN, TOKEN.split(":")[1], SECRET, MARKER, PASSWORD) if s in logged]
        assert leaks == []


async def test_typed_text_is_logged_only_when_asked_and_secrets_never(
    api: FakeBotAPI, coach: Coach, database_url: str, recorder: Recorder
) -> None:
    stderr = io.StringIO()
    configure_logging(settings(database_url, texts=True), stderr)
    redact_also(SECRET)

    await a_walk_by_polling_and_by_webhook(api, coach)

    written = stderr.getvalue()
    assert MARKER in written  # COACHBOT_LOG_MESSAGE_TEXTS: for debugging, texts are logged
    assert "Webhook received data" in written
    for leak in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert leak not in written
    assert "[redacted]" in written


# -- ``coachbot run`` when Telegram refuses or cannot be reached ---------------------------------

REJECTED_TOKEN = "999999:REJECTED-bG9nc-token"


async def coachbot_run(api_url: str, database_url: str, level: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "COACHBOT_TELEGRAM_TOKEN": REJECTED_TOKEN,
        "COACHBOT_TELEGRAM_API_URL": api_url,
        "COACHBOT_DATABASE_URL": database_url,
        "COACHBOT_LOG_LEVEL": level,
    }
    process = await asyncio.create_subprocess_exec(
        COACHBOT,
        "run",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return await process.wait(), output.decode()


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
async def test_a_rejected_token_is_one_clear_line_without_the_token(
    api: FakeBotAPI, database_url: str, level: str
) -> None:
    code, output = await coachbot_run(api.base_url, database_url, level)

    assert code == 2
    assert output.splitlines()[-1] == (
        "coachbot: Telegram rejected the bot token (COACHBOT_TELEGRAM_TOKEN). "
        "Check it with @BotFather."
    )
    assert REJECTED_TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    if level == "WARNING":
        assert len(output.splitlines()) == 1


async def test_an_unreachable_bot_api_is_one_clear_line(database_url: str) -> None:
    api_url = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens there

    code, output = await coachbot_run(api_url, database_url, "WARNING")

    assert code == 2
    assert output.startswith(f"coachbot: cannot reach the Telegram Bot API at {api_url} (")
    assert output.rstrip().endswith("Check the network and COACHBOT_TELEGRAM_API_URL.")
    assert len(output.splitlines()) == 1


def record(message: str, *args: object, name: str = "bot") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, None)


def test_the_redactor_replaces_every_form_of_a_secret() -> None:
    redactor = Redactor(TOKEN, SECRET)
    quoted = TOKEN.replace(":", "%3A")
    logged = record("url %s/%s and %s; half %s", TOKEN, quoted, SECRET, TOKEN.split(":")[1])

    assert redactor.filter(logged)

    assert logged.getMessage() == "url [redacted]/[redacted] and [redacted]; half [redacted]"


def test_payloads_of_chatty_libraries_are_hidden_and_numbers_kept() -> None:
    redactor = Redactor(TOKEN)
    webhook = record("Received data was: %r (%d bytes)", {"text": MARKER}, 42, name="telegram.ext")
    ours = record("update=%s text=%s", 7, MARKER, name="bot.channels.telegram.channel")

    redactor.filter(webhook)
    redactor.filter(ours)  # our own loggers log texts only when asked to

    assert webhook.getMessage() == "Received data was: [hidden] (42 bytes)"
    assert ours.getMessage() == f"update=7 text={MARKER}"


def test_a_record_whose_arguments_do_not_fit_is_still_written() -> None:
    logged = record("%d of %d", "x")

    assert Redactor(TOKEN).filter(logged)

    assert logged.getMessage() == "%d of %d [arguments left out: they do not fit]"
