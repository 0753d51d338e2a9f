"""The ``coachbot`` command line: chat in the terminal, validate and list dialogues."""

from __future__ import annotations

import asyncio
import getpass
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.channels.telegram.app import (
    TelegramOptions,
    Webhook,
    build_application,
    run_until_signalled,
)
from bot.channels.telegram.startup import run_bot
from bot.channels.terminal import StdinLines, TerminalChat
from bot.dialogue.catalog import Catalog, dialogue_files, load_catalog
from bot.engine.coach import Coach, Visitor
from bot.engine.engine import Engine
from bot.engine.phrases import phrase
from bot.errors import DatabaseSetupError
from bot.logs import configure_logging, redact_also
from bot.settings import Settings
from bot.store import Store, StoreOptions, open_store

app = typer.Typer(
    help="Coachbot: a coaching assistant for salespeople.",
    no_args_is_help=True,
    add_completion=False,
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


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _catalog(settings: Settings, paths: list[Path] | None = None) -> Catalog:
    folders = paths or [settings.dialogues_dir]
    count = len(dialogue_files(folders))
    cache = settings.cache_dir
    if count <= PROGRESS_FROM_FILES or not sys.stderr.isatty():
        return load_catalog(folders, settings.prompts_dir, cache_dir=cache)
    with typer.progressbar(length=count, label="Loading dialogues", file=sys.stderr) as bar:
        return load_catalog(
            folders, settings.prompts_dir, progress=lambda _, __: bar.update(1), cache_dir=cache
        )


def _report_broken(catalog: Catalog) -> None:
    for file, problems in catalog.broken.items():
        typer.echo(
            f"warning: {file} is broken and not served ({len(problems)} problem(s)):", err=True
        )
        for problem in problems:
            typer.echo(f"  {problem}", err=True)


@app.command()
def chat(
    ctx: typer.Context,
    user: Annotated[
        str | None, typer.Option(help="Your name; each name has its own sessions.")
    ] = None,
    dialogue: Annotated[str | None, typer.Option(help="Dialogue id to start or resume.")] = None,
    lang: Annotated[Lang | None, typer.Option(help="Language (remembered for next time).")] = None,
) -> None:
    """Chat with the coach in the terminal (works with piped input too)."""
    settings = _settings(ctx)
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
    store = await _open_store(settings)
    try:
        coach = Coach(Engine(catalog), store, settings.default_language)
        lines = StdinLines(sys.stdin)
        images = Path("data") / "images"
        visitor = Visitor(f"terminal:{name}", name)
        styled = sys.stdout.isatty()
        terminal = TerminalChat(coach, visitor, lines, sys.stdout, images, styled=styled)
        return await terminal.run(dialogue, lang)
    finally:
        await store.close()


async def _open_store(settings: Settings) -> Store:
    try:
        return await open_store(settings.database_url, _store_options(settings))
    except DatabaseSetupError as err:
        typer.echo(f"coachbot: {err}", err=True)
        raise typer.Exit(2) from err


def _store_options(settings: Settings) -> StoreOptions:
    return StoreOptions(
        busy_seconds=settings.db_busy_seconds,
        synchronous=settings.sqlite_synchronous,
        pool_size=settings.db_pool_size,
    )


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: the dialogues folder).")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """Check dialogue files; exit 1 and list every located problem if any is broken."""
    catalog = _catalog(_settings(ctx), paths)
    if output is OutputFormat.json:
        report = {
            "valid": [{"id": d.id, "file": d.file, "version": d.version} for d in catalog.listed()],
            "problems": [p.as_dict() for p in catalog.problems],
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in catalog.problems:
            typer.echo(str(problem))
        broken, valid = len(catalog.broken), len(catalog.latest)
        typer.echo(f"{valid} valid, {broken} broken", err=True)
    raise typer.Exit(1 if catalog.broken or not catalog.latest else 0)


@app.command()
def dialogues(ctx: typer.Context) -> None:
    """List the dialogues being served: id, title and number of nodes."""
    settings = _settings(ctx)
    catalog = _catalog(settings)
    lang = settings.default_language
    for dialogue in catalog.listed():
        title, size = dialogue.model.title.get(lang), len(dialogue.model.nodes)
        typer.echo(f"{dialogue.id:<20} {size:>3} nodes  {title}")
    _report_broken(catalog)


@app.command()
def run(
    ctx: typer.Context,
    webhook_url: Annotated[
        str | None, typer.Option("--webhook", help="Public HTTPS URL; enables webhook mode.")
    ] = None,
    secret_token: Annotated[
        str | None, typer.Option(help="Secret Telegram must send (required with --webhook).")
    ] = None,
    listen: Annotated[str, typer.Option(help="Address the webhook server listens on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Port the webhook server listens on.")] = 8443,
) -> None:
    """Run the Telegram bot (long polling, or a webhook with --webhook)."""
    settings = _settings(ctx)
    if settings.telegram_token is None:
        typer.echo(
            "coachbot: COACHBOT_TELEGRAM_TOKEN is not set. Get a token from @BotFather, or try the "
            "coach without Telegram: coachbot chat",
            err=True,
        )
        raise typer.Exit(2)
    if webhook_url and not secret_token:
        typer.echo(
            "coachbot: --webhook needs --secret-token (Telegram sends it with every update)",
            err=True,
        )
        raise typer.Exit(2)
    redact_also(secret_token or "")
    webhook = Webhook(webhook_url, secret_token or "", listen, port) if webhook_url else None
    catalog = _catalog(settings)
    _report_broken(catalog)
    raise typer.Exit(run_bot(_run(settings, catalog, webhook), settings.telegram_api_url))


async def _run(settings: Settings, catalog: Catalog, webhook: Webhook | None) -> None:
    store = await _open_store(settings)
    try:
        coach = Coach(Engine(catalog), store, settings.default_language)
        assert settings.telegram_token is not None
        options = TelegramOptions(
            settings.telegram_token.get_secret_value(),
            settings.telegram_api_url,
            settings.telegram_file_url,
            log_message_texts=settings.log_message_texts,
        )
        await run_until_signalled(build_application(options, coach), coach, webhook)
    finally:
        await store.close()


def main() -> None:
    """Entry point: read settings once, configure logging, run the command."""
    try:
        settings = Settings()
    except ValidationError as err:
        print(f"coachbot: invalid COACHBOT_* setting:\n{err}", file=sys.stderr)
        raise SystemExit(2) from err
    configure_logging(settings)
    app(obj=settings)
