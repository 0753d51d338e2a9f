"""Explores a dialogue through the engine with inputs generated from its own definition, and
picks a few whole walks that together take every edge found (for ``coachbot simulate``)."""

from __future__ import annotations

import html
import itertools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.graph import successors
from bot.dialogue.model import MultiNode
from bot.engine.engine import Engine, Person
from bot.engine.multi import picked_of
from bot.engine.turn import Incoming, Turn
from bot.engine.walk_inputs import inputs_for
from bot.records import Profile, Session

MAX_STATES = 20_000
STATES_PER_NODE = 6
MAX_FINISH_STEPS = 100  # a walk finished off from an unfinished state gives up after this
WALK_NAME = "Tester <i>&</i>"  # the name shows whether markup in it ever comes out as markup
# What a check-in dialogue is started with in these walks.
SAMPLE_INPUTS = {
    "commitment": "Elke dag één klant <b>bellen</b>",
    "commitment_id": 1,
    "days_ago": 7,
    "track_title": "Test",
}
# Who walks: someone without a profile, and profiles that take the branches a profile opens.
WALK_PROFILES = (
    Profile(),
    Profile("consumer", "Keukens <b>op maat</b>", "inside", "under_2", ("instagram",)),
    Profile("b2b", "Hydraulische slangen", "field", "over_10", ("none",)),
    Profile("b2b", "Boekhoudsoftware", "field", "2_to_5", ("linkedin",)),
)
Edge = tuple[str, str]


@dataclass(frozen=True)
class Trail:
    """One way into a dialogue: who walked it, what they sent, and the edges it took."""

    person: Person
    inputs: tuple[Incoming, ...] = ()
    edges: frozenset[Edge] = frozenset()

    def then(self, incoming: Incoming, edges: Iterable[Edge]) -> Trail:
        """This trail one input further."""
        return Trail(self.person, (*self.inputs, incoming), self.edges | frozenset(edges))


@dataclass
class Exploration:
    """What walking every generated input from every reachable state found."""

    edges: set[Edge] = field(default_factory=set)
    completed: list[Turn] = field(default_factory=list)
    refused: list[tuple[str, Incoming, str]] = field(default_factory=list)
    states: int = 0
    quoted: bool = False  # a tip (not the summary) quoted the user's typed words back
    shown: set[str] = field(default_factory=set)  # every message text seen
    details: set[str] = field(default_factory=set)  # every text behind a Details button
    walks: list[Trail] = field(default_factory=list)  # the trails that reached an end
    openings: list[tuple[Trail, Session]] = field(default_factory=list)  # unfinished, new edges


def graph_edges(dialogue: CompiledDialogue) -> set[Edge]:
    """Every edge of the dialogue's graph."""
    return {(u, v) for u, targets in successors(dialogue.model).items() for v in targets}


def start_inputs(dialogue: CompiledDialogue) -> dict[str, object] | None:
    """What a walk starts the dialogue with: a check-in gets a sample commitment."""
    return dict(SAMPLE_INPUTS) if dialogue.model.inputs else None


def explore(
    engine: Engine,
    dialogue_id: str,
    lang: str,
    states_per_node: int = STATES_PER_NODE,
    profiles: tuple[Profile, ...] = WALK_PROFILES,
) -> Exploration:
    """Depth-first over distinct (node, answers) states, trying every generated input, once
    for each of ``profiles`` (by default ``WALK_PROFILES``).

    To cover edges without walking every combination, a node is expanded from at most
    ``states_per_node`` different states (per profile), except when reaching it covered a new
    edge.
    """
    found = Exploration()
    for profile in profiles:
        person = Person(WALK_NAME, lang, profile=profile)
        _explore(engine, dialogue_id, person, states_per_node, found)
    return found


