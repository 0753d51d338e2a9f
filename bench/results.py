"""Everything one run measured, shown as terminal tables and written as bench/RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import report
from bench.driver import Measurement
from bench.memory import MemoryFigures
from bench.scenarios import Outcome, Scenario
from bench.targets import targets

MIB = 1024 * 1024
EXPLANATION = """\
- **Bots**, each a real python-telegram-bot `Application` whose request layer is an in-memory Bot
  API (`bench/fake_request.py`: Telegram-like JSON answers, no network): `echo` (a bare echo: one
  sendMessage per message, answer + sendMessage per press), `conversation` (the same ten steps as
  a `ConversationHandler` + `PicklePersistence`, persistent, default update_interval of 60 s, and
  one update at a time as PTB requires for conversations; it shows the user exactly what Coachbot
  shows), `coachbot` (the real `build_application` over `Coach` + `SqlStore`, SQLite WAL
  synchronous=FULL) and `coachbot-pg` (the same on PostgreSQL). Coachbot runs without its
  AIORateLimiter here, like the others; the last table shows it as configured for production.
- **The walk** (`bench/ten_steps.yaml`): ten updates per user: open the dialogue from the menu,
  then buttons, typed text, two scales, a number, say nodes, two branches and an end.
- **sequential**: round-robin over the users, one `await app.process_update(update)` at a time;
  ms/update is the time of that call. **burst**: each round every user's next update is put on
  `app.update_queue` at once with the Application started, so its own fetcher and
  `concurrent_updates` setting handle them as with polling or a webhook; latency runs from
  queueing to the end of handling, ms/update is wall time per update (1 / throughput).
- **CPU ms/update**: CPU time of the whole process (every thread, so the database driver's
  too) per update; unlike wall time it leaves out waiting (fsync, the network, other programs
  on the machine), so the gap between the two is mostly waiting for the disk or the server.
- **x echo**: ms/update (and p99) divided by the echo's in the same scenario of this run.
  **fake API µs/update**: time spent playing Telegram's side, included in every bot's figures.
- **checked**: every user's transcript must equal a reference walk made alone (their own name and
  answers substituted): nothing missing, extra, crossed between users or out of order; no error
  handler call and no "Sorry". Each scenario starts with fresh storage and a warm-up.
