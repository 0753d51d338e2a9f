"""What an admin sees for each kind of mistake in a dialogue file.

Each test puts a mistake in ``BASE`` (a small valid dialogue), loads it, and checks the problem
reported: its message and the line and column it points at, given as ``at(text, "snippet")``,
where that snippet stands in the text loaded: "reported where ``nxt:`` stands".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest

from bot.dialogue.catalog import load_catalog
from bot.dialogue.loader import load_dialogue
from bot.errors import ContentError, Problem

REPO = Path(__file__).resolve().parents[2]
PROMPTS = REPO / "prompts"
COACHBOT = Path(sys.executable).parent / "coachbot"

# say -> choice -> end, in Dutch and English.
BASE = textwrap.dedent(
    """\
    id: demo
    title: {nl: Demo, en: Demo}
    description: {nl: Een oefening, en: An exercise}
    start: hello
    nodes:
      hello:
        type: say
        text:
          nl: Hoi {{ name }}!
          en: Hi {{ name }}!
        next: pick
      pick:
        type: choice
        text: {nl: "Welke kleur?", en: "Which colour?"}
        save: colour
        options:
          - {value: red, label: {nl: Rood, en: Red}}
          - {value: blue, label: {nl: Blauw, en: Blue}}
        next: done
      done:
        type: end
        text: {nl: "Gekozen: {{ colour }}", en: "Chosen: {{ colour }}"}
    """
)
PICK = BASE[BASE.index("  pick:") : BASE.index("  done:")]
# The choice 'pick' as a free-text question and as a number question.
TEXT_Q = (
    '  pick:\n    type: text\n    text: {nl: "Welke kleur?", en: "Which colour?"}\n'
    "    save: colour\n    min_length: 1\n    next: done\n"
)
NUMBER_Q = TEXT_Q.replace("type: text", "type: number").replace("min_length:", "min:")
# Instead of the choice's 'next: done': red goes to TARGET, any other colour to done.
RED_GOES_TO = "next:\n      - {if: colour == 'red', goto: TARGET}\n      - goto: done\n"
PROFILE_COMPUTE = "next: done\n    compute: {profile: colour}\n"
PROFILE_FIELDS = (
    "    profile: {market: colour, product: colour, role: colour, experience: colour,"
    " channels: '[colour]'}\n"
)
ORPHAN = "  orphan:\n    type: end\n    text: {nl: Weg, en: Gone}\n"


def more_nodes(yaml: str) -> str:
    """Node definitions written flush left, indented to go under ``nodes:``."""
    return textwrap.indent(textwrap.dedent(yaml), "  ")


def edit(old: str, new: str, text: str = BASE) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new, 1)


def at(text: str, snippet: str) -> tuple[int, int]:
    """1-based (line, column) of the one occurrence of ``snippet`` in ``text``."""
    assert text.count(snippet) == 1, f"{snippet!r} must occur once"
    before = text[: text.index(snippet)]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def problems(tmp_path: Path, text: str, prompts: Path = PROMPTS) -> list[Problem]:
    """What loading ``text`` as ``demo.yaml`` reports; loading it must fail."""
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_dialogue(path, prompts)
    return caught.value.problems


def one(found: list[Problem], fragment: str) -> Problem:
    """The single problem whose message contains ``fragment``."""
    matching = [p for p in found if fragment in p.message]
    assert len(matching) == 1, f"{fragment!r} is not reported exactly once in {found}"
    return matching[0]


def test_the_base_dialogue_loads(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(BASE, encoding="utf-8")
    dialogue = load_dialogue(tmp_path / "demo.yaml", PROMPTS)
    assert (dialogue.id, dialogue.model.start) == ("demo", "hello")
    assert list(dialogue.model.nodes) == ["hello", "pick", "done"]


def case(name: str, old: str, new: str, where: str, says: str, *marks: Any) -> Any:
    """A mistake: ``old`` replaced by ``new``, reported at ``where`` with ``says`` in it."""
    return pytest.param(old, new, where, says, id=name, marks=marks)


HI = "en: Hi {{ name }}!"
HI_LINE, HOI_LINE = "      en: Hi {{ name }}!\n", "      nl: Hoi {{ name }}!\n"
GOTO_DNOE = RED_GOES_TO.replace("TARGET", "dnoe")
TEN = TEXT_Q.replace("min_length: 1", 'min_length: "ten"')
MIN_ABOVE_MAX = TEXT_Q.replace("min_length: 1", "min_length: 50\n    max_length: 20")
LAST_IF = "next:\n      - {if: colour == 'red', goto: done}\n"
BAD_IF = RED_GOES_TO.replace("colour == 'red'", "colour ==").replace("TARGET", "done")
TWO_SAVES = "save: colour\n    save: hue\n"
END = 'Chosen: {{ colour }}"}\n'
CHART = (
    "    chart:\n      title: {nl: Kaart, en: Chart}\n"
    "      levels: {nl: [Laag, Midden, Hoog], en: [Low, High]}\n"
    "      ladders:\n        - {label: {nl: L, en: L}, value: '1'}\n"
)

ONE_MISTAKE = [
    # YAML itself
    case("yaml-syntax", "type: say\n", "type: say: now\n", ": now", "YAML syntax: mapping values"),
    case("unclosed-bracket", "next: pick\n", "next: [pick\n", "[pick", "never closed"),
    case("duplicate-key", "save: colour\n", TWO_SAVES, "save: hue", 'duplicate key "save"'),
    # the schema: keys, types, node types, both languages, consistent nodes
    case("unknown-key", "next: pick", "nxt: pick", "nxt:", "unknown key 'nxt'; check its spelling"),
    case("wrong-type", PICK, NUMBER_Q.replace("min: 1", "min: low"), "min:", "should be a valid"),
    case("unknown-type", "type: say", "type: sya", "type: sya", "unknown node type 'sya'; use one"),
    case("missing-type", "    type: say\n", "", "hello:", "this node needs a 'type' (say, choice"),
    case("missing-en", HI_LINE, "", "text:\n", "the English text ('en') is missing"),
    case("missing-nl", HOI_LINE, "", "text:\n", "the Dutch text ('nl') is missing"),
    case("same-option-values", "value: blue", "value: red", "pick:", "two options have the same"),
    case("last-rule-has-if", "next: done\n", LAST_IF, "pick:", "the last rule of 'next' must be"),
    # a 'type: text' node has both a type and a key called 'text'; neither may confuse the place
    case("typo-in-text-node", PICK, TEXT_Q.replace("next:", "nxt:"), "nxt:", "unknown key 'nxt'"),
    case("text-node-wrong-type", PICK, TEN, "min_length:", "should be a valid integer"),
    case("min-above-max", PICK, MIN_ABOVE_MAX, "pick:", "'min_length' is larger than 'max_length'"),
    # the graph
    case("no-start", "start: hello", "start: helo", "start:", "start node 'helo' does not exist"),
    case("next-missing", "next: pick", "next: pik", "next: pik", "not a node (did you mean 'pick'"),
    case(
        "goto-missing", "next: done\n", GOTO_DNOE, "goto: dnoe", "not a node (did you mean 'done'"
    ),
    case("unreachable", END, END + ORPHAN, "orphan:", "node 'orphan' is unreachable: no step"),
    # expressions and texts
    case("bad-condition", "next: done\n", BAD_IF, "colour ==,", "expression does not compile"),
    case("never-saved", '{{ colour }}"}', '{{ mood }}"}', '"Chosen', "no earlier step saves it"),
    case("dunder", HI, "en: Hi {{ name.__class__ }}!", "Hi {{", "'.__class__' reaches Python"),
    case("attr-filter", HI, "en: Hi {{ name|attr('upper') }}!", "Hi {{", "the '|attr' filter"),
    case("big-range", HI, "en: Hi {{ range(10000000) }}!", "Hi {{", "range() is limited to 100"),
    case("underscore-key", HI, 'en: Hi {{ name["_x"] }}!', "Hi {{", "a key starting with '_'"),
    case("no-such-answer", END, END.replace("colour }}", "answers.mood }}"), '"Chosen', "'mood'"),
    case("name-has-no", HI, "en: Hi {{ name.nope }}!", "Hi {{", "'name' is a text; it has no"),
    case("reserved-save", "save: colour", "save: answers", "pick:", "the reserved name 'answers'"),
    case(
        "number-min-max", PICK, NUMBER_Q.replace("min: 1", "min: 5\n    max: 2"), "pick:", "'min'"
    ),
    case("check-in-kind", END, END + "    check_in: {outcome: colour}\n", "id:", "'check_in' on"),
    case("save-profile", "save: colour", "save: profile", "pick:", "the reserved name 'profile'"),
    case("compute-profile", "next: done\n", PROFILE_COMPUTE, "pick:", "reserved name 'profile'"),
    case("profile-kind", END, END + PROFILE_FIELDS, "id:", "'profile' on 'done' needs 'kind"),
    case("options-without-next", "    next: done\n", "", "pick:", "give every option its own"),
    case("chart-levels", END, END + CHART, "levels:", "'nl' and 'en' need the same number"),
]


@pytest.mark.parametrize(("old", "new", "where", "message"), ONE_MISTAKE)
def test_one_mistake_is_reported_where_it_is(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = edit(old, new)
    problem = one(problems(tmp_path, text), message)
    assert (problem.line, problem.column) == at(text, where)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!foo"])
def test_yaml_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    text = edit("start: hello", f'start: {tag} ["touch {marker}"]')
    [problem] = problems(tmp_path, text)
    assert problem.message.endswith(f"{tag.lstrip('!')}' is not allowed")
    assert (problem.line, problem.column) == at(text, "start:")
    assert not marker.exists()


def test_a_missing_language_is_the_only_problem_reported(tmp_path: Path) -> None:
    text = edit(HI_LINE, "")
    assert [p.message for p in problems(tmp_path, text)] == ["the English text ('en') is missing"]


def test_a_node_with_no_way_to_an_end(tmp_path: Path) -> None:
    text = edit("next: done\n", RED_GOES_TO.replace("TARGET", "stuck")) + more_nodes(
        """\
        stuck:
          type: scale
          text: {nl: Nog eens?, en: Again?}
          save: again
          next: stuck
        """
    )
    [problem] = problems(tmp_path, text)
    assert problem.message == "from node 'stuck' no path leads to an 'end' node"
    assert (problem.line, problem.column) == at(text, "stuck:\n")


def test_a_loop_of_say_nodes_is_refused_even_with_a_way_out(tmp_path: Path) -> None:
    # ping -> pong -> ping ... forever when the colour is red; 'done' when it is not.
    text = edit("next: done\n", "next: ping\n") + more_nodes(
        """\
        ping:
          type: say
          text: {nl: Ping, en: Ping}
          next:
            - {if: colour == 'red', goto: pong}
            - goto: done
        pong:
          type: say
          text: {nl: Pong, en: Pong}
          next: ping
        """
    )
    found = problems(tmp_path, text)
    assert [(p.line, p.column) for p in found] == [at(text, "ping:\n"), at(text, "pong:\n")]
    assert all("is on a loop of 'say' nodes only" in p.message for p in found)


def test_a_value_saved_on_some_paths_only_suggests_answers_get(tmp_path: Path) -> None:
    # Only 'red' passes through 'why', so 'reason' may be missing at 'done'.
    text = edit("Red}}", "Red}, next: why}").replace("{{ colour }}", "{{ reason }}")
    text += more_nodes(
        """\
        why:
          type: text
          text: {nl: Waarom?, en: Why?}
          save: reason
          next: done
        """
    )
    found = problems(tmp_path, text)
    assert [(p.line, p.column) for p in found] == [at(text, '"Gekozen'), at(text, '"Chosen')]
    assert {p.message for p in found} == {
        "'reason' is not saved on every path to this step; "
        "use answers.get('reason') if it may be missing"
    }


@pytest.mark.parametrize("indicator", ["|", "|-", ">"])
def test_a_template_error_in_a_block_text_points_at_its_file_line(
    tmp_path: Path, indicator: str
) -> None:
    block = f"      en: {indicator}\n        Hi {{{{ name }}}}!\n        Fine, {{{{ name ) }}}}.\n"
    text = edit(HI_LINE, block + "        Let's begin.\n")
    [problem] = problems(tmp_path, text)
    assert problem.message == "template syntax: unexpected ')'"
    assert problem.line == at(text, "{{ name ) }}")[0]  # the block starts one line below 'en: |'


def test_a_template_error_in_a_prompt_file_points_into_that_file(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    (prompts / "nl").mkdir(parents=True)
    (prompts / "en").mkdir()
    (prompts / "nl/tip.j2").write_text("Hoi {{ name }}!\nEen tip.\n{% if name %}Ga{% endif %}\n")
    (prompts / "en/tip.j2").write_text("Hi {{ name }}!\nA tip.\n{% if name %}Go{% endfor %}\n")
    text = edit('{nl: "Welke kleur?", en: "Which colour?"}', "{template: tip.j2}")
    [problem] = problems(tmp_path, text, prompts)
    assert (problem.file, problem.line, problem.column) == (str(prompts / "en/tip.j2"), 3, 1)
    assert problem.message.startswith("template syntax: Encountered unknown tag 'endfor'")


def test_a_missing_template_file_is_reported_for_each_language(tmp_path: Path) -> None:
    (tmp_path / "prompts/nl").mkdir(parents=True)
    text = edit('{nl: "Welke kleur?", en: "Which colour?"}', "{template: tip.j2}")
    found = problems(tmp_path, text, tmp_path / "prompts")
    assert [p.message for p in found] == [
        "template 'tip.j2' not found in prompts/nl/ or prompts/",
        "template 'tip.j2' not found in prompts/en/ or prompts/",
    ]
    assert {(p.line, p.column) for p in found} == {at(text, "template: tip.j2")}


def test_every_problem_is_reported_at_once_sorted_by_line(tmp_path: Path) -> None:
    text = edit(HI, "en: Hi {{ name ) }}!")
    text = edit("next: done\n", GOTO_DNOE.replace("colour == 'red'", "colour =="), text)
    text = edit('"Chosen: {{ colour }}"', '"Chosen: {{ mood }}"', text) + ORPHAN
    found = problems(tmp_path, text)
    assert [(p.line, p.column) for p in found] == sorted((p.line, p.column) for p in found)
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (at(text, "{{ name ) }}")[0], "template syntax"),
        (at(text, "colour ==,")[0], "expression does not compile"),
        (at(text, "goto: dnoe")[0], "goes to 'dnoe', which is not a node (did you mean 'done'?)"),
        (at(text, "{{ mood }}")[0], "'mood' is used here but no earlier step saves it"),
        (at(text, "orphan:")[0], "node 'orphan' is unreachable"),
    ]


# The schema is checked before the graph and the texts; its problems are all reported too.
SCHEMA_MISTAKES = (
    BASE.replace("{nl: Demo, en: Demo}", "{nl: Demo}")
    .replace("    type: say\n", "    type: say\n    colour: red\n")
    .replace("    next: pick\n", "    next: pick\n    compute: {Total: '1'}\n")
    .replace("type: choice", "type: choise")
)
SCHEMA_FOUND = [
    (at(SCHEMA_MISTAKES, "title:")[0], "the English text ('en') is missing"),
    (at(SCHEMA_MISTAKES, "colour: red")[0], "unknown key 'colour'"),
    (at(SCHEMA_MISTAKES, "Total")[0], "'Total' is not a valid name here"),
    (at(SCHEMA_MISTAKES, "choise")[0], "unknown node type 'choise'"),
]


def test_every_schema_problem_is_reported_at_once_sorted_by_line(tmp_path: Path) -> None:
    # pydantic lists a node's own keys first and unknown keys last; the admin sees file order.
    found = problems(tmp_path, SCHEMA_MISTAKES)
    assert len(found) == len(SCHEMA_FOUND)
    for problem, (line, message) in zip(found, SCHEMA_FOUND, strict=True):
        assert problem.line == line
        assert message in problem.message


# -- a folder of dialogues and the validate command -------------------------------------------


def test_the_catalog_serves_valid_files_and_lists_broken_ones(tmp_path: Path) -> None:
    good, broken, copy = (tmp_path / name for name in ("a.yaml", "b.yaml", "c.yaml"))
    good.write_text(BASE, encoding="utf-8")
    broken.write_text(edit("id: demo", "id: other").replace("start: hello", "start: helo"))
    copy.write_text(BASE.replace("Demo", "Kopie"), encoding="utf-8")  # the id 'demo' again
    catalog = load_catalog([tmp_path], PROMPTS)
    assert {key: d.file for key, d in catalog.latest.items()} == {"demo": str(good)}
    assert list(catalog.broken) == [str(broken), str(copy)]
    [problem] = catalog.broken[str(broken)]
    assert problem.message.startswith("start node 'helo' does not exist")
    message = f"dialogue id 'demo' is already used by {good}"
    assert catalog.broken[str(copy)] == [Problem(str(copy), 1, 1, message)]


NO_CACHE = os.path.join(os.devnull, "cache")  # cannot be created, so no cache is used


def validate(*args: str, cache: str = NO_CACHE) -> subprocess.CompletedProcess[str]:
    """``coachbot validate ARGS`` run from the repository root, as an admin would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}
    env["COACHBOT_CACHE_DIR"] = cache
    command = [str(COACHBOT), "validate", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)


