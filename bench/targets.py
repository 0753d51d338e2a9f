"""Issue #8's targets beside one run's figures: target, what was measured, whether it is met."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from bench import report
from bench.driver import Measurement

if TYPE_CHECKING:
    from bench.results import Results

Row = list[str]


def targets(results: Results) -> list[Row]:
    """One row per target; a target whose figures are missing says so."""
    from bench.memory import MemoryFigures
    from bench.results import growth_per_10k, kib

    rows = _speed(results) + _bursts(results)
    if not isinstance(results.memory, MemoryFigures):
        return [*rows, ["memory", f"not available: {results.memory}", "–"]]
    growth = growth_per_10k(results.memory)
    active = results.memory.per_user["traced_per_active"]
    finished = results.memory.per_user["traced_per_finished"]
    entries = results.memory.per_user.get("ptb_entries_per_user", 0.0)
    stored = max(results.memory.by_stored)
    return [
        *rows,
        [
            f"RSS flat up to {stored:,} stored users: <= 5 MiB per 10,000",
            f"{growth:.2f} MiB per 10,000",
            _met(growth <= 5),
        ],
        ["<= 4 KiB per active session (traced)", kib(active), _met(active <= 4096)],
        [
            "nothing kept per finished user (traced < 0.1 KiB, no entries in PTB)",
            f"{kib(finished)}; PTB keeps {entries:.1f} entries per user seen",
            _met(finished < 100 and entries == 0),
        ],
    ]


def _find(results: Results, bot: str, mode: str, users: int) -> Measurement | None:
    for scenario, outcomes in results.sections:
        outcome = outcomes.get(bot)
        if scenario.mode == mode and scenario.users == users and not isinstance(outcome, str):
            return outcome.measure if outcome is not None else None
    return None


def _speed(results: Results) -> list[Row]:
    sequential = [s.users for s, _ in results.sections if s.mode == "sequential"]
    rows = []
    for bot, limit in (("coachbot", 1.5), ("coachbot-pg", 2.0)):
        for users in sorted(set(sequential)):
            what = f"{bot}: a step <= {limit}x the echo ({users} user(s), sequential)"
            step, echo = (
                _find(results, bot, "sequential", users),
                _find(results, "echo", "sequential", users),
            )
            rows.append(_ratio(what, step, echo, limit))
    coach = _find(results, "coachbot", "sequential", 1)
    conversation = _find(results, "conversation", "sequential", 1)
    rows.append(_ratio("coachbot: as fast as ConversationHandler", coach, conversation, 1.0))
    if coach is not None and conversation is not None:
        calls = coach.calls / max(coach.updates, 1)
        twin = conversation.calls / max(conversation.updates, 1)
        what = "fewer Bot API calls per update (2.26 when the issue was written)"
        rows.append(
            [what, f"{calls:.2f} (ConversationHandler twin: {twin:.2f})", _met(calls < 2.26)]
        )
    return rows


def _bursts(results: Results) -> list[Row]:
    bursts = [
        (s.users, _find(results, "coachbot", "burst", s.users))
        for s, _ in results.sections
        if s.mode == "burst"
    ]
    checks = ", ".join(
        f"{users} users: {report.checked(m) if m else 'did not run'}" for users, m in bursts
    )
    all_ok = bool(bursts) and all(m is not None and m.ok for _, m in bursts)
    rows = [["bursts: every update answered, in order, no error", checks, _met(all_ok)]]
    rates = [
        (s.label, m.per_second)
        for s, _ in results.sections
        if s.users > 1 and (m := _find(results, "coachbot", s.mode, s.users)) is not None
    ]
    falls = any(later < earlier * 0.9 for (_, earlier), (_, later) in itertools.pairwise(rates))
    shown = "; ".join(f"{label}: {rate:.0f}/s" for label, rate in rates)
    rows.append(
        [
            "throughput does not fall as more updates are in flight",
            shown,
            _met(bool(rates) and not falls),
        ]
    )
    return rows


def _ratio(what: str, measure: Measurement | None, base: Measurement | None, limit: float) -> Row:
    if measure is None or base is None or not (measure.updates and base.updates and base.seconds):
        return [what, "did not run", "–"]
    mine, theirs = measure.seconds / measure.updates, base.seconds / base.updates
    shown = f"{mine / theirs:.1f}x ({mine * 1e3:.2f} vs {theirs * 1e3:.2f} ms)"
    return [what, shown, _met(mine / theirs <= limit)]


def _met(met: bool) -> str:
    return "yes" if met else "**no**"
