"""Persona walks over the five conversation tracks: commitments worth keeping, phone-sized.

Three salespeople (a junior B2B software seller who barely posts, a sceptical field rep in
industrial supplies, a consumer-brand seller who mostly posts promotions) each walk every
track in both languages three ways: with real answers, lazy ones ("niks", "doorgaan zoals ik
bezig ben") and long ones. Buttons are picked by a seeded random choice, so a failing walk can
be replayed. Every walk must end with a commitment that is not a non-answer, dated by the
day the salesperson chose, and every message must fit a phone screen.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from markupsafe import escape

from bot.dialogue.answer_checks import short, vague
from bot.dialogue.model import ChoiceNode, DateNode, NumberNode, ScaleNode, TextNode
from bot.engine.engine import Engine, Person
from bot.engine.phrases import phrase
from bot.engine.turn import Incoming, Turn
from bot.records import NewCommitment, Profile

TRACKS = ["relationships", "talk", "authentic", "why", "buy_cycle"]
LANGS = ["nl", "en"]
STYLES = ["real", "lazy", "long"]
TODAY = date(2026, 12, 3)  # a Thursday
MAX_MESSAGE = 600
MAX_SUMMARY = 400
MAX_TURNS = 80

# Commitments that promise nothing; none of them may ever be stored as one.
LAZY_PLANS = {
    "nl": ["niks", "doorgaan zoals ik bezig ben", "weet niet", "zoals altijd", "gewoon doorgaan"],
    "en": ["honestly nothing", "same as always", "dunno", "keep going", "nothing special"],
}
LAZY_ANSWERS = {
    "nl": ["weet niet", "geen idee", "niks", "nvt", "?", "ok"],
    "en": ["idk", "no idea", "nothing", "n/a", "?", "ok"],
}
LONGER = {"nl": "ik weet het echt niet", "en": "I really don't know"}  # when one is too short
# What each persona types when asked for a day, and the day that means from TODAY.
TYPED_DAYS = {
    "nl": [("vrijdag", 4), ("over 2 weken", 17), ("7-12", 7)],
    "en": [("friday", 4), ("in 2 weeks", 17), ("Dec 7", 7)],
}  # (typed, day of December 2026)


@dataclass(frozen=True)
class Persona:
    """A salesperson with their own real answers, by language."""

    key: str
    answers: dict[str, dict[str, str]]  # lang -> save name -> answer ("" = the default)
    long_tail: dict[str, str]
    profile: Profile  # what they told the profile questions


JUNIOR = Persona(
    "junior",
    {
        "nl": {
            "": "Klanten willen vooral dat hun planning niet meer in Excel staat",
            "product": "planningssoftware voor installatiebedrijven",
            "action": (
                "Ik stuur Lisa van Bouwbedrijf Kort een kort filmpje over de nieuwe "
                "planningsweergave"
            ),
            "obstacle": "Als ik het vergeet door demo's, zet ik het nu in mijn agenda om 9 uur",
            "small_action": "Lisa één zin appen met de link",
        },
        "en": {
            "": "Customers mostly want their schedule out of spreadsheets",
            "product": "scheduling software for installers",
            "action": "Send Lisa at Kort Builders a short video of the new planning view",
            "obstacle": "If demos eat my day, I do it at 9 before anything else",
            "small_action": "text Lisa one line with the link",
        },
    },
    {
        "nl": (
            "En eerlijk gezegd weet ik ook niet goed hoe ik dat op LinkedIn moet brengen, want "
            "ik post bijna nooit en mijn collega's doen dat wel, maar die hebben meer ervaring."
        ),
        "en": (
            "And honestly I don't really know how to bring that up on LinkedIn, because I hardly "
            "ever post and my colleagues do, but they have more experience than me."
        ),
    },
    Profile("b2b", "planningssoftware voor installateurs", "inside", "under_2", ("email",)),
)
FIELD_REP = Persona(
    "field_rep",
    {
        "nl": {
            "": "Dat we op zaterdag nog een slang komen vervangen als de machine stilstaat",
            "product": "hydraulische slangen en koppelingen voor machinebouwers",
            "action": (
                "Ik vraag Henk van Metaalbouw De Vries wat hij een collega over onze "
                "storingsdienst zou vertellen"
            ),
            "obstacle": "Als de storingen voorgaan, bel ik Henk maandag vanuit de auto",
            "small_action": "Henk een sms sturen met die ene vraag",
        },
        "en": {
            "": "That we come and replace a hose on a Saturday when the machine is down",
            "product": "hydraulic hoses and couplings for machine builders",
            "action": (
                "Ask Henk at De Vries Metalworks what he'd tell a colleague about our breakdown "
                "service"
            ),
            "obstacle": "If call-outs come first, I ring Henk on Monday from the car",
            "small_action": "text Henk that one question",
        },
    },
    {
        "nl": (
            "Al die social media is niks voor onze klanten, die willen gewoon dat het werkt en "
            "dat je opneemt als ze bellen, dat is al twintig jaar zo in deze branche."
        ),
        "en": (
            "All that social media isn't for our customers, they just want it to work and you to "
            "pick up when they call, it has been that way for twenty years in this trade."
        ),
    },
    Profile("b2b", "hydraulische slangen", "field", "over_10", ("phone", "events")),
)
CONSUMER = Persona(
    "consumer",
    {
        "nl": {
            "": "Dat ze met onze sportdrank langer volhouden tijdens het hardlopen",
            "product": "sportdranken voor hardlopers",
            "action": (
                "Ik deel op Instagram het recept van de hardloopclub in Utrecht in plaats van de "
                "weekactie"
            ),
            "obstacle": "Als marketing toch de actie wil, plaats ik het recept als story ernaast",
            "small_action": "de clubtrainer om het recept vragen",
        },
        "en": {
            "": "That our sports drink helps them keep going longer on a run",
            "product": "sports drinks for runners",
            "action": (
                "Share the Utrecht running club's recipe on Instagram instead of this week's offer"
            ),
            "obstacle": (
                "If marketing insists on the offer, I post the recipe as a story next to it"
            ),
            "small_action": "ask the club coach for the recipe",
        },
    },
    {
        "nl": (
            "Wij posten eigenlijk vooral acties en kortingscodes omdat dat de cijfers direct "
            "laat zien, en het team wordt daar ook op afgerekend door het hoofdkantoor elke "
            "maand."
        ),
        "en": (
            "We mostly post offers and discount codes because that shows in the numbers straight "
            "away, and head office judges the team on it every single month, so yes."
        ),
    },
    Profile("consumer", "sportdranken", "inside", "2_to_5", ("instagram", "whatsapp")),
)
PERSONAS = [JUNIOR, FIELD_REP, CONSUMER]


@dataclass
class Walk:
    """What one walk saw and stored."""

    turns: list[Turn] = field(default_factory=list)
    typed_plans: list[tuple[str, str]] = field(default_factory=list)  # (answer, next node)
    day: date | None = None


def visible(text: str) -> int:
    """The characters a user sees: markup tags left out, entities as one character."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)).strip())


