"""The buy-cycle track with plain engine calls: help on vague answers, tips that agree with
earlier answers, and the idea that top salespeople start buy cycles on every branch."""

from __future__ import annotations

import re

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.engine.walks import explore
from bot.records import NewCommitment, Session
from tests.content.walker import answer as answer_all

EVE = Person("Eve", "nl")
SAM = Person("Sam", "en")


def answer(engine: Engine, session: Session, *inputs: Incoming | str, person: Person = EVE) -> Turn:
    """Feed inputs one by one (a str is typed text); return the last turn."""
    return answer_all(engine, session, *inputs, person=person)


def walk(engine: Engine, *inputs: Incoming | str, person: Person = EVE) -> Turn:
    """The track from its start with ``inputs``."""
    return answer(engine, engine.start(1, "buy_cycle", person).session, *inputs, person=person)


def shown(turn: Turn) -> str:
    return "\n".join(m.text for m in turn.messages)


UP_TO_REFERRED: list[Incoming | str] = [
    Incoming.choice("peers"),
    "De inkoopvereniging van installateurs",
    Incoming.choice("early"),
    Incoming.choice("no"),
    "Ik ken elke installatie van mijn klanten uit mijn hoofd",
    Incoming.choice("personal"),
    "Personeelstekort in de werkplaats",
]


@pytest.mark.parametrize("moment", ["early", "comparing", "late"])
def test_every_moment_hears_that_top_salespeople_start_buy_cycles(
    engine: Engine, moment: str
) -> None:
    nl = walk(engine, Incoming.choice("online"), "Vergelijkingssites", Incoming.choice(moment))
    en = walk(
        engine, Incoming.choice("online"), "Comparison sites", Incoming.choice(moment), person=SAM
    )

    assert re.search(r"Topverkopers .* zetten (er )?zelf .*in gang", shown(nl))
    assert re.search(r"(Top|best) salespeople .* (themselves|set one in motion)", shown(en))


@pytest.mark.parametrize(("referred", "claims"), [(1, False), (2, False), (5, True)])
def test_a_high_rating_credits_referrals_only_when_they_happen(
    engine: Engine, referred: int, claims: bool
) -> None:
    turn = walk(engine, *UP_TO_REFERRED, Incoming.choice(str(referred)), "10", "500.000")
    en = walk(engine, *UP_TO_REFERRED, Incoming.choice(str(referred)), "10", "500,000", person=SAM)

    assert "50.000" in shown(turn)  # a high rating
    assert ("klanten die je naam doorgeven" in shown(turn)) is claims
    assert ("doorverwijzingen" in shown(turn).lower() and "groei" in shown(turn)) is not claims
    assert ("pass your name on" in shown(en)) is claims


def test_a_vague_place_gets_a_narrower_question_and_is_never_quoted(engine: Engine) -> None:
    again = walk(engine, Incoming.choice("online"), "weet niet")
    tip = answer(engine, again.session, "geen idee", Incoming.choice("late"))

    assert again.session.node == "channel_again"
    assert "vergelijkingssite" in shown(again)
    assert "“" not in shown(tip).split("Volgende stap")[1]
    assert "geen idee" not in shown(tip)


def test_a_vague_value_gets_examples_and_the_tips_leave_it_out(engine: Engine) -> None:
    start = walk(engine, Incoming.choice("peers"), "Vakblad", Incoming.choice("early"))
    again = answer(engine, start.session, Incoming.choice("no"), "?")
    share = answer(engine, again.session, "weet ik veel", Incoming.choice("none"), "nvt", "niks")
    referral = answer(engine, share.session, Incoming.choice("1"))

    assert again.session.node == "value_again"
    assert "webshop" in shown(again)
    assert "vraag deze klant eerst wat er op dit moment speelt" in shown(share)
    assert "Weet je nog niet wat dat bij jou is?" in shown(referral)
    for turn in (share, referral):
        assert "weet ik veel" not in shown(turn)
        assert "nvt" not in shown(turn)
        assert "niks" not in shown(turn)


def test_a_vague_action_is_asked_again_until_a_step_is_chosen(engine: Engine) -> None:
    at_action = walk(engine, *UP_TO_REFERRED, Incoming.choice("3"), "10", "1000")

    again = answer(engine, at_action.session, "weet niet")
    still = answer(engine, again.session, "gewoon doorgaan")
    dated = answer(engine, still.session, "1")
    done = answer(
        engine, dated.session, Incoming.choice(dated.buttons[0].value), "Als het druk is, vrijdag"
    )
    done = answer(engine, done.session, Incoming.choice("4"))

    assert again.session.node == still.session.node == "action_again"
    assert "Twee voorbeelden" in shown(again)
    [commitment] = [e for e in done.effects if isinstance(e, NewCommitment)]
    assert commitment.text.startswith("bel je grootste klant en vraag wat er volgend jaar")
    assert "weet" not in done.messages[-1].text
    assert "doorgaan" not in done.messages[-1].text


@pytest.mark.parametrize("dialogue_id", ["buy_cycle", "checkin"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_customer_is_never_a_he(engine: Engine, dialogue_id: str, lang: str) -> None:
    walked = explore(engine, dialogue_id, lang)
    texts = [m.text for t in walked.completed for m in t.messages]
    texts += [m.details or "" for t in walked.completed for m in t.messages]

    gendered = r"\b(hij|he|him|his|himself|zichzelf)\b"
    assert [t for t in texts if re.search(gendered, t, re.IGNORECASE)] == []
