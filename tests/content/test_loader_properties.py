"""Property-based: whatever a dialogue file holds, loading it never raises and every problem
points at a real place of a real file, quickly.

Starts from the real files (dialogues/ and the test fixtures) and mutates them: bytes, lines,
keys, indentation and nesting. Few examples by default so the suite stays fast; more with
``COACHBOT_HYPOTHESIS_EXAMPLES=500`` (or the ``thorough`` profile: ``--hypothesis-profile``).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.catalog import load_catalog
from tests.conftest import DIALOGUES, FIXTURES, PROMPTS

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("COACHBOT_HYPOTHESIS_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SOURCES = sorted([*DIALOGUES.glob("*.yaml"), *FIXTURES.glob("*.yaml")])
ORIGINALS = {path.name: path.read_text(encoding="utf-8") for path in SOURCES}
BOUND = 5.0  # seconds per file: generous, only catches a hang or a blow-up
ODD = st.sampled_from(
    [
        "\x00", "\x0b", "\x1b", "\x7f", "\x80", "\ufffe", "\u2028", "\t", "\r", "\n", "[", "]",
        "{", "}", ":", "- ", "&a ", "*a", "!!python/object ", "!x ", "'", '"', "#", "|", ">",
        "{{", "}}", "{%", "%}", "(", ")", "__class__", "~", "* 10**9", "é", "😀", "---\n",
    ]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """(name, text): a real dialogue file after a few random edits."""
    name = draw(st.sampled_from(sorted(ORIGINALS)))
    lines = ORIGINALS[name].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "swap", "indent", "nest", "key", "copy"]))
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if kind == "insert":
            column = draw(st.integers(0, len(line)))
            piece = draw(st.one_of(ODD, st.text(max_size=5)))
            lines[at] = line[:column] + piece + line[column:]
        elif kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(0, 12)) + line.lstrip()
        elif kind == "nest":
            depth = draw(st.integers(1, 3000))
            lines[at] = line + " " + "[" * depth + "]" * draw(st.integers(0, depth))
        elif kind == "key":
            key = draw(st.sampled_from(["type", "next", "save", "text", "nl", "en", "x", "_"]))
            lines[at] = line.replace(line.strip().split(":")[0], key, 1) if ":" in line else line
        elif kind == "copy":
            lines.insert(at, lines[draw(st.integers(0, len(lines) - 1))])
    return name, "\n".join(lines)


def points_inside(file: str, line: int, column: int, texts: dict[str, str]) -> bool:
    """Whether (line, column) is a place in ``file`` (the end of the last line included)."""
    if file not in texts:
        texts[file] = Path(file).read_text(encoding="utf-8", errors="replace")
    rows = texts[file].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return 1 <= line <= len(rows) and 1 <= column <= len(rows[line - 1]) + 1


@given(mutated())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_a_mutated_dialogue_file_gets_located_problems_never_a_crash(
    mutation: tuple[str, str],
) -> None:
    name, text = mutation
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        started = time.monotonic()
        catalog = load_catalog([path], PROMPTS)
        assert time.monotonic() - started < BOUND
        texts = {str(path): path.read_bytes().decode("utf-8", "replace")}
        for problem in catalog.problems:
            assert points_inside(problem.file, problem.line, problem.column, texts), problem
            assert "please report this" not in problem.message, problem  # no unexpected error


@given(st.binary(max_size=400) | st.text(max_size=400))
def test_random_bytes_get_located_problems_never_a_crash(content: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.yaml"
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogatepass")
        path.write_bytes(content)
        catalog = load_catalog([path], PROMPTS)
        texts = {str(path): content.decode("utf-8", "replace")}
        for problem in catalog.problems:
            assert points_inside(problem.file, problem.line, problem.column, texts), problem
            assert "please report this" not in problem.message, problem
