"""The terminal chat under odd input, a locked database, broken content and a second window."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from pathlib import Path

from tests.channels.chat_process import run_chat
from tests.channels.conftest import Spawn
from tests.conftest import DIALOGUES
from tests.db import rows

ARGS = ("--user", "Eva", "--dialogue", "relationships", "--lang", "nl")


def test_unicode_digits_are_text_not_choices(database_url: str) -> None:
    result = run_chat(database_url, ["²", "①", "٣", "2"], *ARGS)

    assert result.returncode == 0
    assert result.stdout.count("Kies een van de knoppen") == 3
    assert "Ladder 1: relaties bouwen" in result.stdout  # "2" still picks the second button
    assert "Traceback" not in result.stdout + result.stderr


def test_unicode_digits_at_the_menu_are_explained(database_url: str) -> None:
    result = run_chat(database_url, ["²", "①"], "--user", "Eva", "--lang", "nl")

    assert result.stdout.count("Dat gesprek bestaat niet") == 2
    assert "Traceback" not in result.stdout + result.stderr


def test_a_check_in_cannot_be_started_by_name(database_url: str) -> None:
    result = run_chat(database_url, [], "--user", "Eva", "--dialogue", "checkin", "--lang", "nl")

    assert result.returncode == 0
    assert "Dat gesprek bestaat niet" in result.stdout
    assert "Kies een gesprek:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert rows(database_url, "SELECT count(*) FROM sessions") == [(0,)]


def test_a_locked_database_is_told_and_the_answer_can_be_sent_again(
    sqlite_url: str, spawn_sqlite: Spawn
) -> None:
    os.environ["COACHBOT_DB_BUSY_SECONDS"] = "0.5"
    try:
        chat = spawn_sqlite(*ARGS)
    finally:
        del os.environ["COACHBOT_DB_BUSY_SECONDS"]
    chat.expect("Hoe bedank je die?")
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock

    chat.send("2")
    refused = chat.expect("stuur het over een minuutje nog eens")
    other.execute("ROLLBACK")
    chat.send("2")
    chat.expect("Ladder 1: relaties bouwen")
    assert chat.close() == 0

    assert "NIET bewaard" in refused
    assert "Traceback" not in chat.output + refused
    assert rows(sqlite_url, "SELECT key FROM answers") == [("thanks",)]


def test_a_second_window_cannot_misplace_an_answer(sqlite_url: str, spawn_sqlite: Spawn) -> None:
    first = spawn_sqlite(*ARGS)
    first.expect("Hoe bedank je die?")
    first.send("2")
    first.expect("Ladder 1: relaties bouwen")
    second = spawn_sqlite(*ARGS)
    second.expect("Ladder 1: relaties bouwen")
    second.send("1")  # answered in the second window
    second.expect("Ladder 2: status verdienen")

    first.send("3")  # still meant for ladder 1, which is answered already
    stale = first.expect("We zijn hier gebleven:")
    first.expect("Ladder 2: status verdienen")
    assert first.close() == 0
    assert second.close() == 0

    assert "eerdere vraag" in stale
    assert rows(sqlite_url, "SELECT key, value FROM answers ORDER BY id") == [
        ("thanks", '"lunch"'),
        ("relationships", 1),
    ]


def test_a_first_text_that_cannot_be_shown_gets_an_apology_not_a_traceback(
    sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "broken.yaml").write_text(
        textwrap.dedent(
            """\
            id: broken
            title: {nl: Kapot, en: Broken}
            description: {nl: Deelt door nul, en: Divides by zero}
            start: hello
            nodes:
              hello:
                type: say
                text:
                  nl: "Hoi {{ 10 // (name | length - name | length) }}"
                  en: "Hi {{ 10 // (name | length - name | length) }}"
                next: done
              done:
                type: end
                text: {nl: Klaar, en: Done}
            """
        ),
        encoding="utf-8",
    )
    for existing in DIALOGUES.glob("*.yaml"):
        (folder / existing.name).write_text(existing.read_text(encoding="utf-8"))
    os.environ["COACHBOT_DIALOGUES_DIR"] = str(folder)
    try:
        result = run_chat(sqlite_url, ["/menu"], "--user", "Eva", "--dialogue", "broken")
    finally:
        del os.environ["COACHBOT_DIALOGUES_DIR"]

    assert "Sorry, er ging iets mis aan mijn kant" in result.stdout
    assert "Kies een gesprek:" in result.stdout  # and the chat goes on
    assert "Traceback" not in result.stdout + result.stderr
