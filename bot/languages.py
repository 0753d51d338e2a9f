"""The languages Coachbot speaks: one registry every layer reads."""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
DEFAULT: Language = "nl"
# Each language's name in itself, as shown on the language buttons.
NAMES: dict[Language, str] = {"nl": "Nederlands", "en": "English"}


def supported(code: str | None) -> bool:
    """True when ``code`` is one of the languages Coachbot speaks."""
    return code in LANGUAGES


def language_or(code: str | None, fallback: Language) -> Language:
    """``code`` if Coachbot speaks it, else ``fallback``."""
    for known in LANGUAGES:
        if code == known:
            return known
    return fallback
