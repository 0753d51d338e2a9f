"""Property-based: whatever a user sends, in any order, at any node, the engine answers calmly.

Hypothesis drives every dialogue (real and fixtures) with random sequences of typed text,
numbers, valid and unknown button values, stickers, stale buttons and /back. The engine never
raises, and the session it returns is always one it could store and resume.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram import callback_data as cd
from bot.dialogue.catalog import Catalog
from bot.dialogue.model import ChoiceNode, EndNode, MultiNode, SayNode
from bot.engine.engine import Engine, Person
from bot.engine.multi import PICKED
from bot.engine.turn import DONE, Incoming, Turn
from bot.engine.walks import SAMPLE_INPUTS
from bot.records import Session

TEXTS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "12", "1.500", "2,5", "-1", "999999999999999999999", "weet niet"]),
    st.sampled_from(["<b>x</b>", "&amp;", "</code>", "\u202e", "😀" * 30, "x" * 4000]),
)
# Each move: (kind, text, which option if a button) -- resolved against the node at hand.
DIALOGUE_IDS = ["which_track", "talk", "buy_cycle", "relationships", "authentic", "why", "checkin"]
DIALOGUE_IDS += ["kinds", "pick", "channels"]
MOVES = st.lists(
    st.tuples(
        st.sampled_from(["text", "button", "unknown_button", "stale_button", "sticker", "back"]),
        TEXTS,
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=25,
)


def latin1(raw: bytes) -> str:
    """Random bytes as the text Telegram would hand over."""
    return raw.decode("latin-1")


def incoming_for(session: Session, engine: Engine, move: tuple[str, str, int]) -> Incoming | None:
    """The Incoming a move stands for at the session's current node (None for /back)."""
    kind, text, pick = move
    node = engine.catalog.get(session.dialogue_id, session.version).model.nodes[session.node]
    if kind == "back":
        return None
    if kind == "sticker":
        return Incoming.unsupported("sticker")
    if kind == "button" and isinstance(node, MultiNode):  # an option to toggle, or Done
        values = [str(option.value) for option in node.options] + [DONE]
        return Incoming.choice(values[pick % len(values)], session.step, session.id)
    if kind == "button" and isinstance(node, ChoiceNode):
        option = node.options[pick % len(node.options)]
        return Incoming.choice(str(option.value), session.step, session.id)
    if kind == "button":
        return Incoming.choice(str(pick % 5 + 1), session.step, session.id)
    if kind == "unknown_button":
        return Incoming.choice(f"nope{pick}", session.step, session.id)
    if kind == "stale_button":
        return Incoming.choice("1", session.step - 1 - pick, session.id)
    return Incoming.text(text)


def assert_storable(turn: Turn, engine: Engine) -> None:
    """The session is plain JSON data resting on a question (or finished at an end)."""
    session = turn.session
    json.dumps(session.answers)
    json.dumps([frame.to_json() for frame in session.history])
    nodes = engine.catalog.get(session.dialogue_id, session.version).model.nodes
    assert session.node in nodes
    node = nodes[session.node]
    if session.status == "completed":
        assert isinstance(node, EndNode)
    else:
        assert session.status == "active"
        assert not isinstance(node, SayNode | EndNode)
    if PICKED in session.answers:  # a selection in progress belongs to the multi question only
        assert isinstance(node, MultiNode)
    assert turn.messages, "every turn shows something"


def run(engine: Engine, dialogue_id: str, lang: str, moves: list[tuple[str, str, int]]) -> None:
    person = Person("Eva <b>&", lang)
    inputs: dict[str, Any] = (
        dict(SAMPLE_INPUTS) if engine.catalog.get(dialogue_id).model.inputs else {}
    )
    turn = engine.start(1, dialogue_id, person, inputs)
    turn.session.id = 1
    assert_storable(turn, engine)
    for move in moves:
        if turn.session.status != "active":
            break
        incoming = incoming_for(turn.session, engine, move)
        if incoming is None:
            turn = engine.back(turn.session, person)
        else:
            turn = engine.reply(turn.session, incoming, person)
        assert_storable(turn, engine)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dialogue=st.sampled_from(
        [
            "which_track",
            "talk",
            "buy_cycle",
            "relationships",
            "authentic",
            "why",
            "checkin",
            "kinds",
            "channels",
        ]
    ),
    lang=st.sampled_from(["nl", "en"]),
    moves=MOVES,
)
def test_any_sequence_of_inputs_keeps_every_session_valid(
    catalog: Catalog, dialogue: str, lang: str, moves: list[tuple[str, str, int]]
) -> None:
    run(Engine(catalog), dialogue, lang, moves)


@settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: b.decode("latin-1")))
)
def test_any_callback_data_decodes_to_a_payload_or_none(data: str) -> None:
    payload = cd.decode(data)

    if payload is not None:  # what decodes is exactly what we would have sent
        assert cd.encode(payload) == data


@given(
    session_id=st.integers(min_value=0, max_value=10**12 - 1),
    step=st.integers(min_value=0, max_value=999_999),
    value=st.from_regex(r"[A-Za-z0-9_-]{1,24}", fullmatch=True),
)
def test_every_answer_button_round_trips(session_id: int, step: int, value: str) -> None:
    payload = cd.Answer(session_id, step, value)

    assert cd.decode(cd.encode(payload)) == payload
