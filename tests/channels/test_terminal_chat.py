"""The real ``coachbot chat`` with piped input: walks in both languages, commands, flushing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.channels.chat_process import COACHBOT, REPO, run_chat
from tests.channels.conftest import Spawn
from tests.db import rows

# thanks, relationships, (example), status, currency, action, day, obstacle, confidence,
# (smaller step), and "1" presses "Details" under the summary
DUTCH_WALK = [
    "2",
    "3",
    "Ik stelde Anna voor aan Bert",
    "1",
    "2",
    "Drie klanten <b>bedanken</b> & taggen",
    "over 7 dagen",
    "Als het druk wordt, doe ik het als eerste",
    "2",
    "Eén klant bedanken",
    "1",
]
ENGLISH_WALK = [
    "i pay them by the hour",
    "1",
    "2",
    "3",
    "Introduce two customers",
    "in 2 weeks",
    "If I forget, I set a reminder",
    "5",
    "1",
]


def test_whole_dutch_walk_through_relationships(database_url: str) -> None:
    result = run_chat(
        database_url, DUTCH_WALK, "--user", "Eva", "--dialogue", "relationships", "--lang", "nl"
    )

    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Hoi Eva!" in out
    assert "Precies." in out  # the gift-economy branch of the moving question
    assert "“Ik stelde Anna voor aan Bert”" in out  # her own words quoted back in the tip
    assert "Je scoorde 6 van de 9" in out
    assert "Eerlijk van je." in out  # low confidence leads to the smaller-step question
    assert "✅ Eén klant bedanken" in out  # the smaller step counts, on the first screen
    assert "De dag erna vraag ik hoe het ging" in out
    summary = out.split("Jouw samenvatting", 1)[1]  # behind "Details"
    assert "Relaties bouwen: Best" in summary
    assert "Status verdienen: Basis" in summary
    assert "Sociale valuta maken: Beter" in summary
    assert "Eerst aan de slag met: status verdienen" in summary
    assert "Zo zeker ben je ervan" not in summary  # the old plan's confidence is not shown
    assert "Drie klanten <b>bedanken</b> & taggen" in summary  # shown as typed, not as markup
    assert "Afbeelding opgeslagen:" in out
    assert ".png" in out
    assert "Klaar!" in out
    assert "Traceback" not in result.stderr


def test_whole_english_walk_through_relationships(database_url: str) -> None:
    result = run_chat(
        database_url, ENGLISH_WALK, "--user", "Sam", "--dialogue", "relationships", "--lang", "en"
    )

    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "An honest answer" in out  # the market-economy branch, chosen by typing the label
    assert "From broadcasting to conversation" in out
    assert "✅ Introduce two customers" in out
    assert "The day after, I'll ask how it went" in out
    summary = out.split("Your summary", 1)[1]
    assert "Building relationships: Basic" in summary
    assert "Earning status: Better" in summary
    assert "Creating social currency: Best" in summary
    assert "Work on first: building relationships" in summary
    assert "How sure you are: 5 out of 5" in summary
    assert "first idea" not in summary
    assert "Done!" in out


def test_without_a_dialogue_the_menu_is_shown_and_a_number_picks(database_url: str) -> None:
    result = run_chat(database_url, ["9", "1", "1", "1", "1"], "--user", "Eva", "--lang", "nl")

    out = result.stdout
    assert "Kies een gesprek:" in out
    assert "1. Welk onderdeel past bij mij?" in out  # the entry dialogue comes first
    assert "Relaties, geen transacties" in out
    assert "Dat gesprek bestaat niet" in out
    assert "Er zijn vijf onderdelen" in out
    # Wanting buzz while mostly reposting company posts: "Authentic, not pushy" starts at once.
    assert "Mijn advies: Echt, niet opdringerig" in out
    assert "Daar gaan we!" in out
    assert "Als de cijfers tegenvallen" in out


def test_an_unfinished_session_is_resumed_on_the_next_start(database_url: str) -> None:
    run_chat(database_url, ["2", "1"], "--user", "Eva", "--dialogue", "relationships")

    result = run_chat(database_url, [], "--user", "Eva")

    assert "Welkom terug" in result.stdout
    assert "Ladder 2: status verdienen" in result.stdout
    assert "Hoe bedank je die?" not in result.stdout


def test_back_restart_help_and_unknown_commands(database_url: str) -> None:
    lines = ["2", "1", "/back", "/help", "/nonsense", "/restart", "/quit", "never read"]
    result = run_chat(database_url, lines, "--user", "Eva", "--dialogue", "relationships")

    out = result.stdout
    assert result.returncode == 0
    after_back = out.split("we gaan een stap terug.", 1)[1]
    assert after_back.lstrip().startswith("Ladder 1: relaties bouwen")
    assert "/menu – kies een gesprek" in out
    assert "Dat commando ken ik niet" in out
    assert out.count("Hoe bedank je die?") == 2  # once at the start, once after /restart
    assert "Tot ziens!" in out


def test_bad_input_gets_an_explanation_never_a_traceback(database_url: str) -> None:
    lines = ["", "banaan", "2", "7", "3", "x" * 10_000, "ok"]
    result = run_chat(database_url, lines, "--user", "Eva", "--dialogue", "relationships")

    out = result.stdout
    assert "Ik heb nog geen antwoord gezien" in out
    assert "Kies een van de knoppen" in out
    assert "maximaal 500 tekens (nu 10000)" in out
    assert "Zo uit je hoofd is dat lastig, dus maken we het kleiner." in out  # "ok" says nothing
    assert "Traceback" not in result.stderr + out


def test_an_unknown_dialogue_id_is_explained(database_url: str) -> None:
    result = run_chat(database_url, [], "--user", "Eva", "--dialogue", "nope")

    assert result.returncode == 2
    assert "Dat gesprek bestaat niet" in result.stdout


def test_each_question_is_flushed_before_the_answer_is_read(spawn: Spawn) -> None:
    chat = spawn("--user", "Eva", "--dialogue", "relationships")
    chat.expect("Hoe bedank je die?")  # seen while stdin is still open
    chat.send("2")
    chat.expect("Ladder 1: relaties bouwen")
    assert chat.close() == 0


def test_ctrl_c_says_goodbye_without_a_traceback_and_keeps_answers(
    database_url: str, spawn: Spawn
) -> None:
    chat = spawn("--user", "Eva", "--dialogue", "relationships")
    chat.expect("Hoe bedank je die?")
    chat.send("2")
    chat.expect("Ladder 1: relaties bouwen")

    chat.process.send_signal(signal.SIGINT)
    code = chat.process.wait(timeout=10)
    chat.close()

    assert code == 130
    assert "Tot ziens!" in chat.output
    assert "Traceback" not in chat.output
    resumed = run_chat(database_url, [], "--user", "Eva")
    assert "Ladder 1: relaties bouwen" in resumed.stdout


def test_bytes_that_are_not_utf8_are_refused_politely(database_url: str) -> None:
    result = subprocess.run(
        [COACHBOT, "chat", "--user", "Eva", "--dialogue", "relationships"],
        input=b"\xff\xfe\n2\n",
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "COACHBOT_DATABASE_URL": database_url},
        timeout=60,
        check=False,
    )

    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "Kies een van de knoppen" in out
    assert "Ladder 1: relaties bouwen" in out


def test_run_without_a_token_points_at_the_terminal_chat(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "COACHBOT_TELEGRAM_TOKEN"}
    env["COACHBOT_DATABASE_URL"] = database_url
    result = subprocess.run(
        [COACHBOT, "run"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "COACHBOT_TELEGRAM_TOKEN is not set" in result.stderr
    assert "coachbot chat" in result.stderr


def test_webhook_mode_requires_a_secret_token(database_url: str) -> None:
    env = {**os.environ, "COACHBOT_DATABASE_URL": database_url, "COACHBOT_TELEGRAM_TOKEN": "1:x"}
    command = [COACHBOT, "run", "--webhook", "https://coach.example.com/telegram"]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, env=env, timeout=60, check=False
    )

    assert result.returncode == 2
    assert "--webhook needs --secret-token" in result.stderr


def test_profile_in_the_terminal_asks_and_stores_the_profile(database_url: str) -> None:
    # market (consumers), product, role (from the office), experience (< 2 years), channel
    lines = ["/profile", "2", "Keukens op maat", "2", "1", "Instagram"]

    result = run_chat(database_url, lines, "--user", "Eva", "--lang", "nl")

    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("Aan wie verkoop je vooral?") == 1  # by /profile, not by --lang
    assert "je verkoopt aan consumenten: Keukens op maat" in out
    assert "Kies een gesprek:" in out.split("Dit onthoud ik", 1)[1]  # the menu follows
    assert rows(database_url, "SELECT market, product, channels FROM profiles") == [
        ("consumer", "Keukens op maat", '["instagram"]')
    ]


def test_a_second_run_of_a_track_keeps_the_first_runs_chart(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACHBOT_DATA_DIR", str(tmp_path))
    args = ("--user", "Eva", "--dialogue", "relationships", "--lang", "nl")
    runs = [run_chat(database_url, DUTCH_WALK, *args) for _ in range(2)]

    saved = [re.findall(r"Afbeelding opgeslagen: (\S+\.png)", run.stdout) for run in runs]
    assert all(len(paths) == 1 for paths in saved), [run.stdout[-500:] for run in runs]
    first, second = saved[0][0], saved[1][0]
    assert first != second
    assert Path(first).is_file()
    assert Path(second).is_file()
    assert len(list((tmp_path / "images").glob("*.png"))) == 2
