"""A dialogue's version follows every file it uses; the content cache never serves stale content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.dialogue.catalog import Catalog, load_catalog
from bot.dialogue.loader import load_dialogue
from bot.engine.engine import Engine
from bot.engine.walks import explore
from bot.errors import ContentError
from tests.conftest import DIALOGUES, FIXTURES
from tests.content.test_loader_errors import BASE, PROMPTS, edit

USES_TEMPLATE = edit('{nl: "Welke kleur?", en: "Which colour?"}', "{template: tip.j2}")


def prompts_with(folder: Path, nl: str, partial: str = "") -> Path:
    """A prompts folder with ``tip.j2`` (Dutch ``nl``) that may import ``partials/own.j2``."""
    prompts = folder / "prompts"
    (prompts / "nl").mkdir(parents=True, exist_ok=True)
    (prompts / "en").mkdir(exist_ok=True)
    (prompts / "partials").mkdir(exist_ok=True)
    (prompts / "nl" / "tip.j2").write_text(nl, encoding="utf-8")
    (prompts / "en" / "tip.j2").write_text("Which colour, {{ name }}?", encoding="utf-8")
    (prompts / "partials" / "own.j2").write_text(partial, encoding="utf-8")
    return prompts


IMPORTING = '{% from "partials/own.j2" import hi with context %}{{ hi() }} Welke kleur?'


def test_the_version_changes_when_a_template_or_a_partial_it_imports_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(USES_TEMPLATE, encoding="utf-8")
    prompts = prompts_with(tmp_path, IMPORTING, "{% macro hi() %}Hoi {{ name }}{% endmacro %}")
    first = load_dialogue(path, prompts).version

    prompts_with(tmp_path, IMPORTING, "{% macro hi() %}Dag {{ name }}{% endmacro %}")
    second = load_dialogue(path, prompts).version
    prompts_with(tmp_path, IMPORTING + " ", "{% macro hi() %}Dag {{ name }}{% endmacro %}")
    third = load_dialogue(path, prompts).version

    assert len({first, second, third}) == 3


@pytest.mark.parametrize(
    ("partial", "says"),
    [
        # imported without context, a macro cannot see the names of the text importing it
        ("{% macro hi() %}Hoi {{ lang }}{% endmacro %}", "use 'lang', which they cannot see"),
        # with context it can, but only names saved before the text
        ("{% macro hi() %}Hoi {{ mood }}{% endmacro %}", "'mood' is used here but no earlier"),
    ],
)
def test_names_used_inside_an_imported_macro_are_checked(
    tmp_path: Path, partial: str, says: str
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(USES_TEMPLATE, encoding="utf-8")
    importing = IMPORTING if "mood" in partial else IMPORTING.replace(" with context", "")
    prompts = prompts_with(tmp_path, importing, partial)

    with pytest.raises(ContentError) as caught:
        load_dialogue(path, prompts)

    [problem] = caught.value.problems
    assert says in problem.message
    assert (problem.file, problem.line) == (str(prompts / "nl" / "tip.j2"), 1)


def served(catalog: Catalog) -> dict[str, str]:
    return {d.id: d.version for d in catalog.listed()}


def test_the_cache_serves_the_same_dialogues_and_they_behave_the_same(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load_catalog([DIALOGUES, FIXTURES], PROMPTS, cache_dir=cache)
    assert list(cache.glob("*.json"))
    cached = load_catalog([DIALOGUES, FIXTURES], PROMPTS, cache_dir=cache)

    assert served(cached) == served(fresh)
    assert {d.id: d.dialogue_refs for d in cached.listed()} == {
        d.id: d.dialogue_refs for d in fresh.listed()
    }
    for dialogue_id in ("relationships", "which_track", "kinds"):
        for lang in ("nl", "en"):
            walked, walked_cached = (explore(Engine(c), dialogue_id, lang) for c in (fresh, cached))
            assert walked_cached.edges == walked.edges
            texts = [[m.text for m in t.messages] for t in walked.completed]
            assert [[m.text for m in t.messages] for t in walked_cached.completed] == texts


def test_a_changed_template_is_validated_again_not_served_from_the_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "dialogues", tmp_path / "cache"
    folder.mkdir()
    (folder / "demo.yaml").write_text(USES_TEMPLATE, encoding="utf-8")
    prompts = prompts_with(tmp_path, "Welke kleur, {{ name }}?")
    assert "demo" in load_catalog([folder], prompts, cache_dir=cache).latest

    prompts_with(tmp_path, "Welke kleur, {{ name ) }}?")
    broken = load_catalog([folder], prompts, cache_dir=cache)

    assert broken.latest == {}
    [problem] = broken.problems
    assert problem.message.startswith("template syntax")


def test_a_broken_or_unwritable_cache_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(BASE, encoding="utf-8")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    assert "demo" in load_catalog([tmp_path], PROMPTS, cache_dir=blocked).latest

    cache = tmp_path / "cache"
    load_catalog([tmp_path], PROMPTS, cache_dir=cache)
    for entry in cache.glob("*.json"):
        entry.write_text('{"data": {"id": "hacked"}}', encoding="utf-8")
    assert served(load_catalog([tmp_path], PROMPTS, cache_dir=cache)) == served(
        load_catalog([tmp_path], PROMPTS)
    )


def test_an_edited_dialogue_is_never_served_from_the_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "dialogues", tmp_path / "cache"
    shutil.copytree(FIXTURES, folder)
    before = served(load_catalog([folder], PROMPTS, cache_dir=cache))
    kinds = folder / "kinds.yaml"
    kinds.write_text(kinds.read_text(encoding="utf-8").replace("start: hello", "start: helo"))

    after = load_catalog([folder], PROMPTS, cache_dir=cache)

    assert "kinds" in before
    assert "kinds" not in after.latest
    assert any("start node 'helo'" in p.message for p in after.problems)
