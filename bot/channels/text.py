"""Incoming text made safe to store and echo, for every channel."""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0, DEL, C1) except tab and newline; carriage returns become newlines.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """``value`` without lone surrogates or control characters (tab and newline stay), in NFC.

    A lone surrogate cannot be encoded as UTF-8: stored, it would break every later reply that
    echoes it and the user's data export. Surrogate pairs that arrive as two code points are
    joined into the character they stand for; emoji and other astral characters are kept.
    """
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    lines = joined.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROLS.sub("", lines))
