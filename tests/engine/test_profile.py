"""The profile in the engine: what the profile dialogue stores, and ``profile.*`` everywhere."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.presenter import context
from bot.engine.turn import Incoming, Turn
from bot.records import Profile, SaveProfile, Session

CONSUMER = Profile("consumer", "Keukens op maat", "inside", "under_2", ("instagram",))
SILENT_REP = Profile("b2b", "Hydraulische slangen", "field", "over_10", ("none",))


def walk(engine: Engine, dialogue_id: str, person: Person, *answers: str) -> Turn:
    """Start ``dialogue_id`` and answer in turn (a choice's value, else typed text)."""
    return go_on(engine, engine.start(1, dialogue_id, person), person, *answers)


def go_on(engine: Engine, turn: Turn, person: Person, *answers: str) -> Turn:
    """Answer the questions from ``turn`` on."""
    for value in answers:
        dialogue = engine.catalog.get(turn.session.dialogue_id)
        node = dialogue.model.nodes[turn.session.node]
        is_choice = any(str(o.value) == value for o in getattr(node, "options", []))
        incoming = Incoming.choice(value) if is_choice else Incoming.text(value)
        turn = engine.reply(turn.session, incoming, person)
        assert turn.outcome in {"accepted", "completed"}, (value, turn.notice)
    return turn


def saved_profiles(turn: Turn) -> list[Profile]:
    return [e.profile for e in turn.effects if isinstance(e, SaveProfile)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_finishing_the_profile_dialogue_stores_every_field(engine: Engine, lang: str) -> None:
    person = Person("Eve", lang)
    answers = ("b2b", "Boekhoudsoftware", "field", "2_to_5", "LinkedIn, WhatsApp")
    turn = walk(engine, "profile", person, *answers)

    assert turn.finished
    assert saved_profiles(turn) == [
        Profile("b2b", "Boekhoudsoftware", "field", "2_to_5", ("linkedin", "whatsapp"))
    ]
    assert "Boekhoudsoftware" in turn.messages[-1].text  # the summary says what it keeps


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skipping_stores_nothing(engine: Engine, lang: str) -> None:
    turn = walk(engine, "profile", Person("Eve", lang), "skip")

    assert turn.finished
    assert saved_profiles(turn) == []
    assert "/profile" in turn.messages[-1].text  # where to fill it in later


def test_without_a_profile_every_field_is_there_and_empty() -> None:
    names = context(Session(1, "x", "v", "n"), Person("Eve", "nl"))

    assert names["profile"] == {
        "market": "",
        "product": "",
        "role": "",
        "experience": "",
        "channels": [],
        "offline": False,
    }


@pytest.mark.parametrize(
    ("channels", "offline"),
    [
        ((), False),
        (("email",), True),
        (("phone", "events"), True),
        (("none",), True),
        (("email", "linkedin"), False),
        (("instagram",), False),
    ],
)
def test_offline_means_channels_known_and_none_to_post_on(
    channels: tuple[str, ...], offline: bool
) -> None:
    names = context(
        Session(1, "x", "v", "n"), Person("Eve", "nl", profile=Profile(channels=channels))
    )

    assert names["profile"]["offline"] is offline


def test_a_stored_profile_is_read_with_channels_as_a_list() -> None:
    names = context(
        Session(1, "x", "v", "n", answers={"profile": "typed"}), Person("E", "nl", profile=CONSUMER)
    )

    assert names["profile"]["market"] == "consumer"
    assert names["profile"]["channels"] == ["instagram"]  # a list: == ["..."] works


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [Profile(), CONSUMER, SILENT_REP])
def test_every_dialogue_starts_with_or_without_a_profile(
    engine: Engine, lang: str, profile: Profile
) -> None:
    for dialogue in engine.catalog.listed():
        if not dialogue.model.inputs:
            assert engine.start(1, dialogue.id, Person("Eve", lang, profile=profile)).messages


def recommendation(turn: Turn) -> str:
    return next(m.text for m in turn.messages if "🧭" in m.text)


def test_which_track_recommends_from_the_profile_when_the_goal_is_unknown(engine: Engine) -> None:
    consumer = walk(engine, "which_track", Person("Eve", "nl", profile=CONSUMER), "unsure", "own")
    business = walk(engine, "which_track", Person("Eve", "nl", profile=SILENT_REP), "unsure")
    nobody = walk(engine, "which_track", Person("Eve", "nl"), "unsure", "own")

    assert consumer.session.answers["recommended"] == "talk"
    assert "Je verkoopt aan consumenten" in recommendation(consumer)
    assert business.session.answers["recommended"] == "relationships"  # a field rep, no posts
    assert nobody.session.answers["recommended"] == "relationships"


OFFLINE = Profile("b2b", "Drukwerk", "inside", "5_to_10", ("email", "phone"))
POSTER = Profile("b2b", "Drukwerk", "inside", "5_to_10", ("email", "linkedin"))


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("profile", [SILENT_REP, OFFLINE])
def test_who_posts_nothing_is_not_asked_how_they_post_nor_told_about_offers(
    engine: Engine, lang: str, profile: Profile
) -> None:
    turn = walk(engine, "which_track", Person("Eve", lang, profile=profile), "talk")

    assert turn.session.node == "go"  # straight past the question how they post
    assert turn.session.answers["habit"] == "little"
    shown = " ".join(m.text for m in turn.messages).lower()
    for offer in ("aanbieding", "promo", "offer", "discount", "korting"):
        assert offer not in shown


def test_who_posts_on_linkedin_is_asked_how(engine: Engine) -> None:
    turn = walk(engine, "which_track", Person("Eve", "nl", profile=POSTER), "talk")

    assert turn.session.node == "habit"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_i_dont_know_is_a_button_of_the_goal_question(engine: Engine, lang: str) -> None:
    turn = engine.start(1, "which_track", Person("Eve", lang))

    labels = [b.label for b in turn.buttons]
    assert ("Weet ik niet" if lang == "nl" else "I don't know") in labels


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_vague_product_is_asked_once_more_then_kept_out(engine: Engine, lang: str) -> None:
    person = Person("Eve", lang)
    asked_again = walk(engine, "profile", person, "b2b", "weet niet")
    turn = go_on(engine, asked_again, person, "geen idee", "field", "under_2", "Instagram")

    assert asked_again.session.node == "product_again"
    assert saved_profiles(turn)[0].product == ""
    assert "geen idee" not in turn.messages[-1].text


def test_a_long_product_is_quoted_as_a_phrase(engine: Engine) -> None:
    long = "Hydraulische slangen en koppelingen, vooral voor machinebouwers in het oosten"
    turn = walk(engine, "profile", Person("Eve", "nl"), "b2b", long, "field", "under_2", "Telefoon")

    assert saved_profiles(turn)[0].product == long  # stored whole
    assert "aan bedrijven: Hydraulische slangen en koppelingen\n" in turn.messages[-1].text
