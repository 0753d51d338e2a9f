"""A dialogue as a diagram: one graph model (nodes with a kind and a short label, labelled
edges), drawn as Mermaid here and with Graphviz in ``diagram_graphviz.py``."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.dialogue.model import ChoiceNode, Dialogue, EndNode, LocalText

LABEL_CHARS = 40
EDGE_CHARS = 30
_JINJA_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_JINJA_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SAFE = re.compile(r"[\w .,:!?'/+*=%…-]")  # what a Mermaid label shows as it is
# Mermaid shapes by node kind: (opening, closing); questions without their own are boxes.
SHAPES = {
    "choice": ("{", "}"),
    "multi": ("{{", "}}"),
    "say": ("([", "])"),
    "end": ("(((", ")))"),
}
BOX = ("[", "]")
STYLES = {
    "question": "fill:#e3f2fd,stroke:#1565c0",
    "choice": "fill:#fff8e1,stroke:#f9a825",
    "multi": "fill:#fff3e0,stroke:#ef6c00",
    "say": "fill:#e8f5e9,stroke:#2e7d32",
    "end": "fill:#f3e5f5,stroke:#6a1b9a",
}


@dataclass(frozen=True)
class DiagramNode:
    """A node to draw: its id, its kind (the node's type) and a short plain label."""

    id: str
    kind: str
    label: str

    @property
    def style(self) -> str:
        """The class it is drawn with: its kind, every kind of free question as one."""
        return self.kind if self.kind in STYLES else "question"


@dataclass(frozen=True)
class DiagramEdge:
    """An arrow: an option's label or a rule's condition, ``None`` for the default."""

    source: str
    target: str
    label: str | None = None


@dataclass(frozen=True)
class Diagram:
    """What both renderers draw."""

    start: str
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]


def build_diagram(dialogue: Dialogue, lang: str = "nl") -> Diagram:
    """The dialogue's nodes and every way from one to the next, labelled."""
    nodes = tuple(
        DiagramNode(node_id, node.type, _text_label(node.text, lang))
        for node_id, node in dialogue.nodes.items()
    )
    edges: list[DiagramEdge] = []
    for node_id, node in dialogue.nodes.items():
        if isinstance(node, ChoiceNode):
            edges += [
                DiagramEdge(node_id, o.next, short(o.label.get(lang), EDGE_CHARS))
                for o in node.options
                if o.next is not None
            ]
        if not isinstance(node, EndNode):
            edges += [
                DiagramEdge(
                    node_id, b.goto, short(b.condition, EDGE_CHARS) if b.condition else None
                )
                for b in node.branches()
            ]
    known = set(dialogue.nodes)
    kept = tuple(e for e in edges if e.target in known)
    return Diagram(dialogue.start, nodes, kept)


def _text_label(text: object, lang: str) -> str:
    if isinstance(text, LocalText):
        return short(text.get(lang), LABEL_CHARS)
    return f"template {getattr(text, 'template', '')}"


def short(text: str, limit: int) -> str:
    """``text`` without Jinja and HTML, on one line, cut to ``limit`` characters."""
    plain = _JINJA_TAG.sub(" ", _JINJA_VALUE.sub("…", text))
    plain = html.unescape(_TAG.sub("", plain))
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def mermaid_text(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label: every other character as ``#code;``."""
    return "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in text)


def mermaid_id(node_id: str) -> str:
    """A Mermaid id for a node id (a prefix keeps ``end`` and the like from being keywords)."""
    return f"n_{node_id}"


def to_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid flowchart, top down."""
    lines = ["flowchart TD"]
    for node in diagram.nodes:
        opening, closing = SHAPES.get(node.kind, BOX)
        label = f"{mermaid_text(node.id)}<br/>{mermaid_text(node.label)}"
        lines.append(f'    {mermaid_id(node.id)}{opening}"{label}"{closing}')
    for edge in diagram.edges:
        arrow = f'-->|"{mermaid_text(edge.label)}"|' if edge.label else "-->"
        lines.append(f"    {mermaid_id(edge.source)} {arrow} {mermaid_id(edge.target)}")
    for style, css in STYLES.items():
        members = [mermaid_id(n.id) for n in diagram.nodes if n.style == style]
        if members:
            lines.append(f"    classDef kind_{style} {css}")  # "end" alone is a keyword
            lines.append(f"    class {','.join(members)} kind_{style}")
    lines.append(f"    style {mermaid_id(diagram.start)} stroke-width:4px")
    return "\n".join(lines) + "\n"
