"""Plain-language versions of pydantic's validation errors, for admins who are not programmers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_FIELD_HELP = {
    "nl": "the Dutch text ('nl') is missing",
    "en": "the English text ('en') is missing",
}


def describe(error: Any, node_types: Sequence[str]) -> str:
    """One sentence saying what is wrong and what to do."""
    kind, loc = error["type"], tuple(error["loc"])
    last = loc[-1] if loc else ""
    if kind == "missing":
        return _FIELD_HELP.get(str(last), f"the required key {last!r} is missing")
    if kind == "extra_forbidden":
        return f"unknown key {last!r}; check its spelling and indentation"
    if kind == "union_tag_invalid":
        found = error.get("ctx", {}).get("tag", "?")
        return f"unknown node type {found!r}; use one of: {', '.join(node_types)}"
    if kind == "union_tag_not_found":
        return f"this node needs a 'type' ({', '.join(node_types)})"
    if kind == "string_pattern_mismatch":
        found = error.get("input")
        return f"{found!r} is not a valid name here: use a-z, 0-9 and _, starting with a letter"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    where = f"{last!r}: " if isinstance(last, str) and last else ""
    return f"{where}{error['msg'][0].lower()}{error['msg'][1:]} (found {error.get('input')!r})"
