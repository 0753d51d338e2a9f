"""/back over an answer asked twice: the earlier answer comes back, not nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.dialogue.catalog import load_catalog
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from tests.conftest import PROMPTS

ASKED_TWICE = """\
id: twice
title: {nl: Twee keer, en: Twice}
description: {nl: Test, en: Test}
start: first
nodes:
  first:
    type: text
    text: {nl: "Wat verkoop je?", en: "What do you sell?"}
    save: product
    next:
      - if: vague(product)
        goto: again
      - goto: who
  again:
    type: text
    text: {nl: "Noem één ding dat je verkoopt.", en: "Name one thing you sell."}
    save: product
    next: who
  who:
    type: text
    text: {nl: "Aan wie?", en: "To whom?"}
    save: customer
    next: done
  done:
    type: end
    text: {nl: "{{ product }} aan {{ customer }}", en: "{{ product }} to {{ customer }}"}
"""


def test_back_over_an_answer_given_again_brings_the_first_one_back(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "twice.yaml").write_text(textwrap.dedent(ASKED_TWICE), encoding="utf-8")
    catalog = load_catalog([folder], PROMPTS)
    assert not catalog.broken, catalog.problems
    engine, eva = Engine(catalog), Person("Eva", "nl")
    session = engine.start(1, "twice", eva).session
    session = engine.reply(session, Incoming.text("weet niet"), eva).session
    session = engine.reply(session, Incoming.text("koffiebonen"), eva).session
    assert (session.node, session.answers) == ("who", {"product": "koffiebonen"})

    undone = engine.back(session, eva).session

    assert undone.node == "again"
    assert undone.answers == {"product": "weet niet"}
    assert engine.back(undone, eva).session.answers == {}
