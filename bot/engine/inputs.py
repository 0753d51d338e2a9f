"""Reads a user's input for one question: the value to store, or why it cannot be stored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.dialogue import dates
from bot.dialogue.model import (
    ChoiceNode,
    DateNode,
    MultiNode,
    NumberNode,
    Question,
    ScaleNode,
    TextNode,
)
from bot.engine.multi import Chosen, Refused, Toggled, Value, read_multi
from bot.engine.turn import Incoming


@dataclass(frozen=True)
class Rejected:
    """Why an input was not accepted: a phrase key and its values."""

    reason: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    """The value to store for the question."""

    value: Any


def read_answer(
    node: Question,
    incoming: Incoming,
    lang: str,
    today: date | None = None,
    picked: Sequence[Value] = (),
) -> Accepted | Rejected | Toggled:
    """Check ``incoming`` against what ``node`` asks for (``picked``: a multi's selection)."""
    if incoming.kind == "unsupported":
        return Rejected("unsupported", {})
    if not incoming.value.strip():
        return Rejected("empty", {})
    if isinstance(node, MultiNode):
        found = read_multi(node, incoming, lang, list(picked))
        if isinstance(found, Refused):
            return Rejected(found.reason, found.values)
        return Accepted(found.values) if isinstance(found, Chosen) else found
    if isinstance(node, ChoiceNode):
        return _choice(node, incoming, lang)
    if isinstance(node, ScaleNode):
        return _scale(incoming.value)
    if isinstance(node, NumberNode):
        return _number(node, incoming.value, lang)
    if isinstance(node, DateNode):
        return _date(node, incoming, lang, today or date.today())
    return _text(node, incoming)


def _choice(node: ChoiceNode, incoming: Incoming, lang: str) -> Accepted | Rejected:
    if incoming.kind == "choice":
        for option in node.options:
            if str(option.value) == incoming.value:
                return Accepted(option.value)
        return Rejected("unknown_option", {})
    typed = incoming.value.strip().casefold()
    for option in node.options:
        if option.label.get(lang).strip().casefold() == typed:
            return Accepted(option.value)
    return Rejected("pick_button", {})


def _scale(value: str) -> Accepted | Rejected:
    text = value.strip()
    if text in {"1", "2", "3", "4", "5"}:
        return Accepted(int(text))
    return Rejected("scale", {})


def _text(node: TextNode, incoming: Incoming) -> Accepted | Rejected:
    if incoming.kind == "choice":
        return Rejected("unknown_option", {})
    text = incoming.value.strip()
    if len(text) < node.min_length:
        return Rejected("too_short", {"min": node.min_length, "got": len(text)})
    if len(text) > node.max_length:
        return Rejected("too_long", {"max": node.max_length, "got": len(text)})
    return Accepted(text)


def _date(node: DateNode, incoming: Incoming, lang: str, today: date) -> Accepted | Rejected:
    if incoming.kind == "choice":
        day = dates.as_date(incoming.value)
    else:
        day = dates.parse_date(incoming.value, lang, today)
    if day is None:
        return Rejected(
            "not_a_date", {"example": "vrijdag, 5-12" if lang == "nl" else "Friday, Dec 5"}
        )
    if day < today:
        return Rejected("date_past", {"day": dates.day_label(day, lang)})
    if (day - today).days > node.max_days:
        last = dates.day_label(today + timedelta(days=node.max_days), lang)
        return Rejected("date_far", {"last": last})
    return Accepted(day.isoformat())


def _number(node: NumberNode, value: str, lang: str) -> Accepted | Rejected:
    if sum(c in "0123456789" for c in value) > _MAX_DIGITS:  # beyond what a float holds exactly
        return Rejected("number_too_long", {"max": _MAX_DIGITS})
    number = parse_number(value, lang)
    if number is None:
        return Rejected("not_a_number", {"example": "1.500" if lang == "nl" else "1,500"})
    if node.integer and number != int(number):
        return Rejected("not_whole", {})
    if node.min is not None and number < node.min:
        return Rejected("below_min", {"min": format_number(node.min, lang)})
    if node.max is not None and number > node.max:
        return Rejected("above_max", {"max": format_number(node.max, lang)})
    return Accepted(int(number) if number == int(number) else number)


_GROUPED = {
    "nl": re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"),
    "en": re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"),
}
_PLAIN = {"nl": re.compile(r"^-?\d+(,\d+)?$"), "en": re.compile(r"^-?\d+(\.\d+)?$")}
_SEPARATORS = {"nl": (".", ","), "en": (",", ".")}  # (thousands, decimal)
_MAX_DIGITS = 15


def parse_number(text: str, lang: str) -> float | None:
    """A number as people write it in ``lang`` ("1.500,5" in Dutch, "1,500.5" in English)."""
    cleaned = re.sub(r"[\s_€$%]", "", text)
    if len(cleaned) > _MAX_DIGITS + 6:
        return None
    key = lang if lang in _SEPARATORS else "nl"
    thousands, decimal = _SEPARATORS[key]
    if _GROUPED[key].match(cleaned) or _PLAIN[key].match(cleaned):
        return float(cleaned.replace(thousands, "").replace(decimal, "."))
    # Fall back to the other convention for an unambiguous plain decimal, e.g. "2.5" in Dutch.
    other = "en" if key == "nl" else "nl"
    if _PLAIN[other].match(cleaned) and not _GROUPED[key].match(cleaned):
        return float(cleaned.replace(",", "."))
    return None


def format_number(value: float, lang: str) -> str:
    """A number written the way ``lang`` writes it."""
    whole = value == int(value)
    text = f"{int(value):,}" if whole else f"{value:,.2f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
