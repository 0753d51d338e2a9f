"""``kill -9`` mid-dialogue loses no answer; the next start resumes at the same step."""

from __future__ import annotations

import json
import random
import time

from tests.channels.conftest import Spawn
from tests.db import rows

QUESTIONS = {
    "moving": "Hoe bedank je die?",
    "relationships": "Ladder 1: relaties bouwen",
    "relationships_example": "Geef eens een voorbeeld",
    "status": "Ladder 2: status verdienen",
    "currency": "Ladder 3: sociale valuta maken",
    "action": "Welke stap zet je",
}


def stored_session(database_url: str) -> tuple[str, dict[str, object]]:
    """(current node, answers) of the user's active session, read straight from the database."""
    [(node, answers)] = rows(
        database_url, "SELECT node, answers FROM sessions WHERE status = 'active'"
    )
    return str(node), json.loads(str(answers))


ARGS = ("--user", "Eva", "--dialogue", "relationships", "--lang", "nl")


def test_sigkill_after_an_answer_resumes_at_the_same_question_with_every_answer(
    spawn: Spawn,
) -> None:
    chat = spawn(*ARGS)
    chat.expect(QUESTIONS["moving"])
    for typed, next_question in [("2", "relationships"), ("1", "status"), ("3", "currency")]:
        chat.send(typed)
        chat.expect(QUESTIONS[next_question])
    chat.kill()

    again = spawn(*ARGS)
    resumed = again.expect(QUESTIONS["currency"])
    again.send("2")
    again.expect(QUESTIONS["action"])
    again.send("Twee klanten aan elkaar voorstellen")
    again.send("over 7 dagen")
    again.send("Als het druk wordt, doe ik het 's ochtends")
    again.send("4")
    again.expect("Afgesproken, Eva.")
    again.send("1")  # "Details"
    summary = again.expect("Succes!")
    assert again.close() == 0

    assert "Welkom terug" in resumed
    assert QUESTIONS["moving"] not in resumed  # not started over
    assert "Relaties bouwen: Basis" in summary
    assert "Status verdienen: Best" in summary
    assert "Sociale valuta maken: Beter" in summary


def test_sigkill_at_random_moments_never_loses_an_acknowledged_answer(
    database_url: str, spawn: Spawn
) -> None:
    rng = random.Random(20261122)
    script = [
        ("2", "relationships"),
        ("3", "relationships_example"),
        ("Anna en Bert", "status"),
        ("1", "currency"),
    ]
    chat = spawn(*ARGS)
    chat.expect(QUESTIONS["moving"])
    for typed, next_node in script:
        chat.send(typed)
        time.sleep(rng.uniform(0, 0.05))  # the process may be anywhere: reading, writing, replying
        chat.kill()
        node, answers = stored_session(database_url)

        assert node in {next_node, _previous(script, next_node)}
        chat = spawn(*ARGS)
        chat.expect(QUESTIONS[node])  # resumes exactly where the database says
        if node != next_node:  # the answer never reached the database: type it again
            chat.send(typed)
            chat.expect(QUESTIONS[next_node])
    assert chat.close() == 0

    node, answers = stored_session(database_url)
    assert node == "currency"
    assert answers == {
        "thanks": "lunch",
        "relationships": 3,
        "relationships_example": "Anna en Bert",
        "status": 1,
    }


def _previous(script: list[tuple[str, str]], node: str) -> str:
    order = ["moving", *(n for _, n in script)]
    return order[order.index(node) - 1]
