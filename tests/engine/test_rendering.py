"""Rendering for Telegram HTML: author text tidied, user text escaped exactly once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.dialogue.loader import load_dialogue
from bot.dialogue.rendering import tidy_html
from bot.errors import ContentError
from tests.conftest import PROMPTS


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("Jan & Piet", "Jan &amp; Piet"),
        ("3 < 5 > 2", "3 &lt; 5 &gt; 2"),
        (
            "<b>vet</b> <i>schuin</i> <a href='https://x.nl'>link</a>",
            "<b>vet</b> <i>schuin</i> <a href='https://x.nl'>link</a>",
        ),
        ("<blockquote>citaat</blockquote><br>", "<blockquote>citaat</blockquote>&lt;br&gt;"),
        ("al &amp; &lt;b&gt; &#39; &#x27;", "al &amp; &lt;b&gt; &#39; &#x27;"),
        ("<div>blok</div>", "&lt;div&gt;blok&lt;/div&gt;"),
    ],
)
def test_stray_markup_is_escaped_and_telegram_tags_kept(written: str, sent: str) -> None:
    assert tidy_html(written) == sent


def test_a_tag_telegram_cannot_show_is_refused_at_load_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            id: tags
            title: {nl: Tags, en: Tags}
            description: {nl: Tags, en: Tags}
            start: done
            nodes:
              done:
                type: end
                text:
                  nl: |
                    Eerste regel
                    <div>blok</div>
                  en: <b>fine</b>
            """
        ),
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as caught:
        load_dialogue(path, PROMPTS)

    [problem] = caught.value.problems
    assert problem.line == 11
    assert "Telegram cannot show the tag <div>" in problem.message


def test_a_missing_or_broken_imported_template_is_refused_at_load(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    (prompts / "partials").mkdir(parents=True)
    (prompts / "partials" / "broken.j2").write_text("{% macro card(x) %}{{ x }\n", encoding="utf-8")
    path = tmp_path / "imports.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            id: imports
            title: {nl: I, en: I}
            description: {nl: I, en: I}
            start: done
            nodes:
              done:
                type: end
                text:
                  nl: '{% from "partials/nowhere.j2" import card %}{{ card(1) }}'
                  en: '{% from "partials/broken.j2" import card %}{{ card(1) }}'
            """
        ),
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as caught:
        load_dialogue(path, prompts)

    messages = [p.message for p in caught.value.problems]
    assert "template 'partials/nowhere.j2' (included or imported) not found in prompts/" in messages
    assert any(
        p.file.endswith("broken.j2") and "template syntax" in p.message
        for p in caught.value.problems
    )


@pytest.mark.parametrize(
    "text",
    [
        "{{ name | safe }}",
        "{{ [name] | map('safe') | join }}",
        "{% autoescape false %}{{ name }}{% endautoescape %}",
    ],
)
def test_nothing_may_show_what_users_type_as_markup(tmp_path: Path, text: str) -> None:
    path = tmp_path / "raw.yaml"
    body = text.replace("'", "''")
    path.write_text(
        "id: raw\ntitle: {nl: R, en: R}\ndescription: {nl: R, en: R}\nstart: done\n"
        f"nodes:\n  done:\n    type: end\n    text: {{nl: '{body}', en: 'x'}}\n",
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as caught:
        load_dialogue(path, PROMPTS)

    [problem] = caught.value.problems
    assert problem.line == 8
    assert "not allowed" in problem.message or "cannot be changed" in problem.message


def test_a_template_edited_under_a_running_bot_is_not_picked_up_unvalidated(
    tmp_path: Path,
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    partial = prompts / "greet.j2"
    partial.write_text("{% macro hello(who) %}Hoi {{ who }}{% endmacro %}", encoding="utf-8")
    path = tmp_path / "live.yaml"
    path.write_text(
        "id: live\ntitle: {nl: L, en: L}\ndescription: {nl: L, en: L}\nstart: done\n"
        "nodes:\n  done:\n    type: end\n    text:\n"
        "      nl: '{% from \"greet.j2\" import hello %}{{ hello(name) }}'\n"
        "      en: '{% from \"greet.j2\" import hello %}{{ hello(name) }}'\n",
        encoding="utf-8",
    )
    dialogue = load_dialogue(path, prompts)
    names = {"name": "Eva", "lang": "nl", "answers": {}}
    before = dialogue.render("done", "nl", names)

    partial.write_text(
        "{% macro hello(who) %}{{ who | safe }} {{ 'x' * 99 }}{% endmacro %}", encoding="utf-8"
    )

    assert dialogue.render("done", "nl", names) == before == "Hoi Eva"
