"""The diagram of ``diagram.py`` drawn by Graphviz (SVG or PNG): needs the optional ``graphviz``
package (``pip install 'coachbot[graph]'``) and Graphviz's ``dot`` program."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from bot.dialogue.diagram import Diagram
from bot.errors import CoachbotError

if TYPE_CHECKING:
    import graphviz

# Graphviz shapes and colours by the class a node is drawn with (as in the Mermaid version).
SHAPES = {
    "question": ("box", "#e3f2fd"),
    "choice": ("diamond", "#fff8e1"),
    "multi": ("hexagon", "#fff3e0"),
    "say": ("box", "#e8f5e9"),
    "end": ("doublecircle", "#f3e5f5"),
}


class GraphvizMissing(CoachbotError):
    """Drawing SVG or PNG needs Graphviz, which is not installed."""


def to_digraph(diagram: Diagram) -> graphviz.Digraph:
    """The diagram as a Graphviz graph (its ``source`` needs no ``dot`` program)."""
    try:
        import graphviz
    except ImportError as err:
        raise GraphvizMissing(
            "svg and png need the graphviz package: pip install 'coachbot[graph]'"
        ) from err
    graph = graphviz.Digraph(graph_attr={"rankdir": "TB"}, node_attr={"fontsize": "10"})
    for node in diagram.nodes:
        shape, fill = SHAPES[node.style]
        rounded = "rounded,filled" if node.kind == "say" else "filled"
        width = "3" if node.id == diagram.start else "1"
        label = graphviz.escape(node.id) + "\\n" + graphviz.escape(node.label)
        graph.node(node.id, label, shape=shape, style=rounded, fillcolor=fill, penwidth=width)
    for edge in diagram.edges:
        label = graphviz.escape(edge.label) if edge.label else None
        graph.edge(edge.source, edge.target, label=label, fontsize="9")
    return graph


def render(diagram: Diagram, image_format: str) -> bytes:
    """The diagram as an ``svg`` or ``png`` file's bytes."""
    graph = to_digraph(diagram)
    if shutil.which("dot") is None:
        raise GraphvizMissing(
            "svg and png need Graphviz's dot program (apt install graphviz); "
            "--format mermaid needs nothing"
        )
    drawn: bytes = graph.pipe(format=image_format)
    return drawn
