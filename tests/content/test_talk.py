"""The talk track gathers its ideas into one choice: insight cards on the way, one step at the end.

Before, each of the four tips ended with its own "next step" and the action question asked for a
fifth; two of them could be the same. Now the cards carry the insight, and the action question
offers two different ideas drawn from the answers and the profile, to take by typing 1 or 2.
"""

from __future__ import annotations

import itertools

import pytest

from bot.dialogue.answer_checks import vague_plan
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from bot.engine.walks import explore
from bot.records import Profile
from tests.content.test_commitment_walks import TODAY
from tests.content.test_profile_fit import PROFILES, holds, rules_for, shown_text
from tests.engine.test_profile import go_on

ANSWERS_BEFORE_INVOLVE = ("Keukens op maat", "often", "Dat de keuken precies op tijd klaar was")
AFTER_INVOLVE = ("1", "Dat ze een mooie keuken hebben", "De levering", "3")


def _examples(
    engine: Engine, lang: str, profile: Profile, answers: dict[str, object]
) -> tuple[str, str]:
    """The two ideas the action question offers for these answers."""
    names = {**answers, "answers": answers, "lang": lang, "profile": profile.names()}
    values = engine.catalog.get("talk").computed("reach", names)
    return values["example_1"], values["example_2"]


ANSWER_GRID = [
    {"buzz": buzz, "involve": involve, "currency": currency, "reach": reach, "better": better}
    for buzz, involve, currency, reach, better in itertools.product(
        ["often", "sometimes", "rarely"],
        ["push", "ask", "customers", "connect", "none"],
        [1, 2, 3],
        [2, 5],
        ["De levering duurt te lang", "weet niet"],
    )
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("key", list(PROFILES))
def test_the_two_ideas_always_differ_are_real_steps_and_fit_the_profile(
    engine: Engine, lang: str, key: str
) -> None:
    profile = PROFILES[key][1]
    banned = [p.casefold() for r in rules_for("talk") if holds(r, profile) for p in r["never"]]
    for answers in ANSWER_GRID:
        if profile.offline and answers["involve"] == "none":
            continue  # the question for non-posters has no "I hardly post" button
        first, second = _examples(engine, lang, profile, answers)
        assert first != second, answers
        for idea in (first, second):
            assert not vague_plan(idea), (answers, idea)
            assert not [p for p in banned if p in shown_text(idea)], (answers, idea)


def test_a_steady_experience_fixer_is_offered_the_fix_and_a_discounter_the_story(
    engine: Engine,
) -> None:
    base = {"buzz": "often", "involve": "ask", "better": "De levering duurt te lang"}

    _, fixer = _examples(engine, "nl", Profile(), {**base, "currency": 2, "reach": 5})
    _, discounter = _examples(engine, "nl", Profile(), {**base, "currency": 1, "reach": 5})
    _, vague_fixer = _examples(
        engine, "nl", Profile(), {**base, "currency": 2, "reach": 5, "better": "nvt"}
    )

    assert "dat ene punt in de ervaring" in fixer
    assert "kort verhaal" in discounter
    assert "ervaring" not in vague_fixer  # nothing named to fix: the idea comes from the posts


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_tip_on_the_way_gives_its_own_next_step(engine: Engine, lang: str) -> None:
    walked = explore(engine, "talk", lang, profiles=tuple(p for _, p in PROFILES.values()))
    steps = [
        t for t in walked.shown if "volgende stap" in t.casefold() or "next step" in t.casefold()
    ]

    assert steps == []


def test_the_action_question_offers_two_ideas_and_typing_one_takes_it(engine: Engine) -> None:
    person = Person("Sam", "nl", TODAY, profile=PROFILES["consumer"][1])
    turn = go_on(engine, engine.start(1, "talk", person), person, *ANSWERS_BEFORE_INVOLVE, "push")
    turn = go_on(engine, turn, person, *AFTER_INVOLVE)
    asked = turn.messages[-1].text

    taken = engine.reply(turn.session, Incoming.text("1"), person)

    assert turn.session.node == "action"
    assert f"1. {turn.session.answers['example_1']}" in asked
    assert f"2. {turn.session.answers['example_2']}" in asked
    assert taken.session.node == "when"
    assert taken.session.answers["plan"] == turn.session.answers["example_1"]


@pytest.mark.parametrize(
    ("key", "asked"), [("field_rep", "klantgesprek"), ("consumer", "je berichten")]
)
def test_who_does_not_post_is_asked_about_their_conversations(
    engine: Engine, key: str, asked: str
) -> None:
    person = Person("Sam", "nl", TODAY, profile=PROFILES[key][1])

    turn = go_on(engine, engine.start(1, "talk", person), person, *ANSWERS_BEFORE_INVOLVE)

    assert asked in shown_text(turn.messages[-1].text)
    labels = [b.label for b in turn.messages[-1].buttons]
    assert ("Ik post (bijna) niet" in labels) is (key == "consumer")