class Salesperson:
    """Answers one track's questions in a persona's style, with a seeded choice of buttons."""

    def __init__(self, persona: Persona, style: str, lang: str, seed: int) -> None:
        self.persona, self.style, self.lang = persona, style, lang
        self.rng = random.Random(seed)
        self.lazy_plans = list(LAZY_PLANS[lang])
        self.rng.shuffle(self.lazy_plans)
        self.tries: dict[str, int] = {}
        self.day: date | None = None

    def answer(self, node: object, node_id: str) -> Incoming:
        """What this salesperson sends at ``node``."""
        if isinstance(node, ChoiceNode):
            return Incoming.choice(str(self.rng.choice(node.options).value))
        if isinstance(node, ScaleNode):
            low = self.style == "lazy" or self.rng.random() < 0.4
            return Incoming.choice(str(self.rng.choice([1, 2] if low else [3, 4, 5])))
        if isinstance(node, DateNode):
            return self._day()
        if isinstance(node, NumberNode):  # e.g. messages a month, profit: a plausible figure
            return Incoming.text(str(self.rng.choice([0, 3, 12, 40])))
        assert isinstance(node, TextNode), node_id
        tries = self.tries[node.save] = self.tries.get(node.save, 0) + 1
        return Incoming.text(self._text(node, tries)[: node.max_length])

    def _day(self) -> Incoming:
        if self.style == "real":
            self.day = TODAY + timedelta(days=self.rng.choice([1, 4, 7]))
            return Incoming.choice(self.day.isoformat())
        typed, day = self.rng.choice(TYPED_DAYS[self.lang])
        self.day = date(2026, 12, day)
        return Incoming.text(typed)

    def _text(self, node: TextNode, tries: int) -> str:
        mine = self.persona.answers[self.lang]
        real = mine.get(node.save, mine[""])
        if node.save in {"action", "small_action"}:
            if self.style != "lazy":
                return self._long(real)
            if tries <= 2:
                return self.lazy_plans[tries - 1]
            return self.rng.choice(["1", "2"])  # takes one of the examples offered
        if self.style == "lazy":
            return self.rng.choice(LAZY_ANSWERS[self.lang])
        return self._long(real)

    def _long(self, real: str) -> str:
        """The real answer, with a long second sentence for the long style."""
        return f"{real}. {self.persona.long_tail[self.lang]}" if self.style == "long" else real


