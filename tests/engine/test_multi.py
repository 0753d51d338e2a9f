"""The multi-select question with plain engine calls: toggles, Done, typed lists, stale, back."""

from __future__ import annotations

import json

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.presenter import context
from bot.engine.turn import DONE, Incoming, Turn
from bot.records import Frame, Session
from tests.engine.test_engine import answer

EVE = Person("Eve", "nl")
SAM = Person("Sam", "en")


def at_channels(engine: Engine, person: Person = EVE) -> Session:
    """A session of the channels dialogue waiting at its first multi question."""
    start = engine.start(1, "channels", person).session
    return answer(engine, start, "slangen", person=person).session


def press(engine: Engine, session: Session, *values: str, person: Person = EVE) -> Turn:
    """Press the buttons ``values`` of the question as shown each time; return the last turn."""
    turn = engine.show(session, person)
    for value in values:
        turn = engine.reply(turn.session, Incoming.choice(value, turn.session.step), person)
    return turn


def ticked(turn: Turn) -> list[str]:
    """The values of the options shown ticked."""
    return [b.value[1:] for b in turn.messages[-1].buttons if b.chosen]


def marked(turn: Turn) -> list[str]:
    """The labels of the last message's buttons as shown, marks included."""
    return [button.shown for button in turn.messages[-1].buttons]


def test_the_question_shows_every_option_unmarked_and_a_done_button(engine: Engine) -> None:
    turn = engine.show(at_channels(engine), EVE)

    message = turn.messages[-1]
    assert message.multi
    assert marked(turn) == [
        "LinkedIn",
        "Instagram",
        "WhatsApp",
        "E-mail",
        "Beurzen en events",
        "Telefoon",
        "Geen",
        "Klaar",
    ]
    assert message.buttons[-1].value == DONE


def test_a_press_toggles_an_option_on_and_moves_the_step_without_saving_an_answer(
    engine: Engine,
) -> None:
    session = at_channels(engine)

    turn = press(engine, session, "linkedin")

    assert turn.outcome == "toggled"
    assert marked(turn)[:2] == ["✓ LinkedIn", "Instagram"]
    assert turn.session.node == "channels"
    assert turn.session.step == session.step + 1
    assert turn.saved == ()
    assert "channels" not in turn.session.answers
    assert turn.session.history == session.history  # a toggle is no undo step


def test_a_second_press_toggles_it_off(engine: Engine) -> None:
    turn = press(engine, at_channels(engine), "linkedin", "email", "linkedin")

    assert [b.label for b in turn.messages[-1].buttons if b.chosen] == ["E-mail"]


def test_an_exclusive_option_deselects_the_others_and_is_deselected_by_them(
    engine: Engine,
) -> None:
    session = at_channels(engine)

    alone = press(engine, session, "linkedin", "email", "none")
    again = press(engine, alone.session, "phone")

    assert ticked(alone) == ["none"]
    assert ticked(again) == ["phone"]


def test_done_saves_the_chosen_values_in_option_order_and_branches_on_membership(
    engine: Engine,
) -> None:
    turn = press(engine, at_channels(engine), "phone", "linkedin", DONE)

    assert turn.outcome == "accepted"
    assert turn.session.answers["channels"] == ["linkedin", "phone"]
    assert turn.session.answers["reach"] == 2
    assert turn.visited == ("linkedin_tip", "focus")
    assert [s.value for s in turn.saved if s.key == "channels"] == [["linkedin", "phone"]]
    assert "_picked" not in turn.session.answers


def test_the_exclusive_option_alone_takes_its_own_branch(engine: Engine) -> None:
    turn = press(engine, at_channels(engine), "email", "none", DONE)

    assert turn.session.answers["channels"] == ["none"]
    assert turn.visited == ("no_channels", "focus")


