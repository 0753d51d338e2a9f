"""Commands for whoever runs the bot on the server: the database schema, admins and managers,
a team's figures and the dialogues' analytics.

Registered on the app in ``cli.py``; like the other commands, each imports what it uses when
it runs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import _cannot_start, _catalog, _open_store, _settings, _store_options

if TYPE_CHECKING:
    from bot.store.team_base import Role

db_app = typer.Typer(
    help="Show the database's schema revision, or bring it to the newest.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
admin_app = typer.Typer(
    help="Admins: add one (by Telegram user id) or list them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
manager_app = typer.Typer(
    help="Managers: add or remove one (by Telegram user id), or list them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision and whether it is the newest.

    Exit 0 when it is the newest, 1 when it needs "coachbot db upgrade", 2 when it cannot be
    read (or was used by a newer Coachbot). Changes nothing.
    """
    import asyncio

    from bot.errors import DatabaseSetupError
    from bot.ops.schema import read_schema

    settings = _settings()
    try:
        schema = asyncio.run(read_schema(settings.database_url, _store_options(settings)))
    except DatabaseSetupError as err:
        raise _cannot_start(err) from err
    typer.echo(schema.describe())
    raise typer.Exit(0 if schema.newest else 1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema revision.

    The database is COACHBOT_DATABASE_URL's. "coachbot run" and "coachbot chat" do this at
    every start too; run it to upgrade before starting several instances, or to see the
    revisions before and after.
    """
    import asyncio

    from bot.errors import DatabaseSetupError
    from bot.ops.schema import upgrade_schema

    settings = _settings()
    try:
        before, after = asyncio.run(upgrade_schema(settings.database_url, _store_options(settings)))
    except DatabaseSetupError as err:
        raise _cannot_start(err) from err
    if before.current == after.current:
        typer.echo(f"the database is already at {after.describe()}; nothing to do")
    elif before.current is None:
        typer.echo(f"created the database schema at {after.describe()}")
    else:
        typer.echo(f"upgraded the database from {before.current} to {after.describe()}")


TelegramId = Annotated[
    int, typer.Argument(min=1, max=10**15, metavar="TELEGRAM_ID", help="A Telegram user id.")
]


def _set_role(role: Role, telegram_id: int, granted: bool) -> bool:
    """Grant or take away ``role`` in the database; whether anything changed."""
    import asyncio
    from datetime import UTC, datetime

    from bot.engine.teams import set_role

    settings = _settings()

    async def change() -> bool:
        store = await _open_store(settings)
        try:
            now = datetime.now(UTC)
            external_id = f"telegram:{telegram_id}"
            return await set_role(store, external_id, role, granted, now)
        finally:
            await store.close()

    return asyncio.run(change())


def _list_role(role: Role) -> None:
    import asyncio

    from bot.engine.teams import role_holders

    settings = _settings()

    async def holders() -> list[str]:
        store = await _open_store(settings)
        try:
            found = await role_holders(store, role)
        finally:
            await store.close()
        return [f"{u.external_id.partition(':')[2]}\t{u.display_name}" for u in found]

    for line in asyncio.run(holders()):
        typer.echo(line)


@admin_app.command("add")
def admin_add(telegram_id: TelegramId) -> None:
    """Make a Telegram user an admin (they need not have used the bot yet)."""
    changed = _set_role("admin", telegram_id, True)
    typer.echo(f"{telegram_id} is {'now' if changed else 'already'} an admin")


@admin_app.command("list")
def admin_list() -> None:
    """The admins in the database (COACHBOT_ADMIN_IDS come on top): id and name."""
    _list_role("admin")


@manager_app.command("add")
def manager_add(telegram_id: TelegramId) -> None:
    """Make a Telegram user a manager (they need not have used the bot yet)."""
    changed = _set_role("manager", telegram_id, True)
    typer.echo(f"{telegram_id} is {'now' if changed else 'already'} a manager")


@manager_app.command("remove")
def manager_remove(telegram_id: TelegramId) -> None:
    """Take the manager role away: their open invites are revoked and their team disbanded."""
    changed = _set_role("manager", telegram_id, False)
    typer.echo(f"{telegram_id} is {'no longer' if changed else 'not'} a manager")


@manager_app.command("list")
def manager_list() -> None:
    """The managers: id and name."""
    _list_role("manager")


class TeamFormat(StrEnum):
    """How ``team`` and ``stats`` print."""

    text = "text"
    csv = "csv"


def team(
    manager: Annotated[
        int,
        typer.Option(min=1, max=10**15, metavar="TELEGRAM_ID", help="The manager's Telegram id."),
    ],
    output: Annotated[
        TeamFormat,
        typer.Option("--format", help="text: the lines /team shows; csv: /team export's file."),
    ] = TeamFormat.text,
) -> None:
    """A manager's team with its figures: assignments per member, who cannot be reached, the
    ladder spread; or its assignments as CSV (UTF-8 with a BOM, for Excel)."""
    import asyncio
    from datetime import UTC, datetime

    from bot.engine.team_report import manager_report

    settings = _settings()
    catalog = _catalog(settings)

    async def report() -> str | bytes | None:
        store = await _open_store(settings)
        try:
            external_id, now = f"telegram:{manager}", datetime.now(UTC)
            lang = settings.default_language
            csv = output is TeamFormat.csv
            return await manager_report(store, catalog, external_id, lang, now, as_csv=csv)
        finally:
            await store.close()

    found = asyncio.run(report())
    if found is None:
        typer.echo(f"coachbot: {manager} is not a manager (see: coachbot manager list)", err=True)
        raise typer.Exit(1)
    if isinstance(found, bytes):
        sys.stdout.buffer.write(found)
        sys.stdout.buffer.flush()
    else:
        typer.echo(found)


def stats(
    dialogue: Annotated[
        str | None, typer.Argument(help="A dialogue id (see: coachbot dialogues); all if left out.")
    ] = None,
    output: Annotated[
        TeamFormat,
        typer.Option("--format", help="text: a table per dialogue; csv: a row per node."),
    ] = TeamFormat.text,
) -> None:
    """Analytics per dialogue: starts, completions, median duration, where people stop, and
    how many reached each node (README: Analytics)."""
    import asyncio
    from datetime import UTC, datetime

    from bot.engine.stats_report import stats_report

    settings = _settings()
    catalog = _catalog(settings)

    async def report() -> str | None:
        store = await _open_store(settings)
        try:
            lang, csv = settings.default_language, output is TeamFormat.csv
            now = datetime.now(UTC)
            return await stats_report(store, catalog, dialogue, lang, now, as_csv=csv)
        finally:
            await store.close()

    found = asyncio.run(report())
    if found is None:
        typer.echo(
            f"coachbot: there is no dialogue {dialogue!r} (see: coachbot dialogues)", err=True
        )
        raise typer.Exit(1)
    typer.echo(found, nl=not found.endswith("\n"))