def walk(engine: Engine, track: str, lang: str, persona: Persona, style: str, seed: int) -> Walk:
    """One whole walk of ``track``, answering as the persona until the track ends (with their
    profile on odd seeds, without one on even seeds: it is skippable)."""
    person = Person("Sam", lang, TODAY, profile=persona.profile if seed % 2 else Profile())
    dialogue = engine.catalog.get(track)
    speaker = Salesperson(persona, style, lang, seed)
    found = Walk()
    turn = engine.start(1, track, person)
    found.turns.append(turn)
    while not turn.finished:
        assert len(found.turns) < MAX_TURNS, f"{track} does not end: at {turn.session.node}"
        node_id = turn.session.node
        node = dialogue.model.nodes[node_id]
        incoming = speaker.answer(node, node_id)
        turn = engine.reply(turn.session, incoming, person)
        if turn.outcome == "rejected" and isinstance(node, TextNode):  # too short: says more
            incoming = Incoming.text(LONGER[lang])
            turn = engine.reply(turn.session, incoming, person)
        assert turn.outcome in {"accepted", "completed"}, (node_id, incoming, turn.notice)
        found.turns.append(turn)
        if isinstance(node, TextNode) and node.save in {"action", "small_action"}:
            found.typed_plans.append((incoming.value, turn.session.node))
    found.day = speaker.day
    return found


def commitment_of(found: Walk) -> NewCommitment:
    [commitment] = [e for e in found.turns[-1].effects if isinstance(e, NewCommitment)]
    return commitment


WALKS = [
    (track, lang, persona, style, seed)
    for track in TRACKS
    for lang in LANGS
    for persona in PERSONAS
    for style in STYLES
    for seed in (1, 2)
]


def _id(case: tuple[str, str, Persona, str, int]) -> str:
    track, lang, persona, style, seed = case
    return f"{track}-{lang}-{persona.key}-{style}-{seed}"


