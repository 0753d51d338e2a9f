"""Warnings for content that validates but is questionable, each at its file:line:column.

The fixtures in tests/fixtures/warnings/ are valid dialogues with one of each kind of warning;
a warning is expected where its snippet stands (``at``).
"""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.content_warnings import file_warnings
from bot.dialogue.loader import load_dialogue
from bot.dialogue.rendering import make_environments
from bot.errors import Problem
from tests.content.test_loader_errors import PROMPTS, at, edit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "warnings"


def warnings_of(path: Path, prompts: Path = PROMPTS) -> list[Problem]:
    """The warnings about the dialogue in ``path``, which must be valid."""
    dialogue = load_dialogue(path, prompts)
    return file_warnings(path, dialogue.model, make_environments(prompts))


def located(path: Path, snippet: str, message: str) -> Problem:
    """The warning expected where ``snippet`` stands in ``path``."""
    line, column = at(path.read_text(encoding="utf-8"), snippet)
    return Problem(str(path), line, column, message)


def test_branches_no_answer_can_take() -> None:
    path = FIXTURES / "dead_branches.yaml"
    assert warnings_of(path) == [
        located(
            path,
            "{if: \"colour == 'redd'\"",
            "no answer makes the condition true: 'redd' is not a value of 'colour' (blue, red)",
        ),
        located(
            path,
            "{if: \"answers.colour in ['red', 'blue']\", goto: tools}\n      - goto",
            "the same condition as an earlier rule, which goes first",
        ),
        located(path, "typo:\n", "node 'typo' is reached only through rules that never apply"),
        located(
            path,
            "{if: \"'fax' in tools",
            "no answer makes the condition true: 'fax' is not a value of 'tools' (mail, phone); "
            "'telex' is not a value of 'tools' (mail, phone)",
        ),
        located(
            path, "goto: size\n  size:", "an earlier rule always applies, so this one never does"
        ),
        located(
            path,
            "next: done\n  done:",
            "every option has its own 'next', so the question's 'next' is never used",
        ),
    ]


def test_texts_and_labels_too_long_for_a_phone() -> None:
    path, prompts = FIXTURES / "long_texts.yaml", FIXTURES / "prompts"
    template = prompts / "en" / "long.j2"
    too_long = "characters long (more than 1,000); that is a lot to read on a phone: split it over"
    assert warnings_of(path, prompts) == [
        located(path, "|\n", f"the Dutch text is 1,044 {too_long} a 'say' node"),
        located(
            path,
            "Een knop",
            "the Dutch label is 44 characters long (more than 40); "
            "it will not fit on a phone's button",
        ),
        Problem(str(template), 1, 1, f"the English text is 1,051 {too_long} a 'say' node"),
    ]


def test_a_template_with_logic_is_not_measured(tmp_path: Path) -> None:
    for lang in ("nl", "en"):
        (tmp_path / lang).mkdir()
        long = "{% if name %}" + "Hallo daar. " * 100 + "{% endif %}"
        (tmp_path / lang / "long.j2").write_text(long, encoding="utf-8")
    text = edit(
        'text: {nl: "Gekozen: {{ colour }}", en: "Chosen: {{ colour }}"}',
        "text: {template: long.j2}",
    )
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    assert warnings_of(tmp_path / "demo.yaml", tmp_path) == []


def test_what_is_possible_is_no_warning(tmp_path: Path) -> None:
    rules = (
        "next:\n"
        "      - {if: \"colour == 'red' or colour == 'green'\", goto: done}\n"
        "      - {if: \"'re' in colour\", goto: done}\n"
        "      - {if: \"colour != 'pink'\", goto: done}\n"
        "      - goto: done\n"
    )
    (tmp_path / "demo.yaml").write_text(edit("next: done\n", rules), encoding="utf-8")
    assert warnings_of(tmp_path / "demo.yaml") == []
