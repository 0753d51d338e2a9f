"""``coachbot graph`` and ``coachbot simulate``: a dialogue drawn, or walked with set answers.

Registered on the app in ``cli.py``; like the other commands, each imports what it uses when
it runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from bot.dialogue.catalog import Catalog
    from bot.dialogue.compiled import CompiledDialogue

NAME = "Alex"  # whom a simulated dialogue talks to
DialogueArg = Annotated[
    str, typer.Argument(metavar="DIALOGUE", help="A dialogue id, or the path of a .yaml file.")
]


class DiagramFormat(StrEnum):
    """What ``graph`` draws."""

    mermaid = "mermaid"
    svg = "svg"
    png = "png"


class Lang(StrEnum):
    """The language a simulation is in."""

    nl = "nl"
    en = "en"


def _fail(message: object) -> typer.Exit:
    """Say why on stderr; the exit (1) to raise."""
    typer.echo(f"coachbot: {message}", err=True)
    return typer.Exit(1)


def _load(name: str) -> tuple[Catalog, CompiledDialogue]:
    """The catalog and the dialogue named by id, or by the path of its file (then served
    beside the dialogues folder, in place of a dialogue with the same id)."""
    from bot.cli import _catalog, _settings
    from bot.dialogue.catalog import dialogue_files

    settings = _settings()
    path = Path(name)
    if path.suffix not in {".yaml", ".yml"}:
        catalog = _catalog(settings)
        if name not in catalog.latest:
            raise _fail(f"no valid dialogue {name!r}; the dialogues: {', '.join(catalog.latest)}")
        return catalog, catalog.latest[name]
    if not path.is_file():
        raise _fail(f"{name}: no such file")
    others = [f for f in dialogue_files([settings.dialogues_dir]) if not f.samefile(path)]
    catalog = _catalog(settings, [path, *others])
    for problem in catalog.broken.get(str(path), []):
        typer.echo(str(problem), err=True)
    found = [d for d in catalog.latest.values() if d.file == str(path)]
    if not found:
        raise _fail(f"{name} is not a valid dialogue (see: coachbot validate {name})")
    return catalog, found[0]


def graph(
    dialogue: DialogueArg,
    image_format: Annotated[
        DiagramFormat,
        typer.Option("--format", help="mermaid (text), or svg/png (need Graphviz's dot)."),
    ] = DiagramFormat.mermaid,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (needed for svg and png)."),
    ] = None,
) -> None:
    """Draw a dialogue: its nodes by kind, its arrows labelled with options and conditions."""
    from bot.dialogue.diagram import build_diagram, to_mermaid

    if image_format is not DiagramFormat.mermaid and output is None:
        raise _fail(f"--format {image_format} writes a file: give it with -o FILE")
    diagram = build_diagram(_load(dialogue)[1].model)
    if image_format is DiagramFormat.mermaid:
        text = to_mermaid(diagram)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_output(output, text.encode())
        return
    from bot.dialogue.diagram_graphviz import GraphvizMissing, render

    try:
        drawn = render(diagram, image_format.value)
    except GraphvizMissing as err:
        raise _fail(err) from err
    assert output is not None
    write_output(output, drawn)


def simulate(
    dialogue: DialogueArg,
    answers: Annotated[
        Path | None,
        typer.Option(
            help="A YAML list of answers: typed text, an option's value or label, a list of "
            "them for a multi question. When they run out before the end, the transcript "
            "so far is printed with where it stopped (exit 0)."
        ),
    ] = None,
    all_paths: Annotated[
        bool,
        typer.Option(
            "--all-paths", help="Instead of --answers: a few walks that take every arrow."
        ),
    ] = False,
    lang: Annotated[Lang, typer.Option(help="The language of the dialogue.")] = Lang.nl,
    profile: Annotated[
        Path | None,
        typer.Option(help="A YAML mapping: market, product, role, experience, channels."),
    ] = None,
) -> None:
    """Walk a dialogue without chatting and print the transcript: the bot's messages in full,
    your answers after "> "."""
    from bot.channels.transcript import profile_line, transcript
    from bot.engine.engine import Engine, Person
    from bot.engine.menu import profile_dialogue
    from bot.engine.simulate import BadAnswer, profile_choices, profile_from, replay
    from bot.engine.simulate import simulate as walk
    from bot.engine.walks import WALK_PROFILES, covering_walks
    from bot.records import Profile

    if (answers is None) == (not all_paths):
        raise _fail("give either --answers FILE or --all-paths")
    catalog, found = _load(dialogue)
    engine = Engine(catalog)
    try:
        asks = profile_dialogue(catalog)
        choices = profile_choices(asks.model) if asks is not None else None
        person = profile_from(_read_yaml(profile), choices) if profile is not None else None
        if all_paths:
            profiles = (person,) if person is not None else WALK_PROFILES
            walks, _ = covering_walks(engine, found.id, lang.value, profiles)
            for number, trail in enumerate(walks, start=1):
                typer.echo(f"=== walk {number} of {len(walks)} ===")
                if trail.person.profile != Profile():
                    typer.echo(f"(profile: {profile_line(trail.person.profile)})\n")
                typer.echo(transcript(replay(engine, found.id, trail)) + "\n")
            return
        assert answers is not None
        given = Person(NAME, lang.value, profile=person or Profile())
        typer.echo(transcript(walk(engine, found.id, given, _answers(answers))))
    except BadAnswer as err:
        raise _fail(err) from err


def write_output(path: Path, data: bytes) -> None:
    """Write a command's output file; one that cannot be written is said, exit 1."""
    try:
        path.write_bytes(data)
    except OSError as err:
        raise _fail(f"{path}: cannot be written: {err.strerror or err}") from err


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise _fail(f"{path}: cannot be read: {err}") from err


def _answers(path: Path) -> list[Any]:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise _fail(f"{path}: the answers are a YAML list, one item per question")
    return data
