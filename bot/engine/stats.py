"""A dialogue's figures for analytics: starts, completions, how long a run takes, where runs
stop, and how many runs reached each node (the funnel). Pure functions over the stored runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dialogue.graph import walk_order
from bot.dialogue.model import Dialogue
from bot.store.stats_sql import Log, Run

# An active session untouched for longer than this counts as stopped where it stands: people
# who come back after a week have mostly started over anyway.
IDLE = timedelta(days=7)


@dataclass(frozen=True)
class NodeFigures:
    """One node of the funnel: how many runs reached it and how many stopped there."""

    node: str
    reached: int
    stopped: int


@dataclass(frozen=True)
class DialogueStats:
    """The figures of one dialogue; ``nodes`` in the dialogue's order, unreached ones last."""

    dialogue_id: str
    starts: int
    completions: int
    median: timedelta | None  # of completed runs, from start to end
    nodes: tuple[NodeFigures, ...]

    @property
    def rate(self) -> float:
        """Completions as a share of starts (0 without starts)."""
        return self.completions / self.starts if self.starts else 0.0

    @property
    def stopped(self) -> int:
        """Runs that ended without completing (abandoned, or idle longer than IDLE)."""
        return sum(n.stopped for n in self.nodes)

    def share(self, count: int) -> float:
        """``count`` as a share of starts."""
        return count / self.starts if self.starts else 0.0

    def drop_offs(self) -> list[NodeFigures]:
        """The nodes where runs stopped, most first (ties in the dialogue's order)."""
        shown = [n for n in self.nodes if n.stopped]
        return sorted(shown, key=lambda n: -n.stopped)


def stopped(run: Run, now: datetime, idle: timedelta = IDLE) -> bool:
    """True when ``run`` ended without completing: abandoned, or active but idle too long."""
    return run.status == "abandoned" or (run.status == "active" and now - run.updated_at > idle)


def dialogue_stats(
    dialogue: Dialogue, log: Log, now: datetime, idle: timedelta = IDLE
) -> DialogueStats:
    """The figures of ``dialogue`` from the ``log`` as they stand at ``now``."""
    runs = [r for r in log.runs if r.dialogue_id == dialogue.id]
    done = [r for r in runs if r.status == "completed"]
    took = [r.completed_at - r.started_at for r in done if r.completed_at is not None]
    reached = Counter({n: count for (d, n), count in log.reached.items() if d == dialogue.id})
    ended = Counter(r.node for r in runs if stopped(r, now, idle))
    nodes = [NodeFigures(node, reached[node], ended[node]) for node in _order(dialogue, reached)]
    return DialogueStats(
        dialogue.id,
        len(runs),
        len(done),
        _median(took),
        tuple(sorted(nodes, key=lambda n: n.reached == 0)),  # stable: the order stays
    )


def _order(dialogue: Dialogue, seen: Counter[str]) -> list[str]:
    """The dialogue's nodes in walk order from its start, then those the walk misses, then
    nodes runs were at that the dialogue no longer has (an older version's)."""
    walked = walk_order(dialogue)
    rest = [n for n in dialogue.nodes if n not in set(walked)]
    gone = sorted(set(seen) - set(dialogue.nodes))
    return [*walked, *rest, *gone]


def _median(spans: list[timedelta]) -> timedelta | None:
    """The middle duration (the mean of the two middle ones for an even count)."""
    if not spans:
        return None
    ordered, middle = sorted(spans), len(spans) // 2
    if len(spans) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
