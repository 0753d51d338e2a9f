"""The filters and functions dialogue texts may use, each counted by the rendering's budget.

Jinja's own filters get their arguments checked before they run (widths, counts, the size
of what ``replace``, ``join`` or ``wordwrap`` would build) and their input and result
counted; the coaching built-ins (``vague()``, ``vague_plan()``, ``plan_gap()``, ``pushy()``,
``pick()``, ``days_until()``, ``|day``, ``|short``) are added; ``range()`` and ``lipsum()``
are capped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2.utils import _PassArg, generate_lorem_ipsum

from bot.dialogue import dates, limits
from bot.dialogue.answer_checks import pick, plan_gap, pushy, short, vague, vague_plan
from bot.dialogue.budget import LimitExceeded, current
from bot.dialogue.size_checks import check_growth, check_join, check_percent_format, check_width

# Filters that take much longer per character or item than copying (measured): charged more.
_SLOW_FILTERS = {"urlize": 32, "wordwrap": 32, "pprint": 64, "xmlattr": 8, "title": 4}
_SLOW_FILTERS |= {"wordcount": 4, "striptags": 2, "tojson": 2}


def argument(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    """The argument at ``index``, or given by ``name``, of a call (None if not given)."""
    return args[index] if len(args) > index else kwargs.get(name)


def _filter_check(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a filter's arguments (the value first) before it runs; may return new args."""
    if name in ("center", "indent"):
        width = argument(args, kwargs, 1, "width")
        check_width(len(width) if isinstance(width, str) else width)
    elif name in ("batch", "slice"):
        count = argument(args, kwargs, 1, "linecount" if name == "batch" else "slices")
        check_width(count, "count")
    elif name == "wordwrap":
        wrap = argument(args, kwargs, 4, "wrapstring") or "\n"
        text = args[0] if args else ""
        if isinstance(text, str) and len(text) * (1 + len(str(wrap))) > limits.MAX_VALUE_CHARS:
            raise LimitExceeded("wordwrap would build a text that is too big")
    elif name == "replace":
        check_growth(*(list(args[:3]) + [None] * (3 - len(args[:3]))))
    elif name == "join":
        items = list(args[0]) if args else []
        check_join(argument(args, kwargs, 1, "d") or "", items)
        return (items, *args[1:])
    elif name == "format":
        check_percent_format(args[0] if args else None)
    elif name == "short":
        check_width(argument(args, kwargs, 1, "width"))
    return args


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    skip = 1 if _PassArg.from_obj(function) is not None else 0
    rate = _SLOW_FILTERS.get(name, 1)

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        args = (*args[:skip], *_filter_check(name, args[skip:], kwargs))
        if len(args) > skip:
            budget.value(args[skip], rate)
        return budget.value(function(*args, **kwargs))

    return guarded


def _small_range(*args: int) -> range:
    result = range(*args)
    if len(result) > limits.MAX_RANGE:
        raise LimitExceeded(f"range() is limited to {limits.MAX_RANGE} items in dialogue texts")
    return result


def _counted(check: Callable[[Any], Any]) -> Callable[..., Any]:
    """An answer check such as ``vague(answer)``, its work counted like a filter's."""

    @wraps(check)
    def guarded(value: Any = None) -> Any:
        current().value(value)
        return check(value)

    return guarded


def _guarded_pick(answer: Any = None, *choices: Any) -> Any:
    """``pick(answer, example_1, example_2)`` in texts and conditions, its work counted."""
    current().value(answer)
    return pick(answer, *choices)


@pass_context
def _days_until(context: Context, value: Any) -> int:
    """``days_until(when)``: days from the user's today to a saved date (0 = today)."""
    day, today = dates.as_date(value), dates.as_date(context.get("today"))
    if day is None or today is None:
        raise LimitExceeded(f"days_until() needs a saved date, not {value!r}")
    return (day - today).days


@pass_context
def _day_filter(context: Context, value: Any) -> str:
    """``{{ when|day }}``: "vrijdag 4 december" / "Friday 4 December" in the user's language."""
    day, today = dates.as_date(value), dates.as_date(context.get("today"))
    if day is None:
        raise LimitExceeded(f"|day needs a saved date, not {value!r}")
    return dates.day_label(day, str(context.get("lang")), today)


def _small_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    check_width(max, "lipsum size")
    if n > limits.MAX_LIPSUM:
        raise LimitExceeded(f"lipsum() gives at most {limits.MAX_LIPSUM} paragraphs")
    return generate_lorem_ipsum(n, html, min, max)


def guarded_filters(jinja_filters: Mapping[str, Callable[..., Any]]) -> dict[str, Any]:
    """Jinja's filters plus ``|short`` and ``|day``, every one guarded."""
    filters: dict[str, Callable[..., Any]] = {**jinja_filters, "short": short, "day": _day_filter}
    return {name: _guard_filter(name, f) for name, f in filters.items()}


def guarded_globals() -> dict[str, Any]:
    """The functions a text may call, replacing Jinja's ``range`` and ``lipsum``."""
    functions: dict[str, Any] = {"range": _small_range, "lipsum": _small_lipsum}
    for check in (vague, vague_plan, plan_gap, pushy):
        functions[check.__name__] = _counted(check)
    functions["pick"] = _guarded_pick
    functions["days_until"] = _days_until
    return functions
