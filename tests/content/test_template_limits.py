"""Texts cannot burn CPU or memory (issue 7, item 3).

What would certainly break a limit is refused at load, with its line; what passes depends on
the answers, and is stopped while rendering with a RenderError, whatever the answers are.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.limits import MAX_OUTPUT_BYTES
from bot.dialogue.loader import load_dialogue
from bot.errors import ContentError, RenderError
from tests.content.test_loader_errors import PROMPTS

# A text question, then an end node whose Dutch text is TEXT, on line 18 (its second line).
DIALOGUE = textwrap.dedent(
    """\
    id: limits
    title: {nl: Grenzen, en: Limits}
    description: {nl: Test, en: Test}
    start: ask
    nodes:
      ask:
        type: text
        text: {nl: Zeg iets, en: Say something}
        save: x
        compute:
          n: "3"
          items: "[1, 2, 3]"
        next: done
      done:
        type: end
        text:
          nl: |
            Hoi {{ name }}.
            TEXT
          en: Fine.
    """
)
LINE = 19
QUICK = 1.0  # seconds; generous: only catches a hang (the attacks below took a minute)


def load(tmp_path: Path, text: str) -> CompiledDialogue:
    """The dialogue with ``text`` as the second line of the end node's Dutch text."""
    path = tmp_path / "limits.yaml"
    path.write_text(DIALOGUE.replace("TEXT", text), encoding="utf-8")
    started = time.monotonic()
    try:
        return load_dialogue(path, PROMPTS)
    finally:
        assert time.monotonic() - started < QUICK


ATTACKS = {
    "repeat": ("{{ 'a' * 10**9 }}", "'*' repeats a text or list into 1,000,000,000"),
    "center": ("{{ name|center(10**9) }}", "width or count of 1,000,000,000 is more than 200"),
    "indent": ("{{ name|indent(10**9) }}", "width or count of 1,000,000,000 is more than 200"),
    "ljust": ("{{ 'x'.ljust(10**9) }}", "width or count of 1,000,000,000 is more than 200"),
    "zfill": ("{{ '1'.zfill(2000000000) }}", "width or count of 2,000,000,000 is more than"),
    "lipsum": ("{{ lipsum(1000000) }}", "lipsum() gives at most 5 paragraphs"),
    "format": ("{{ '%0999999999d'|format(1) }}", "width of 999,999,999 is more than 200"),
    "percent": ("{{ '%0999999999d' % 1 }}", "formatting texts with '%' is not allowed"),
    "str-format": ("{{ '{:>999999}'.format(x) }}", "width of 999,999 is more than 200"),
    "power": ("{{ 9 ** 999999 }}", "'**' gives a number that is too big"),
    "nested-loops": (
        "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}"
        "{% for d in range(20) %}.{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        "these loops inside each other run 10,000 times (at most 1,000)",
    ),
    "recursive-macro": (
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
        "the macro 'f' calls itself",
    ),
    "many-macro-calls": (
        "{% macro f(n) %}{{ g(n) }}{% endmacro %}{% macro g(n) %}{{ f(n) }}{% endmacro %}",
        "the macro 'f' calls itself",
    ),
    "recursive-loop": (
        "{% for i in items recursive %}{{ loop([]) }}{% endfor %}",
        "recursive loops are not allowed",
    ),
    "update": ("{{ answers.update({'x': 1}) }}", "'.update()' is not allowed"),
    "format-map": ("{{ '{x}'.format_map(answers) }}", "'.format_map()' is not allowed"),
    "to-bytes": ("{{ n.to_bytes(10**9, 'big') }}", "'.to_bytes()' is not allowed"),
    "expandtabs": ("{{ x.expandtabs(10**9) }}", "'.expandtabs()' is not allowed"),
    "map-dunder": ('{{ [name]|map(attribute="__class__")|list }}', "'__class__' reaches Python"),
    "sort-dunder": ('{{ [name]|sort(attribute="x._y")|list }}', "'x._y' reaches Python"),
    "map-attr": ('{{ [name]|map("attr", "upper")|list }}', "the '|attr' filter is not allowed"),
    "batch": ("{{ items|batch(10**9)|list }}", "width or count of 1,000,000,000"),
}


@pytest.mark.parametrize(("text", "says"), ATTACKS.values(), ids=ATTACKS.keys())
def test_an_attack_is_refused_at_load_with_its_line(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ContentError) as caught:
        load(tmp_path, text)

    [problem] = [p for p in caught.value.problems if says in p.message]
    assert problem.line == LINE


