"""The check-in with plain calls: names the track, asks what they learned, probes "no time"."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.records import NewCommitment, Session
from tests.content.walker import answer as answer_all

EVE = Person("Eve", "nl")
SAM = Person("Sam", "en")


def start(engine: Engine, person: Person = EVE, track: str = "Relaties, geen transacties") -> Turn:
    """A check-in on a week-old commitment made in ``track``."""
    inputs = {
        "commitment": "Elke week één klant bedanken",
        "commitment_id": 1,
        "days_ago": 7,
        "track_title": track,
    }
    return engine.start(1, "checkin", person, inputs)


def answer(engine: Engine, session: Session, *inputs: Incoming | str, person: Person = EVE) -> Turn:
    """Feed inputs one by one (a str is typed text); return the last turn."""
    return answer_all(engine, session, *inputs, person=person)


def test_the_check_in_names_the_track_the_commitment_came_from(engine: Engine) -> None:
    opened = start(engine)
    done = answer(
        engine,
        opened.session,
        Incoming.choice("no"),
        "Mijn klant lag in het ziekenhuis",
        "Vrijdag één bedankje sturen",
        Incoming.choice("7"),
    )

    assert "“Relaties, geen transacties”" in opened.messages[-1].text
    assert "Elke week één klant bedanken" in opened.messages[-1].text
    assert "Check-in" not in opened.messages[-1].text
    assert done.finished
    assert "Je volgende stap voor “Relaties, geen transacties”" in done.messages[-1].text


def test_the_english_check_in_names_the_track_too(engine: Engine) -> None:
    opened = start(engine, SAM, "Adding value in the buy cycle")
    done = answer(
        engine,
        opened.session,
        Incoming.choice("yes"),
        "Two customers replied",
        "Short notes work better than long ones",
        Incoming.choice("done"),
        person=SAM,
    )

    assert "“Adding value in the buy cycle”" in opened.messages[-1].text
    assert "“Adding value in the buy cycle”" in done.messages[-1].text


@pytest.mark.parametrize("done", ["yes", "partly"])
def test_after_what_happened_comes_what_they_learned(engine: Engine, done: str) -> None:
    session = start(engine).session

    happened = answer(engine, session, Incoming.choice(done))
    learned = answer(engine, happened.session, "Twee klanten belden terug")

    assert happened.session.node == "effect"
    assert learned.session.node == "learned"
    assert "geleerd" in learned.messages[-1].text


def test_what_they_learned_is_quoted_in_the_ending(engine: Engine) -> None:
    session = start(engine).session

    turn = answer(
        engine,
        session,
        Incoming.choice("yes"),
        "Twee klanten belden terug",
        "Een kort bericht werkt beter dan een lange mail",
        Incoming.choice("done"),
    )

    assert turn.finished
    assert "“Een kort bericht werkt beter dan een lange mail”" in turn.messages[-1].text


@pytest.mark.parametrize(
    "blocker",
    ["Geen tijd gehad", "Te druk met offertes", "Ik was het vergeten", "kwam er niet aan toe"],
)
def test_no_time_gets_one_probe_before_the_smaller_step(engine: Engine, blocker: str) -> None:
    session = answer(engine, start(engine).session, Incoming.choice("no")).session

    probe = answer(engine, session, blocker)
    smaller = answer(engine, probe.session, "Maandagochtend na het teamoverleg")

    assert probe.session.node == "no_time_probe"
    assert "Wat ging er deze keer voor?" in probe.messages[-1].text
    assert smaller.session.node == "smaller"
    assert "“Maandagochtend na het teamoverleg”" in smaller.messages[-1].text
    assert "kleinere stap" in smaller.messages[-1].text


@pytest.mark.parametrize("blocker", ["No time", "Too busy this week", "I forgot"])
def test_no_time_is_probed_in_english_too(engine: Engine, blocker: str) -> None:
    session = answer(engine, start(engine, SAM).session, Incoming.choice("no"), person=SAM).session

    probe = answer(engine, session, blocker, person=SAM)

    assert probe.session.node == "no_time_probe"
    assert "What came first this time?" in probe.messages[-1].text


def test_another_hurdle_goes_straight_to_the_smaller_step(engine: Engine) -> None:
    session = answer(engine, start(engine).session, Incoming.choice("no")).session

    smaller = answer(engine, session, "De klant zat midden in een fusie")

    assert smaller.session.node == "smaller"
    assert (
        "“De klant zat midden in een fusie” is een herkenbare drempel" in smaller.messages[-1].text
    )


def test_a_vague_next_step_is_asked_again_and_never_becomes_the_commitment(
    engine: Engine,
) -> None:
    session = answer(engine, start(engine).session, Incoming.choice("no"), "geen tijd").session

    again = answer(engine, session, "weet niet", "weet ik veel")
    done = answer(engine, again.session, "ik weet het echt niet", Incoming.choice("3"))

    assert again.session.node == "step_again"
    [commitment] = [e for e in done.effects if isinstance(e, NewCommitment)]
    assert commitment.text == "zet een kwartier in je agenda voor: Elke week één klant bedanken"
    assert "weet niet" not in done.messages[-1].text
    assert "weet ik veel" not in done.messages[-1].text


@pytest.mark.parametrize("person", [EVE, SAM])
def test_what_happened_and_what_they_learned_are_two_lines_of_the_ending(
    engine: Engine, person: Person
) -> None:
    session = start(engine, person).session

    turn = answer(
        engine,
        session,
        Incoming.choice("yes"),
        "Twee klanten belden terug",
        "Kort werkt beter",
        Incoming.choice("habit"),
        "Elke vrijdag één klant bellen",
        Incoming.choice("7"),
        person=person,
    )

    lines = turn.messages[-1].text.splitlines()
    praised = next(line for line in lines if "“Twee klanten belden terug”" in line)
    assert "Kort werkt beter" not in praised
    assert any(line.endswith("“Kort werkt beter”.") for line in lines)
