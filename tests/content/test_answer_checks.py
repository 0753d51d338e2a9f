"""vague() tells non-answers from answers; |short turns an answer into a phrase to quote."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from markupsafe import Markup

from bot.dialogue.answer_checks import pick, short, vague
from bot.dialogue.catalog import load_catalog
from bot.dialogue.loader import load_dialogue
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from bot.errors import ContentError
from tests.conftest import PROMPTS

VAGUE = [
    "weet niet",
    "Weet ik niet.",
    "ik weet het niet",
    "eh, weet ik eigenlijk niet",
    "weet ik veel",
    "geen idee",
    "Geen idee!!",
    "nee, geen idee",
    "geen flauw idee",
    "nvt",
    "n.v.t.",
    "N.V.T",
    "niks",
    "Niets.",
    "nee niks",
    "geen",
    "maakt niet uit",
    "maakt me niet uit",
    "ja",
    "Nee",
    "ok",
    "misschien",
    "hmmm",
    "jaaa",
    "tja",
    "?",
    "-",
    "...",
    "🤷",
    "👍👍",
    "🙈 ?",
    "",
    "   ",
    "idk",
    "IDK",
    "dunno",
    "don't know",
    "I don't know",
    "no idea",
    "No idea, really",
    "no, nothing",
    "nothing",
    "n/a",
    "N/A",
    "whatever",
    "not sure",
    "no clue",
    "yes",
    "no",
    "maybe",
    "eh",
    "test",
    "asdf",
    "asdfasdf",
    "sdfghj",
    "kjhkjh",
    "x",
    "haha",
    "Wéét niet",
]

NOT_VAGUE = [
    "geen idee hoe, maar ik bel Jan",
    "Ik weet niet of het werkt, maar ik probeer het",
    "nee, ik bel Jan",
    "geen klanten",
    "Ik verkoop hydraulische slangen",
    "klanten",
    "Vertrouwen",
    "geld",
    "omzet",
    "Snellere levering",
    "eerlijk advies",
    "ja, ik bel elke week een klant",
    "3",
    "2 klanten",
    "CRM",
    "Jan",
    "Café",
    "papa",
    "😀 klanten bellen",
    "money",
    "Trust",
    "We help builders save time",
    "no idea yet how, but I will ask Anna",
    "referrals",
    "calling one customer a week",
    "were",
]


@pytest.mark.parametrize("text", VAGUE)
def test_a_non_answer_is_vague(text: str) -> None:
    assert vague(text)


@pytest.mark.parametrize("text", NOT_VAGUE)
def test_an_answer_with_content_is_not_vague(text: str) -> None:
    assert not vague(text)


def test_the_table_is_big_enough_both_ways() -> None:
    assert len(VAGUE) + len(NOT_VAGUE) >= 40
    assert len(VAGUE) >= 20
    assert len(NOT_VAGUE) >= 20


@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), (3, False), (0, False), (2.5, False)]
)
def test_non_texts(value: object, expected: bool) -> None:
    assert vague(value) is expected


HYDRAULICS = (
    "Ik verkoop hydraulische slangen en koppelingen aan machinebouwers, "
    "vooral in Duitsland en ook wat in België"
)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (HYDRAULICS, "Ik verkoop hydraulische slangen en koppelingen…"),
        ("Klanten.", "Klanten"),
        ("Wij helpen bouwers.  Sneller dan wie ook!", "Wij helpen bouwers.  Sneller dan wie ook"),
        (
            "We maken het verschil voor bouwers. Daarom bestaan we, niet om goedkoop te zijn.",
            "We maken het verschil voor bouwers",
        ),
        (
            "Ons eigen terrein is snelle levering, ook op zaterdag, en advies aan huis door wie",
            "Ons eigen terrein is snelle levering",
        ),
        ("Trust\n\nand long relationships", "Trust and long relationships"),
    ],
)
def test_short_takes_the_first_phrase(answer: str, phrase: str) -> None:
    assert short(answer) == phrase.replace("  ", " ")


def test_short_cuts_at_a_word_and_ends_cleanly() -> None:
    for answer in [
        HYDRAULICS,
        "woord " * 40,
        "Wij helpen bouwbedrijven om sneller te plannen zodat hun mensen minder wachten",
    ]:
        phrase = short(answer)
        assert len(phrase) <= 60
        assert phrase.endswith("…")
        assert phrase[-2] not in " ,.;:"
        assert answer.startswith(phrase[:-1])  # cut between words, not inside one
        assert answer[len(phrase) - 1] in " ,"


def test_short_leaves_a_short_answer_as_it_is() -> None:
    assert short("Snellere levering") == "Snellere levering"
    assert short("Mijn <b>klant</b> & ik") == "Mijn <b>klant</b> & ik"
    assert short(42) == "42"
    assert short("a" * 60) == "a" * 60


def test_short_of_a_huge_answer_is_small() -> None:
    assert len(short("x" * 10_000)) == 60
    assert len(short("woord " * 2_000)) <= 60
    assert short("abc" + " " * 5_000 + "def") == "abc…"


def test_short_never_splits_an_emoji() -> None:
    family = "👨\u200d👩\u200d👧"
    phrase = short(family * 40)
    assert phrase.endswith(family + "…")
    assert short("Goed 👍🏽 " + "ja " * 30).count("👍") == short("Goed 👍🏽 " + "ja " * 30).count(
        "🏽"
    )


def test_short_keeps_escaped_text_escaped_once() -> None:
    escaped = Markup.escape("Jan & <b>Piet</b> " * 10)
    phrase = short(escaped)
    assert isinstance(phrase, Markup)
    assert "&amp;amp;" not in phrase
    assert "<b>" not in phrase
    assert phrase.startswith("Jan &amp; &lt;b&gt;Piet&lt;/b&gt;")


FIXTURE = """\
    id: vague_fixture
    title: {nl: Vaag, en: Vague}
    description: {nl: Vaag, en: Vague}
    start: product
    nodes:
      product:
        type: text
        text: {nl: Wat verkoop je?, en: What do you sell?}
        save: product
        next:
          - if: vague(product)
            goto: help
          - goto: done
      help:
        type: text
        text:
          nl: >-
            Geen probleem{% if not vague(product) %}: {{ product|short }}{% endif %}.
            Bijvoorbeeld: slangen. Wat verkoop je?
          en: >-
            No problem{% if not vague(product) %}: {{ product|short }}{% endif %}.
            For example: hoses. What do you sell?
        save: product
        compute:
          told: not vague(product)
        next: done
      done:
        type: end
        text:
          nl: >-
            {% if vague(product) %}Prima, een andere keer.{% else %}Jij verkoopt
            “{{ product|short(30) }}”.{% endif %}
          en: >-
            {% if vague(product) %}Fine, another time.{% else %}You sell
            “{{ product|short(30) }}”.{% endif %}
