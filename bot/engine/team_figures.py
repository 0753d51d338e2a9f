"""A team's figures: each assignment's status, the counts per member, and how the team spreads
over a track's ladders (aggregates only, never one person's answers).

Everything is read inside the caller's unit; nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import EndNode
from bot.engine.presenter import NO_PROFILE, Person
from bot.engine.progress import levels_reached, track_of
from bot.records import User
from bot.store.assign_base import Assignment
from bot.store.base import Transaction
from bot.store.team_base import Member

Status = Literal["open", "started", "done", "overdue", "withdrawn"]
COUNTED: tuple[Status, ...] = ("done", "started", "open", "overdue")  # the chart's order
MIN_PEOPLE = 3  # a ladder's spread is shown only when this many members answered it


@dataclass(frozen=True)
class Row:
    """One assignment and where it stands now."""

    assignment: Assignment
    status: Status


@dataclass(frozen=True)
class MemberFigures:
    """A member and how many of their assignments stand where."""

    member: Member
    counts: dict[Status, int]

    @property
    def reachable(self) -> bool:
        """False once they blocked the bot: reminders do not reach them."""
        return self.member.user.active


@dataclass(frozen=True)
class Spread:
    """How many members stand on each level of a track's ladders (each one's latest run)."""

    dialogue_id: str
    node: str
    people: int
    ladders: tuple[tuple[int, ...], ...]  # per ladder: how many on each level, lowest first


@dataclass(frozen=True)
class TeamFigures:
    """Everything /team, its chart, its export and ``coachbot team`` show about one team."""

    manager: User
    now: datetime
    members: tuple[MemberFigures, ...]
    rows: tuple[Row, ...]  # newest first
    spreads: tuple[Spread, ...]  # only those with at least MIN_PEOPLE members

    def totals(self) -> dict[Status, int]:
        """The counts of the whole team."""
        return _counts(r.status for r in self.rows)


def team_figures(tx: Transaction, catalog: Catalog, manager: User, now: datetime) -> TeamFigures:
    """The figures of ``manager``'s team as they stand at ``now``."""
    members = tx.teams.members(manager.id)
    assigned = tx.assignments.of_manager(manager.id)
    rows = statuses(tx, assigned, now)
    per_member = {
        m.user.id: _counts(r.status for r in rows if r.assignment.member.id == m.user.id)
        for m in members
    }
    figures = tuple(MemberFigures(m, per_member[m.user.id]) for m in members)
    return TeamFigures(manager, now, figures, tuple(rows), spreads(tx, catalog, members))


def statuses(tx: Transaction, assigned: list[Assignment], now: datetime) -> list[Row]:
    """Each assignment's status, in the given order. An open one is in progress when the member
    has an unfinished session of its track, and it is the one that session will complete (the
    oldest due); past its due day it is overdue, started or not."""
    started: dict[int, set[str]] = {}
    for member_id in {a.member.id for a in assigned if a.status == "open"}:
        started[member_id] = {s.dialogue_id for s in tx.active_sessions(member_id)}
    taken: set[tuple[int, str]] = set()
    status: dict[int, Status] = {}
    for a in sorted(assigned, key=lambda a: (a.due_at, a.id)):
        if a.status != "open":
            status[a.id] = "done" if a.status == "done" else "withdrawn"
        elif a.overdue(now):
            status[a.id] = "overdue"
        elif (a.member.id, a.dialogue_id) in taken or a.dialogue_id not in started[a.member.id]:
            status[a.id] = "open"
        else:
            status[a.id] = "started"
        taken.add((a.member.id, a.dialogue_id))
    return [Row(a, status[a.id]) for a in assigned]


def spreads(tx: Transaction, catalog: Catalog, members: list[Member]) -> tuple[Spread, ...]:
    """Per track end with a ladder chart: how many members stand on each level, counting each
    member's latest finished run; only ends that at least MIN_PEOPLE members reached."""
    found: dict[tuple[str, str], list[tuple[int, ...]]] = {}
    for member in members:
        for key, levels in _latest_levels(tx, catalog, member.user).items():
            found.setdefault(key, []).append(levels)
    shown = []
    for (dialogue_id, node), runs in sorted(found.items()):
        if len(runs) < MIN_PEOPLE:
            continue
        top = _rungs(catalog.get(dialogue_id), node)
        ladders = tuple(
            tuple(sum(1 for levels in runs if levels[i] == rung) for rung in range(1, top + 1))
            for i in range(len(runs[0]))
        )
        shown.append(Spread(dialogue_id, node, len(runs), ladders))
    return tuple(shown)


def _latest_levels(
    tx: Transaction, catalog: Catalog, user: User
) -> dict[tuple[str, str], tuple[int, ...]]:
    """The ladder levels of the member's latest finished run of each track with a chart."""
    latest: dict[tuple[str, str], tuple[int, ...]] = {}
    person: Person | None = None
    for session in tx.finished_sessions(user.id):  # oldest first: the latest run wins
        dialogue = track_of(catalog, session.dialogue_id)
        if dialogue is None or _rungs(dialogue, session.node) == 0:
            continue
        if person is None:
            profile = tx.profile(user.id) or NO_PROFILE
            person = Person(user.display_name, user.language or "nl", profile=profile)
        levels = levels_reached(dialogue, session, person)
        if levels:
            latest[(session.dialogue_id, session.node)] = levels
    return latest


def _rungs(dialogue: CompiledDialogue, node: str) -> int:
    """How many levels the ladders of the end ``node`` have (0: no chart there)."""
    end = dialogue.model.nodes.get(node)
    if not isinstance(end, EndNode) or end.chart is None:
        return 0
    return len(end.chart.levels.get("nl"))


def _counts(found: Iterable[Status]) -> dict[Status, int]:
    counted = Counter(found)
    return {status: counted[status] for status in COUNTED}
