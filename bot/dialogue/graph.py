"""Graph facts about a dialogue: reachability, paths to an end, and which answers exist where."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from bot.dialogue.model import Dialogue, EndNode, SayNode


def successors(dialogue: Dialogue) -> dict[str, list[str]]:
    """Node id -> the existing node ids it can lead to, in order, without repeats."""
    return {
        node_id: list(dict.fromkeys(t for t in node.targets() if t in dialogue.nodes))
        for node_id, node in dialogue.nodes.items()
    }


def reachable(starts: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    """Every node reachable from any of ``starts`` (the starts included)."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def can_finish(dialogue: Dialogue, edges: dict[str, list[str]]) -> set[str]:
    """Nodes from which some path leads to an end node."""
    reverse: dict[str, list[str]] = {node_id: [] for node_id in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].append(source)
    return reachable([k for k, n in dialogue.nodes.items() if isinstance(n, EndNode)], reverse)


def say_loops(dialogue: Dialogue, edges: dict[str, list[str]]) -> list[str]:
    """Say nodes on a cycle made only of say nodes (the bot would talk forever)."""
    says = {k for k, n in dialogue.nodes.items() if isinstance(n, SayNode)}
    inner = {k: [t for t in edges[k] if t in says] for k in says}
    return sorted(k for k in says if k in reachable(inner[k], inner))


def saved_by(dialogue: Dialogue, node_id: str) -> list[str]:
    """Keys a node adds to the answers when left: its answer, then its computed values."""
    node = dialogue.nodes[node_id]
    own = [node.save] if hasattr(node, "save") else []
    return own + list(node.compute)


def answers_on_entry(
    dialogue: Dialogue, edges: dict[str, list[str]], live: Iterable[str]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(must, may): keys saved on every / on some path from the start to each live node."""
    live = set(live)
    given = frozenset(dialogue.inputs)
    universe = given | frozenset(k for n in dialogue.nodes for k in saved_by(dialogue, n))
    must = {n: (given if n == dialogue.start else universe) for n in live}
    may = {n: given for n in live}
    changed = True
    while changed:
        changed = False
        for node_id in live:
            out_must = must[node_id] | set(saved_by(dialogue, node_id))
            out_may = may[node_id] | set(saved_by(dialogue, node_id))
            for nxt in edges[node_id]:
                if nxt not in live or nxt == dialogue.start:
                    continue
                new_must, new_may = must[nxt] & out_must, may[nxt] | out_may
                if new_must != must[nxt] or new_may != may[nxt]:
                    must[nxt], may[nxt], changed = new_must, new_may, True
    return must, may
