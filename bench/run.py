"""Coachbot's benchmark: every comparison side by side in one run; prints tables, writes RESULTS.md.

    .venv/bin/python -m bench.run [--quick] [--postgres URL] [--profile]

Bots: a bare python-telegram-bot echo, the same ten steps as a ConversationHandler with
PicklePersistence, and Coachbot on SQLite and on PostgreSQL (if a server answers), each a real
Application on an in-memory Bot API. Scenarios: one user, then many users interleaved one update
at a time, and bursts where every user's next update arrives at once. Then memory (by stored
users, per finished and per active user) and, if bench/content_load.py exists, content loading.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # before python-telegram-bot reads durations

import argparse
import asyncio
import importlib.util
import shlex
import subprocess
import sys
import time
from pathlib import Path

from bench import postgres, report, scenarios
from bench.machine import ROOT, describe, load_average
from bench.memory import MemoryFigures, figures
from bench.profile import profile_coachbot
from bench.results import Results
from bench.scenarios import Outcome, Scenario

FULL = [
    Scenario("sequential", 1, 20),
    Scenario("sequential", 500, 1),
    Scenario("burst", 500, 1),
    Scenario("burst", 1000, 1),
]
QUICK = [
    Scenario("sequential", 1, 2, warm_up_users=1),
    Scenario("sequential", 10, 1, warm_up_users=1),
    Scenario("burst", 10, 1, warm_up_users=1),
    Scenario("burst", 30, 1, warm_up_users=1),
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer users: about a minute")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help=f"PostgreSQL server for Coachbot (default: try {postgres.DEFAULT_URL})",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the step")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="results file"
    )
    return parser.parse_args()


async def _postgres(url: str | None) -> tuple[str, str | None, str]:
    """(server URL, its version or None, why not) for the PostgreSQL column."""
    target = url or postgres.DEFAULT_URL
    try:
        return target, await postgres.server_version(target), ""
    except Exception as err:  # any failure means: report it and go on without PostgreSQL
        return target, None, f"{type(err).__name__}: {err}".splitlines()[0][:160]


async def _scenarios(quick: bool, results: Results, pg_url: str, pg_reason: str) -> None:
    bots = dict(scenarios.BOTS)
    del bots["coachbot+ratelimit"]
    if not pg_reason:
        bots["coachbot-pg"] = scenarios.coachbot_postgres(pg_url)
    for scenario in QUICK if quick else FULL:
        outcomes: dict[str, Outcome | str] = {}
        for name, make in bots.items():
            outcomes[name] = await _run(make, scenario)
        if pg_reason:
            outcomes["coachbot-pg"] = pg_reason
        results.add_scenario(scenario, outcomes)
        print(f"\n## {scenario.label}\n{results.text_section(scenario)}", flush=True)
    limited = Scenario("burst", 5, 1, warm_up_users=0) if quick else Scenario("burst", 20, 1)
    outcomes = {
        "echo": await _run(scenarios.BOTS["echo"], limited),
        "coachbot+ratelimit": await _run(scenarios.BOTS["coachbot+ratelimit"], limited),
    }
    results.add_rate_limited(limited, outcomes)
    print(f"\n## as configured for production: {limited.label}", flush=True)
    print(results.text_section(limited, rate_limited=True), flush=True)


async def _run(make: scenarios.BotFactory, scenario: Scenario) -> Outcome | str:
    try:
        return await scenarios.run(make, scenario)
    except Exception as err:  # a bot that cannot run here is reported, never fatal
        return f"{type(err).__name__}: {err}".splitlines()[0][:160]


def _memory(quick: bool) -> MemoryFigures | str:
    stored = (0, 2_000) if quick else (0, 10_000, 100_000)
    try:
        if quick:  # small batches: the per-user figures are rough
            return figures(stored, round_users=3, finished=10, active=20)
        return figures(stored, round_users=100, finished=100, active=500)
    except Exception as err:  # e.g. the schema changed under bench/memory.py's seeding SQL
        return f"{type(err).__name__}: {err}".splitlines()[0][:200]


def _content_load(quick: bool) -> str:
    """What ``python -m bench.content_load`` prints, if that script exists."""
    if importlib.util.find_spec("bench.content_load") is None:
        return "not available: bench/content_load.py is not there (yet)"
    base = [sys.executable, "-m", "bench.content_load"]
    for command in ([*base, "--quick"], base) if quick else (base,):
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode == 0:
            return done.stdout.strip()
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return f"not available: bench.content_load failed ({tail})"


def main() -> None:
    """Run everything, print as it goes, write the results file."""
    args = _arguments()
    started = time.perf_counter()
    pg_url, pg_version, pg_reason = asyncio.run(_postgres(args.postgres))
    command = "python -m bench.run" + "".join(f" {shlex.quote(a)}" for a in sys.argv[1:])
    results = Results(command, describe(pg_version), quick=args.quick)
    print(report.text_table(["machine", ""], results.machine), flush=True)
    asyncio.run(_scenarios(args.quick, results, pg_url, pg_reason))
    print("\n## memory (Coachbot on SQLite, each figure from a fresh interpreter)", flush=True)
    results.memory = _memory(args.quick)
    print(results.text_memory(), flush=True)
    results.content_load = _content_load(args.quick)
    print(f"\n## content load\n{results.content_load}", flush=True)
    if args.profile:
        results.profile = asyncio.run(profile_coachbot(walks=3 if args.quick else 10)).rstrip()
        print("\n" + results.profile, flush=True)
    results.machine.append(("load average at end (1, 5, 15 min)", load_average()))
    results.seconds = time.perf_counter() - started
    args.output.write_text(results.markdown())
    print(f"\nwrote {args.output} ({results.seconds:.0f} s in all)")


if __name__ == "__main__":
    main()
