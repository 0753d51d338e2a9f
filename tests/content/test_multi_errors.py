"""The multi-select question in a dialogue file: what loads, and each mistake where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.dialogue.loader import load_dialogue
from bot.dialogue.model import MultiNode
from tests.content.test_loader_errors import PICK, PROMPTS, at, edit, one, problems

MULTI_Q = """\
  pick:
    type: multi
    text: {nl: "Welke kleuren?", en: "Which colours?"}
    save: colour
    exclusive: [none]
    options:
      - {value: red, label: {nl: Rood, en: Red}}
      - {value: blue, label: {nl: Blauw, en: Blue}}
      - {value: none, label: {nl: Geen, en: None}}
    next: done
"""
MULTI = edit(PICK, MULTI_Q)
RED = "{value: red, label: {nl: Rood, en: Red}}"
MEMBER = "next:\n      - {if: \"'red' in colour\", goto: done}\n      - goto: done\n"


def test_a_multi_question_loads_with_a_membership_condition(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(edit("    next: done\n", "    " + MEMBER, MULTI), encoding="utf-8")

    node = load_dialogue(path, PROMPTS).model.nodes["pick"]

    assert isinstance(node, MultiNode)
    assert (node.min, node.max, node.is_exclusive("none"), node.is_exclusive("red")) == (
        1,
        None,
        True,
        False,
    )


def case(name: str, old: str, new: str, where: str, says: str) -> Any:
    """A mistake in the multi question: ``old`` replaced by ``new``."""
    return pytest.param(old, new, where, says, id=name)


MISTAKES = [
    case("option-next", RED, RED[:-1] + ", next: done}", "pick:", "cannot have its own 'next'"),
    case("same-values", "value: blue", "value: red", "pick:", "two options have the same"),
    case("exclusive-unknown", "[none]", "[nothing]", "pick:", "'exclusive' names 'nothing'"),
    case(
        "min-above-max",
        "save: colour\n",
        "save: colour\n    min: 2\n    max: 1\n",
        "pick:",
        "'min' is larger",
    ),
    case(
        "max-above-options",
        "save: colour\n",
        "save: colour\n    max: 4\n",
        "pick:",
        "only 3 options",
    ),
    case(
        "exclusive-min",
        "save: colour\n",
        "save: colour\n    min: 2\n",
        "pick:",
        "'min' can be at most 1",
    ),
    case("comma-label", "nl: Rood,", "nl: 'Rood, donker',", "pick:", "contains a comma"),
    case("no-save", "    save: colour\n", "", "pick:", "the required key 'save' is missing"),
    case("wrong-min", "save: colour\n", "save: colour\n    min: some\n", "min:", "valid integer"),
    case(
        "never-saved",
        "    next: done\n",
        "    " + MEMBER.replace("in colour", "in hue"),
        "\"'red' in hue",
        "no earlier step saves it",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "message"), MISTAKES)
def test_a_multi_mistake_is_reported_where_it_is(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = edit(old, new, MULTI)
    problem = one(problems(tmp_path, text), message)
    assert (problem.line, problem.column) == at(text, where)


def test_an_unknown_type_names_multi_among_the_types(tmp_path: Path) -> None:
    text = edit("type: multi", "type: mutli", MULTI)
    assert "say, choice, multi, text" in one(problems(tmp_path, text), "unknown node type").message