# Each passes validation; the answers (up to 3,000 typed characters; numbers and lists from
# computed values) decide whether it would explode.
HUGE: dict[str, Any] = {"x": "ab" * 1500, "n": 10**9, "items": list(range(5000))}
GUARDED = {
    "repeat": "{{ x * n }}",
    "power": "{{ n ** n }}",
    "center": "{{ x|center(n) }}",
    "ljust": "{{ x.ljust(n) }}",
    "zfill": "{{ x.zfill(n) }}",
    "batch": "{{ items|batch(n)|list|length }}",
    "range": "{{ range(n)|length }}",
    "replace": "{{ x|replace('a', x) }}",
    "replace-method": "{{ x.replace('a', x) }}",
    "join": "{{ items|join(x) }}",
    "join-method": "{{ x.join(items|map('string')) }}",
    "concat": "{% set y = x ~ x ~ x ~ x %}{% set y = y ~ y ~ y ~ y %}{{ (y ~ y ~ y)|length }}",
    "plus": "{% set y = x + x + x + x %}{% set y = y + y + y + y %}{{ (y + y + y)|length }}",
    "loops": "{% for i in items %}{% for j in items %}{{ j }}{% endfor %}{% endfor %}",
    "sorting": "{% for i in range(100) %}{{ items|sort|length }}{% endfor %}",
    "output": "{% for i in range(100) %}{{ x }}{% endfor %}",
    "captured": (
        "{% set y %}{% for i in range(50) %}{{ x }}{% endfor %}{% endset %}"
        "{% set z %}{% for i in range(50) %}{{ y }}{% endfor %}{% endset %}{{ z|length }}"
    ),
    "format": "{{ '" + "{0}" * 22 + "'.format(x) }}",
    "wordwrap": "{{ x|wordwrap(1, wrapstring=x) }}",
    "many-macro-calls": (
        "{% from 'partials/cards.j2' import ladder with context %}"
        "{% macro f(k) %}{{ ladder(items, k) }}{% endmacro %}"
        "{% for i in items %}{{ f(i) }}{% endfor %}"
    ),
}


def context(**answers: Any) -> dict[str, Any]:
    """What the engine gives a text: the answers, plus ``answers``, ``name`` and ``lang``."""
    return {**answers, "answers": answers, "name": "Jan", "lang": "nl"}


@pytest.mark.parametrize("text", GUARDED.values(), ids=GUARDED.keys())
def test_huge_answers_hit_a_limit_while_rendering_never_the_machine(
    tmp_path: Path, text: str
) -> None:
    dialogue = load(tmp_path, text)
    assert dialogue.render("done", "nl", context(x="ok", n=3, items=[1, 2, 3]))

    started = time.monotonic()
    with pytest.raises(RenderError):
        dialogue.render("done", "nl", context(**HUGE))
    assert time.monotonic() - started < QUICK


def test_a_text_cannot_change_the_answers_it_is_shown_with(tmp_path: Path) -> None:
    dialogue = load(tmp_path, "{{ answers.get('x') }}")
    answers = {"x": "ok"}
    # what a template could do if the sandbox let it: answers.update / pop / setdefault
    env = dialogue.texts["done", "nl"].environment
    template = env.from_string("{{ answers.update({'x': 'hacked'}) }}{{ answers.pop('x') }}")
    with pytest.raises(Exception, match="unsafe"):
        template.render(answers=answers)
    assert answers == {"x": "ok"}


def test_a_typed_answer_cannot_reach_python_internals(tmp_path: Path) -> None:
    # answers[x] with x typed by the user: '__init__' must not reach the dict's insides
    dialogue = load(tmp_path, "{{ answers[x] }}")
    assert dialogue.render("done", "nl", context(x="x")).endswith("\nx")
    with pytest.raises(RenderError):
        dialogue.render("done", "nl", context(x="__init__"))


def test_recursion_the_static_check_cannot_see_is_a_render_error(tmp_path: Path) -> None:
    dialogue = load(tmp_path, "{% macro f(g) %}{{ g(g) }}{% endmacro %}{{ f(f) }}")
    with pytest.raises(RenderError, match="too deeply"):
        dialogue.render("done", "nl", context(x="ok"))


def test_range_is_limited_to_100_items_while_rendering(tmp_path: Path) -> None:
    dialogue = load(tmp_path, "{{ range(n)|length }}")
    assert dialogue.render("done", "nl", context(n=100)).endswith("100")
    with pytest.raises(RenderError, match="range"):
        dialogue.render("done", "nl", context(n=101))


def test_output_is_stopped_at_64_kb(tmp_path: Path) -> None:
    dialogue = load(tmp_path, "{% for i in range(n) %}{{ x }}{% endfor %}")
    fits = MAX_OUTPUT_BYTES // 3000 - 1
    assert len(dialogue.render("done", "nl", context(x="a" * 3000, n=fits))) > 3000 * (fits - 1)
    with pytest.raises(RenderError, match="longer than 65,536 bytes"):
        dialogue.render("done", "nl", context(x="a" * 3000, n=fits + 2))


def test_a_computed_value_that_grows_too_big_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grow.yaml"
    text = DIALOGUE.replace('n: "3"', "n: x ~ x ~ x ~ x ~ x").replace("TEXT", "{{ n|length }}")
    path.write_text(text, encoding="utf-8")
    dialogue = load_dialogue(path, PROMPTS)
    assert dialogue.computed("ask", context(x="ab"))["n"] == "ab" * 5
    with pytest.raises(RenderError):
        dialogue.computed("ask", context(x="ab" * 1500 * 5))
