"""One bad file never takes the dialogues down: it gets located problems, quickly, and the
other dialogues keep serving (issue 7, item 2)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.dialogue.catalog import load_catalog
from bot.dialogue.limits import MAX_FILE_BYTES, MAX_TEMPLATE_CHARS
from bot.errors import Problem
from tests.content.test_loader_errors import BASE, PROMPTS, at, edit, validate

QUICK = 2.0  # seconds: generous, only to catch a hang (the files below took minutes before)


@contextmanager
def quickly() -> Iterator[None]:
    """Fails if the block takes longer than ``QUICK`` seconds."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < QUICK


def load_with_a_good_one(
    folder: Path, name: str, content: str | bytes, prompts: Path = PROMPTS
) -> list[Problem]:
    """Load ``content`` as ``name`` next to a valid dialogue; the valid one must be served."""
    (folder / "good.yaml").write_text(BASE.replace("id: demo", "id: good"), encoding="utf-8")
    bad = folder / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    with quickly():
        catalog = load_catalog([folder], prompts)
    assert list(catalog.latest) == ["good"]
    return catalog.broken[str(bad)]


def assert_inside(problem: Problem, text: str) -> None:
    """The problem points at a real place of ``text``: an existing line, a column on it."""
    lines = text.split("\n")
    assert 1 <= problem.line <= len(lines), problem
    assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1b", "\x7f", "\x80", "\ufffe", "\u2028"])
def test_an_invisible_character_is_pointed_at(tmp_path: Path, character: str) -> None:
    text = edit("nl: Hoi {{ name }}!", f"nl: Hoi{character} {{{{ name }}}}!")
    [problem] = load_with_a_good_one(tmp_path, "bad.yaml", text)
    assert f"U+{ord(character):04X} is not allowed" in problem.message
    line, column = at(text, character)
    assert (problem.line, problem.column) == (line, column)


def test_a_non_utf8_byte_is_pointed_at(tmp_path: Path) -> None:
    data = BASE.replace("Hoi", "H\xf6i").encode("latin-1")
    [problem] = load_with_a_good_one(tmp_path, "bad.yaml", data)
    assert "byte 0xf6 is not UTF-8" in problem.message
    assert (problem.line, problem.column) == at(BASE, "oi {{ name }}")


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("brackets", "id: x\nnodes: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 20"),
        ("keys", "a: " + "{k: " * 3000 + "1" + "}" * 3000 + "\n", "nested more than 20"),
        ("indents", "".join(" " * i + f"k{i}:\n" for i in range(1000)), "nested more than 20"),
        (
            "billion-laughs",
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + "".join(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "anchors (&a) are not allowed",
        ),
        ("alias", "id: &x demo\ntitle: *x\n", "anchors (&x) are not allowed"),
        ("two-documents", BASE + "---\n" + BASE, "only one document per file"),
    ],
)
def test_a_file_built_to_exhaust_the_parser_is_refused_quickly(
    tmp_path: Path, name: str, text: str, says: str
) -> None:
    found = load_with_a_good_one(tmp_path, f"{name}.yaml", text)
    assert any(says in p.message for p in found), found
    for problem in found:
        assert_inside(problem, text)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    text = BASE + "#" * MAX_FILE_BYTES
    [problem] = load_with_a_good_one(tmp_path, "huge.yaml", text)
    assert (problem.line, problem.column) == (1, 1)
    assert f"at most {MAX_FILE_BYTES:,} are allowed" in problem.message


def template_dialogue(prompts: Path, template: str | bytes) -> str:
    """A copy of the prompts folder whose ``tip.j2`` holds ``template``; the dialogue using it."""
    for lang in ("nl", "en"):
        (prompts / lang).mkdir(parents=True, exist_ok=True)
    (prompts / "partials").symlink_to(PROMPTS / "partials")
    target = prompts / "nl" / "tip.j2"
    if isinstance(template, bytes):
        target.write_bytes(template)
    else:
        target.write_text(template, encoding="utf-8")
    (prompts / "en" / "tip.j2").write_text("Fine {{ name }}\n", encoding="utf-8")
    return edit('{nl: "Welke kleur?", en: "Which colour?"}', "{template: tip.j2}")


@pytest.mark.parametrize(
    ("template", "where", "says"),
    [
        (b"Hoi\nH\xe9 {{ name }}\n", (2, 2), "byte 0xe9 is not UTF-8"),
        ("Hoi\n{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}\n", (2, 1), "nested more than 20"),
        ("Hoi\n{{ " + "+".join(["name"] * 1000) + " }}\n", (2, 1), "nested more than 40"),
        ("Hoi\n{{ " + "- " * 3000 + "1 }}\n", (2, 1), "nested more than 20"),
        ("{% if name %}" * 30 + "x" + "{% endif %}" * 30, (1, 1), "nested more than 20"),
        ("x" * (MAX_TEMPLATE_CHARS + 1), (1, 1), f"at most {MAX_TEMPLATE_CHARS:,} are allowed"),
    ],
)
def test_a_hostile_template_file_is_pointed_at(
    tmp_path: Path, template: str | bytes, where: tuple[int, int], says: str
) -> None:
    prompts = tmp_path / "prompts"
    text = template_dialogue(prompts, template)
    folder = tmp_path / "dialogues"
    folder.mkdir()
    [problem] = load_with_a_good_one(folder, "bad.yaml", text, prompts)
    assert problem.file == str(prompts / "nl" / "tip.j2")
    assert (problem.line, problem.column) == where
    assert says in problem.message


def test_an_unexpected_error_costs_one_file_not_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bot.dialogue.loader as loader

    real = loader._Compiler.compile

    def compile_or_crash(self: loader._Compiler) -> object:
        if self.dialogue.id == "bad":
            raise KeyError("a bug")
        return real(self)

    monkeypatch.setattr(loader._Compiler, "compile", compile_or_crash)
    with caplog.at_level(logging.ERROR, logger="bot.dialogue.catalog"):
        [problem] = load_with_a_good_one(tmp_path, "bad.yaml", BASE.replace("id: demo", "id: bad"))
    assert (problem.line, problem.column) == (1, 1)
    assert "KeyError" in problem.message
    assert "bad.yaml" in caplog.text


def test_validate_lists_every_hostile_file_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "nul.yaml").write_text(BASE.replace("Hoi", "Ho\x00i"), encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    (tmp_path / "laughs.yaml").write_text('a: &a ["lol"]\nb: [*a, *a]\n', encoding="utf-8")

    result = validate(str(tmp_path))

    assert result.returncode == 1
    *lines, summary = result.stdout.splitlines()
    assert summary.startswith("1 dialogue, 3 nodes, 3 broken files: ")
    assert "Traceback" not in result.stderr
    files = sorted(line.split(":")[0] for line in lines)
    assert files == sorted(str(tmp_path / n) for n in ("deep.yaml", "laughs.yaml", "nul.yaml"))
    assert all(line.split(":")[1].isdigit() for line in lines)


def test_progress_is_reported_after_each_file(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(BASE.replace("id: demo", f"id: {name}"))
    calls: list[tuple[int, int]] = []

    load_catalog([tmp_path], PROMPTS, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 3), (2, 3), (3, 3)]
