"""Every dialogue as a Mermaid flowchart that Mermaid can read, and as a Graphviz graph."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from bot.dialogue.catalog import Catalog
from bot.dialogue.diagram import build_diagram, mermaid_id, short, to_mermaid
from bot.dialogue.diagram_graphviz import render, to_digraph
from bot.dialogue.model import Dialogue
from bot.engine.walks import graph_edges
from tests.content.test_every_dialogue import SERVED

NODE = re.compile(r'^    (n_[a-z0-9_]+)(\(\(\(|\(\[|\{\{|\{|\[)"([^"]*)"(\)\)\)|\]\)|\}\}|\}|\])$')
EDGE = re.compile(r'^    (n_[a-z0-9_]+) -->(?:\|"([^"]*)"\|)? (n_[a-z0-9_]+)$')
CLASSES = re.compile(r"^    (classDef kind_[a-z]+ [a-z:#0-9,-]+|class [a-z0-9_,]+ kind_[a-z]+)$")
START = re.compile(r"^    style n_[a-z0-9_]+ stroke-width:4px$")
SAFE_LABEL = re.compile(r"^(?:[\w .,:!?'/+*=%…-]|#\d+;)*$")  # a character as is, or as #code;
PAIRS = {"(((": ")))", "([": "])", "{{": "}}", "{": "}", "[": "]"}
HOSTILE = {
    "id": "hostile",
    "title": {"nl": "T", "en": "T"},
    "description": {"nl": "D", "en": "D"},
    "start": "ask",
    "nodes": {
        "ask": {
            "type": "choice",
            "text": {"nl": 'Kies "dit" [of] {dat} #1 | <b>vet</b> {{ name }} `x`;', "en": "Pick"},
            "save": "chosen",
            "options": [
                {"value": "a", "label": {"nl": 'A "[x]" | #', "en": "A"}, "next": "end"},
                {"value": "b", "label": {"nl": "B", "en": "B"}},
            ],
            "next": [{"if": "chosen == 'b' and 1 < 2", "goto": "end"}, {"goto": "ask"}],
        },
        "end": {"type": "end", "text": {"nl": "Klaar (echt)", "en": "Done"}},
    },
}


def parse_mermaid(text: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    """(node id -> (shape, label), edges as (source, label, target)); fails on any other line."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    declared: list[tuple[str, str, str]] = []
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        if node := NODE.match(line):
            name, opening, label, closing = node.groups()
            assert PAIRS[opening] == closing, line
            declared.append((name, opening, label))
        elif edge := EDGE.match(line):
            edges.append((edge[1], edge[2] or "", edge[3]))
        else:
            assert CLASSES.match(line) or START.match(line), f"not Mermaid we write: {line!r}"
    counts = Counter(name for name, _, _ in declared)
    assert [name for name, n in counts.items() if n > 1] == [], "a node declared twice"
    return {name: (shape, label) for name, shape, label in declared}, edges


def assert_readable(text: str) -> None:
    """Every node declared once, every edge between declared nodes, no label breaking out."""
    nodes, edges = parse_mermaid(text)
    for source, label, target in edges:
        assert source in nodes
        assert target in nodes
        assert SAFE_LABEL.match(label), label
    for _, label in nodes.values():
        assert SAFE_LABEL.match(label.replace("<br/>", " ", 1)), label


@pytest.mark.parametrize("dialogue_id", sorted(SERVED.latest))
def test_every_dialogue_is_a_flowchart_with_each_node_and_edge(
    catalog: Catalog, dialogue_id: str
) -> None:
    dialogue = catalog.get(dialogue_id)
    text = to_mermaid(build_diagram(dialogue.model))

    assert_readable(text)
    nodes, edges = parse_mermaid(text)
    assert set(nodes) == {mermaid_id(n) for n in dialogue.model.nodes}
    assert {(s, t) for s, _, t in edges} == {
        (mermaid_id(s), mermaid_id(t)) for s, t in graph_edges(dialogue)
    }
    for node_id, node in dialogue.model.nodes.items():
        shape = nodes[mermaid_id(node_id)][0]
        expected = {"choice": "{", "multi": "{{", "say": "([", "end": "((("}.get(node.type, "[")
        assert shape == expected, node_id


def test_quotes_brackets_hashes_and_markup_are_escaped() -> None:
    text = to_mermaid(build_diagram(Dialogue.model_validate(HOSTILE)))

    assert_readable(text)
    nodes, edges = parse_mermaid(text)
    assert set(nodes) == {"n_ask", "n_end"}  # "end" alone would end the flowchart
    label = nodes["n_ask"][1]
    assert "#34;dit#34; #91;of#93; #123;dat#125; #35;1 #124; vet …" in label
    assert "<b>" not in label
    assert "{{" not in label
    assert ("n_ask", "A #34;#91;x#93;#34; #124; #35;", "n_end") in edges
    assert ("n_ask", "chosen == 'b' and 1 #60; 2", "n_end") in edges
    assert ("n_ask", "", "n_ask") in edges  # the default is a plain arrow


def test_labels_are_short_and_plain() -> None:
    assert short("{% if x %}Hoi{% endif %} <b>{{ name }}</b>!  \n Fijn &amp; goed", 40) == (
        "Hoi …! Fijn & goed"
    )
    assert short("a" * 50, 10) == "a" * 9 + "…"


def test_the_graphviz_graph_has_every_node_and_edge(catalog: Catalog) -> None:
    dialogue = catalog.get("talk")

    source = to_digraph(build_diagram(dialogue.model)).source

    assert source.startswith("digraph {")
    for node_id in dialogue.model.nodes:
        assert f"\t{node_id} [label=" in source
    assert source.count(" -> ") == len(build_diagram(dialogue.model).edges)
    assert "shape=diamond" in source
    assert "shape=doublecircle" in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_and_png_are_drawn(catalog: Catalog) -> None:
    diagram = build_diagram(catalog.get("talk").model)

    assert render(diagram, "svg").lstrip().startswith((b"<svg", b"<?xml"))
    assert b"<svg" in render(diagram, "svg")
    assert render(diagram, "png").startswith(b"\x89PNG\r\n\x1a\n")
