"""A commitment's follow-up lies 1 to 365 days ahead; anything else is a content error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.engine.engine import MAX_FOLLOW_UP_DAYS, Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.errors import RenderError
from bot.records import NewCommitment
from tests.conftest import PROMPTS

PROMISE = textwrap.dedent(
    """\
    id: promise
    title: {nl: Belofte, en: Promise}
    description: {nl: Test, en: Test}
    start: days
    nodes:
      days:
        type: number
        text: {nl: Over hoeveel dagen?, en: In how many days?}
        save: days
        next: done
      done:
        type: end
        text: {nl: Afgesproken., en: Agreed.}
        commitment:
          text: '"bellen"'
          follow_up_days: days
    """
)


def engine(tmp_path: Path) -> Engine:
    """An engine serving the one dialogue above."""
    (tmp_path / "promise.yaml").write_text(PROMISE, encoding="utf-8")
    catalog = load_catalog([tmp_path], PROMPTS)
    assert not catalog.broken, catalog.problems
    return Engine(catalog)


def reply_days(engine: Engine, days: str) -> Turn:
    """Start the dialogue and answer its question with ``days``."""
    person = Person("Eve", "en")
    session = engine.start(1, "promise", person).session
    return engine.reply(session, Incoming.text(days), person)


@pytest.mark.parametrize("days", [1, MAX_FOLLOW_UP_DAYS])
def test_follow_up_days_within_range_make_a_commitment(tmp_path: Path, days: int) -> None:
    turn = reply_days(engine(tmp_path), str(days))
    assert NewCommitment("bellen", days) in turn.effects


@pytest.mark.parametrize("days", [0, -3, MAX_FOLLOW_UP_DAYS + 1, 10_000])
def test_follow_up_days_out_of_range_are_a_content_error(tmp_path: Path, days: int) -> None:
    with pytest.raises(RenderError, match="follow_up_days"):
        reply_days(engine(tmp_path), str(days))
