"""``coachbot team --manager <id>`` as an operator runs it: /team's lines, or the export's file."""

from __future__ import annotations

import csv
import io

from bot.dialogue.catalog import Catalog
from bot.store import Store
from tests.engine.test_team_figures import SECRET, known_assignments
from tests.ops.cli import coachbot


async def test_the_team_command_prints_the_lines_and_the_csv(
    store: Store, catalog: Catalog, database_url: str
) -> None:
    await store.write(lambda tx: known_assignments(tx, catalog))
    env = {"COACHBOT_DATABASE_URL": database_url}

    text = coachbot("team", "--manager", "700", env=env)
    as_csv = coachbot("team", "--manager", "700", "--format", "csv", env=env)
    unknown = coachbot("team", "--manager", "701", env=env)  # Anna: a member, not a manager

    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Het team van Eva (3):\n• Anna: lid sinds ")
    # The assignments were due in March 2026; the command reads the real clock: all late now.
    assert "\n   1 klaar · 3 te laat\n" in text.stdout
    assert "\nSamen: 1 klaar · 6 te laat\n" in text.stdout
    assert "\n• Cas ⛔: lid sinds " in text.stdout
    assert "⛔ = heeft de bot geblokkeerd: herinneringen komen niet aan." in text.stdout
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.startswith("\ufeffLid,Track,")  # the BOM: Excel reads it as UTF-8
    table = list(csv.reader(io.StringIO(as_csv.stdout.removeprefix("\ufeff"))))
    assert len(table) == 9
    assert all(len(row) == 7 for row in table)
    assert SECRET not in as_csv.stdout
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "701 is not a manager" in unknown.stderr