def test_validate_prints_file_line_column_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(edit("start: hello", "start: helo"), encoding="utf-8")
    result = validate(str(tmp_path / "demo.yaml"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'demo.yaml'}:4:1: start node 'helo' does not exist (did you mean 'hello'?)",
        "0 dialogues, 0 nodes, 1 broken file: 1 error, 0 warnings",
    ]


def test_validate_accepts_the_repository_dialogues() -> None:
    result = validate("dialogues")
    *_, summary = result.stdout.splitlines()
    files = len(list((REPO / "dialogues").glob("*.yaml")))
    assert result.returncode == 0, result.stdout
    assert re.fullmatch(rf"{files} dialogues, \d+ nodes: 0 errors, \d+ warnings?", summary)


def test_validate_remembers_valid_files_in_its_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = validate("dialogues", cache=str(cache))
    entries = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    again = validate("dialogues", cache=str(cache))

    assert first.returncode == again.returncode == 0
    assert len(entries) == len(list((REPO / "dialogues").glob("*.yaml")))
    assert {p.name for p in cache.glob("*.json")} == set(entries)


def test_validate_as_json(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad.write_text(edit("start: hello", "start: helo"), encoding="utf-8")
    result = validate("--format", "json", str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["files"] == [
        {"file": str(bad), "valid": False, "id": None, "version": None},
        {"file": str(good), "valid": True, "id": "demo", "version": ANY},
    ]
    assert (report["dialogues"], report["nodes"], report["warnings"]) == (1, 3, [])
    message = "start node 'helo' does not exist (did you mean 'hello'?)"
    assert report["errors"] == [{"file": str(bad), "line": 4, "column": 1, "message": message}]


def test_validate_exits_0_with_warnings_and_1_without_any_file(tmp_path: Path) -> None:
    long = edit("Hoi {{ name }}!", "Hoi {{ name }}! " + "Blabla. " * 130)
    (tmp_path / "long.yaml").write_text(long, encoding="utf-8")
    warned = json.loads(validate("--format", "json", str(tmp_path)).stdout)
    assert [w["line"] for w in warned["warnings"]] == [at(long, "Hoi {{")[0]]
    assert validate(str(tmp_path)).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = validate(str(empty))
    assert nothing.returncode == 1
    assert nothing.stdout.splitlines() == [
        f"{empty}:1:1: no dialogue files (*.yaml, *.yml) found here",
        "0 dialogues, 0 nodes: 1 error, 0 warnings",
    ]


def test_profile_is_always_defined_in_texts_and_conditions(tmp_path: Path) -> None:
    reads = "{{ profile.market }} {{ profile.product }} {{ profile.channels | join(', ') }}"
    text = edit('{{ colour }}"}', f'{{{{ colour }}}} {reads}"}}')
    text = edit(
        "next: done\n",
        "next:\n      - {if: \"'linkedin' in profile.channels\", goto: done}\n      - goto: done\n",
        text,
    )
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")

    dialogue = load_dialogue(tmp_path / "demo.yaml", PROMPTS)  # no "no earlier step saves it"

    assert dialogue.id == "demo"
