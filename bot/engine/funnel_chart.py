"""The funnel of a dialogue (/stats) as a PNG: a bar per node, how many runs reached it, the
part that stopped there highlighted. Data only until a channel asks for the picture."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import RenderError

_REACHED = "#2e7d5b"
_STOPPED = "#b5651d"
ROWS = 40  # nodes drawn at most: more bars would be too thin to read on a phone


@dataclass(frozen=True)
class FunnelChart:
    """A dialogue's funnel for /stats: data only, drawn by a channel in a worker thread."""

    title: str
    nodes: tuple[str, ...]  # node ids, in the dialogue's order
    reached: tuple[int, ...]
    stopped: tuple[int, ...]
    labels: tuple[str, str]  # the legend: reached, stopped here
    filename: str
    caption: str

    def png(self) -> bytes:
        """The chart as a PNG (call it in a worker thread)."""
        return funnel_bars(self.title, self.nodes, self.reached, self.stopped, self.labels)


def funnel_bars(
    title: str,
    nodes: Sequence[str],
    reached: Sequence[int],
    stopped: Sequence[int],
    labels: tuple[str, str],
) -> bytes:
    """A PNG with one horizontal bar per node (the first on top) as long as ``reached``, its
    last ``stopped`` highlighted; counts at the bars' ends. Texts are never read as math."""
    if not len(nodes) == len(reached) == len(stopped) or any(
        s > r for r, s in zip(reached, stopped, strict=True)
    ):
        raise RenderError(f"chart: {len(nodes)} nodes do not fit their counts")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    nodes, reached, stopped = nodes[:ROWS], reached[:ROWS], stopped[:ROWS]
    figure = Figure(figsize=(7, 1.6 + 0.32 * len(nodes)), dpi=110)
    axes = figure.add_subplot()
    rows = [len(nodes) - 1 - i for i in range(len(nodes))]
    going = [r - s for r, s in zip(reached, stopped, strict=True)]
    axes.barh(rows, going, height=0.7, color=_REACHED, label=labels[0])
    axes.barh(rows, stopped, left=going, height=0.7, color=_STOPPED, label=labels[1])
    for row, count in zip(rows, reached, strict=True):
        axes.text(count, row, f" {count}", va="center", fontsize=9, parse_math=False)
    axes.set_yticks(rows, list(nodes), fontsize=10, parse_math=False)
    axes.set_ylim(-0.6, len(nodes) - 0.4)
    axes.set_xlim(0, max(reached, default=0) * 1.12 + 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#e4ece8")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
    axes.set_title(title, fontsize=12, loc="left", pad=24, parse_math=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
