"""Date questions: quick-pick buttons, typed days in Dutch and English, and dates in texts."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.dialogue.dates import day_label, parse_date, quick_picks
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from bot.records import NewCommitment
from tests.conftest import PROMPTS

THURSDAY = date(2026, 12, 3)

DATED = """\
id: dated
title: {nl: Wanneer, en: When}
description: {nl: Test, en: Test}
start: plan
nodes:
  plan:
    type: text
    text: {nl: "Wat ga je doen?", en: "What will you do?"}
    save: plan
    next: when
  when:
    type: date
    text: {nl: "Wanneer doe je het?", en: "When will you do it?"}
    save: when
    max_days: 30
    next: done
  done:
    type: end
    text:
      nl: "{{ plan }} op {{ when|day }}, over {{ days_until(when) }} dagen."
      en: "{{ plan }} on {{ when|day }}, in {{ days_until(when) }} days."
    commitment:
      text: plan
      follow_up_days: days_until(when) + 1
"""


@pytest.mark.parametrize(
    ("typed", "lang", "meant"),
    [
        ("vrijdag", "nl", date(2026, 12, 4)),
        ("Vrijdag", "nl", date(2026, 12, 4)),
        ("donderdag", "nl", date(2026, 12, 10)),  # said on a Thursday: next week's
        ("ma", "nl", date(2026, 12, 7)),
        ("morgen", "nl", date(2026, 12, 4)),
        ("overmorgen", "nl", date(2026, 12, 5)),
        ("volgende week", "nl", date(2026, 12, 10)),
        ("over 2 weken", "nl", date(2026, 12, 17)),
        ("over een week", "nl", date(2026, 12, 10)),
        ("over twee weken", "nl", date(2026, 12, 17)),
        ("over drie dagen", "nl", date(2026, 12, 6)),
        ("5-12", "nl", date(2026, 12, 5)),
        ("7/12", "nl", date(2026, 12, 7)),
        ("5 december", "nl", date(2026, 12, 5)),
        ("3 jan", "nl", date(2027, 1, 3)),
        ("2026-12-05", "nl", date(2026, 12, 5)),
        ("friday", "en", date(2026, 12, 4)),
        ("next Tuesday", "en", date(2026, 12, 8)),
        ("tomorrow", "en", date(2026, 12, 4)),
        ("Dec 5", "en", date(2026, 12, 5)),
        ("12/5", "en", date(2026, 12, 5)),
        ("in 2 weeks", "en", date(2026, 12, 17)),
        ("in a week", "en", date(2026, 12, 10)),
        ("in two weeks", "en", date(2026, 12, 17)),
        ("2026-12-05", "en", date(2026, 12, 5)),
        ("1-1-28", "nl", date(2028, 1, 1)),  # a two-digit year
        ("5-12-2040", "nl", date(2040, 12, 5)),  # far ahead, but written out
    ],
)
def test_days_are_read_the_way_people_write_them(typed: str, lang: str, meant: date) -> None:
    assert parse_date(typed, lang, THURSDAY) == meant


@pytest.mark.parametrize(
    "typed",
    ["weet niet", "idk", "december", "mei", "?", "x" * 10_000, "", "binnenkort", "13-13", "1-1-13"],
)
def test_what_is_no_day_is_not_read_as_one(typed: str) -> None:
    assert parse_date(typed, "nl", THURSDAY) is None
    assert parse_date(typed, "en", THURSDAY) is None


def test_labels_name_the_weekday_and_say_tomorrow() -> None:
    assert day_label(date(2026, 12, 4), "nl", THURSDAY) == "morgen, vrijdag 4 december"
    assert day_label(date(2026, 12, 7), "en", THURSDAY) == "Monday 7 December"
    assert day_label(date(2027, 1, 8), "en", THURSDAY) == "Friday 8 January 2027"


def test_quick_picks_stay_within_reach() -> None:
    assert quick_picks(THURSDAY, 90) == [
        date(2026, 12, 4),  # tomorrow (a Friday)
        date(2026, 12, 7),  # Monday
        date(2026, 12, 10),  # in a week
        date(2026, 12, 11),  # the Friday after tomorrow's
    ]
    assert quick_picks(THURSDAY, 4) == [date(2026, 12, 4), date(2026, 12, 7)]


@pytest.fixture
def dated(tmp_path: Path) -> Engine:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "dated.yaml").write_text(textwrap.dedent(DATED), encoding="utf-8")
    catalog = load_catalog([folder], PROMPTS)
    assert not catalog.broken, catalog.problems
    return Engine(catalog)


def test_a_date_question_offers_buttons_and_ends_with_a_dated_commitment(dated: Engine) -> None:
    eva = Person("Eva", "nl", today=THURSDAY)
    asked = dated.reply(dated.start(1, "dated", eva).session, Incoming.text("Jan bellen"), eva)

    labels = [b.label for b in asked.buttons]
    assert labels == ["Morgen (vr 4 dec)", "Maandag 7 dec", "Donderdag 10 dec", "Vrijdag 11 dec"]
    done = dated.reply(asked.session, Incoming.choice(asked.buttons[1].value), eva)

    assert done.session.answers["when"] == "2026-12-07"
    assert done.messages[-1].text == "Jan bellen op maandag 7 december, over 4 dagen."
    assert NewCommitment("Jan bellen", 5) in done.effects


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("weet ik nog niet", "Die datum kan ik niet lezen"),
        ("1-12", "is al geweest"),
        ("2027-03-01", "Dat is ver weg. Kies een dag tot en met zaterdag 2 januari"),
    ],
)
def test_a_day_that_cannot_be_taken_is_explained(dated: Engine, typed: str, said: str) -> None:
    eva = Person("Eva", "nl", today=THURSDAY)
    asked = dated.reply(dated.start(1, "dated", eva).session, Incoming.text("Jan bellen"), eva)

    again = dated.reply(asked.session, Incoming.text(typed), eva)

    assert again.outcome == "rejected"
    assert again.notice is not None
    assert said in again.notice
    assert "when" not in again.session.answers


def test_a_typed_day_in_english(dated: Engine) -> None:
    sam = Person("Sam", "en", today=THURSDAY)
    asked = dated.reply(dated.start(1, "dated", sam).session, Incoming.text("Call Jo"), sam)

    done = dated.reply(asked.session, Incoming.text("friday"), sam)

    assert done.messages[-1].text == "Call Jo on tomorrow, Friday 4 December, in 1 days."
