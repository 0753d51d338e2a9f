"""The terminal chat in-process: incoming text cleaned at the boundary, a summary's details."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.terminal import TerminalChat
from bot.channels.text import clean_text
from bot.engine.coach import Coach, Visitor


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Anna\ud800 en Bert", "Anna en Bert"),  # a lone high surrogate
        ("\udfffBert", "Bert"),  # a lone low surrogate
        ("\ud83d\ude00 blij", "😀 blij"),  # a pair as two code points is the emoji it encodes
        ("👩\u200d👩\u200d👧 🇳🇱 𝒳 👍🏽 ❤️", "👩\u200d👩\u200d👧 🇳🇱 𝒳 👍🏽 ❤️"),
        ("a\x00b\x07c\x1bd\x7fe\x85f", "abcdef"),
        (
            "regel 1\r\nregel 2\rregel 3\n\tingesprongen",
            "regel 1\nregel 2\nregel 3\n\tingesprongen",
        ),
        ("Cafe\u0301", "Café"),  # NFC: one é, as typed on another keyboard
        ("\u200fשלום\u200e ok", "\u200fשלום\u200e ok"),  # direction marks are text, not noise
        ("\ud800", ""),
    ],
)
def test_clean_text(typed: str, kept: str) -> None:
    assert clean_text(typed) == kept


_ANY = st.text(
    st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr), st.sampled_from("\r\n\t"))
)


@given(_ANY)
def test_the_result_always_encodes_and_cleaning_twice_changes_nothing(value: str) -> None:
    cleaned = clean_text(value)

    cleaned.encode("utf-8")
    assert clean_text(cleaned) == cleaned
    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in cleaned)


@given(st.text(st.characters(exclude_categories=("Cs", "Cc"))))
def test_ordinary_text_is_only_normalised(value: str) -> None:
    assert clean_text(value) == unicodedata.normalize("NFC", value)


def lines_of(*lines: str) -> Callable[[], Awaitable[str | None]]:
    """A terminal's input: these lines, then the end."""
    queue = iter(lines)

    async def read_line() -> str | None:
        return next(queue, None)

    return read_line


async def test_the_terminal_drops_a_lone_surrogate_before_storing(
    coach: Coach, tmp_path: Path
) -> None:
    eva = Visitor("terminal:eva", "Eva")
    out = io.StringIO()
    lines = lines_of("Ik verkoop zon\udc80nepanelen")
    chat = TerminalChat(coach, eva, lines, out, tmp_path)

    assert await chat.run("kinds", "nl") == 0

    assert "Hoeveel deals per maand?" in out.getvalue()  # the answer was taken
    exported = json.dumps((await coach.export(eva)).export, ensure_ascii=False).encode()
    assert b"Ik verkoop zonnepanelen" in exported


async def test_the_terminal_shows_a_summarys_details_when_asked(
    coach: Coach, tmp_path: Path
) -> None:
    out = io.StringIO()
    lines = lines_of("koffie", "10", "3", "Rechts", "1")
    chat = TerminalChat(coach, Visitor("terminal:eva", "Eva"), lines, out, tmp_path)

    assert await chat.run("kinds", "nl") == 0

    short, _, after = out.getvalue().partition("1) Details")
    assert "Rechts klaar: koffie, 10 deals" in short
    assert "Uitleg" not in short
    assert "Uitleg: koffie loont." in after


async def test_the_terminal_shows_a_tip_whole_and_numbers_only_the_questions_buttons(
    coach: Coach, tmp_path: Path
) -> None:
    out = io.StringIO()
    lines = lines_of("koffie", "50", "2", "1")
    chat = TerminalChat(coach, Visitor("terminal:eva", "Eva"), lines, out, tmp_path)

    assert await chat.run("kinds", "nl") == 0

    shown = out.getvalue()
    assert "Druk! Score 100.\n\nWie druk is, plant eerst en verkoopt koffie daarna." in shown
    assert "Details" not in shown.partition("Links klaar")[0]  # a terminal has the room
    assert "Links klaar: koffie" in shown  # "1" answered the question, not the tip


async def test_progress_in_the_terminal_leaves_the_question_and_its_numbers_as_they_were(
    coach: Coach, tmp_path: Path
) -> None:
    out = io.StringIO()
    lines = lines_of("koffie", "50", "/progress", "2", "1")
    chat = TerminalChat(coach, Visitor("terminal:eva", "Eva"), lines, out, tmp_path)

    assert await chat.run("kinds", "nl") == 0

    shown = out.getvalue()
    assert "Je hebt nog geen gesprek afgerond." in shown  # /progress answered
    assert "Links klaar: koffie" in shown  # "2" and "1" still picked the numbered buttons


async def test_a_typed_answer_meant_for_a_question_answered_elsewhere_is_not_taken(
    coach: Coach, tmp_path: Path
) -> None:
    eva = Visitor("terminal:eva", "Eva")
    other_window = TerminalChat(coach, eva, lines_of("koffie"), io.StringIO(), tmp_path)
    out = io.StringIO()
    sent = iter(["12"])

    async def typed_after_the_other_window() -> str | None:
        line = next(sent, None)
        if line is not None:  # meanwhile the question was answered in another window
            assert await other_window.run() == 0
        return line

    chat = TerminalChat(coach, eva, typed_after_the_other_window, out, tmp_path)

    assert await chat.run("kinds", "nl") == 0

    assert "Dat antwoord was voor een eerdere vraag" in out.getvalue()
    exported = (await coach.export(eva)).export
    assert exported is not None
    [session] = exported["sessions"]
    assert session["answers"] == {"product": "koffie"}  # "12" was not taken as the deal count
