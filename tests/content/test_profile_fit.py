"""Advice that fits the profile: the rules in never_after.yaml, checked over persona walks.

Every track is walked in both languages by three salespeople with a stored profile (a junior
B2B software seller who barely posts, a sceptical field rep in industrial supplies, a
consumer-brand seller who mostly posts promotions) and by someone without a profile, in the
real, lazy and long styles of the commitment walks. For each rule whose ``when`` holds for the
walker's profile, none of its ``never`` phrases may appear in any message they are shown.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.dialogue.model import NumberNode
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from bot.engine.walks import explore
from bot.records import Profile
from tests.content.test_commitment_walks import (
    CONSUMER,
    FIELD_REP,
    JUNIOR,
    LONGER,
    MAX_MESSAGE,
    MAX_TURNS,
    STYLES,
    TODAY,
    Persona,
    Salesperson,
    visible,
)
from tests.engine.test_profile import go_on

RULES_FILE = Path(__file__).with_name("never_after.yaml")
TRACKS = ["relationships", "talk", "authentic", "why", "buy_cycle"]
LANGS = ["nl", "en"]
SEEDS = (1, 2, 3, 4)
PROFILES: dict[str, tuple[Persona, Profile]] = {
    **{persona.key: (persona, persona.profile) for persona in (JUNIOR, FIELD_REP, CONSUMER)},
    "no_profile": (JUNIOR, Profile()),
}


def rules_for(track: str) -> list[dict[str, Any]]:
    """The rules that hold in ``track``: the shared ones plus its own."""
    loaded = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return [*loaded["all"], *(loaded.get(track) or [])]


def holds(rule: dict[str, Any], profile: Profile) -> bool:
    """Whether a rule's ``when`` is true for ``profile``, read as a dialogue condition."""
    check = ImmutableSandboxedEnvironment().compile_expression(rule["when"])
    return bool(check(profile=profile.names()))


def shown_text(text: str) -> str:
    """A message as the user reads it, lower-cased: markup out, entities resolved."""
    return html.unescape(re.sub(r"<[^>]+>", "", text)).casefold()


def messages_of_walk(
    engine: Engine, track: str, lang: str, key: str, style: str, seed: int
) -> list[str]:
    """Every message (and details text) one walk shows, as read."""
    persona, profile = PROFILES[key]
    person = Person("Sam", lang, TODAY, profile=profile)
    dialogue = engine.catalog.get(track)
    speaker = Salesperson(persona, style, lang, seed)
    turn = engine.start(1, track, person)
    shown = [m.text for m in turn.messages]
    for _ in range(MAX_TURNS):
        if turn.finished:
            break
        node = dialogue.model.nodes[turn.session.node]
        incoming = (
            Incoming.text("120") if isinstance(node, NumberNode) else speaker.answer(node, "")
        )
        turn = engine.reply(turn.session, incoming, person)
        if turn.outcome == "rejected":  # too short: says more
            turn = engine.reply(turn.session, Incoming.text(LONGER[lang]), person)
        assert turn.outcome in {"accepted", "completed"}, (turn.session.node, turn.notice)
        shown += [m.text for m in turn.messages] + [m.details or "" for m in turn.messages]
    assert turn.finished, f"{track} does not end"
    return [shown_text(text) for text in shown]


CASES = [(track, lang, key) for track in TRACKS for lang in LANGS for key in PROFILES]


@pytest.mark.parametrize(("track", "lang", "key"), CASES, ids=["-".join(c) for c in CASES])
def test_no_walk_shows_advice_the_profile_rules_out(
    engine: Engine, track: str, lang: str, key: str
) -> None:
    profile = PROFILES[key][1]
    banned = [p.casefold() for r in rules_for(track) if holds(r, profile) for p in r["never"]]
    for style in STYLES:
        for seed in SEEDS:
            for text in messages_of_walk(engine, track, lang, key, style, seed):
                found = [phrase for phrase in banned if phrase in text]
                assert not found, (style, seed, found, text)
                assert lang == "nl" or " klant" not in text, text  # fitting, and in English


@pytest.mark.parametrize(("track", "lang", "key"), CASES, ids=["-".join(c) for c in CASES])
def test_no_branch_shows_advice_the_profile_rules_out(
    engine: Engine, track: str, lang: str, key: str
) -> None:
    """The same rules over the edge walker, which takes every option of every question."""
    profile = PROFILES[key][1]
    banned = [p.casefold() for r in rules_for(track) if holds(r, profile) for p in r["never"]]
    walked = explore(engine, track, lang, profiles=(profile,))
    for text in walked.shown:
        assert [phrase for phrase in banned if phrase in shown_text(text)] == [], text
        assert visible(text) <= MAX_MESSAGE, text  # what fits the profile still fits a phone
    for text in walked.details:
        assert [phrase for phrase in banned if phrase in shown_text(text)] == [], text


def test_the_rules_apply_to_the_profiles_they_are_meant_for() -> None:
    junior, field_rep, consumer, nobody = (p for _, p in PROFILES.values())
    [no_posts, consumer_only, field_only] = rules_for("talk")[:3]

    assert [holds(no_posts, p) for p in (junior, field_rep, consumer, nobody)] == [
        True,
        True,
        False,
        False,
    ]
    assert [holds(consumer_only, p) for p in (junior, consumer)] == [False, True]
    assert [holds(field_only, p) for p in (field_rep, nobody)] == [True, False]


@pytest.mark.parametrize(("lang", "idea"), [("nl", "één wereld"), ("en", "one world")])
def test_a_field_rep_who_does_not_post_hears_that_online_and_on_site_are_one_world(
    engine: Engine, lang: str, idea: str
) -> None:
    def heard(key: str) -> bool:
        walked = explore(engine, "talk", lang, profiles=(PROFILES[key][1],))
        return any(idea in shown_text(text) for text in walked.shown)

    assert [heard(key) for key in ("field_rep", "junior", "no_profile")] == [True, False, False]


TALK_UP_TO_THE_PLAN = (
    "Keukens op maat",
    "often",
    "Dat de keuken precies op tijd klaar was",
    "push",
    "1",
    "Dat ze een mooie keuken hebben",
    "De levering",
    "3",
    "niks",
)


@pytest.mark.parametrize(
    ("profile", "example"),
    [
        (Profile(), "vervang je volgende actiebericht door een kort verhaal"),
        (PROFILES["consumer"][1], "vervang je volgende actiebericht door een kort verhaal"),
        (PROFILES["field_rep"][1], "vertel ze bij je volgende klantbezoek aan een klant"),
        (PROFILES["junior"][1], "vertel ze bij je volgende klantgesprek aan een klant"),
    ],
)
def test_the_examples_offered_for_a_lazy_plan_fit_the_profile_and_stay_generic_without_one(
    engine: Engine, profile: Profile, example: str
) -> None:
    person = Person("Sam", "nl", TODAY, profile=profile)
    turn = go_on(engine, engine.start(1, "talk", person), person, *TALK_UP_TO_THE_PLAN)

    assert turn.session.node == "action_again"
    assert example in turn.messages[-1].text
