"""Telegram's side of HTML parse mode: markup becomes plain text plus entities (UTF-16 offsets)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "span": "spoiler",  # only as <span class="tg-spoiler">
    "a": "text_link",
}


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.open: list[tuple[str, int, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _KINDS or (tag == "span" and dict(attrs).get("class") != "tg-spoiler"):
            raise ValueError(f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"')
        extra = {"url": dict(attrs).get("href", "")} if tag == "a" else {}
        self.open.append((tag, utf16_length(self.text), extra))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise ValueError(f'Bad Request: can\'t parse entities: unmatched end tag "{tag}"')
        _, start, extra = self.open.pop()
        length = utf16_length(self.text) - start
        if length:
            self.entities.append({"type": _KINDS[tag], "offset": start, "length": length, **extra})

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(markup: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) as Telegram makes them; ValueError for markup it refuses."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    if parser.open:
        raise ValueError(
            f'Bad Request: can\'t parse entities: tag "{parser.open[-1][0]}" is not closed'
        )
    return parser.text, sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
