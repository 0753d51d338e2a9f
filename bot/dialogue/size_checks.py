"""Checks that a piece of work would not build too big a value, made *before* it is done.

The sandbox runs them on the values a text really uses; the static checks (``safety``) run
the same ones on constants written in a text, so such a text is refused when it is loaded.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from bot.dialogue import limits
from bot.dialogue.budget import LimitExceeded

# String methods whose first argument is a width.
WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_width(value: Any, what: str = "width") -> None:
    """Refuse a width or count over ``MAX_WIDTH``."""
    if isinstance(value, int) and abs(value) > limits.MAX_WIDTH:
        raise LimitExceeded(f"a {what} of {value:,} is more than {limits.MAX_WIDTH}")


def text_size(values: Iterable[Any]) -> int:
    """The characters of ``values`` once they are joined as texts."""
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in values)


def check_growth(text: Any, old: Any, new: Any) -> None:
    """``text.replace(old, new)`` must not grow past the value limit."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        if len(text) + count * max(len(new) - len(old), 0) > limits.MAX_VALUE_CHARS:
            raise LimitExceeded("replace() would build a text that is too big")


def check_join(separator: Any, items: list[Any]) -> None:
    """``separator.join(items)`` must not grow past the value limit."""
    size = text_size(items) + len(str(separator)) * max(len(items) - 1, 0)
    if size > limits.MAX_VALUE_CHARS:
        raise LimitExceeded("join would build a text that is too big")


def check_percent_format(spec: Any) -> None:
    """Refuse ``%`` format widths over ``MAX_WIDTH`` (``"%9999s"|format(x)``)."""
    if not isinstance(spec, str):
        return
    for match in _PERCENT_SPEC.finditer(spec):
        for number in match.groups():
            if number == "*":
                raise LimitExceeded("'*' widths are not allowed in format")
            if number is not None:
                check_width(int(number))


def check_format(
    spec: str, args: Iterable[Any] = (), kwargs: Mapping[str, Any] | None = None
) -> None:
    """Refuse ``str.format`` widths over ``MAX_WIDTH``, nested fields, or a too big result."""
    fields = 0
    for _, field, format_spec, _ in string.Formatter().parse(spec):
        if field is None:
            continue
        fields += 1
        if "{" in (format_spec or ""):
            raise LimitExceeded("a format field inside a format field is not allowed")
        for number in re.findall(r"\d+", format_spec or ""):
            check_width(int(number))
    values = [*args, *(kwargs or {}).values()]
    biggest = max((len(str(v)) for v in values), default=0)
    if len(spec) + fields * biggest > limits.MAX_VALUE_CHARS:
        raise LimitExceeded("format would build a text that is too big")


def repeats_too_much(seq: Any, times: Any) -> bool:
    """Whether ``seq * times`` would be a text or list over the value limit."""
    return (
        isinstance(seq, str | list | tuple)
        and isinstance(times, int)
        and len(seq) * times > limits.MAX_VALUE_CHARS
    )


def too_big_power(left: Any, right: Any) -> bool:
    """Whether ``left ** right`` (whole numbers) has more than ``MAX_POWER_BITS`` bits."""
    return (
        isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and abs(left) > 1
        and right * abs(left).bit_length() > limits.MAX_POWER_BITS
    )
