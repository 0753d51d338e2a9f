"""Explores a dialogue through the engine with inputs generated from its own definition."""

from __future__ import annotations

import html
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment, nodes

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.dates import quick_picks
from bot.dialogue.graph import successors
from bot.dialogue.model import ChoiceNode, DateNode, MultiNode, NumberNode, ScaleNode, TextNode
from bot.engine.engine import Engine, Person
from bot.engine.inputs import format_number
from bot.engine.multi import picked_of
from bot.engine.turn import DONE, Incoming, Turn
from bot.records import Profile, Session

SAMPLE_TEXT = "Mijn <b>klant</b> & ik </code> "
VAGUE_TEXT = "ik weet het echt niet"  # takes the branches a dialogue has for vague answers
MAX_STATES = 20_000
STATES_PER_NODE = 6
MAX_SUBSETS = 128  # a multi question with more combinations gets singles, pairs and all
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


@dataclass
class Exploration:
    """What walking every generated input from every reachable state found."""

    edges: set[tuple[str, str]] = field(default_factory=set)
    completed: list[Turn] = field(default_factory=list)
    refused: list[tuple[str, Incoming, str]] = field(default_factory=list)
    states: int = 0
    quoted: bool = False  # a tip (not the summary) quoted the user's typed words back
    shown: set[str] = field(default_factory=set)  # every message text seen
    details: set[str] = field(default_factory=set)  # every text behind a Details button


def graph_edges(dialogue: CompiledDialogue) -> set[tuple[str, str]]:
    """Every edge of the dialogue's graph."""
    return {(u, v) for u, targets in successors(dialogue.model).items() for v in targets}


def numbers_in_conditions(dialogue: CompiledDialogue) -> set[float]:
    """Numeric constants used by ``if`` rules and computed values, to probe both sides."""
    found: set[float] = set()
    for source in _expressions(dialogue):
        for const in Environment().parse("{{ " + source + " }}").find_all(nodes.Const):
            if isinstance(const.value, int | float) and not isinstance(const.value, bool):
                found |= {const.value - 1, const.value, const.value + 1}
    return found


def words_in_conditions(dialogue: CompiledDialogue) -> list[str]:
    """Texts that conditions look for inside an answer (``"tijd" in blocker|lower``)."""
    found: list[str] = []
    for source in _expressions(dialogue):
        for compare in Environment().parse("{{ " + source + " }}").find_all(nodes.Compare):
            looked_for = compare.expr.value if isinstance(compare.expr, nodes.Const) else None
            searched = any(op.op == "in" for op in compare.ops)
            if searched and isinstance(looked_for, str) and looked_for not in found:
                found.append(looked_for)
    return found


def _expressions(dialogue: CompiledDialogue) -> list[str]:
    """Every ``if`` rule and computed value of the dialogue."""
    sources = [
        branch.condition
        for node in dialogue.model.nodes.values()
        for branch in getattr(node, "branches", list)()
        if branch.condition
    ]
    return sources + [
        expr for node in dialogue.model.nodes.values() for expr in node.compute.values()
    ]


