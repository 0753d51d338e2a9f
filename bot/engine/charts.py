"""Draws the charts (PNG) with matplotlib's Agg renderer: no screen, no pyplot state.

The ladder chart of a track's end, the levels over time of /progress, and a team's
assignments per member (/team).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from bot.errors import RenderError

_REACHED = "#2e7d5b"
_AHEAD = "#e4ece8"
_BEFORE = "#b5651d"  # where a ladder stood at the last run


def ladder_chart(
    title: str,
    levels: Sequence[str],
    ladders: Sequence[tuple[str, int]],
    before: Sequence[int] = (),
) -> bytes:
    """A PNG with one row per ladder: rungs up to the user's level filled, the rest open;
    with ``before`` (the last run's levels) a ring marks where each ladder stood then."""
    earlier = list(zip([label for label, _ in ladders], before, strict=True)) if before else []
    for label, level in [*ladders, *earlier]:
        if not 1 <= level <= len(levels):
            raise RenderError(
                f"chart: level {level!r} of {label!r} is not between 1 and {len(levels)}"
            )
    from matplotlib.figure import Figure  # imported late: only charts pay for matplotlib

    figure = Figure(figsize=(7, 1.4 + 0.8 * len(ladders)), dpi=110)
    axes = figure.add_subplot()
    for row, (_, level) in enumerate(reversed(ladders)):
        for rung in range(1, len(levels) + 1):
            color = _REACHED if rung <= level else _AHEAD
            axes.barh(row, 0.94, left=rung - 0.47, height=0.6, color=color, edgecolor="white")
        axes.text(level, row, "●", ha="center", va="center", color="white", fontsize=13)
    for row, (_, level) in enumerate(reversed(earlier)):
        axes.plot(level, row - 0.42, marker="^", markersize=9, color=_BEFORE, clip_on=False)
    axes.set_yticks(range(len(ladders)), [label for label, _ in reversed(ladders)], fontsize=11)
    axes.set_xticks(range(1, len(levels) + 1), list(levels), fontsize=11)
    axes.set_xlim(0.5, len(levels) + 0.5)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_title(title, fontsize=13, loc="left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


_LINES = ("#2e7d5b", "#b5651d", "#3b6ea8", "#8e44ad")


def levels_over_time(
    title: str,
    levels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    runs: Sequence[str],
) -> bytes:
    """A PNG with one line per ladder across the runs of a track (``runs`` labels the x axis)."""
    for label, points in series:
        if len(points) != len(runs) or not all(1 <= p <= len(levels) for p in points):
            raise RenderError(f"chart: the levels of {label!r} do not fit {len(runs)} runs")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.6), dpi=110)
    axes = figure.add_subplot()
    for index, (label, points) in enumerate(series):
        nudge = (index - (len(series) - 1) / 2) * 0.06  # equal levels stay visible side by side
        axes.plot(
            range(len(runs)),
            [p + nudge for p in points],
            marker="o",
            linewidth=2.5,
            color=_LINES[index % len(_LINES)],
            label=label,
        )
    axes.set_xticks(range(len(runs)), list(runs), fontsize=10)
    axes.set_yticks(range(1, len(levels) + 1), list(levels), fontsize=11)
    axes.set_ylim(0.6, len(levels) + 0.4)
    axes.set_xlim(-0.3, len(runs) - 0.7)
    axes.grid(axis="y", color="#e4ece8")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", fontsize=9, frameon=False, bbox_to_anchor=(1.0, 1.0))
    axes.set_title(title, fontsize=13, loc="left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


_PARTS = ("#2e7d5b", "#3b6ea8", "#c9d6cf", "#b5651d")  # done, in progress, open, overdue
NAME_CHARS = 24  # a longer name is cut: the bars keep most of the width


def stacked_bars(
    title: str, names: Sequence[str], parts: Sequence[tuple[str, Sequence[int]]]
) -> bytes:
    """A PNG with one horizontal bar per name, stacked from ``parts`` (label, count per name);
    names and title are drawn as plain text, never as math, without glyphs the font lacks."""
    if len(parts) > len(_PARTS) or any(len(counts) != len(names) for _, counts in parts):
        raise RenderError(f"chart: {len(parts)} parts do not fit {len(names)} bars")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7, 1.6 + 0.32 * len(names)), dpi=110)
    axes = figure.add_subplot()
    rows = [len(names) - 1 - i for i in range(len(names))]  # the first name on top
    left = [0] * len(names)
    for (label, counts), color in zip(parts, _PARTS, strict=False):
        axes.barh(rows, counts, left=left, height=0.7, color=color, label=_drawable(label))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    labels = [_cut(_drawable(name)) for name in names]
    axes.set_yticks(rows, labels, fontsize=10, parse_math=False)
    axes.set_ylim(-0.6, len(names) - 0.4)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#e4ece8")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(parts), frameon=False)
    axes.set_title(_drawable(title), fontsize=12, loc="left", pad=24, parse_math=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _drawable(text: str) -> str:
    """``text`` without the characters the chart font cannot draw (emoji, ...), which
    matplotlib would otherwise warn about and show as boxes."""
    known = _font_chars()
    kept = "".join(ch for ch in text if ord(ch) in known or ch.isspace()).strip()
    return kept or "?"


def _cut(name: str) -> str:
    return name if len(name) <= NAME_CHARS else f"{name[: NAME_CHARS - 1].rstrip()}…"


@cache
def _font_chars() -> frozenset[int]:
    from matplotlib import font_manager

    font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))
    return frozenset(font.get_charmap())
