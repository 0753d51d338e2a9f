"""Inputs worth trying at a question, generated from the dialogue's own definition."""

from __future__ import annotations

import itertools
from datetime import date

from jinja2 import Environment, nodes

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.dates import quick_picks
from bot.dialogue.model import ChoiceNode, DateNode, MultiNode, NumberNode, ScaleNode, TextNode
from bot.engine.inputs import format_number
from bot.engine.turn import DONE, Incoming

# Typed answers carry markup, so a walk shows whether it ever comes out as markup.
SAMPLE_TEXT = "Mijn <b>klant</b> & ik </code> "
VAGUE_TEXT = "ik weet het echt niet"  # takes the branches a dialogue has for vague answers
MAX_SUBSETS = 128  # a multi question with more combinations gets singles, pairs and all


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
