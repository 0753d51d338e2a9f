"""The authentic track's exercises get feedback, and a salesperson who does not post is not
treated as one who does.

Plain engine walks, as a salesperson would notice them: own words that are a slogan, a single
word or still the ad, and a rewrite that still pushes an offer or says nothing, are asked again
once with the reason and a small example; a good answer goes on and is quoted; a second miss is
taken without quoting it. Someone whose profile says they post on neither LinkedIn nor Instagram
hears about the brochure and the promotional mail instead of an ambassador programme, and
rewrites a mail to a customer instead of a post.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.dialogue.model import ChoiceNode, DateNode, ScaleNode
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.records import Profile
from tests.content.test_commitment_walks import TODAY, visible

POSTER = Profile("consumer", "sportdranken", "inside", "2_to_5", ("instagram", "whatsapp"))
FIELD_REP = Profile("b2b", "hydraulische slangen", "field", "over_10", ("phone", "events"))
INSIDE = Profile("b2b", "planningssoftware", "inside", "under_2", ("email",))
GOOD = {
    "nl": "Je zei laatst dat de levering lang duurde, die is nu een week korter",
    "en": "You said delivery took too long, it is a week quicker now",
}


def shown(turn: Turn) -> str:
    """Every message of a turn, as one text."""
    return "\n".join(m.text for m in turn.messages)


def typed(node: object, node_id: str, lang: str, choose: dict[str, str]) -> Incoming:
    """A good answer: the first button unless ``choose`` names one, 4 on a scale (so the
    rewrite exercise comes), tomorrow for a day, a real sentence for a text."""
    if isinstance(node, ChoiceNode):
        return Incoming.choice(choose.get(node_id, str(node.options[0].value)))
    if isinstance(node, ScaleNode):
        return Incoming.choice("4")
    if isinstance(node, DateNode):
        return Incoming.choice((TODAY + timedelta(days=1)).isoformat())
    return Incoming.text(GOOD[lang])


def walk_on(
    engine: Engine,
    turn: Turn,
    person: Person,
    until: str = "",
    choose: dict[str, str] | None = None,
) -> list[Turn]:
    """Answer well from ``turn`` on until the question ``until`` (or the end); every turn."""
    nodes = engine.catalog.get("authentic").model.nodes
    seen = [turn]
    while turn.session.node != until and not turn.finished:
        node_id = turn.session.node
        incoming = typed(nodes[node_id], node_id, person.lang, choose or {})
        turn = engine.reply(turn.session, incoming, person)
        assert turn.outcome in {"accepted", "completed"}, (node_id, turn.notice)
        seen.append(turn)
    return seen


def at(
    engine: Engine,
    lang: str,
    node_id: str,
    profile: Profile = POSTER,
    choose: dict[str, str] | None = None,
) -> tuple[Turn, Person, list[Turn]]:
    """Walk the track with good answers up to the question ``node_id``; every turn on the way."""
    person = Person("Sam", lang, TODAY, profile=profile)
    seen = walk_on(engine, engine.start(1, "authentic", person), person, node_id, choose)
    return seen[-1], person, seen


def say(engine: Engine, turn: Turn, person: Person, text: str) -> Turn:
    """Type ``text`` as the answer to the question ``turn`` ends on."""
    after = engine.reply(turn.session, Incoming.text(text), person)
    assert after.outcome == "accepted", after.notice
    return after


# -- own words and the rewrite -----------------------------------------------------------------


# Own words that are a slogan, one word or the ad itself, and a rewrite that still pushes an
# offer or gives nothing: (exercise, language, answer, the reason the bot gives).
MISSES = [
    ("own_words", "nl", "Innovatie die werkt", "Dat leest nog als een kop of een slogan"),
    ("own_words", "nl", "Nieuw!", "Dat leest nog als een kop of een slogan"),
    ("own_words", "nl", "Nu 20% korting op alle sportdranken bij ons", "Dat klinkt nog als de"),
    ("own_words", "nl", "weet niet", "Geen bericht bij de hand?"),
    ("own_words", "en", "Powering your progress", "That still reads like a headline"),
    ("own_words", "en", "Buy now and get two bottles for the price of one", "That still sounds"),
    ("rewrite", "nl", "Deze week 20% korting op alle sportdranken!", "Daar zit nog een aanbod in"),
    ("rewrite", "nl", "Bestel vóór vrijdag en je hebt het maandag", "Daar zit nog een aanbod in"),
    ("rewrite", "nl", "weet niet", "Daar heeft nog niemand iets aan"),
    ("rewrite", "nl", "een tip", "Daar heeft nog niemand iets aan"),
    ("rewrite", "en", "Special offer for our loyal runners", "There's still an offer in it"),
    ("rewrite", "en", "idk", "That doesn't give anyone anything yet"),
]


@pytest.mark.parametrize(("exercise", "lang", "answer", "why"), MISSES)
def test_an_exercise_that_misses_is_asked_again_with_the_reason_and_an_example(
    engine: Engine, exercise: str, lang: str, answer: str, why: str
) -> None:
    turn, person, _ = at(engine, lang, exercise)

    again = say(engine, turn, person, answer)

    assert again.session.node == f"{exercise}_again"
    assert shown(again).startswith(why)
    assert "<i>‘" in shown(again)  # a small example
    assert answer not in shown(again)


TIP = {
    "nl": "Drie manieren om je eerste tien kilometer fijner te lopen",
    "en": "Three ways to make your first ten kilometres feel easier",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    ("exercise", "answers", "goes_to", "quoted"),
    [("own_words", GOOD, "trust", "“{}”: "), ("rewrite", TIP, "buy_less", "“{}”.")],
)
def test_an_exercise_done_well_goes_on_and_is_quoted(
    engine: Engine, lang: str, exercise: str, answers: dict[str, str], goes_to: str, quoted: str
) -> None:
    turn, person, _ = at(engine, lang, exercise)

    after = say(engine, turn, person, answers[lang])

    assert after.session.node == goes_to
    assert quoted.format(answers[lang]) in shown(after)


@pytest.mark.parametrize(
    ("exercise", "first", "second", "goes_to", "instead"),
    [
        ("own_words", "Samen sterker", "Samen sterker, altijd!", "trust", "kost oefening"),
        ("rewrite", "Nu 20% korting", "Nu 20% korting, alleen deze week", "buy_less", "lastig"),
    ],
)
def test_a_second_miss_is_taken_without_being_quoted_or_praised(
    engine: Engine, exercise: str, first: str, second: str, goes_to: str, instead: str
) -> None:
    turn, person, _ = at(engine, "nl", exercise)

    after = say(engine, say(engine, turn, person, first), person, second)

    assert after.session.node == goes_to
    assert first.split()[-1] not in shown(after)
    assert "klinkt als jij" not in shown(after)
    assert "Daar heb je de opening" not in shown(after)
    assert instead in shown(after)


# -- principles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "praised"),
    [
        (["Ik noem bij elke claim een klantvoorbeeld"], True),
        (["eerlijk zijn", "eerlijk zijn, altijd"], False),
    ],
)
def test_a_checkable_principle_is_acknowledged_and_a_vague_one_is_not(
    engine: Engine, answers: list[str], praised: bool
) -> None:
    turn, person, _ = at(engine, "nl", "principle_1")

    for answer in answers:
        turn = say(engine, turn, person, answer)

    assert turn.session.node == "principle_2"
    assert ("een klant kan het nagaan" in shown(turn)) is praised
    assert "eerlijk zijn" not in shown(turn)


def test_the_summary_leaves_out_a_principle_a_customer_cannot_check(engine: Engine) -> None:
    turn, person, _ = at(engine, "en", "principle_2")
    turn = say(engine, say(engine, turn, person, "no"), person, "never")

    ending = walk_on(engine, turn, person)[-1]

    details = ending.messages[-1].details or ""
    assert ending.finished
    assert "1. " + GOOD["en"] in details
    assert "\n2. " + GOOD["en"] in details  # the third principle moves up
    assert "never" not in details.casefold()


# -- who does not post -------------------------------------------------------------------------

POSTING = {
    "nl": ["ambassadeursprogramma", "op hun eigen profiel", "verkoopbericht", "online"],
    "en": ["ambassador programme", "on their own profiles", "sales message", "online"],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [FIELD_REP, INSIDE], ids=["field_rep", "inside"])
def test_who_does_not_post_hears_about_the_brochure_not_the_ambassador_programme(
    engine: Engine, lang: str, profile: Profile
) -> None:
    _, _, seen = at(engine, lang, "buy_less", profile, {"ambassador": "expected"})
    texts = [m.text for t in seen for m in t.messages]
    everything = "\n".join(texts).casefold()

    assert not [p for p in POSTING[lang] if p in everything]
    assert ("folder" if lang == "nl" else "brochure") in everything
    assert "passing_on" in [t.session.node for t in seen]  # pass it on as it is, or in own words
    assert all(visible(text) <= 600 for text in texts)
    rewrite = next(t for t in seen if t.session.node == "rewrite").messages[-1].text
    assert ("verkoopmail of appje" if lang == "nl" else "sales email or WhatsApp") in rewrite
    on_a_visit = (
        "wat je als eerste zegt bij een bezoek"
        if lang == "nl"
        else "the first thing you say on a visit"
    )
    assert (on_a_visit in rewrite) is (profile is FIELD_REP)


@pytest.mark.parametrize("profile", [POSTER, Profile()], ids=["poster", "no_profile"])
def test_who_posts_or_told_us_nothing_hears_about_the_ambassador_programme(
    engine: Engine, profile: Profile
) -> None:
    _, _, seen = at(engine, "nl", "buy_less", profile, {"ambassador": "expected"})
    everything = "\n".join(m.text for t in seen for m in t.messages)

    assert "ambassadeursprogramma" in everything
    assert "handling" in [t.session.node for t in seen]
    rewrite = next(t for t in seen if t.session.node == "rewrite").messages[-1].text
    assert "Pak je laatste verkoopbericht" in rewrite


# -- the ideas of article 001 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "need", "everyone"),
    [
        ("nl", "Of die klant het product wel nodig had", "klanten, collega's, leveranciers"),
        (
            "en",
            "whether the customer needed the product at all",
            "customers, colleagues, suppliers",
        ),
    ],
)
def test_the_track_asks_whether_the_customer_needs_it_and_names_every_stakeholder(
    engine: Engine, lang: str, need: str, everyone: str
) -> None:
    at_need, _, _ = at(engine, lang, "buy_less")
    at_fit, _, _ = at(engine, lang, "fit")

    assert need in shown(at_need)
    assert everyone in shown(at_fit)
