"""``coachbot stats`` as an operator runs it: the table per dialogue, the CSV, an unknown id."""

from __future__ import annotations

import csv
import io

from bot.store import Store
from tests.engine.test_stats import known_log
from tests.ops.cli import coachbot


async def test_the_stats_command_prints_the_table_and_the_csv(
    store: Store, database_url: str
) -> None:
    known_log(database_url)  # the command reads the real clock: every idle run is long idle now
    env = {
        "COACHBOT_DATABASE_URL": database_url,
        "COACHBOT_DIALOGUES_DIR": "tests/fixtures/dialogues",
    }

    one = coachbot("stats", "channels", env=env)
    every = coachbot("stats", env=env)
    as_csv = coachbot("stats", "channels", "--format", "csv", env=env)
    unknown = coachbot("stats", "retired", env=env)

    assert one.returncode == 0, one.stderr
    assert one.stdout == (
        "Kanalen (channels)\n"
        "Gestart: 9 · afgerond: 3 (33%)\n"
        "Mediane duur tot het einde: 20 min\n"
        "Gestopt (of 7 dagen stil) bij:\n"
        "product: 2 stopten hier (22%)\n"  # ties: in the dialogue's order
        "channels: 2 stopten hier (22%)\n"
        "focus: 2 stopten hier (22%)\n"
    )
    assert every.returncode == 0, every.stderr
    assert every.stdout.startswith(one.stdout + "\n")  # by file name: channels.yaml first
    assert (
        "(kinds)\nGestart: 1 · afgerond: 0 (0%)\nNog niemand heeft het afgerond.\n" in every.stdout
    )
    assert "(pick): nog geen gesprekken, dus nog geen cijfers." in every.stdout
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["node"], r["reached"], r["stopped"]) for r in table] == [
        ("", "9", "6"),
        ("product", "9", "2"),
        ("channels", "7", "2"),
        ("focus", "5", "2"),
        ("done", "3", "0"),
        ("linkedin_tip", "0", "0"),
        ("no_channels", "0", "0"),
    ]
    assert (table[0]["completions"], table[0]["median_minutes"]) == ("3", "20.0")
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "there is no dialogue 'retired'" in unknown.stderr
