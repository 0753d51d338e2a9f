"""The ``coachbot`` command line: chat, the Telegram bot, dialogues, the database and health.

Typer needs only the commands' signatures, so this module imports nothing heavy: each
command imports what it uses (the store, python-telegram-bot, Alembic, Jinja2 ...) when it
runs. ``coachbot --help`` therefore starts in a fraction of the time a command takes.
"""

from __future__ import annotations

import os
import socket
import sys
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.channels.telegram.app import Webhook
    from bot.dialogue.catalog import Catalog
    from bot.engine.content import Content
    from bot.engine.engine import Engine
    from bot.settings import Settings
    from bot.store import Store, StoreOptions

EXIT_CANNOT_START = 2  # a setting, the database or Telegram does not allow a start
EXIT_UNHEALTHY = 1  # Docker's HEALTHCHECK: 1 is unhealthy, 2 is reserved

app = typer.Typer(
    help="Coachbot: a coaching assistant for salespeople.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rendering it with rich costs more than the rest
    pretty_exceptions_show_locals=False,  # locals may hold secrets; never print them
)


PROGRESS_FROM_FILES = 5  # a progress bar (on a terminal) when loading more files than this


class Lang(StrEnum):
    """Languages the coach speaks."""

    nl = "nl"
    en = "en"


class OutputFormat(StrEnum):
    """How ``validate`` reports."""

    text = "text"
    json = "json"


@cache
def _settings(exit_code: int = EXIT_CANNOT_START) -> Settings:
    """The settings, read once from the environment, with logging configured from them."""
    from pydantic import ValidationError

    from bot.logs import configure_logging
    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as err:
        typer.echo(f"coachbot: invalid COACHBOT_* setting:\n{err}", err=True)
        raise typer.Exit(exit_code) from err
    configure_logging(settings)
    return settings


def _catalog(settings: Settings, paths: list[Path] | None = None) -> Catalog:
    from bot.dialogue.catalog import dialogue_files, load_catalog

    folders = paths or [settings.dialogues_dir]
    count = len(dialogue_files(folders))
    cache = settings.cache_dir
    if count <= PROGRESS_FROM_FILES or not sys.stderr.isatty():
        return load_catalog(folders, settings.prompts_dir, cache_dir=cache)
    with typer.progressbar(length=count, label="Loading dialogues", file=sys.stderr) as bar:
        return load_catalog(
            folders, settings.prompts_dir, progress=lambda _, __: bar.update(1), cache_dir=cache
        )


def _content(settings: Settings, engine: Engine, store: Store) -> Content:
    """The content service: versions kept in the store, reloads, uploads."""
    from bot.engine.content import Content

    folders = [settings.dialogues_dir]
    return Content(engine, store, folders, settings.prompts_dir, settings.cache_dir)


def _report_broken(catalog: Catalog) -> None:
    for file, problems in catalog.broken.items():
        typer.echo(
            f"warning: {file} is broken and not served ({len(problems)} problem(s)):", err=True
        )
        for problem in problems:
            typer.echo(f"  {problem}", err=True)


def _store_options(settings: Settings) -> StoreOptions:
    from bot.store import StoreOptions

    return StoreOptions(
        busy_seconds=settings.db_busy_seconds,
        synchronous=settings.sqlite_synchronous,
        pool_size=settings.db_pool_size,
    )


def _cannot_start(message: object) -> typer.Exit:
    """Say why in one line on stderr; the exit to raise."""
    typer.echo(f"coachbot: {message}", err=True)
    return typer.Exit(EXIT_CANNOT_START)


async def _open_store(settings: Settings) -> Store:
    from bot.errors import DatabaseSetupError
    from bot.store import open_store

    try:
        return await open_store(settings.database_url, _store_options(settings))
    except DatabaseSetupError as err:
        raise _cannot_start(err) from err


@app.command()
def chat(
    user: Annotated[
        str | None, typer.Option(help="Your name; each name has its own sessions.")
    ] = None,
    dialogue: Annotated[str | None, typer.Option(help="Dialogue id to start or resume.")] = None,
    lang: Annotated[Lang | None, typer.Option(help="Language (remembered for next time).")] = None,
) -> None:
    """Chat with the coach in the terminal (piped input works too)."""
    import asyncio
    import getpass
    import io

    from bot.engine.phrases import phrase

    settings = _settings()
    catalog = _catalog(settings)
    _report_broken(catalog)
    name = user or getpass.getuser()
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # odd bytes become �, never a crash
    try:
        code = asyncio.run(_chat(settings, catalog, name, dialogue, lang.value if lang else None))
    except KeyboardInterrupt:
        typer.echo("\n" + phrase(lang.value if lang else settings.default_language, "goodbye"))
        code = 130
    raise typer.Exit(code)


async def _chat(
    settings: Settings, catalog: Catalog, name: str, dialogue: str | None, lang: str | None
) -> int:
    from bot.channels.terminal import StdinLines, TerminalChat
    from bot.engine.coach import Coach, Visitor
    from bot.engine.engine import Engine

    store = await _open_store(settings)
    try:
        engine = Engine(catalog)
        coach = Coach(engine, store, settings.default_language, settings.team_rules())
        await _content(settings, engine, store).keep_versions()
        lines = StdinLines(sys.stdin)
        images = settings.data_dir / "images"
        visitor = Visitor(f"terminal:{name}", name)
        styled = sys.stdout.isatty()
        terminal = TerminalChat(coach, visitor, lines, sys.stdout, images, styled=styled)
        return await terminal.run(dialogue, lang)
    finally:
        await store.close()


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: the dialogues folder).")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """Check dialogue files: every error and warning located; exit 1 if any error."""
    import json

    from bot.dialogue.catalog import dialogue_files
    from bot.dialogue.content_warnings import catalog_warnings
    from bot.dialogue.report import Report

    settings = _settings()
    named = paths or [settings.dialogues_dir]
    catalog = _catalog(settings, named)
    warnings = catalog_warnings(catalog, settings.prompts_dir)
    report = Report(named, dialogue_files(named), catalog, warnings)
    if output is OutputFormat.json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(report.lines()))
    raise typer.Exit(1 if report.errors else 0)


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Print the JSON Schema of dialogue files, for editors (as dialogues/schema.json)."""
    from bot.cli_content import write_output
    from bot.dialogue.schema import schema_text

    text = schema_text()
    if out is None:
        sys.stdout.write(text)
    else:
        write_output(out, text.encode())


