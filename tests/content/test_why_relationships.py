"""The why and relationships tracks as a salesperson walks them: examples from their own world,
the money reply in both languages, the article ideas where they belong, and the two endings of
the relationships track (all Best; a plan made smaller).
"""

from __future__ import annotations

import html
import re

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.turn import Turn
from bot.records import Profile
from tests.content.test_commitment_walks import MAX_MESSAGE, TODAY, visible
from tests.engine.test_profile import go_on

B2B_FIELD = Profile("b2b", "hydraulische slangen", "field", "over_10", ("phone", "events"))
B2B_INSIDE = Profile("b2b", "planningssoftware", "inside", "under_2", ("email",))
CONSUMER = Profile("consumer", "sportdranken", "inside", "2_to_5", ("instagram", "whatsapp"))
CONSUMER_FIELD = Profile("consumer", "keukens op maat", "field", "5_to_10", ("whatsapp",))
NOBODY = Profile()

# Words only a B2B example uses, and words only a consumer example uses, as a reader sees them.
B2B_WORDS = {
    "nl": [
        "groothandel",
        "boekhoudsoftware",
        "in de branche",
        "productie stilligt",
        "het werk van",
    ],
    "en": [
        "wholesaler",
        "accounting software",
        "in their industry",
        "production grinds",
        "work if",
    ],
}
CONSUMER_WORDS = {
    "nl": ["webwinkel", "fietsenwinkel", "vrienden meeneemt", "dagelijks leven", "keukentafel"],
    "en": ["online shop", "bike shop", "brings their friends", "daily lives", "kitchen table"],
}
# why, up to the tip on the territory: not off the top of one's head, a why that says nothing
# twice, then real answers; the first risk, a moment of one's own, tips borrowed often.
WHY_TO_THE_DOMAIN = {
    "nl": ("ask", "none", "weet niet", "geen idee", "Trouwe klanten", "first", "Het wachten"),
    "en": ("ask", "none", "no idea", "dunno", "Loyal customers", "first", "The waiting"),
}
MONEY = {"nl": ("geld natuurlijk", "Geld telt"), "en": ("money, obviously", "Money matters")}


def read(turns: list[Turn]) -> list[str]:
    """Every message the turns showed (details too), as read: markup out, lower-cased."""
    texts = [m.text for t in turns for m in t.messages]
    texts += [m.details for t in turns for m in t.messages if m.details]
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).casefold() for text in texts]


def walk(engine: Engine, track: str, lang: str, profile: Profile, *answers: str) -> list[Turn]:
    """The track from its start, one turn per answer."""
    person = Person("Sam", lang, TODAY, profile=profile)
    turns = [engine.start(1, track, person)]
    for answer in answers:
        turns.append(go_on(engine, turns[-1], person, answer))
    return turns


def why_examples(engine: Engine, lang: str, profile: Profile) -> str:
    """All the why track shows up to its tip on the territory, in one text."""
    answers = (*WHY_TO_THE_DOMAIN[lang], "me", "often", "Snelle service")
    return "\n".join(read(walk(engine, "why", lang, profile, *answers)))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_why_examples_come_from_the_sellers_own_market(engine: Engine, lang: str) -> None:
    def markets(profile: Profile) -> tuple[bool, bool]:
        shown = why_examples(engine, lang, profile)
        return (
            any(w in shown for w in B2B_WORDS[lang]),
            any(w in shown for w in CONSUMER_WORDS[lang]),
        )

    assert markets(B2B_FIELD) == (True, False)
    assert markets(B2B_INSIDE) == (True, False)
    assert markets(CONSUMER) == (False, True)
    assert markets(CONSUMER_FIELD) == (False, True)
    assert markets(NOBODY) == (False, False)  # generic without a profile


@pytest.mark.parametrize(
    ("lang", "field", "inside"),
    [("nl", "eerste bezoek", "je voicemail"), ("en", "first visit", "your voicemail")],
)
def test_a_field_rep_checks_the_first_visit_and_an_inside_seller_the_first_call(
    engine: Engine, lang: str, field: str, inside: str
) -> None:
    on_the_road = why_examples(engine, lang, B2B_FIELD)
    at_the_desk = why_examples(engine, lang, B2B_INSIDE)

    assert field in on_the_road
    assert inside not in on_the_road
    assert inside in at_the_desk
    assert field not in at_the_desk


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [NOBODY, CONSUMER, B2B_FIELD])
def test_a_why_that_says_nothing_is_never_quoted(
    engine: Engine, lang: str, profile: Profile
) -> None:
    said = WHY_TO_THE_DOMAIN[lang][2:4]

    shown = why_examples(engine, lang, profile)

    assert not [s for s in said if s in shown]
    assert "“”" not in shown


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [NOBODY, CONSUMER])
def test_money_gets_the_money_reply_in_both_languages(
    engine: Engine, lang: str, profile: Profile
) -> None:
    typed, reply = MONEY[lang]
    first = WHY_TO_THE_DOMAIN[lang][:2]

    turns = walk(engine, "why", lang, profile, *first, "Zodat niemand stilstaat", typed)

    tip = read(turns[-1:])[0]
    assert reply.casefold() in tip
    assert typed not in tip


