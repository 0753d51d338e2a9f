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


def walk_order(dialogue: Dialogue) -> list[str]:
    """The nodes reachable from the start, each before the nodes it leads to (bar loops)."""
    edges = successors(dialogue)
    return _depth_first(dialogue.start, edges, set(edges))


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
    looping = {k for k in says if k in inner[k]}
    looping |= {k for group in _components(inner) if len(group) > 1 for k in group}
    return sorted(looping)


def _components(edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                found.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def saved_by(dialogue: Dialogue, node_id: str) -> list[str]:
    """Keys a node adds to the answers when left: its answer, then its computed values."""
    node = dialogue.nodes[node_id]
    own = [node.save] if hasattr(node, "save") else []
    return own + list(node.compute)


def answers_on_entry(
    dialogue: Dialogue, edges: dict[str, list[str]], live: Iterable[str]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(must, may): keys saved on every / on some path from the start to each live node.

    A dataflow fixpoint over bit sets: one bit per key, a worklist of nodes whose entry sets
    changed, visited first in depth-first order from the start so that most nodes settle
    on their first visit. Linear in nodes plus edges for the graphs dialogues have.
    """
    live = set(live)
    keys = list(
        dict.fromkeys([*dialogue.inputs, *(k for n in live for k in saved_by(dialogue, n))])
    )
    bit = {key: 1 << i for i, key in enumerate(keys)}
    given = sum(bit[k] for k in dialogue.inputs)
    saved = {n: sum(bit[k] for k in saved_by(dialogue, n)) for n in live}
    everything = (1 << len(keys)) - 1
    must = {n: everything for n in live}
    may = {n: 0 for n in live}
    start = dialogue.start
    must[start] = may[start] = given
    order = _depth_first(start, edges, live)
    pending, queued = deque(order), set(order)
    while pending:
        node = pending.popleft()
        queued.discard(node)
        out_must, out_may = must[node] | saved[node], may[node] | saved[node]
        for nxt in edges[node]:
            if nxt not in live or nxt == start:
                continue
            new_must, new_may = must[nxt] & out_must, may[nxt] | out_may
            if new_must != must[nxt] or new_may != may[nxt]:
                must[nxt], may[nxt] = new_must, new_may
                if nxt not in queued:
                    queued.add(nxt)
                    pending.append(nxt)

    def named(mask: int) -> frozenset[str]:
        return frozenset(key for key in keys if mask & bit[key])

    return {n: named(must[n]) for n in live}, {n: named(may[n]) for n in live}


def _depth_first(start: str, edges: dict[str, list[str]], live: set[str]) -> list[str]:
    """Live nodes in reverse postorder from ``start`` (predecessors before successors)."""
    if start not in live:
        return []
    order: list[str] = []
    seen = {start}
    work = [(start, iter(edges[start]))]
    while work:
        node, targets = work[-1]
        for target in targets:
            if target in live and target not in seen:
                seen.add(target)
                work.append((target, iter(edges[target])))
                break
        else:
            work.pop()
            order.append(node)
    return order[::-1]
