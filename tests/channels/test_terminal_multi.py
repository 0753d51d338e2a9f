"""A multi-select question in the terminal chat: numbered options, typed as one line."""

from __future__ import annotations

import io
from pathlib import Path

from bot.channels.terminal import TerminalChat
from bot.engine.coach import Coach, Visitor
from tests.channels.test_clean_text import lines_of

EVA = Visitor("terminal:eva", "Eva")


async def chat(coach: Coach, tmp_path: Path, *lines: str) -> str:
    """What the terminal shows for the channels dialogue answered with ``lines``."""
    out = io.StringIO()
    terminal = TerminalChat(coach, EVA, lines_of(*lines), out, tmp_path)
    assert await terminal.run("channels", "nl") == 0
    return out.getvalue()


async def test_the_options_are_numbered_without_done_and_say_how_to_answer(
    coach: Coach, tmp_path: Path
) -> None:
    out = await chat(coach, tmp_path, "slangen")

    question = out.split("Welke kanalen gebruik je?", 1)[1]
    assert question.startswith("\n  1) LinkedIn\n  2) Instagram\n")
    assert "\n  7) Geen\nTyp de nummers of namen met komma's ertussen (bijv. 1, 3).\n" in question
    assert "Klaar" not in question.split("Tot ziens")[0]


async def test_numbers_and_names_separated_by_commas_are_the_whole_answer(
    coach: Coach, tmp_path: Path
) -> None:
    out = await chat(coach, tmp_path, "slangen", "4, 1", "vragen stellen, 3")

    assert "LinkedIn dus. Mooi." in out
    assert "Kanalen: linkedin, email (2). Oefenen: ask, follow." in out


async def test_a_number_or_name_that_is_no_option_is_explained_and_asked_again(
    coach: Coach, tmp_path: Path
) -> None:
    out = await chat(coach, tmp_path, "slangen", "1, 9", "7")

    assert "“9” herken ik niet als keuze." in out
    assert "Nog geen kanalen: dan beginnen we klein." in out  # "7" is Geen


async def test_back_shows_the_earlier_selection_marked(coach: Coach, tmp_path: Path) -> None:
    out = await chat(coach, tmp_path, "slangen", "2, 3", "/back")

    again = out.rsplit("Welke kanalen gebruik je?", 1)[1]
    assert again.startswith("\n  1) LinkedIn\n  2) ✓ Instagram\n  3) ✓ WhatsApp\n  4) E-mail\n")
