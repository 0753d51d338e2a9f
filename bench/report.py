"""Tables of figures: aligned text for the terminal, Markdown for RESULTS.md."""

from __future__ import annotations

from collections.abc import Sequence

from bench.driver import Measurement

HEADERS = [
    "bot",
    "ms/update",
    "CPU ms/update",
    "p50 ms",
    "p99 ms",
    "updates/s",
    "x echo",
    "p99 x echo",
    "API calls/update",
    "fake API µs/update",
    "checked",
]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the first column left, the rest right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    align = ["---", *["---:"] * (len(headers) - 1)]
    lines = [headers, align, *rows]
    return "\n".join("| " + " | ".join(str(c) for c in cells) + " |" for cells in lines)


def checked(measure: Measurement) -> str:
    """'ok', or what went wrong, briefly."""
    if measure.ok:
        return "ok"
    parts = []
    if measure.errors:
        parts.append(f"{measure.errors} errors")
    if measure.sorry:
        parts.append(f"{measure.sorry} 'Sorry'")
    if measure.wrong_users:
        parts.append(f"{measure.wrong_users} users' replies wrong")
    if measure.missing_buttons:
        parts.append(f"{measure.missing_buttons} buttons missing")
    return "; ".join(parts)


def row(measure: Measurement, echo: Measurement | None) -> list[str]:
    """One table row; ratios are to the echo bot in the same scenario of the same run."""
    per_update = measure.seconds / measure.updates if measure.updates else 0.0
    ratio = p99_ratio = "–"
    updates = measure.updates or 1
    if echo is not None and echo.updates and echo.seconds:
        ratio = f"{per_update / (echo.seconds / echo.updates):.1f}x"
        p99_ratio = f"{measure.quantile(0.99) / echo.quantile(0.99):.1f}x"
    return [
        measure.bot,
        f"{per_update * 1e3:.2f}",
        f"{measure.cpu_seconds / updates * 1e3:.2f}",
        f"{measure.quantile(0.5) * 1e3:.2f}",
        f"{measure.quantile(0.99) * 1e3:.2f}",
        f"{measure.per_second:,.0f}",
        ratio,
        p99_ratio,
        f"{measure.calls / updates:.2f}",
        f"{measure.server_seconds / updates * 1e6:.0f}",
        checked(measure),
    ]


def unavailable(bot: str, reason: str) -> list[str]:
    """A row for a bot that could not run in this scenario."""
    return [bot, *["–"] * (len(HEADERS) - 2), f"not available: {reason}"]
