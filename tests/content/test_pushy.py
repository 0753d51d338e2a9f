"""pushy() spots a message that still pushes an offer, in Dutch and English."""

from __future__ import annotations

import pytest
from markupsafe import escape

from bot.dialogue.answer_checks import pushy

PUSHY = [
    "Nu 20% korting op alle slangen!",
    "Deze week in de aanbieding: de X300",
    "Gebruik kortingscode ZOMER10",
    "Profiteer van onze zomerkorting",
    "Bestel vóór vrijdag en je hebt het maandag",
    "Nu kopen, morgen in huis",
    "Laatste kans: alleen vandaag",
    "Grote actie bij ons deze maand",
    "Openingsaanbieding voor vaste klanten",
    "Op is op!",
    "Get 20% off our winter range",
    "Special offer for loyal customers",
    "Buy now and save",
    "Order now, limited time only",
    "Great deals this week",
    "Use this discount code at checkout",
]
GIVES = [
    "Drie dingen die je vóór de winter zelf aan je machine kunt nakijken",
    "Een verkorting van de levertijd scheelt je een week stilstand",
    "Zo haal je meer uit wat je al in huis hebt",
    "Wist je dat een slang vaak eerder lekt bij de koppeling dan in het midden?",
    "Anne, je klaagde laatst over de wachttijd. Die is nu een week korter.",
    "Wat je reactie was op onze interactie met de redactie",
    "Ik kom graag in transactie met je over je planning",
    "What to check on your machine before winter",
    "Three ways to get more out of what you already have",
    "A tip from another customer: clean the filter every month",
    "Most leaks start at the coupling, not the hose",
    "I'd rather help you buy less than sell you the wrong thing",
]


@pytest.mark.parametrize("text", PUSHY)
def test_a_message_that_pushes_an_offer_is_pushy(text: str) -> None:
    assert pushy(text)
    assert pushy(escape(text))  # answers reach conditions escaped


@pytest.mark.parametrize("text", GIVES)
def test_a_message_that_gives_something_is_not(text: str) -> None:
    assert not pushy(text)


def test_non_texts_are_not_pushy() -> None:
    assert not pushy(None)
    assert not pushy(20)
