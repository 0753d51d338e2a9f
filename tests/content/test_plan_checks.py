"""vague_plan() refuses commitments that commit to nothing, and plan_gap() says why, in Dutch
and English."""

from __future__ import annotations

import pytest

from bot.dialogue.answer_checks import plan_gap, vague_plan

WEAK = [
    "niks",
    "weet niet",
    "honestly nothing",
    "gewoon doorgaan",
    "Doorgaan zoals ik bezig ben",
    "doorgaan zoals altijd!",
    "zo doorgaan",
    "hetzelfde als vorige week",
    "mijn best doen",
    "meer posten",
    "harder werken",
    "we zien wel",
    "bellen",
    "LinkedIn",
    "keep going",
    "same as always",
    "Carry on as usual",
    "do my best",
    "post more",
    "see how it goes",
    "nothing new really",
    "",
    "?",
]
CONCRETE = [
    "Jan bellen over de offerte",
    "vrijdag drie klanten bedanken op LinkedIn",
    "elke ochtend één bericht van een klant beantwoorden",
    "doorgaan met de nieuwsbrief, maar nu met één klantverhaal per maand",
    "Call Jo about the trial",
    "introduce two customers who can help each other",
    "post one customer story instead of a promotion",
    "ask 3 customers what they searched before calling us",
    "2 klanten bellen",
]


@pytest.mark.parametrize("plan", WEAK)
def test_a_plan_that_commits_to_nothing_is_refused(plan: str) -> None:
    assert vague_plan(plan)


@pytest.mark.parametrize("plan", CONCRETE)
def test_a_concrete_plan_is_taken(plan: str) -> None:
    assert not vague_plan(plan)


def test_non_texts() -> None:
    assert vague_plan(None)
    assert not vague_plan(3)


# Why a plan is not taken: the reason the bot gives picks its line by it (plan_again.j2).
GAPS = [
    ("niks", "nothing"),
    ("weet niet", "nothing"),
    ("?", "nothing"),
    ("post", "nothing"),
    ("honestly nothing", "nothing"),
    ("gewoon doorgaan", "same"),
    ("Doorgaan zoals ik bezig ben", "same"),
    ("gewoon verder", "same"),
    ("we zien wel", "same"),
    ("same as always", "same"),
    ("Carry on as usual", "same"),
    ("nothing new really", "same"),
    ("bellen", "no_step"),
    ("LinkedIn", "no_step"),
    ("meer posten", "no_step"),
    ("mijn best doen", "no_step"),
    ("do my best", "no_step"),
    ("post more", "no_step"),
    ("Jan bellen over de offerte", ""),
    ("doorgaan met de nieuwsbrief, maar nu met één klantverhaal per maand", ""),
    ("Call Jo about the trial", ""),
    ("2 klanten bellen", ""),
]


@pytest.mark.parametrize(("plan", "gap"), GAPS)
def test_plan_gap_names_why_a_plan_is_not_a_step(plan: str, gap: str) -> None:
    assert plan_gap(plan) == gap


@pytest.mark.parametrize("plan", [*WEAK, *CONCRETE, *(plan for plan, _ in GAPS), None, 3])
def test_vague_plan_and_plan_gap_agree(plan: object) -> None:
    assert vague_plan(plan) == (plan_gap(plan) != "")
