"""Telegram's length limits: long HTML texts split into valid messages, captions shortened.

Telegram counts a message's length in UTF-16 code units of the text *after* HTML parsing
(4,096 for a message, 1,024 for a caption), and refuses a message whose markup does not parse on
its own. So a text is read into visible characters and the tags between them; each part is cut at
a paragraph, line or word break where possible (never inside a tag or an entity), closes the tags
still open at its end, and the next part reopens them with their attributes. A text that fits
is returned unchanged; the parts of one that does not are written anew, their text escaped the
plain way (``&amp;``, ``&lt;``, ``&gt;``), so ``&quot;`` or ``&#128512;`` become the character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.dialogue.rendering import TELEGRAM_TAGS as AUTHOR_TAGS

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
RAW_FACTOR = 4  # a part's markup stays within this many times the limit (entities cost 5 each)

# What authors may write, plus custom emoji, which only Telegram itself puts in a text.
TELEGRAM_TAGS = AUTHOR_TAGS | {"tg-emoji"}
_NO_BREAK_SPACES = frozenset("\xa0\u2007\u202f")
_ZWJ = "\u200d"
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class _Tag:
    name: str
    raw: str
    opens: bool
    tracked: bool  # a Telegram tag that has to be closed and reopened around a cut


@dataclass
class _Doc:
    chars: list[str]  # the visible characters
    tags: list[list[_Tag]]  # tags[k] stand just before chars[k]; tags[-1] after the last one


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = _Doc([], [[]])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        self.doc.tags[-1].append(_Tag(tag, raw, True, tag in TELEGRAM_TAGS))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.doc.tags[-1].append(_Tag(tag, self.get_starttag_text() or "", True, False))

    def handle_endtag(self, tag: str) -> None:
        self.doc.tags[-1].append(_Tag(tag, f"</{tag}>", False, tag in TELEGRAM_TAGS))

    def handle_data(self, data: str) -> None:
        for char in data:
            self.doc.chars.append(char)
            self.doc.tags.append([])


def _read(text: str) -> _Doc:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.doc


def _apply(stack: list[_Tag], tags: Iterable[_Tag]) -> None:
    for tag in tags:
        if not tag.tracked:
            continue
        if tag.opens:
            stack.append(tag)
            continue
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].name == tag.name:
                del stack[index]
                break


def _closing(stack: list[_Tag]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _width(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _escape(char: str) -> str:
    return _ESCAPES.get(char, char)


def _breaks(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK_SPACES


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of Telegram HTML, each valid on its own and within ``limit`` UTF-16 units of text."""
    raw_limit = RAW_FACTOR * limit
    doc = _read(text)
    if sum(_width(c) for c in doc.chars) <= limit and len(text) <= raw_limit:
        return [text] if "".join(doc.chars).strip() else []  # Telegram refuses a blank text
    parts: list[str] = []
    start, stack = 0, list[_Tag]()
    _apply(stack, doc.tags[0])
    while start < len(doc.chars):
        reach = _reach(doc, start, stack, limit, raw_limit)
        end, following = _cut(doc.chars, start, reach)
        markup, visible = _emit(doc, start, end, stack)
        if visible.strip():
            parts.append(markup)
        for index in range(start + 1, following + 1):  # tags in dropped spaces count too
            _apply(stack, doc.tags[index])
        start = following
    return parts


def _reach(doc: _Doc, start: int, opened: list[_Tag], limit: int, raw_limit: int) -> int:
    """The largest end such that chars[start:end] make a part within both budgets (at least one)."""
    stack = list(opened)
    units, raw, closing = 0, sum(len(tag.raw) for tag in stack), len(_closing(stack))
    end, count = start, len(doc.chars)
    while end < count:
        tags = doc.tags[end] if end > start else []
        if end + 1 == count:  # the last part also carries the tags after the last character
            tags = [*tags, *doc.tags[count]]
        if tags:
            _apply(stack, tags)
            raw += sum(len(tag.raw) for tag in tags)
            closing = len(_closing(stack))
        units += _width(doc.chars[end])
        raw += len(_escape(doc.chars[end]))
        if units > limit or raw + closing > raw_limit:
            break
        end += 1
    return max(end, start + 1)


def _cut(chars: list[str], start: int, reach: int) -> tuple[int, int]:
    """(end of this part, start of the next): the last paragraph, line or word break in the
    back half of the window, else a cut at ``reach`` that keeps characters that belong together."""
    if reach >= len(chars):
        return len(chars), len(chars)
    floor = start + max(1, (reach - start) // 2)
    best: dict[int, tuple[int, int]] = {}
    position = reach
    while position >= floor:
        if _breaks(chars[position]) and not _breaks(chars[position - 1]):
            after = position
            while after < len(chars) and _breaks(chars[after]):
                after += 1
            kind = min(chars[position:after].count("\n"), 2)  # 2 paragraph, 1 line, 0 word
            best.setdefault(kind, (position, after))
            if kind == 2:
                break
        position -= 1
    for kind in (2, 1, 0):
        if kind in best:
            return best[kind]
    end = reach
    while end > start + 1 and _glued(chars, end):
        end -= 1
    following = end
    while following < len(chars) and _breaks(chars[following]):
        following += 1
    while end > start + 1 and _breaks(chars[end - 1]):
        end -= 1
    return end, following


def _glued(chars: list[str], index: int) -> bool:
    """Whether chars[index] belongs to the character before it (accents, emoji sequences, flags)."""
    before, char = chars[index - 1], chars[index]
    code = ord(char)
    if unicodedata.category(char).startswith("M") or _ZWJ in (before, char):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True
    if _regional(char) and _regional(before):
        run = 0
        while index - 1 - run >= 0 and _regional(chars[index - 1 - run]):
            run += 1
        return run % 2 == 1
    return False


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _emit(doc: _Doc, start: int, end: int, opened: list[_Tag]) -> tuple[str, str]:
    """(markup, visible text) of chars[start:end], with the tags open at ``start`` reopened."""
    stack = list(opened)
    out = [tag.raw for tag in stack]
    for index in range(start, end):
        if index > start:
            out.extend(tag.raw for tag in doc.tags[index])
            _apply(stack, doc.tags[index])
        out.append(_escape(doc.chars[index]))
    if end == len(doc.chars):
        out.extend(tag.raw for tag in doc.tags[end])
        _apply(stack, doc.tags[end])
    out.append(_closing(stack))
    return "".join(out), "".join(doc.chars[start:end])


def fit_caption(caption: str, limit: int = CAPTION_LIMIT) -> str:
    """A plain-text caption within ``limit`` UTF-16 units, shortened at a word with an ellipsis."""
    if utf16_units(caption) <= limit:
        return caption
    kept, units = [], 1  # room for the ellipsis
    for char in caption:
        units += _width(char)
        if units > limit:
            break
        kept.append(char)
    short = "".join(kept)
    word_end = short.rstrip().rfind(" ")
    if word_end > len(short) // 2:
        short = short[:word_end]
    return short.rstrip() + "…"
