"""Every dialogue file: valid, and walked along every edge of its graph in both languages."""

from __future__ import annotations

import html
from datetime import date

import pytest

from bot.dialogue.catalog import Catalog, load_catalog
from bot.dialogue.graph import successors
from bot.dialogue.model import LocalText
from bot.engine.engine import Engine
from bot.engine.turn import StartDialogue
from bot.engine.walks import MAX_STATES, explore, graph_edges
from bot.records import NewCommitment
from tests.conftest import DIALOGUES, FIXTURES, PROMPTS

SERVED = load_catalog([DIALOGUES, FIXTURES], PROMPTS)


def test_every_shipped_dialogue_file_is_valid() -> None:
    shipped = load_catalog([DIALOGUES], PROMPTS)

    assert shipped.problems == []
    assert "relationships" in shipped.latest


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("dialogue_id", sorted(SERVED.latest))
def test_every_edge_is_walked_and_every_walk_ends(
    catalog: Catalog, engine: Engine, dialogue_id: str, lang: str
) -> None:
    walked = explore(engine, dialogue_id, lang)

    assert walked.refused == []  # every generated input was accepted
    assert graph_edges(catalog.get(dialogue_id)) - walked.edges == set()
    assert walked.completed, "no walk reached an end node"
    for turn in walked.completed:
        summary = turn.messages[-1].text
        assert summary.strip()
        assert "<b>klant</b>" not in summary  # typed markup never comes out as markup


@pytest.mark.parametrize("dialogue_id", sorted(SERVED.latest))
def test_every_text_differs_between_languages(catalog: Catalog, dialogue_id: str) -> None:
    dialogue = catalog.get(dialogue_id).model
    for node_id, node in dialogue.nodes.items():
        text = node.text
        if isinstance(text, LocalText):
            assert text.nl.strip() != text.en.strip(), f"{node_id}: the English text is a copy"


TRACKS = sorted(
    d.id for d in SERVED.listed() if d.model.kind == "track" and d.file.startswith(str(DIALOGUES))
)


@pytest.mark.parametrize("dialogue_id", TRACKS)
def test_a_track_is_coaching_not_a_questionnaire(catalog: Catalog, dialogue_id: str) -> None:
    dialogue = catalog.get(dialogue_id).model
    branching = [n for n, targets in successors(dialogue).items() if len(targets) > 1]
    kinds = {type(node).__name__ for node in dialogue.nodes.values()}

    # Room for help on vague answers and a full commitment; a walk still asks a handful.
    assert 8 <= len(dialogue.nodes) <= 32
    assert len(branching) >= 2, "a track branches on the salesperson's answers at least twice"
    assert "TextNode" in kinds, "a track asks for free text somewhere"
    assert kinds & {"ChoiceNode", "ScaleNode"}, "a track offers buttons somewhere"


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("dialogue_id", TRACKS)
def test_a_track_quotes_the_user_and_ends_with_a_commitment(
    engine: Engine, dialogue_id: str, lang: str
) -> None:
    walked = explore(engine, dialogue_id, lang)

    assert walked.quoted, "no tip quoted the salesperson's own words back"
    for turn in walked.completed:
        [commitment] = [e for e in turn.effects if isinstance(e, NewCommitment)]
        when = turn.session.answers.get("when")
        if when is None:
            assert commitment.follow_up_days in {3, 7, 14}
        else:  # the day after the day chosen for it
            days = (date.fromisoformat(str(when)) - date.today()).days
            assert commitment.follow_up_days == days + 1
        ending = turn.messages[-1]
        shown = ending.details or ending.text  # the whole summary
        plan = str(turn.session.answers.get("plan", commitment.text))
        assert html.escape(commitment.text) in shown or html.escape(plan) in shown


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_entry_dialogue_can_start_every_track(
    catalog: Catalog, engine: Engine, lang: str
) -> None:
    [entry] = [
        d for d in catalog.listed() if d.model.kind == "entry" and d.file.startswith(str(DIALOGUES))
    ]

    walked = explore(engine, entry.id, lang, states_per_node=MAX_STATES)  # every combination

    started = {
        e.dialogue_id for t in walked.completed for e in t.effects if isinstance(e, StartDialogue)
    }
    assert started == set(TRACKS)