def inputs_for(
    dialogue: CompiledDialogue, node_id: str, lang: str, picked: tuple[str, ...] = ()
) -> list[Incoming]:
    """Valid inputs worth trying at a question: every option, every scale point, edge numbers;
    at a multi question typed lists of valid selections, every allowed toggle, and Done."""
    node = dialogue.model.nodes[node_id]
    if isinstance(node, MultiNode):
        return _multi_inputs(node, lang, picked)
    if isinstance(node, ChoiceNode):
        return [Incoming.choice(str(option.value)) for option in node.options]
    if isinstance(node, ScaleNode):
        return [Incoming.choice(str(point)) for point in range(1, 6)]
    if isinstance(node, DateNode):
        return [Incoming.choice(str(day)) for day in quick_picks(date.today(), node.max_days)[:2]]
    if isinstance(node, NumberNode):
        return [Incoming.text(format_number(n, lang)) for n in sorted(_numbers(dialogue, node))]
    assert isinstance(node, TextNode)
    text = (SAMPLE_TEXT * (node.min_length // len(SAMPLE_TEXT) + 1))[: max(node.max_length, 1)]
    fits = node.min_length <= len(VAGUE_TEXT) <= node.max_length
    tries = [Incoming.text(text.strip() or "ok")] + ([Incoming.text(VAGUE_TEXT)] if fits else [])
    words = " ".join(words_in_conditions(dialogue))
    if words and node.min_length <= len(words) <= node.max_length:
        tries.append(Incoming.text(words))  # takes the branches that look for a word
    return tries


def _multi_inputs(node: MultiNode, lang: str, picked: tuple[str, ...]) -> list[Incoming]:
    labels = {str(o.value): o.label.get(lang) for o in node.options}
    exclusive = [v for v in labels if node.is_exclusive(v)]
    plain = [v for v in labels if v not in exclusive]
    top = min(node.max if node.max is not None else len(plain), len(plain))
    sizes = list(range(max(node.min, 1), top + 1))
    if 2 ** len(plain) > MAX_SUBSETS:
        sizes = [k for k in sizes if k <= 2 or k == top]
    subsets = [list(c) for k in sizes for c in itertools.combinations(plain, k)]
    subsets += [[v] for v in exclusive if node.min <= 1]
    typed = [Incoming.text(", ".join(labels[v] for v in subset)) for subset in subsets]
    chosen_plain = [v for v in picked if v not in exclusive]
    toggles = [
        Incoming.choice(v)
        for v in labels
        if v in picked or v in exclusive or node.max is None or len(chosen_plain) < node.max
    ]
    done = [Incoming.choice(DONE)] if len(picked) >= max(node.min, 1) else []
    return typed + toggles + done


def _numbers(dialogue: CompiledDialogue, node: NumberNode) -> set[float]:
    low = node.min if node.min is not None else -1_000_000.0
    high = node.max if node.max is not None else 1_000_000.0
    probes = {low, high, (low + high) / 2, 0, 1, 10, 100} | numbers_in_conditions(dialogue)
    kept = {p for p in probes if low <= p <= high}
    return {float(int(p)) for p in kept} if node.integer else kept


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
        person = Person("Tester <i>&</i>", lang, profile=profile)
        _explore(engine, dialogue_id, person, states_per_node, found)
    return found


def _explore(
    engine: Engine, dialogue_id: str, person: Person, states_per_node: int, found: Exploration
) -> None:
    lang = person.lang
    dialogue = engine.catalog.get(dialogue_id)
    first = engine.start(1, dialogue_id, person, SAMPLE_INPUTS if dialogue.model.inputs else None)
    found.edges |= set(itertools.pairwise(first.visited))
    found.shown |= {m.text for m in first.messages}
    stack: list[tuple[Session, bool]] = [(first.session, True)]
    seen: set[tuple[str, str]] = set()
    expanded: Counter[str] = Counter()
    while stack and found.states < MAX_STATES:
        session, brought_news = stack.pop()
        key = (session.node, json.dumps(session.answers, sort_keys=True))
        if key in seen or (expanded[session.node] >= states_per_node and not brought_news):
            continue
        seen.add(key)
        expanded[session.node] += 1
        found.states += 1
        picked = tuple(str(v) for v in picked_of(session.answers))
        for incoming in inputs_for(dialogue, session.node, lang, picked):
            _try(engine, session, incoming, person, found, stack)


def _try(
    engine: Engine,
    session: Session,
    incoming: Incoming,
    person: Person,
    found: Exploration,
    stack: list[tuple[Session, bool]],
) -> None:
    node = engine.catalog.get(session.dialogue_id, session.version).model.nodes[session.node]
    turn = engine.reply(session, incoming, person)
    if turn.outcome == "toggled":  # the same question with another selection: a state of its own
        stack.append((turn.session, False))
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
    if turn.finished:
        found.completed.append(turn)
    else:
        stack.append((turn.session, news))


def answer(engine: Engine, session: Session, *inputs: Incoming | str, person: Person) -> Turn:
    """Feed inputs one by one (a str is typed text), each of which must be taken; the last turn."""
    turn = None
    for item in inputs:
        incoming = Incoming.text(item) if isinstance(item, str) else item
        turn = engine.reply(session, incoming, person)
        assert turn.outcome in {"accepted", "completed"}, (session.node, turn.notice)
        session = turn.session
    assert turn is not None
    return turn