@pytest.mark.parametrize("case", WALKS, ids=[_id(c) for c in WALKS])
def test_every_walk_ends_with_a_dated_commitment_that_fits_a_phone(
    engine: Engine, case: tuple[str, str, Persona, str, int]
) -> None:
    track, lang, persona, style, seed = case
    found = walk(engine, track, lang, persona, style, seed)

    commitment = commitment_of(found)
    assert found.day is not None, "no day was asked for"
    assert commitment.follow_up_days == (found.day - TODAY).days + 1
    session = found.turns[-1].session
    assert session.answers["when"] == found.day.isoformat()

    plan = str(session.answers["plan"])
    assert not vague(plan)
    assert plan.casefold() not in LAZY_PLANS[lang]
    assert commitment.text.startswith(plan)
    details = found.turns[-1].messages[-1].details or ""
    shown = str(escape(plan))
    start = shown[:60].casefold()
    if str(short(escape(plan), 160)) != shown:  # cut on top: said whole once, below
        start = shown.casefold()
    assert details.casefold().count(start) == 1, details
    for answer, went_to in found.typed_plans:
        if vague(answer) or answer.casefold() in LAZY_PLANS[lang]:
            assert went_to.endswith(("_again", "smaller_step")), (answer, went_to)

    for turn in found.turns:
        for message in turn.messages:
            assert visible(message.text) <= MAX_MESSAGE, message.text
        assert visible(turn.notice or "") <= MAX_MESSAGE
    ending = found.turns[-1].messages[-1]
    closing = phrase(lang, "finished")
    assert ending.details, "the summary has no details behind a button"
    assert visible(ending.text) + 2 + len(closing) <= MAX_SUMMARY, ending.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("track", TRACKS)
def test_a_lazy_commitment_is_asked_again_with_two_examples(
    engine: Engine, track: str, lang: str
) -> None:
    found = walk(engine, track, lang, JUNIOR, "lazy", 3)

    answer, went_to = found.typed_plans[0]
    assert answer in LAZY_PLANS[lang]
    asked_again = next(t for t in found.turns if t.session.node == went_to).messages[-1].text
    session = found.turns[-1].session
    for example in ("example_1", "example_2"):  # two examples that fit the track, to pick
        assert escape(str(session.answers[example])) in asked_again
    taken = session.answers["first_plan"]  # the plan before any smaller step
    assert taken in {session.answers["example_1"], session.answers["example_2"]}


