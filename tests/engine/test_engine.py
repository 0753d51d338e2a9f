"""The engine with plain calls: every node kind, branch, re-prompt, back and a shared machine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.dialogue.catalog import Catalog
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.errors import SessionNotActive
from bot.records import Session

EVE = Person("Eve", "nl")


def answer(engine: Engine, session: Session, *inputs: Incoming | str, person: Person = EVE) -> Turn:
    """Feed inputs one by one (a str is typed text); return the last turn."""
    turn = None
    for item in inputs:
        incoming = Incoming.text(item) if isinstance(item, str) else item
        turn = engine.reply(session, incoming, person)
        session = turn.session
    assert turn is not None
    return turn


def at_deals(engine: Engine, person: Person) -> Session:
    """A session of the kinds dialogue waiting at the number question."""
    start = engine.start(1, "kinds", person).session
    return answer(engine, start, "koffie", person=person).session


def at_route(engine: Engine, person: Person = EVE, deals: str = "10", mood: str = "3") -> Session:
    """A session of the kinds dialogue waiting at the final choice."""
    start = engine.start(1, "kinds", person).session
    return answer(engine, start, "koffie", deals, Incoming.choice(mood), person=person).session


def texts(turn: Turn) -> list[str]:
    return [message.text for message in turn.messages]


def test_start_greets_by_name_and_waits_at_the_first_question(engine: Engine) -> None:
    turn = engine.start(1, "kinds", EVE)

    assert texts(turn) == ["Hoi Eve!", "Wat verkoop je?"]
    assert turn.session.node == "product"
    assert turn.session.status == "active"
    assert turn.outcome == "started"


def test_english_speaker_gets_english_texts(engine: Engine) -> None:
    turn = engine.start(1, "kinds", Person("Sam", "en"))

    assert texts(turn) == ["Hi Sam!", "What do you sell?"]


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("", "nog geen antwoord"),
        ("   ", "nog geen antwoord"),
        ("ab", "minstens 3 tekens (nu 2)"),
        ("x" * 10_000, "maximaal 40 tekens (nu 10000)"),
    ],
)
def test_invalid_text_is_asked_again_with_a_reason_and_nothing_stored(
    engine: Engine, typed: str, explanation: str
) -> None:
    session = engine.start(1, "kinds", EVE).session

    turn = engine.reply(session, Incoming.text(typed), EVE)

    assert turn.outcome == "rejected"
    assert explanation in (turn.notice or "")
    assert turn.messages[-1].text == "Wat verkoop je?"
    assert turn.saved == ()
    assert turn.session.answers == {}
    assert turn.session.node == "product"


def test_valid_text_is_saved_and_the_next_question_asked(engine: Engine) -> None:
    session = engine.start(1, "kinds", EVE).session

    turn = engine.reply(session, Incoming.text("  koffie  "), EVE)

    assert turn.outcome == "accepted"
    assert turn.session.answers == {"product": "koffie"}
    assert [(a.node, a.key, a.value) for a in turn.saved] == [("product", "product", "koffie")]
    assert texts(turn) == ["Hoeveel deals per maand?"]
    assert turn.session.step == session.step + 1


@pytest.mark.parametrize(
    ("typed", "lang", "explanation"),
    [
        ("veel", "nl", "Ik verwacht een getal"),
        ("2,5", "nl", "heel getal"),
        ("1.001", "nl", "het grootste dat kan is 1.000"),
        ("-1", "nl", "het kleinste dat kan is 0"),
        ("many", "en", "I expect a number"),
        ("1,001", "en", "the largest allowed is 1,000"),
    ],
)
def test_out_of_range_or_unreadable_numbers_are_refused(
    engine: Engine, typed: str, lang: str, explanation: str
) -> None:
    person = Person("Eve", lang)
    turn = engine.reply(at_deals(engine, person), Incoming.text(typed), person)

    assert turn.outcome == "rejected"
    assert explanation in (turn.notice or "")
    assert "deals" not in turn.session.answers


@pytest.mark.parametrize(
    ("typed", "lang", "stored"), [("1.000", "nl", 1000), ("1,000", "en", 1000), ("12", "nl", 12)]
)
def test_numbers_are_read_the_way_each_language_writes_them(
    engine: Engine, typed: str, lang: str, stored: int
) -> None:
    person = Person("Eve", lang)
    turn = engine.reply(at_deals(engine, person), Incoming.text(typed), person)

    assert turn.session.answers["deals"] == stored


def test_scale_offers_five_buttons_and_names_both_ends(engine: Engine) -> None:
    turn = answer(engine, engine.start(1, "kinds", EVE).session, "koffie", "10")

    question = turn.messages[-1]
    assert [b.value for b in question.buttons] == ["1", "2", "3", "4", "5"]
    assert "1 = slecht · 5 = super" in question.text


@pytest.mark.parametrize("typed", ["0", "6", "drie"])
def test_scale_refuses_anything_but_one_to_five(engine: Engine, typed: str) -> None:
    session = answer(engine, engine.start(1, "kinds", EVE).session, "koffie", "10").session

    turn = engine.reply(session, Incoming.text(typed), EVE)

    assert turn.outcome == "rejected"
    assert "van 1 tot en met 5" in (turn.notice or "")


def test_computed_value_drives_a_branch(engine: Engine) -> None:
    session = answer(engine, engine.start(1, "kinds", EVE).session, "koffie", "50").session

    busy = engine.reply(session, Incoming.choice("2"), EVE)
    calm = engine.reply(session, Incoming.choice("1"), EVE)

    assert busy.session.answers["score"] == 100
    assert texts(busy) == ["Druk! Score 100.", "Welke kant op, koffie?"]
    assert texts(calm) == ["Welke kant op, koffie?"]


def test_option_with_its_own_next_and_the_node_default(engine: Engine) -> None:
    session = at_route(engine)

    left = engine.reply(session, Incoming.choice("left"), EVE)
    right = engine.reply(session, Incoming.choice("right"), EVE)

    assert texts(left) == ["Links klaar: koffie"]
    assert texts(right) == ["Rechts klaar: koffie, 10 deals"]  # the rest waits behind Details
    assert left.session.status == right.session.status == "completed"
    assert left.outcome == "completed"


def test_an_end_with_a_fold_shows_the_top_and_keeps_the_whole_text_behind_details(
    engine: Engine,
) -> None:
    finished = engine.reply(at_route(engine), Incoming.choice("right"), EVE)
    session = replace(finished.session, id=7)

    [summary] = finished.messages
    assert [b.label for b in summary.buttons] == ["Details"]
    whole = "Rechts klaar: koffie, 10 deals\n\nUitleg: koffie loont."
    assert session.answers["summary"] == whole
    assert ("right_end", "summary", whole) in [(a.node, a.key, a.value) for a in finished.saved]
    pressed = Incoming.choice(summary.buttons[0].value, session.step, session_id=7)
    shown = engine.details(session, pressed)
    assert shown is not None
    assert texts(shown) == [whole]
    assert shown.outcome == "details"
    another_session = Incoming.choice("details", session.step, session_id=8)
    assert engine.details(session, another_session) is None


def test_a_tip_with_a_fold_keeps_its_explanation_behind_details_while_the_walk_goes_on(
    engine: Engine,
) -> None:
    session = answer(engine, engine.start(1, "kinds", EVE).session, "koffie", "50").session
    busy = engine.reply(replace(session, id=7), Incoming.choice("2"), EVE)
    [tip, question] = busy.messages
    pressed = Incoming.choice(tip.buttons[0].value, busy.session.step, session_id=7)

    shown = engine.reply(busy.session, pressed, EVE)
    earlier = replace(pressed, step=busy.session.step - 1)  # pressed after later answers
    later = engine.reply(busy.session, earlier, EVE)

    assert tip.text == "Druk! Score 100."
    assert [b.label for b in tip.buttons] == ["Details"]
    assert texts(shown) == [
        "Druk! Score 100.\n\nWie druk is, plant eerst en verkoopt koffie daarna."
    ]
    assert shown.outcome == "details"
    assert shown.session is busy.session  # reading the tip moves nothing and saves nothing
    assert shown.saved == ()
    assert question.text == "Welke kant op, koffie?"
    assert "summary" not in busy.session.answers
    assert later.outcome == "details"  # a tip stays readable while the walk goes on


@pytest.mark.parametrize("value", ["details-0", "details-1", "details-999", "details-x"])
def test_a_forged_tip_details_button_is_just_a_wrong_button(engine: Engine, value: str) -> None:
    # node 0 is the greeting (no fold), node 1 a question; neither has details to show
    turn = engine.reply(at_route(engine), Incoming.choice(value), EVE)

    assert turn.outcome == "rejected"
    assert turn.session.node == "route"


def test_an_end_without_a_fold_has_no_details_button_and_saves_no_summary(
    engine: Engine,
) -> None:
    finished = engine.reply(at_route(engine), Incoming.choice("left"), EVE)

    assert finished.messages[-1].buttons == ()
    assert "summary" not in finished.session.answers


def test_typing_a_button_label_counts_as_pressing_it(engine: Engine) -> None:
    turn = engine.reply(at_route(engine), Incoming.text(" links "), EVE)

    assert turn.session.answers["route"] == "left"


@pytest.mark.parametrize(
    ("incoming", "explanation"),
    [
        (Incoming.text("weet ik niet"), "Kies een van de knoppen"),
        (Incoming.choice("middle"), "hoort niet bij deze vraag"),
        (Incoming.unsupported("sticker"), "Dat kan ik niet lezen"),
    ],
)
def test_choice_refuses_free_text_unknown_options_and_stickers(
    engine: Engine, incoming: Incoming, explanation: str
) -> None:
    session = at_route(engine)

    turn = engine.reply(session, incoming, EVE)

    assert turn.outcome == "rejected"
    assert explanation in (turn.notice or "")
    assert [b.label for b in turn.messages[-1].buttons] == ["Links", "Rechts"]
    assert turn.session is session


def test_a_button_from_an_earlier_step_changes_nothing(engine: Engine) -> None:
    session = at_route(engine)

    turn = engine.reply(session, Incoming.choice("left", step=session.step - 1), EVE)

    assert turn.outcome == "stale"
    assert "eerdere vraag" in (turn.notice or "")
    assert turn.session.node == "route"
    assert "route" not in turn.session.answers


def test_back_undoes_the_last_answer_and_asks_it_again(engine: Engine) -> None:
    session = answer(
        engine, engine.start(1, "kinds", EVE).session, "koffie", "50", Incoming.choice("2")
    ).session
    assert session.answers["score"] == 100

    turn = engine.back(session, EVE)

    assert turn.session.node == "mood"
    assert turn.session.answers == {"product": "koffie", "deals": 50}
    assert turn.messages[-1].text.startswith("Hoe gaat het?")
    assert turn.session.step == session.step + 1


def test_back_at_the_first_question_says_there_is_nothing_to_undo(engine: Engine) -> None:
    session = engine.start(1, "kinds", EVE).session

    turn = engine.back(session, EVE)

    assert "niets om terug te draaien" in (turn.notice or "")
    assert turn.session.node == "product"


def test_back_twice_then_answer_differently(engine: Engine) -> None:
    session = answer(engine, engine.start(1, "kinds", EVE).session, "koffie", "10").session
    session = engine.back(engine.back(session, EVE).session, EVE).session
    assert session.node == "product"
    assert session.answers == {}

    turn = answer(engine, session, "thee", "20")

    assert turn.session.answers == {"product": "thee", "deals": 20}


def test_user_text_is_escaped_but_admin_markup_stays(engine: Engine) -> None:
    start = engine.start(1, "relationships", EVE).session
    session = answer(
        engine, start, Incoming.choice("lunch"), Incoming.choice("1"), Incoming.choice("1")
    )
    session = answer(
        engine,
        session.session,
        Incoming.choice("1"),
        "<b>bel</b> Jan & </code> Piet",
        "vrijdag",
        "Als het druk is, doe ik het <i>morgen</i>",
        Incoming.choice("5"),
    )

    summary = session.messages[-1].text
    assert "&lt;b&gt;bel&lt;/b&gt; Jan &amp; &lt;/code&gt; Piet" in summary
    assert "<b>Afgesproken, Eve.</b>" in summary
    assert "&lt;i&gt;morgen&lt;/i&gt;" in str(session.messages[-1].details)
    assert "<b>bel</b>" not in summary


def test_a_name_with_markup_is_escaped(engine: Engine) -> None:
    turn = engine.start(1, "kinds", Person("<i>Eve</i> & co", "nl"))

    assert turn.messages[0].text == "Hoi &lt;i&gt;Eve&lt;/i&gt; &amp; co!"


def test_a_completed_session_takes_no_more_answers(engine: Engine) -> None:
    done = engine.reply(at_route(engine), Incoming.choice("left"), EVE).session

    with pytest.raises(SessionNotActive):
        engine.reply(done, Incoming.text("nog iets"), EVE)


def test_one_shared_machine_serves_every_session(engine: Engine, catalog: Catalog) -> None:
    machine = catalog.get("kinds").machine
    for user in range(50):
        session = at_route(engine, Person(f"user{user}", "nl"))
        engine.reply(session, Incoming.choice("right"), EVE)

    assert catalog.get("kinds").machine is machine
    assert machine.models == []  # no session was ever bound to the machine


def test_steps_do_not_mutate_the_session_they_were_given(engine: Engine) -> None:
    session = engine.start(1, "kinds", EVE).session
    before = (session.node, dict(session.answers), list(session.history), session.step)

    engine.reply(session, Incoming.text("koffie"), EVE)

    assert (session.node, session.answers, session.history, session.step) == before


def test_a_button_from_another_session_changes_nothing(engine: Engine) -> None:
    session = at_route(engine)
    session.id = 7

    turn = engine.reply(session, Incoming.choice("left", step=session.step, session_id=6), EVE)

    assert turn.outcome == "stale"
    assert turn.session.node == "route"
    assert "route" not in turn.session.answers
