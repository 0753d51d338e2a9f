"""``coachbot simulate`` and ``coachbot graph`` as an author runs them: no database, no chat."""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path

import pytest

from bot.dialogue.catalog import Catalog
from bot.engine.engine import Engine
from bot.engine.simulate import replay
from bot.engine.walks import covering_walks, graph_edges
from bot.records import Profile
from tests.content.test_every_dialogue import SERVED
from tests.ops.cli import coachbot

TALK_ANSWERS = """\
- Keukens op maat
- af en toe          # a label, in any case
- "Dat de keuken precies op tijd klaar was"
- ask                # a value
- 3
- Dat ze zelf de kleur konden kiezen
- De levering
- 4
- "1"
- morgen
- Als het druk is, doe ik het na de lunch
- 4
"""
PROFILE = (
    "market: consumer\nproduct: Keukens\nrole: inside\nexperience: under_2\nchannels: [instagram]\n"
)
TIPS_IN_ORDER = [
    "> Keukens op maat",
    "> Af en toe",
    "💡 Vind het moment",
    "“Dat de keuken precies op tijd klaar was”",
    "> Vragen stellen",
    "💡 Van vraag naar gesprek",
    "> 3 · Best",
    "💡 Laat het van je klanten worden",
    "💡 Maak het zelf beter",
    "Afgesproken, Alex.",
    "(commitment: ",
]


def run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``coachbot args`` with its cache in ``tmp_path``: (exit code, stdout, stderr)."""
    done = coachbot(*args, env={"COACHBOT_CACHE_DIR": str(tmp_path / "cache")})
    return done.returncode, done.stdout, done.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_track_answered_from_a_file_shows_its_tips_in_order(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.yaml", TALK_ANSWERS)
    profile = write(tmp_path, "profile.yaml", PROFILE)

    code, out, err = run(tmp_path, "simulate", "talk", "--answers", answers, "--profile", profile)

    assert (code, err) == (0, "")
    places = [out.find(part) for part in TIPS_IN_ORDER]
    assert -1 not in places, [p for p, at in zip(TIPS_IN_ORDER, places, strict=True) if at < 0]
    assert places == sorted(places)
    assert "<b>" not in out
    assert "sociale valuta." in out
    assert "\n  2) Af en toe\n" in out  # a question's options, numbered
    assert "stopped" not in out


def test_an_unknown_option_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.yaml", "- Keukens op maat\n- vaak\n")

    code, out, err = run(tmp_path, "simulate", "talk", "--answers", answers)

    assert (code, out) == (1, "")
    assert "question 'buzz' has no option 'vaak'" in err
    assert "often (Ja, geregeld / Yes, regularly), sometimes (Af en toe" in err
    assert "Traceback" not in err


def test_in_english_until_the_answers_run_out(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.yaml", "- Kitchens\n- Now and then\n")

    code, out, err = run(tmp_path, "simulate", "talk", "--answers", answers, "--lang", "en")

    assert (code, err) == (0, "")
    assert out.startswith("Hi Alex!")
    assert "> Now and then\n\nNice. What exactly do they say?" in out
    assert out.endswith("(stopped: no answer left for question said_public)\n")


def test_all_paths_prints_each_covering_walk(tmp_path: Path, engine: Engine) -> None:
    walks, _ = covering_walks(engine, "talk", "nl")

    code, out, err = run(tmp_path, "simulate", "talk", "--all-paths")

    assert (code, err) == (0, "")
    headers = [line for line in out.splitlines() if line.startswith("=== walk")]
    assert headers == [f"=== walk {n} of {len(walks)} ===" for n in range(1, len(walks) + 1)]
    profiled = [w for w in walks if w.person.profile != Profile()]
    assert out.count("\n(profile: ") == len(profiled)


@pytest.mark.parametrize("dialogue_id", sorted(SERVED.latest))
def test_the_covering_walks_take_every_edge(
    catalog: Catalog, engine: Engine, dialogue_id: str
) -> None:
    walks, found = covering_walks(engine, dialogue_id, "nl")

    taken = set()
    for trail in walks:
        run = replay(engine, dialogue_id, trail)
        assert run.last.finished
        nodes = [*run.first.visited, *(n for step in run.steps for n in step.turn.visited)]
        taken |= set(itertools.pairwise(nodes))
    assert taken == found == graph_edges(catalog.get(dialogue_id))
    assert len(walks) <= len(found)


@pytest.mark.parametrize(
    ("profile", "said"),
    [
        ("market: mars\n", "a profile's market is one of b2b, consumer, skip, not 'mars'"),
        ("channels: [linkedin, fax]\n", "not 'fax'"),
        ("role: boss\n", "a profile's role is one of field, inside"),
    ],
)
def test_a_profile_value_no_button_gives_is_refused(
    tmp_path: Path, profile: str, said: str
) -> None:
    answers = write(tmp_path, "answers.yaml", "- Keukens op maat\n")
    given = write(tmp_path, "profile.yaml", profile)

    code, out, err = run(tmp_path, "simulate", "talk", "--answers", answers, "--profile", given)

    assert (code, out) == (1, "")
    assert said in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["graph", "talk"], ["schema"]])
def test_an_output_file_that_cannot_be_written_is_said_plainly(
    tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "missing-folder" / "out.txt"

    code, out, err = run(tmp_path, *command, "-o", str(target))

    assert (code, out) == (1, "")
    assert err == f"coachbot: {target}: cannot be written: No such file or directory\n"


def test_the_graph_command_writes_mermaid(tmp_path: Path) -> None:
    target = tmp_path / "talk.mmd"

    printed = run(tmp_path, "graph", "dialogues/talk.yaml")
    written = run(tmp_path, "graph", "talk", "-o", str(target))

    assert printed[0] == 0
    assert printed[1].startswith("flowchart TD\n    n_intro([")
    assert written[0] == 0
    assert target.read_text(encoding="utf-8") == printed[1]


def test_svg_without_graphviz_says_what_to_install(tmp_path: Path) -> None:
    done = coachbot(
        "graph",
        "talk",
        "--format",
        "svg",
        "-o",
        str(tmp_path / "talk.svg"),
        env={"COACHBOT_CACHE_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
    )

    assert done.returncode == 1
    assert "apt install graphviz" in done.stderr
    assert "--format mermaid" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "talk.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_graph_command_draws_svg_and_png(tmp_path: Path) -> None:
    svg, png = tmp_path / "talk.svg", tmp_path / "talk.png"

    assert run(tmp_path, "graph", "talk", "--format", "svg", "-o", str(svg))[0] == 0
    assert run(tmp_path, "graph", "talk", "--format", "png", "-o", str(png))[0] == 0
    assert b"<svg" in svg.read_bytes()[:500]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
