"""The JSON Schema editors use (dialogues/schema.json): current, and in step with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.dialogue.loader import load_dialogue
from bot.dialogue.yaml_source import parse
from bot.errors import ContentError
from tests.content.test_loader_errors import PICK, PROMPTS, REPO, at, edit
from tests.ops.cli import coachbot

SCHEMA_FILE = REPO / "dialogues" / "schema.json"
HEADER = "# yaml-language-server: $schema=./schema.json\n"
DIALOGUE_FILES = sorted(
    [*(REPO / "dialogues").glob("*.yaml"), *(REPO / "tests" / "fixtures").glob("*/*.yaml")]
)
# Mistakes in the shape of a file: the loader refuses them, and so must the schema.
STRUCTURAL = {
    "unknown node type": ("type: say", "type: shout"),
    "missing required key": ("start: hello\n", ""),
    "wrong type of a field": ("save: colour", "save: [colour]"),
    "unknown key": ("next: done\n", "next: done\n    nxt: done\n"),
    "missing language": ("{nl: Rood, en: Red}", "{nl: Rood}"),
    "bad node id": ("  done:", "  Done-Node:"),
    "too few options": ("      - {value: blue, label: {nl: Blauw, en: Blue}}\n", ""),
    "a value too long": ("value: red", "value: " + "r" * 25),
}


def validators() -> list[jsonschema.protocols.Validator]:
    """The schema as draft 2020-12 says, and as draft-07 readers (VS Code's YAML) take it."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return [jsonschema.Draft202012Validator(schema), jsonschema.Draft7Validator(schema)]


def data_of(text: str) -> Any:
    """The file's data as the loader reads it (YAML 1.2, no tags or aliases)."""
    source, problems = parse("demo.yaml", text)
    assert source is not None, problems
    return source.data


def test_the_committed_schema_is_what_coachbot_schema_prints(tmp_path: Path) -> None:
    printed = coachbot("schema", env={})
    written = coachbot("schema", "-o", str(tmp_path / "schema.json"), env={})
    assert (printed.returncode, written.returncode) == (0, 0), printed.stderr
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert printed.stdout == committed, "run: coachbot schema -o dialogues/schema.json"
    assert (tmp_path / "schema.json").read_text(encoding="utf-8") == committed
    assert json.loads(committed)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", DIALOGUE_FILES, ids=lambda p: p.name)
def test_every_dialogue_file_fits_the_schema(path: Path) -> None:
    data = data_of(path.read_text("utf-8"))
    assert [[e.message for e in v.iter_errors(data)] for v in validators()] == [[], []]


@pytest.mark.parametrize(("old", "new"), STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_the_schema_refuses_what_the_loader_refuses(tmp_path: Path, old: str, new: str) -> None:
    text = edit(old, new)
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError):
        load_dialogue(tmp_path / "demo.yaml", PROMPTS)
    assert [v.is_valid(data_of(text)) for v in validators()] == [False, False]


def test_the_schema_cannot_see_a_missing_node_the_loader_does(tmp_path: Path) -> None:
    text = edit(PICK, PICK.replace("next: done", "next: gone"))
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError):
        load_dialogue(tmp_path / "demo.yaml", PROMPTS)
    assert all(v.is_valid(data_of(text)) for v in validators())  # loader-only (see README)


@pytest.mark.parametrize("path", sorted((REPO / "dialogues").glob("*.yaml")), ids=lambda p: p.name)
def test_every_dialogue_names_the_schema_on_its_first_line(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith(HEADER)


def test_problems_count_the_schema_line(tmp_path: Path) -> None:
    text = HEADER + edit("start: hello", "start: helo")
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_dialogue(tmp_path / "demo.yaml", PROMPTS)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == at(text, "start: helo") == (5, 1)
