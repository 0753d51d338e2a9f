"""The "all vague" persona: every typed answer is a non-answer, and none is ever quoted back.

Every track, and the check-in (started with the walker's sample commitment), is walked in both
languages along every combination of buttons (up to a bound), answering each text question with
the same non-answer; a question that refuses it (too short) gets a longer non-answer; where a plan
is asked again with examples to pick by number, the persona also takes the first one. Whatever
the salesperson reads afterwards, a summary's details included, must not contain the non-answer.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.dialogue.model import MultiNode, TextNode
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming, Turn
from bot.engine.walk_inputs import inputs_for
from bot.engine.walks import SAMPLE_INPUTS
from bot.records import Session

TRACKS = ["why", "relationships", "talk", "authentic", "buy_cycle", "checkin", "profile"]
NON_ANSWERS = ["weet niet", "?", "idk", "niks"]
LONGER = "ik weet het echt niet"  # when a question refuses the short one
# Questions that do not take a non-answer for a plan but offer examples to pick by number:
# even this persona picks one there in the end.
PICKS = {"action_again", "smaller_step"}
MAX_STATES = 3_000
STATES_PER_NODE = 4


def quotes(text: str, answer: str) -> bool:
    """Whether a message shows ``answer`` (or an empty quote, what trimming a "?" leaves)."""
    plain = text.casefold()
    if "“”" in plain or '""' in plain:
        return True
    if any(c.isalpha() for c in answer):
        return re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", plain) is not None
    return any(f"{a}{answer}{b}" in plain for a, b in ("“”", '""', "‘’", "«»"))


def _walk(engine: Engine, dialogue_id: str, lang: str, answer: str) -> tuple[list[str], int]:
    """(every message shown that quotes a non-answer, number of walks that reached an end)."""
    person = Person("Sam", lang)
    dialogue = engine.catalog.get(dialogue_id)
    inputs = SAMPLE_INPUTS if dialogue.model.inputs else None
    first = engine.start(1, dialogue_id, person, inputs)
    found: list[str] = []
    ended = 0
    stack: list[Session] = [first.session]
    seen: set[tuple[str, str]] = set()
    expanded: dict[str, int] = {}
    while stack and len(seen) < MAX_STATES:
        session = stack.pop()
        key = (session.node, json.dumps(session.answers, sort_keys=True))
        if key in seen or expanded.get(session.node, 0) >= STATES_PER_NODE:
            continue
        seen.add(key)
        expanded[session.node] = expanded.get(session.node, 0) + 1
        node = dialogue.model.nodes[session.node]
        if isinstance(node, TextNode):
            picks = [Incoming.text("1")] if session.node in PICKS else []
            tries = [Incoming.text(answer), *picks]
        elif isinstance(node, MultiNode):  # typed lists answer it at once; toggles only tick
            tries = [i for i in inputs_for(dialogue, session.node, lang) if i.kind == "text"]
        else:
            tries = inputs_for(dialogue, session.node, lang)
        for incoming in tries:
            turn = _answer(engine, session, incoming, person)
            found += [
                f"{session.node} -> {shown}"
                for m in turn.messages
                for shown in (m.text, m.details or "")  # behind "Details" too (and in /mydata)
                if quotes(shown, answer) or quotes(shown, LONGER)
            ]
            if turn.finished:
                ended += 1
            else:
                stack.append(turn.session)
    return found, ended


def _answer(engine: Engine, session: Session, incoming: Incoming, person: Person) -> Turn:
    turn = engine.reply(session, incoming, person)
    if turn.outcome not in {"accepted", "completed"}:
        turn = engine.reply(session, Incoming.text(LONGER), person)
    assert turn.outcome in {"accepted", "completed"}, (session.node, turn.notice)
    return turn


@pytest.mark.parametrize("answer", NON_ANSWERS)
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("dialogue_id", TRACKS)
def test_a_non_answer_is_never_quoted_back(
    engine: Engine, dialogue_id: str, lang: str, answer: str
) -> None:
    quoted, ended = _walk(engine, dialogue_id, lang, answer)

    assert ended, "no walk of the all-vague persona reached an end"
    assert quoted == []


def test_the_check_finds_a_quote() -> None:
    assert quotes("Jouw waarom: “weet niet”", "weet niet")
    assert quotes("Jouw waarom: “”", "?")
    assert quotes("Je zei “?”.", "?")
    assert quotes("IDK: daar begin je mee", "idk")
    assert not quotes("Wat wil je bereiken?", "?")
    assert not quotes("Weet je het niet? Geen punt.", "weet niet")
