"""Which track fits me: the recommendation is explained in one line that fits what was said."""

from __future__ import annotations

import itertools

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.records import Profile
from tests.content.walker import answer

GOALS = ["talk", "buy_cycle", "relationships", "authentic", "why", "unsure"]
HABITS = ["share", "promo", "own", "little"]
PROFILES = {
    "none": Profile(),
    "junior": Profile("b2b", "CRM-software", "inside", "under_2", ("email", "phone")),
    "field rep": Profile("b2b", "Hydraulische slangen", "field", "over_10", ("phone", "events")),
    "consumer": Profile("consumer", "Huidverzorging", "inside", "2_to_5", ("instagram",)),
    "poster": Profile("b2b", "Drukwerk", "field", "5_to_10", ("linkedin",)),
}
# Words of the one-line reason that state a fact; each may only be said when the fact holds.
CLAIMS: dict[str, list[str]] = {
    "inside": ["vanaf kantoor", "from the office"],
    "field": ["veel bij klanten", "a lot of time with customers"],
    "consumer": ["consumenten", "consumers"],
    "b2b": ["zakelijke klanten", "business customers"],
    "share": ["posts van je bedrijf", "bedrijfsposts", "company's posts"],
    "promo": ["aanbieding", "offers", "discount"],
    "own": ["eigen posts", "own posts"],
}


def recommend(engine: Engine, person: Person, goal: str, habit: str) -> Turn:
    """Answer the goal and, when it is asked, how they post; the turn with the advice."""
    session = engine.start(1, "which_track", person).session
    turn = answer(engine, session, Incoming.choice(goal), person=person)
    if turn.session.node == "habit":
        turn = answer(engine, turn.session, Incoming.choice(habit), person=person)
    return turn


def facts(person: Person, turn: Turn) -> set[str]:
    """What is true of this salesperson: role, market and how they post."""
    return {person.profile.role, person.profile.market, turn.session.answers["habit"]}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("who", list(PROFILES))
def test_the_advice_is_one_line_that_claims_only_what_is_true(
    engine: Engine, lang: str, who: str
) -> None:
    person = Person("Eve", lang, profile=PROFILES[who])
    for goal, habit in itertools.product(GOALS, HABITS):
        turn = recommend(engine, person, goal, habit)
        [advice] = [m.text for m in turn.messages if "🧭" in m.text]
        _title, *reason = [line for line in advice.splitlines() if line.strip()]
        true = facts(person, turn)

        assert len(reason) == 1, (goal, habit, advice)
        for fact, words in CLAIMS.items():
            if fact not in true:
                said = [w for w in words if w in reason[0]]
                assert said == [], (goal, habit, fact, reason[0])