@pytest.mark.parametrize(
    ("pressed", "notice"),
    [
        ((), "Je hebt nog niets gekozen. Tik op wat past en daarna op Klaar."),
        (("listen",), "Kies er minstens 2; nu zijn het er 1."),
    ],
)
def test_done_with_too_few_asks_again_and_keeps_the_selection(
    engine: Engine, pressed: tuple[str, ...], notice: str
) -> None:
    at_focus = press(engine, at_channels(engine), "email", DONE).session
    session = press(engine, at_focus, *pressed).session if pressed else at_focus

    turn = engine.reply(session, Incoming.choice(DONE, session.step), EVE)

    assert turn.outcome == "rejected"
    assert turn.notice == notice
    assert turn.session is session
    assert ticked(turn) == list(pressed)


def test_a_press_beyond_the_maximum_is_refused_and_changes_nothing(engine: Engine) -> None:
    at_focus = press(engine, at_channels(engine), "email", DONE).session
    three = press(engine, at_focus, "listen", "ask", "follow").session

    turn = engine.reply(three, Incoming.choice("share", three.step), EVE)

    assert turn.outcome == "rejected"
    assert turn.notice == "Je kunt er hoogstens 3 kiezen (nu 4)."
    assert turn.session is three


@pytest.mark.parametrize(
    ("typed", "person", "chosen"),
    [
        ("e-MAIL, linkedin", EVE, ["linkedin", "email"]),
        ("  Telefoon ;whatsapp,, ", EVE, ["whatsapp", "phone"]),
        ("Fairs and events", EVE, ["events"]),  # the other language's label is understood too
        ("Email, Phone", SAM, ["email", "phone"]),
        ("geen", EVE, ["none"]),
    ],
)
def test_a_typed_list_of_labels_is_the_whole_answer(
    engine: Engine, typed: str, person: Person, chosen: list[str]
) -> None:
    session = press(engine, at_channels(engine, person), "instagram", person=person).session

    turn = engine.reply(session, Incoming.text(typed), person)

    assert turn.outcome == "accepted"
    assert turn.session.answers["channels"] == chosen  # the toggled Instagram is not added


def test_typing_klaar_or_done_acts_as_the_done_button(engine: Engine) -> None:
    for word in ("klaar", "Done"):
        session = press(engine, at_channels(engine), "whatsapp").session

        turn = engine.reply(session, Incoming.text(word), EVE)

        assert turn.session.answers["channels"] == ["whatsapp"]


@pytest.mark.parametrize(
    ("typed", "notice"),
    [
        (
            "LinkedIn en soms de telefoon",
            "“LinkedIn en soms de telefoon” herken ik niet als keuze. Tik op de knoppen en daarna "
            "op Klaar, of typ de namen met komma's ertussen, bijvoorbeeld: LinkedIn, Instagram.",
        ),
        (
            "Geen, LinkedIn",
            "“Geen” gaat niet samen met andere keuzes: kies het alleen, of laat het weg.",
        ),
    ],
)
def test_other_typed_text_is_refused_saying_how_to_answer(
    engine: Engine, typed: str, notice: str
) -> None:
    session = at_channels(engine)

    turn = engine.reply(session, Incoming.text(typed), EVE)

    assert turn.outcome == "rejected"
    assert turn.notice == notice
    assert turn.session is session


def test_buttons_say_tick_on_or_tick_off_and_done(engine: Engine) -> None:
    turn = press(engine, at_channels(engine), "+linkedin")

    values = [b.value for b in turn.messages[-1].buttons]
    assert values[:3] == ["~linkedin", "+instagram", "+whatsapp"]
    assert values[-2:] == ["+none", DONE]


def test_a_quick_second_tap_on_the_question_as_shown_a_moment_ago_does_what_it_showed(
    engine: Engine,
) -> None:
    shown = at_channels(engine)  # both taps come from this keyboard, before it was edited
    first = engine.reply(shown, Incoming.choice("+linkedin", shown.step), EVE).session

    second = engine.reply(first, Incoming.choice("+email", shown.step), EVE)
    again = engine.reply(second.session, Incoming.choice("+linkedin", shown.step), EVE)
    done = engine.reply(again.session, Incoming.choice(DONE, shown.step), EVE)

    assert second.outcome == "toggled"
    assert ticked(second) == ["linkedin", "email"]
    assert ticked(again) == ["linkedin", "email"]  # "tick on" twice leaves it ticked
    assert done.session.answers["channels"] == ["linkedin", "email"]


