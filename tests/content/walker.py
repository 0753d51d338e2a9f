"""Feeds a dialogue answers that must each be taken (the walks themselves: bot/engine/walks.py)."""

from __future__ import annotations

from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.records import Session


def answer(engine: Engine, session: Session, *inputs: Incoming | str, person: Person) -> Turn:
    """Feed inputs one by one (a str is typed text), each of which must be taken; the last turn."""
    turn = None
    for item in inputs:
        incoming = Incoming.text(item) if isinstance(item, str) else item
        turn = engine.reply(session, incoming, person)
        assert turn.outcome in {"accepted", "completed"}, (session.node, turn.notice)
        session = turn.session
    assert turn is not None
    return turn