@pytest.mark.parametrize(
    ("lang", "research", "listening"),
    [
        ("nl", "“onderzoek wijst uit”", "“wij luisteren naar de klant”"),
        ("en", "“research shows”", "“we listen to our customers”"),
    ],
)
def test_why_warns_about_research_as_an_idea_killer_and_a_listening_layer(
    engine: Engine, lang: str, research: str, listening: str
) -> None:
    shown = read(
        walk(engine, "why", lang, NOBODY, "deliver", "clear", "Warme huizen", "Vertrouwen")
    )

    [at_the_key_question] = [text for text in shown if research in text]
    [at_the_risk] = [text for text in shown if listening in text]
    assert "waarom" in at_the_key_question or "why" in at_the_key_question
    assert "teamwerk" in at_the_risk or "team effort" in at_the_risk


@pytest.mark.parametrize(("lang", "petrol"), [("nl", "benzinegeld"), ("en", "petrol money")])
def test_petrol_money_comes_up_for_whoever_would_pay_the_friend(
    engine: Engine, lang: str, petrol: str
) -> None:
    def told(thanks: str) -> bool:
        return any(
            petrol in text for text in read(walk(engine, "relationships", lang, NOBODY, thanks))
        )

    assert [told(t) for t in ("pay", "lunch", "return")] == [True, False, False]


@pytest.mark.parametrize(
    ("lang", "bought", "earned"), [("nl", "advertenties", "verdienen"), ("en", "ads", "earned")]
)
def test_the_status_ladder_shows_status_bought_and_earned(
    engine: Engine, lang: str, bought: str, earned: str
) -> None:
    turns = walk(engine, "relationships", lang, NOBODY, "lunch", "2")

    question = read(turns[-1:])[-1]
    assert question.startswith("ladder 2")
    assert bought in question
    assert earned in question
    assert visible(turns[-1].messages[-1].text) <= MAX_MESSAGE


ALL_BEST = ("lunch", "3", "Ik stelde Anna voor aan Bert", "3", "3")


@pytest.mark.parametrize(
    ("lang", "one_rung", "top"),
    [("nl", "tree hoger", "hoger kan niet"), ("en", "climb one rung", "no higher rung")],
)
def test_nine_out_of_nine_gets_a_path_for_the_top_not_a_rung_higher(
    engine: Engine, lang: str, one_rung: str, top: str
) -> None:
    best = walk(engine, "relationships", lang, NOBODY, *ALL_BEST)
    one_lower = walk(engine, "relationships", lang, NOBODY, *ALL_BEST[:-1], "2")

    asked = read(best[-1:])[-1]
    assert top in asked
    assert one_rung not in asked
    assert one_rung in read(one_lower[-1:])[-1]
    lazy, person = "niks" if lang == "nl" else "nothing", Person("Sam", lang, TODAY)
    offered = [
        {
            go_on(engine, turns[-1], person, lazy).session.answers[e]
            for e in ("example_1", "example_2")
        }
        for turns in (best, one_lower)
    ]
    assert not offered[0] & offered[1]  # the top gets examples of its own


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_after_a_smaller_step_the_summary_shows_the_new_plan_not_the_old_sureness(
    engine: Engine, lang: str
) -> None:
    old, new = "Ik bel tien klanten zonder verkoopdoel", "Anna een appje sturen"
    turns = walk(
        engine,
        "relationships",
        lang,
        NOBODY,
        "lunch",
        "1",
        "1",
        "1",
        old,
        "vrijdag" if lang == "nl" else "friday",
        "Als ik het vergeet, zet ik een wekker" if lang == "nl" else "If I forget, I set an alarm",
        "1",
        new,
    )

    ending = turns[-1].messages[-1]
    assert turns[-1].finished
    assert new in ending.text
    assert old not in ending.text
    details = html.unescape(ending.details or "")
    assert old in details  # kept for later, as the first idea
    assert "1 van 5" not in details
    assert "1 out of 5" not in details


OFFICE = ["bel je eigen nummer", "call your own number", "belt zodra", "call once"]
QUOTE = ["je laatste offerte", "your latest quote"]


def _lazy_plan_ideas(engine: Engine, lang: str, profile: Profile) -> str:
    """The two examples the why track offers for a lazy plan, for every risky moment."""
    why = engine.catalog.get("why")
    ideas = []
    for risk in ["first", "offer", "delivery", "after"]:
        names = {"risk": risk, "owner": "me", "action": "x", "lang": lang}
        examples = why.computed("action", {**names, "profile": profile.names()})
        ideas += [examples["example_1"], examples["example_2"]]
    return " ".join(ideas)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [B2B_FIELD, B2B_INSIDE, CONSUMER, CONSUMER_FIELD, NOBODY])
def test_the_examples_for_a_lazy_why_plan_fit_the_role_and_market(
    engine: Engine, lang: str, profile: Profile
) -> None:
    ideas = _lazy_plan_ideas(engine, lang, profile)

    from_the_office = [w for w in OFFICE if w in ideas]
    a_quote = [w for w in QUOTE if w in ideas]
    assert from_the_office == [] if profile.role == "field" else from_the_office != []
    assert a_quote == [] if profile.market == "consumer" else a_quote != []
