"""Reading typed numbers the way Dutch and English speakers write them."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine, Person
from bot.engine.inputs import parse_number
from bot.engine.turn import Incoming
from tests.engine.test_engine import at_deals


@pytest.mark.parametrize(
    ("typed", "lang", "value"),
    [
        ("1.500", "nl", 1500),
        ("1.500,5", "nl", 1500.5),
        ("2,5", "nl", 2.5),
        ("2.5", "nl", 2.5),  # written the English way, and it cannot mean anything else
        ("1,500", "en", 1500),
        ("2.5", "en", 2.5),
        ("2,5", "en", 2.5),
        ("€ 1.200", "nl", 1200),
        ("-3", "en", -3),
        ("1.5.0", "nl", None),
        ("veel", "nl", None),
    ],
)
def test_numbers_as_people_write_them(typed: str, lang: str, value: float | None) -> None:
    assert parse_number(typed, lang) == value


def test_a_number_too_long_to_hold_exactly_is_refused_not_rounded(engine: Engine) -> None:
    eve = Person("Eve", "nl")

    turn = engine.reply(at_deals(engine, eve), Incoming.text("999999999999999999999"), eve)

    assert turn.outcome == "rejected"
    assert turn.notice == "Dat getal is te lang om mee te rekenen: gebruik hoogstens 15 cijfers."
    assert "deals" not in turn.session.answers
