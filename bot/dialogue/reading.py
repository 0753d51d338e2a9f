"""Reads a content file as text within a size limit; unreadable bytes are located, not raised."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ContentError, Problem


def read_text(path: Path, limit: int, shown: str | None = None) -> str:
    """The file's UTF-8 text with ``\\n`` line ends; raise ``ContentError`` with the place."""
    file = shown or str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            message = f"the file is {size:,} bytes; at most {limit:,} are allowed"
            raise ContentError([Problem(file, 1, 1, message)])
        data = path.read_bytes()[: limit + 1]
    except OSError as err:
        raise ContentError([Problem(file, 1, 1, f"cannot read the file: {err}")]) from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ContentError([_not_utf8(file, data, err.start)]) from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _not_utf8(file: str, data: bytes, start: int) -> Problem:
    before = data[:start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    message = f"byte 0x{data[start]:02x} is not UTF-8 text; save the file as UTF-8"
    return Problem(file, line, column, message)