def _explore(
    engine: Engine, dialogue_id: str, person: Person, states_per_node: int, found: Exploration
) -> None:
    lang = person.lang
    dialogue = engine.catalog.get(dialogue_id)
    first = engine.start(1, dialogue_id, person, start_inputs(dialogue))
    opening = Trail(person, (), frozenset(itertools.pairwise(first.visited)))
    found.edges |= opening.edges
    found.shown |= {m.text for m in first.messages}
    stack: list[tuple[Session, bool, Trail]] = [(first.session, True, opening)]
    seen: set[tuple[str, str]] = set()
    expanded: Counter[str] = Counter()
    while stack and found.states < MAX_STATES:
        session, brought_news, trail = stack.pop()
        key = (session.node, json.dumps(session.answers, sort_keys=True))
        if key in seen or (expanded[session.node] >= states_per_node and not brought_news):
            continue
        seen.add(key)
        expanded[session.node] += 1
        found.states += 1
        picked = tuple(str(v) for v in picked_of(session.answers))
        for incoming in inputs_for(dialogue, session.node, lang, picked):
            _try(engine, session, incoming, trail, found, stack)


def _try(
    engine: Engine,
    session: Session,
    incoming: Incoming,
    trail: Trail,
    found: Exploration,
    stack: list[tuple[Session, bool, Trail]],
) -> None:
    node = engine.catalog.get(session.dialogue_id, session.version).model.nodes[session.node]
    turn = engine.reply(session, incoming, trail.person)
    if turn.outcome == "toggled":  # the same question with another selection: a state of its own
        stack.append((turn.session, False, trail.then(incoming, ())))
        return
    if turn.outcome not in {"accepted", "completed"}:
        found.refused.append((session.node, incoming, turn.notice or ""))
        return
    found.shown |= {m.text for m in turn.messages}
    found.details |= {m.details for m in turn.messages if m.details}
    tips = [m.text for m in turn.messages[: -1 if turn.finished else None]]
    typed_words = incoming.kind == "text" and not isinstance(node, MultiNode)  # not labels
    found.quoted |= typed_words and any(html.escape(incoming.value.strip()) in t for t in tips)
    path = set(itertools.pairwise((session.node, *turn.visited)))
    news = bool(path - found.edges)
    found.edges |= path
    walked = trail.then(incoming, path)
    if turn.finished:
        found.completed.append(turn)
        found.walks.append(walked)
    else:
        stack.append((turn.session, news, walked))
        if news:
            found.openings.append((walked, turn.session))


def covering_walks(
    engine: Engine, dialogue_id: str, lang: str, profiles: tuple[Profile, ...] = WALK_PROFILES
) -> tuple[list[Trail], set[Edge]]:
    """(whole walks from the start to an end that together take every edge the exploration
    found, few of them; the edges found)."""
    found = explore(engine, dialogue_id, lang, profiles=profiles)
    candidates = list(found.walks)
    covered = {edge for walk in candidates for edge in walk.edges}
    for trail, session in found.openings:
        if trail.edges <= covered:
            continue
        finished = _finish(engine, trail, session)
        if finished is not None:
            candidates.append(finished)
            covered |= finished.edges
    return _fewest(candidates), found.edges


def _finish(engine: Engine, trail: Trail, session: Session) -> Trail | None:
    """``trail`` walked on to an end: an answer that ends it, else one that reaches a node it
    has not seen, else the first one taken."""
    dialogue = engine.catalog.get(session.dialogue_id, session.version)
    for _ in range(MAX_FINISH_STEPS):
        if session.status == "completed":
            return trail
        picked = tuple(str(v) for v in picked_of(session.answers))
        tries = inputs_for(dialogue, session.node, trail.person.lang, picked)
        replies = [(i, engine.reply(session, i, trail.person)) for i in tries]
        taken = [(i, t) for i, t in replies if t.outcome in {"accepted", "completed"}]
        if not taken:
            return None
        seen = {node for edge in trail.edges for node in edge}
        incoming, turn = min(taken, key=lambda it: (not it[1].finished, it[1].session.node in seen))
        trail = trail.then(incoming, itertools.pairwise((session.node, *turn.visited)))
        session = turn.session
    return None


def _fewest(candidates: list[Trail]) -> list[Trail]:
    """Greedily, the walk taking the most edges not yet taken, until none adds one."""
    chosen: list[Trail] = []
    covered: set[Edge] = set()
    while candidates:
        best = max(candidates, key=lambda walk: len(walk.edges - covered))
        if not best.edges - covered:
            break
        chosen.append(best)
        covered |= best.edges
    return chosen