PREVIOUS = {
    "nl": {"plan": "Jan bellen over de offerte", "outcome": "partly", "said": "deels"},
    "en": {"plan": "call Jan about the quote", "outcome": "partly", "said": "partly"},
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("track", TRACKS)
def test_a_retaken_track_opens_with_last_time(engine: Engine, track: str, lang: str) -> None:
    before = PREVIOUS[lang]
    previous = {
        "plan": before["plan"],
        "when": "2026-11-20",
        "commitment": f"{before['plan']} (vrijdag 20 november)",
        "outcome": before["outcome"],
        "days_ago": 14,
    }
    person = Person("Sam", lang, TODAY)

    opening = engine.start(1, track, person, {"previous": previous}).messages[0].text
    first_time = engine.start(1, track, person).messages[0].text

    assert before["plan"] in opening
    assert before["said"] in opening.casefold()
    assert before["plan"] not in first_time
    assert visible(opening) <= MAX_MESSAGE


@pytest.mark.parametrize("plan", ["niks", "doorgaan zoals ik bezig ben", "weet niet"])
@pytest.mark.parametrize("track", TRACKS)
def test_last_times_plan_is_quoted_only_when_it_says_something(
    engine: Engine, track: str, plan: str
) -> None:
    person = Person("Sam", "nl", TODAY)
    real = {"plan": "Jan bellen", "commitment": "Jan bellen", "outcome": "", "days_ago": 3}
    vague_one = {"plan": plan, "commitment": plan, "outcome": "", "days_ago": 3}

    quoted = engine.start(1, track, person, {"previous": real}).messages[0].text
    left_out = engine.start(1, track, person, {"previous": vague_one}).messages[0].text

    assert "Vorige keer nam je je voor: <i>Jan bellen</i>." in quoted
    assert plan not in left_out.casefold()
    assert "Vorige keer" not in left_out


@pytest.mark.parametrize("node_id", ["action", "action_again", "smaller_step"])
def test_every_track_judges_a_plan_by_the_same_rule(engine: Engine, node_id: str) -> None:
    rules = {t: engine.catalog.get(t).model.nodes[node_id].compute["weak"] for t in TRACKS}

    assert len(set(rules.values())) == 1, rules


def _at_the_plan(
    engine: Engine, track: str, lang: str, node_id: str = "action"
) -> tuple[Turn, Person]:
    """A real walk of ``track`` up to the question ``node_id``."""
    person = Person("Sam", lang, TODAY)
    dialogue = engine.catalog.get(track)
    speaker = Salesperson(FIELD_REP, "real", lang, 7)
    turn = engine.start(1, track, person)
    while turn.session.node != node_id:
        node = dialogue.model.nodes[turn.session.node]
        turn = engine.reply(turn.session, speaker.answer(node, turn.session.node), person)
    return turn, person


@pytest.mark.parametrize(
    ("lang", "lazy", "why"),
    [
        ("nl", "niks", "Daar valt nog niets aan af te vinken."),
        ("nl", "doorgaan zoals ik bezig ben", "Zo blijft alles bij het oude"),
        ("nl", "meer posten", "Een goed voornemen, maar nog geen stap"),
        ("en", "no idea", "There's nothing to tick off there yet."),
        ("en", "we'll see how it goes", "That way everything stays as it is"),
        ("en", "do my best", "A good intention, but not yet a step"),
    ],
)
@pytest.mark.parametrize("track", TRACKS)
def test_the_bot_says_why_a_plan_is_not_taken_and_a_typed_number_picks(
    engine: Engine, track: str, lang: str, lazy: str, why: str
) -> None:
    turn, person = _at_the_plan(engine, track, lang)

    again = engine.reply(turn.session, Incoming.text(lazy), person)
    picked = engine.reply(again.session, Incoming.text("2)"), person)

    assert again.session.node == "action_again"
    assert again.messages[-1].text.startswith(why)
    assert picked.session.node == "when"
    assert picked.session.answers["plan"] == picked.session.answers["example_2"]


@pytest.mark.parametrize(
    ("principle", "goes_to"),
    [
        ("eerlijk zijn", "principle_1_again"),
        ("weet niet", "principle_1_again"),
        ("Ik noem bij elke claim een klantvoorbeeld", "principle_2"),
    ],
)
def test_a_principle_a_customer_cannot_check_is_asked_again(
    engine: Engine, principle: str, goes_to: str
) -> None:
    turn, person = _at_the_plan(engine, "authentic", "nl", "principle_1")

    after = engine.reply(turn.session, Incoming.text(principle), person)

    assert after.session.node == goes_to


MAX_ECHOES = 4  # messages (Details included) that may quote one answer in a walk


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.key for p in PERSONAS])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("track", TRACKS)
def test_no_answer_is_echoed_over_and_over(
    engine: Engine, track: str, lang: str, persona: Persona
) -> None:
    """Every text answer is made unique, then counted in what the walk shows."""
    person = Person("Sam", lang, TODAY, profile=persona.profile)
    dialogue = engine.catalog.get(track)
    speaker = Salesperson(persona, "real", lang, 3)
    turn = engine.start(1, track, person)
    shown: list[str] = []
    marks: list[str] = []
    while not turn.finished:
        node = dialogue.model.nodes[turn.session.node]
        incoming = speaker.answer(node, turn.session.node)
        if isinstance(node, TextNode) and node.save not in {"action", "small_action"}:
            marks.append(f"antwoord{len(marks)}x")
            incoming = Incoming.text(f"{marks[-1]} {incoming.value}")
        turn = engine.reply(turn.session, incoming, person)
        if turn.outcome == "rejected":
            turn = engine.reply(turn.session, Incoming.text(LONGER[lang]), person)
        shown += [m.text for m in turn.messages] + [m.details or "" for m in turn.messages]

    echoes = {mark: sum(mark in text for text in shown) for mark in marks}
    assert max(echoes.values(), default=0) <= MAX_ECHOES, echoes