"""


@pytest.mark.parametrize(
    ("typed", "picked"),
    [
        ("1", "call Jan"),
        (" 2 ", "mail Lisa"),
        ("2.", "mail Lisa"),
        ("2)", "mail Lisa"),
        ("3", "3"),  # no third example: the answer stays what was typed
        ("0", "0"),
        ("²", "²"),  # a superscript two is not a number someone picks with
        ("12", "12"),
        ("1 maar dan morgen", "1 maar dan morgen"),
        ("Henk bellen", "Henk bellen"),
    ],
)
def test_pick_reads_a_typed_number_as_the_example_it_names(typed: str, picked: str) -> None:
    assert pick(typed, "call Jan", "mail Lisa") == picked


@pytest.fixture
def vague_engine(tmp_path: Path) -> Engine:
    (tmp_path / "vague_fixture.yaml").write_text(textwrap.dedent(FIXTURE), encoding="utf-8")
    catalog = load_catalog([tmp_path], PROMPTS)
    assert catalog.problems == []
    return Engine(catalog)


def _walk(engine: Engine, answers: list[str]) -> list[str]:
    person = Person("Eva", "nl")
    turn = engine.start(1, "vague_fixture", person)
    texts = [m.text for m in turn.messages]
    for answer in answers:
        turn = engine.reply(turn.session, Incoming.text(answer), person)
        texts += [m.text for m in turn.messages]
    assert turn.finished
    return texts


def test_a_dialogue_branches_on_vague_and_uses_it_in_texts(vague_engine: Engine) -> None:
    assert _walk(vague_engine, [HYDRAULICS])[-1] == "Jij verkoopt “Ik verkoop hydraulische…”."
    vague_twice = _walk(vague_engine, ["weet niet", "?"])
    assert vague_twice[1].startswith("Geen probleem. Bijvoorbeeld")
    assert vague_twice[-1] == "Prima, een andere keer."
    assert "weet niet" not in " ".join(vague_twice)
    helped = _walk(vague_engine, ["idk", "Jan & <b>Piet</b>"])
    assert helped[-1] == "Jij verkoopt “Jan &amp; &lt;b&gt;Piet&lt;/b&gt;”."


def test_no_answer_may_be_saved_as_vague(tmp_path: Path) -> None:
    path = tmp_path / "reserved.yaml"
    path.write_text(
        "id: reserved\ntitle: {nl: R, en: R}\ndescription: {nl: R, en: R}\nstart: ask\n"
        "nodes:\n  ask:\n    type: text\n    text: {nl: Wat?, en: What?}\n    save: vague\n"
        "    next: done\n  done:\n    type: end\n    text: {nl: Klaar, en: Done}\n",
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as caught:
        load_dialogue(path, PROMPTS)

    assert any("reserved name 'vague'" in p.message for p in caught.value.problems)
