"""What an admin sees for each kind of mistake: the problem, at its file, line and column."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.dialogue.loader import load_dialogue
from bot.errors import ContentError, Problem
from tests.conftest import DIALOGUES, PROMPTS, REPO

VALID = """\
id: demo
title: {nl: Demo, en: Demo}
description: {nl: Een demo, en: A demo}
start: hello
nodes:
  hello:
    type: say
    text:
      nl: Hoi {{ name }}!
      en: Hi {{ name }}!
    next: level
  level:
    type: choice
    text: {nl: "Niveau?", en: "Level?"}
    save: level
    options:
      - {value: basic, label: {nl: Basis, en: Basic}}
      - {value: best, label: {nl: Best, en: Best}}
    next: done
  done:
    type: end
    text: {nl: "Klaar: {{ level }}", en: "Done: {{ level }}"}
"""


def problems_in(tmp_path: Path, text: str, prompts: Path = PROMPTS) -> list[Problem]:
    path = tmp_path / "demo.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_dialogue(path, prompts)
    return caught.value.problems


def edited(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_the_base_dialogue_is_valid(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(VALID, encoding="utf-8")

    assert load_dialogue(tmp_path / "demo.yaml", PROMPTS).id == "demo"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        pytest.param(
            edited("start: hello", "start: [hello"), 5, 6, "YAML syntax", id="yaml-syntax"
        ),
        pytest.param(
            edited("start: hello", "start: hello\nstart: bye"),
            5,
            1,
            "duplicate key",
            id="duplicate-key",
        ),
        pytest.param(
            edited("    next: level", "    nxt: level"),
            11,
            5,
            "unknown key 'nxt'",
            id="unknown-key",
        ),
        pytest.param(
            edited("    type: say", "    type: shout"),
            7,
            5,
            "unknown node type 'shout'",
            id="unknown-type",
        ),
        pytest.param(edited("    type: say\n", ""), 6, 3, "needs a 'type'", id="missing-type"),
        pytest.param(
            edited("      en: Hi {{ name }}!\n", ""),
            8,
            5,
            "English text ('en') is missing",
            id="missing-en",
        ),
        pytest.param(
            edited("      nl: Hoi {{ name }}!\n", ""),
            8,
            5,
            "Dutch text ('nl') is missing",
            id="missing-nl",
        ),
        pytest.param(
            edited("    next: level", "    next: levle"),
            11,
            5,
            "'levle', which is not a node (did you mean 'level'?)",
            id="missing-goto",
        ),
        pytest.param(
            edited("start: hello", "start: helo"),
            4,
            1,
            "start node 'helo' does not exist",
            id="missing-start",
        ),
        pytest.param(
            edited(
                "    next: done", "    next: done\n  lost:\n    type: end\n    text: {nl: x, en: y}"
            ),
            20,
            3,
            "'lost' is unreachable",
            id="unreachable",
        ),
        pytest.param(
            edited("      nl: Hoi {{ name }}!", "      nl: Hoi {{ name }!"),
            9,
            11,
            "template syntax",
            id="template-syntax",
        ),
        pytest.param(
            edited(
                "    next: done",
                "    next:\n      - if: level ==\n        goto: done\n      - goto: done",
            ),
            20,
            13,
            "does not compile",
            id="condition",
        ),
        pytest.param(
            edited("Klaar: {{ level }}", "Klaar: {{ score }}"),
            22,
            16,
            "'score' is used here but no earlier step saves it",
            id="unsaved-variable",
        ),
        pytest.param(
            edited("Hoi {{ name }}!", "Hoi {{ name.__class__ }}!"),
            9,
            11,
            "reaches Python internals",
            id="dunder",
        ),
        pytest.param(
            edited("Hoi {{ name }}!", "Hoi {{ name|attr('upper') }}!"),
            9,
            11,
            "'|attr' filter is not allowed",
            id="attr-filter",
        ),
        pytest.param(
            edited("Hoi {{ name }}!", "Hoi {{ range(10000000)|list }}!"),
            9,
            11,
            "range() is limited",
            id="huge-range",
        ),
        pytest.param(
            edited("      - {value: best,", "      - {value: basic,"),
            12,
            3,
            "two options have the same 'value'",
            id="duplicate-option",
        ),
    ],
)
def test_each_mistake_is_reported_where_it_is(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    problems = problems_in(tmp_path, text)

    assert any(message in p.message for p in problems), problems
    [where] = [(p.line, p.column) for p in problems if message in p.message][:1]
    assert where == (line, column)


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = VALID + f"extra: !!python/object/apply:os.system ['touch {marker}']\nother: !custom x\n"

    problems = problems_in(tmp_path, text)

    assert [(p.line, "not allowed" in p.message) for p in problems] == [(23, True), (24, True)]
    assert not marker.exists()


def test_a_syntax_error_deep_in_a_block_text_points_at_its_own_line(tmp_path: Path) -> None:
    text = edited(
        "      nl: Hoi {{ name }}!",
        "      nl: |\n        Regel een\n        Regel twee {% if %}\n        Regel drie",
    )

    [problem] = problems_in(tmp_path, text)

    assert problem.line == 11
    assert "template syntax" in problem.message


def test_a_template_file_error_points_into_that_file(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    for lang in ("nl", "en"):
        (prompts / lang).mkdir(parents=True)
    (prompts / "nl" / "end.j2").write_text("Klaar\n{{ level }\n", encoding="utf-8")
    (prompts / "en" / "end.j2").write_text("Done {{ level }}\n", encoding="utf-8")
    text = edited(
        'text: {nl: "Klaar: {{ level }}", en: "Done: {{ level }}"}', "text: {template: end.j2}"
    )

    [problem] = problems_in(tmp_path, text, prompts)

    assert problem.file.endswith("nl/end.j2")
    assert problem.line == 2


def test_a_missing_template_file_is_reported(tmp_path: Path) -> None:
    text = edited(
        'text: {nl: "Klaar: {{ level }}", en: "Done: {{ level }}"}', "text: {template: nowhere.j2}"
    )

    problems = problems_in(tmp_path, text)

    assert {p.line for p in problems} == {22}
    assert "template 'nowhere.j2' not found" in problems[0].message


BRANCH_TO_ASK = """\
    next:
      - if: level == 'best'
        goto: ask
      - goto: done
  ask:
    type: text
    text: {nl: Hoe?, en: How?}
    save: how
    next: done"""


def test_a_variable_saved_on_only_some_paths_suggests_answers_get(tmp_path: Path) -> None:
    text = edited("    next: done", BRANCH_TO_ASK).replace("Klaar: {{ level }}", "Klaar: {{ how }}")

    [problem] = problems_in(tmp_path, text)

    assert "'how' is not saved on every path" in problem.message
    assert "answers.get('how')" in problem.message


def test_no_path_to_an_end_and_a_loop_of_says(tmp_path: Path) -> None:
    text = edited(
        "    next: level",
        "    next: again\n  again:\n    type: say\n    text: {nl: x, en: y}\n    next: hello",
    )

    messages = [p.message for p in problems_in(tmp_path, text)]

    assert any("on a loop of 'say' nodes only" in m for m in messages)
    assert any("no path leads to an 'end' node" in m for m in messages)


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    text = edited("start: hello", "start: helo")
    text = text.replace("    next: level", "    nxt: level").replace(
        "Klaar: {{ level }}", "Klaar: {{ level }"
    )
    text = text.replace("      - {value: best,", "      - {value: basic,")

    problems = problems_in(tmp_path, text)

    assert len(problems) >= 3
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_a_broken_file_does_not_take_the_others_down(tmp_path: Path) -> None:
    (tmp_path / "a_good.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b_broken.yaml").write_text(
        VALID.replace("start: hello", "start: [hello"), encoding="utf-8"
    )
    (tmp_path / "c_same_id.yaml").write_text(VALID, encoding="utf-8")

    catalog = load_catalog([tmp_path], PROMPTS)

    assert list(catalog.latest) == ["demo"]
    assert set(catalog.broken) == {
        str(tmp_path / "b_broken.yaml"),
        str(tmp_path / "c_same_id.yaml"),
    }
    assert "already used by" in catalog.broken[str(tmp_path / "c_same_id.yaml")][0].message


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "coachbot"), "validate", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, env=dict(os.environ), check=False
    )


def test_validate_command_exit_codes_and_output(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(VALID.replace("    next: level", "    nxt: level"), encoding="utf-8")

    bad = run_validate(str(broken))
    good = run_validate(str(DIALOGUES))
    as_json = run_validate(str(broken), "--format", "json")

    assert bad.returncode == 1
    assert f"{broken}:11:5: unknown key 'nxt'" in bad.stdout
    assert good.returncode == 0, good.stdout
    report = json.loads(as_json.stdout)
    assert (11, "unknown key 'nxt'") in [(p["line"], p["message"][:17]) for p in report["problems"]]
    assert report["valid"] == []