def test_a_press_that_only_flips_from_an_earlier_rendering_is_stale(engine: Engine) -> None:
    session = at_channels(engine)
    toggled = press(engine, session, "+linkedin").session

    turn = engine.reply(toggled, Incoming.choice("linkedin", session.step), EVE)

    assert turn.outcome == "stale"
    assert turn.session is toggled


def test_a_press_from_an_earlier_visit_of_the_question_is_stale(engine: Engine) -> None:
    first_visit = press(engine, at_channels(engine), "+linkedin")
    old_step = first_visit.session.step
    back = engine.back(first_visit.session, EVE)  # to the product question
    second_visit = answer(engine, back.session, "koffie")
    toggled = press(engine, second_visit.session, "+phone").session

    turn = engine.reply(toggled, Incoming.choice("+email", old_step), EVE)
    done = engine.reply(toggled, Incoming.choice(DONE, old_step), EVE)

    assert (turn.outcome, done.outcome) == ("stale", "stale")
    assert ticked(turn) == ["phone"]


def test_a_press_on_another_question_is_stale(engine: Engine) -> None:
    product = engine.start(1, "channels", EVE).session
    session = answer(engine, product, "koffie").session

    turn = engine.reply(session, Incoming.choice("+email", product.step), EVE)

    assert turn.outcome == "stale"


def test_done_says_the_answer_in_words_for_the_channel_to_mark_the_question(
    engine: Engine,
) -> None:
    done = press(engine, at_channels(engine), "+phone", "+email", DONE)

    assert done.answered == "E-mail, Telefoon"


def test_the_selection_is_plain_json_and_survives_a_round_trip(engine: Engine) -> None:
    toggled = press(engine, at_channels(engine), "linkedin", "events").session
    stored = json.loads(json.dumps(toggled.answers))
    reloaded = Session(1, "channels", toggled.version, "channels", stored, step=toggled.step)

    shown = engine.show(reloaded, EVE)
    done = engine.reply(reloaded, Incoming.choice(DONE, reloaded.step), EVE)

    assert ticked(shown) == ["linkedin", "events"]
    assert done.session.answers["channels"] == ["linkedin", "events"]


def test_templates_and_conditions_never_see_the_selection_in_progress(engine: Engine) -> None:
    toggled = press(engine, at_channels(engine), "linkedin").session

    names = context(toggled, EVE)

    assert "_picked" not in names
    assert "_picked" not in names["answers"]


def test_back_after_done_returns_to_the_question_with_the_earlier_selection(
    engine: Engine,
) -> None:
    done = press(engine, at_channels(engine), "instagram", "phone", DONE)

    back = engine.back(done.session, EVE)

    assert back.session.node == "channels"
    assert "channels" not in back.session.answers
    assert ticked(back) == ["instagram", "phone"]
    again = engine.reply(back.session, Incoming.choice(DONE, back.session.step), EVE)
    assert again.session.answers["channels"] == ["instagram", "phone"]


def test_back_after_a_typed_list_also_shows_that_selection(engine: Engine) -> None:
    typed = engine.reply(at_channels(engine), Incoming.text("WhatsApp"), EVE)
    back = engine.back(typed.session, EVE)

    assert ticked(back) == ["whatsapp"]


def test_back_while_toggling_goes_to_the_question_before_and_drops_the_selection(
    engine: Engine,
) -> None:
    toggled = press(engine, at_channels(engine), "linkedin", "email").session

    back = engine.back(toggled, EVE)

    assert back.session.node == "product"
    assert back.session.answers == {}
    assert back.session.history == []
    shown = answer(engine, back.session, "koffie")
    assert not any(b.chosen for b in shown.messages[-1].buttons)


def test_a_frame_restoring_the_selection_is_plain_json(engine: Engine) -> None:
    done = press(engine, at_channels(engine), "events", DONE).session
    frame = done.history[-1]

    assert Frame.from_json(json.loads(json.dumps(frame.to_json()))) == frame
    assert frame.restore == {"_picked": {"picked": ["events"]}}