@app.command()
def dialogues() -> None:
    """List the dialogues being served: id, number of nodes, title."""
    settings = _settings()
    catalog = _catalog(settings)
    lang = settings.default_language
    for dialogue in catalog.listed():
        title, size = dialogue.model.title.get(lang), len(dialogue.model.nodes)
        typer.echo(f"{dialogue.id:<20} {size:>3} nodes  {title}")
    _report_broken(catalog)


@app.command()
def run(
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            envvar="COACHBOT_WEBHOOK_URL",
            help="Public HTTPS URL; enables webhook mode.",
        ),
    ] = None,
    secret_token: Annotated[
        str | None,
        typer.Option(
            envvar="COACHBOT_WEBHOOK_SECRET",
            help="Secret Telegram must send (required with --webhook; the variable keeps it "
            "out of process listings).",
        ),
    ] = None,
    listen: Annotated[str, typer.Option(help="Address the webhook server listens on.")] = "0.0.0.0",
    port: Annotated[
        int, typer.Option(help="Port the webhook server listens on (it also serves /healthz).")
    ] = 8443,
    watch: Annotated[
        bool,
        typer.Option(help="Reload the dialogues when a file in dialogues/ or prompts/ changes."),
    ] = False,
) -> None:
    """Run the Telegram bot (long polling, or a webhook)."""
    from bot.channels.telegram.app import Webhook
    from bot.channels.telegram.startup import run_bot
    from bot.logs import redact_also

    settings = _settings()
    if settings.telegram_token is None:
        raise _cannot_start(
            "COACHBOT_TELEGRAM_TOKEN is not set. Get a token from @BotFather, or try the "
            "coach without Telegram: coachbot chat"
        )
    if webhook_url and not secret_token:
        raise _cannot_start(
            "--webhook needs --secret-token or COACHBOT_WEBHOOK_SECRET "
            "(Telegram sends it with every update)"
        )
    redact_also(secret_token or "")
    webhook = Webhook(webhook_url, secret_token or "", listen, port) if webhook_url else None
    catalog = _catalog(settings)
    _report_broken(catalog)
    raise typer.Exit(run_bot(_run(settings, catalog, webhook, watch), settings.telegram_api_url))


async def _run(
    settings: Settings, catalog: Catalog, webhook: Webhook | None, watch: bool = False
) -> None:
    from bot.channels.telegram.app import TelegramOptions, build_application, run_until_signalled
    from bot.channels.telegram.sender import TELEGRAM
    from bot.engine.coach import Coach
    from bot.engine.engine import Engine
    from bot.engine.pushes import Pusher
    from bot.errors import CannotListen
    from bot.ops.heartbeat import heartbeat_file

    store = await _open_store(settings)
    try:
        engine = Engine(catalog)
        coach = Coach(engine, store, settings.default_language, settings.team_rules())
        content = _content(settings, engine, store)
        await content.keep_versions()
        assert settings.telegram_token is not None
        options = TelegramOptions(
            settings.telegram_token.get_secret_value(),
            settings.telegram_api_url,
            settings.telegram_file_url,
            log_message_texts=settings.log_message_texts,
        )
        application = build_application(options, coach, content=content)
        beating = heartbeat_file(settings.data_dir)
        claimer = f"{socket.gethostname()}:{os.getpid()}"
        pusher = Pusher(
            store,
            lambda: coach.catalog,
            settings.working_time(),
            claimer,
            settings.default_language,
            TELEGRAM,
        )
        await run_until_signalled(
            application, coach, webhook, beating, pusher, content, watch=watch
        )
    except CannotListen as err:
        raise _cannot_start(err) from err
    finally:
        await store.close()


@app.command()
def health() -> None:
    """Exit 0 if the database is current and the bot alive, else 1.

    Healthy: the database answers within 5 s and is at the newest schema revision, and
    "coachbot run" with the same COACHBOT_DATA_DIR touched its heartbeat file in the last
    minute. Made for Docker's HEALTHCHECK and other monitors.
    """
    import asyncio

    from bot.ops.health import check_health
    from bot.ops.heartbeat import heartbeat_file

    settings = _settings(EXIT_UNHEALTHY)
    verdict = asyncio.run(
        check_health(
            settings.database_url, _store_options(settings), heartbeat_file(settings.data_dir)
        )
    )
    typer.echo(verdict.line, err=not verdict.healthy)
    raise typer.Exit(0 if verdict.healthy else EXIT_UNHEALTHY)


def main() -> None:
    """Entry point: run the command (each reads the settings once and configures logging)."""
    app()


# The other commands live in their own modules; registered here, after ``app``.
from bot.cli_content import graph, simulate  # noqa: E402
from bot.cli_server import admin_app, db_app, manager_app, stats, team  # noqa: E402

app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(manager_app, name="manager")
app.command()(team)
app.command()(stats)
app.command()(graph)
app.command()(simulate)