"""


@dataclass
class Results:
    """The run's figures, filled in as it goes."""

    command: str
    machine: list[tuple[str, str]]
    quick: bool
    sections: list[tuple[Scenario, dict[str, Outcome | str]]] = field(default_factory=list)
    rate_limited: tuple[Scenario, dict[str, Outcome | str]] | None = None
    memory: MemoryFigures | str | None = None
    content_load: str = ""
    profile: str = ""
    seconds: float = 0.0

    def add_scenario(self, scenario: Scenario, outcomes: dict[str, Outcome | str]) -> None:
        """Record one scenario's outcome per bot (a string says why a bot could not run)."""
        self.sections.append((scenario, outcomes))

    def add_rate_limited(self, scenario: Scenario, outcomes: dict[str, Outcome | str]) -> None:
        """Record the production-configuration scenario."""
        self.rate_limited = (scenario, outcomes)

    # -- tables ---------------------------------------------------------------------------------

    def _outcomes(self, scenario: Scenario, rate_limited: bool) -> dict[str, Outcome | str]:
        if rate_limited and self.rate_limited is not None:
            return self.rate_limited[1]
        return next(o for s, o in self.sections if s == scenario)

    def _rows(self, outcomes: dict[str, Outcome | str]) -> list[list[str]]:
        echo = outcomes.get("echo")
        base = echo.measure if isinstance(echo, Outcome) else None
        return [
            report.row(o.measure, base) if isinstance(o, Outcome) else report.unavailable(name, o)
            for name, o in outcomes.items()
        ]

    def text_section(self, scenario: Scenario, rate_limited: bool = False) -> str:
        """One scenario as an aligned table."""
        rows = self._rows(self._outcomes(scenario, rate_limited))
        return report.text_table(report.HEADERS, rows) + self._problems(scenario, rate_limited)

    def _problems(self, scenario: Scenario, rate_limited: bool) -> str:
        lines = [
            f"\n  {name}: {o.measure.first_problem}"
            for name, o in self._outcomes(scenario, rate_limited).items()
            if isinstance(o, Outcome) and o.measure.first_problem
        ]
        return "".join(lines)

    def text_memory(self) -> str:
        """The memory figures as aligned tables."""
        if not isinstance(self.memory, MemoryFigures):
            return f"not available: {self.memory}"
        headers, rows, per_user = self._memory_tables(self.memory)
        return "\n\n".join(
            [report.text_table(headers, rows), report.text_table(["per user", ""], per_user)]
        )

    @staticmethod
    def _memory_tables(
        memory: MemoryFigures,
    ) -> tuple[list[str], list[list[str]], list[list[str]]]:
        headers = ["stored users", "RSS after start-up MiB", f"after {memory.round_users} walks"]
        rows = [
            [
                f"{count:,}",
                f"{f['rss_startup'] / MIB:.1f}",
                f"{f.get('rss_after_round', 0) / MIB:.1f}",
            ]
            for count, f in memory.by_stored.items()
        ]
        per_10k = growth_per_10k(memory)
        p = memory.per_user
        per_user = [
            ["RSS growth per 10,000 stored users (after a round)", f"{per_10k:.2f} MiB"],
            [
                f"per finished user, traced ({memory.finished} vs 2x)",
                kib(p["traced_per_finished"]),
            ],
            ["per finished user, RSS", kib(p["rss_per_finished"])],
            [
                "entries PTB's Application keeps per user seen (ids, user_data, chat_data)",
                f"{p.get('ptb_entries_per_user', 0):.1f}",
            ],
            [f"per active session, traced ({memory.active} vs 2x)", kib(p["traced_per_active"])],
            ["per active session, RSS", kib(p["rss_per_active"])],
        ]
        return headers, rows, per_user

    # -- the results file -------------------------------------------------------------------------

    def markdown(self) -> str:
        """The whole RESULTS.md."""
        out = [
            "# Coachbot benchmark results\n",
            f"Written by `.venv/bin/{self.command}`"
            f"{' (quick: fewer users, for a look, not for the record)' if self.quick else ''}"
            f" in {self.seconds:.0f} s. Don't edit by hand: run it again.\n",
            "## Machine\n",
            report.markdown_table(["", ""], [list(pair) for pair in self.machine]) + "\n",
            "## What is measured\n",
            EXPLANATION,
            "## Against the targets of issue #8\n",
            report.markdown_table(["target", "measured", "met"], targets(self)) + "\n",
            "## Per update, side by side\n",
        ]
        for scenario, outcomes in self.sections:
            out += [f"### {scenario.label}\n", self._markdown_rows(outcomes)]
        if self.rate_limited is not None:
            scenario, outcomes = self.rate_limited
            out += [
                f"## As configured for production: {scenario.label}\n",
                "`build_application` installs `AIORateLimiter()`: at most 30 requests with a "
                "chat_id per second for the whole bot (answerCallbackQuery is not limited). "
                "Telegram's own limit is about that, so this is what a burst costs in real "
                "life, whatever the step costs.\n",
                self._markdown_rows(outcomes),
            ]
        out += ["## Memory (Coachbot on SQLite, each figure from a fresh interpreter)\n"]
        out.append(self._markdown_memory())
        out += ["## Content load\n", _fenced(self.content_load or "not run") + "\n"]
        out += ["## Checks across bots\n", self._same_transcript() + "\n"]
        out += ["## Bot API calls per update, by method\n", self._calls_by_method()]
        if self.profile:
            out += ["## Profile of Coachbot's step (--profile)\n", _fenced(self.profile) + "\n"]
        return "\n".join(out)

    def _markdown_rows(self, outcomes: dict[str, Outcome | str]) -> str:
        table = report.markdown_table(report.HEADERS, self._rows(outcomes))
        problems = [
            f"- {name}: {o.measure.first_problem}"
            for name, o in outcomes.items()
            if isinstance(o, Outcome) and o.measure.first_problem
        ]
        return table + "\n" + ("\n" + "\n".join(problems) + "\n" if problems else "")

    def _markdown_memory(self) -> str:
        if not isinstance(self.memory, MemoryFigures):
            return f"not available: {self.memory}\n"
        headers, rows, per_user = self._memory_tables(self.memory)
        return (
            report.markdown_table(headers, rows)
            + "\n\n"
            + report.markdown_table(["per user", ""], per_user)
            + "\n\nTraced: Python allocations (tracemalloc), the growth between two equal batches"
            " of users, so one-time costs are left out; objects the harness made (such as the"
            " user ids PTB's sets hold) and aiosqlite's transient thread memory are not counted,"
            " and sets or dicts grow in steps, so a few dozen bytes per user can hide in the"
            " noise: the PTB entries row counts them directly (each about 60-100 bytes, kept"
            " until restart). RSS: the same for resident memory (includes SQLite's page cache,"
            " which fills up to its limit; coarse).\n"
        )

    def _calls_by_method(self) -> str:
        if not self.sections:
            return "not run\n"
        scenario, outcomes = max(self.sections, key=lambda section: section[0].users)
        measures = {n: o.measure for n, o in outcomes.items() if isinstance(o, Outcome)}
        methods = sorted({m for measure in measures.values() for m in measure.calls_by_method})
        rows = [
            [name, *(f"{m.calls_by_method[method] / max(m.updates, 1):.2f}" for method in methods)]
            for name, m in measures.items()
        ]
        table = report.markdown_table(["bot", *methods], rows)
        return f"In {scenario.label}:\n\n{table}\n"

    def _same_transcript(self) -> str:
        first = self.sections[0][1] if self.sections else {}
        conversation, coach = first.get("conversation"), first.get("coachbot")
        if not (isinstance(conversation, Outcome) and isinstance(coach, Outcome)):
            return "- ConversationHandler vs Coachbot transcript: not compared (a bot did not run)"
        same = conversation.reference == coach.reference
        verdict = "identical" if same else "DIFFERENT (fix bench/bots.py)"
        events = len(coach.reference)
        return (
            "- ConversationHandler vs Coachbot, what the user sees in one walk: "
            f"{verdict} ({events} events)"
        )


def growth_per_10k(memory: MemoryFigures) -> float:
    """MiB of resident memory (after a round of walks) per 10,000 more stored users."""
    counts = sorted(memory.by_stored)
    low, high = memory.by_stored[counts[0]], memory.by_stored[counts[-1]]
    growth = (high["rss_after_round"] - low["rss_after_round"]) / MIB
    return growth / max((counts[-1] - counts[0]) / 10_000, 1e-9)


def kib(value: float) -> str:
    """Bytes as KiB with two decimals."""
    return f"{value / 1024:.2f} KiB"


def _fenced(text: str) -> str:
    return f"```text\n{text}\n```"


def measurement_of(outcome: Outcome | str | None) -> Measurement | None:
    """The measurement inside an outcome, if the bot ran."""
    return outcome.measure if isinstance(outcome, Outcome) else None
