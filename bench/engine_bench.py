"""Measures the costs behind the engine's design, side by side in one run, and prints them.

    .venv/bin/python bench/engine_bench.py

Compares, on a generated 30-state dialogue: a transitions Machine per user, binding a session
to the shared machine with add_model/remove_model per update, and what Coachbot does (trigger
the shared machine's event on a small cursor). Then a whole engine step, and a whole step
committed to SQLite, so the storage cost can be read against the engine's.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from transitions import Machine

from bot.dialogue.catalog import load_catalog
from bot.dialogue.compiled import ADVANCE, CompiledDialogue, Cursor
from bot.engine.coach import Coach, Visitor
from bot.engine.engine import Engine, Person
from bot.engine.turn import Incoming
from bot.store import open_store

REPO = Path(__file__).resolve().parent.parent
STATES = 30


def chain_dialogue(states: int) -> str:
    """YAML of a dialogue with ``states`` nodes: scale questions in a row, branching on each."""
    lines = [
        "id: chain",
        "title: {nl: Keten, en: Chain}",
        "description: {nl: Benchmark, en: Benchmark}",
        "start: q0",
        "nodes:",
    ]
    for i in range(states - 1):
        nxt = f"q{i + 1}" if i + 1 < states - 1 else "end"
        lines += [
            f"  q{i}:",
            "    type: scale",
            "    text: {nl: 'Vraag " + str(i) + "?', en: 'Question " + str(i) + "?'}",
            f"    save: a{i}",
            "    next:",
            f"      - if: a{i} > 5",
            "        goto: end",
            f"      - goto: {nxt}",
        ]
    lines += ["  end:", "    type: end", "    text: {nl: Klaar, en: Done}"]
    return "\n".join(lines) + "\n"


def per_call(action: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over five rounds of ``repeat`` calls."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            action()
        rounds.append((time.perf_counter() - started) / repeat)
    return statistics.median(rounds)


def machine_per_user_cost(dialogue: CompiledDialogue) -> tuple[float, float]:
    """(seconds, bytes) to build one Machine with the dialogue's states and transitions."""
    transitions = [
        {"trigger": ADVANCE, "source": s, "dest": t}
        for s, targets in ((n, node.targets()) for n, node in dialogue.model.nodes.items())
        for t in targets
    ]

    def build() -> Machine:
        return Machine(
            model=None, states=list(dialogue.model.nodes), transitions=transitions, initial="q0"
        )

    seconds = per_call(build, 20)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [build() for _ in range(10)]
    size = (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    tracemalloc.stop()
    return seconds, size


def bind_per_update_cost(dialogue: CompiledDialogue) -> float:
    """Seconds for add_model + trigger + remove_model on the shared machine."""
    machine = dialogue.machine

    class Bindable(Cursor):  # no __slots__, so add_model can attach its trigger methods
        pass

    def step() -> None:
        model = Bindable("q0", {"a0": 3})
        machine.add_model(model, initial="q0")
        model.trigger(ADVANCE)  # type: ignore[attr-defined]
        machine.remove_model(model)

    return per_call(step, 500)


def shared_trigger_cost(dialogue: CompiledDialogue) -> float:
    """Seconds for Coachbot's way: trigger the shared event on a fresh cursor."""
    event = dialogue.machine.events[ADVANCE]
    return per_call(lambda: event.trigger(Cursor("q0", {"a0": 3})), 5000)


def engine_step_cost(engine: Engine) -> float:
    """Seconds for one whole engine reply (validate, save, branch, render the next question)."""
    person = Person("Bench", "nl")
    session = engine.start(1, "chain", person).session
    return per_call(lambda: engine.reply(session, Incoming.choice("3"), person), 2000)


async def committed_step_cost(engine: Engine, folder: Path) -> float:
    """Seconds for one reply committed to a SQLite file (synchronous=FULL, WAL)."""
    store = await open_store(f"sqlite:///{folder / 'bench.db'}")
    coach = Coach(engine, store)
    bench = Visitor("bench:1", "Bench")
    await coach.open(bench, "chain")
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(STATES - 2):
            await coach.reply(bench, Incoming.choice("3"))
        rounds.append((time.perf_counter() - started) / (STATES - 2))
        await coach.restart(bench)
    await store.close()
    return statistics.median(rounds)


def main() -> None:
    """Run every measurement and print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "chain.yaml").write_text(chain_dialogue(STATES), encoding="utf-8")
        catalog = load_catalog([folder], REPO / "prompts")
        assert not catalog.broken, catalog.problems
        dialogue = catalog.get("chain")
        engine = Engine(catalog)

        build_s, build_bytes = machine_per_user_cost(dialogue)
        bind_s = bind_per_update_cost(dialogue)
        trigger_s = shared_trigger_cost(dialogue)
        step_s = engine_step_cost(engine)
        commit_s = asyncio.run(committed_step_cost(engine, folder))

    us = 1e6
    print(f"dialogue: {STATES} states")
    kib = build_bytes / 1024
    print(f"Machine per user (build):          {build_s * us:9.1f} µs   {kib:7.1f} KiB each")
    print(f"add_model/trigger/remove_model:    {bind_s * us:9.1f} µs")
    print(f"shared trigger on a cursor (ours): {trigger_s * us:9.1f} µs")
    print(f"whole engine step (in memory):     {step_s * us:9.1f} µs")
    print(f"whole step committed to SQLite:    {commit_s * us:9.1f} µs")
    print(f"ratio build / shared trigger:      {build_s / trigger_s:9.0f}x")
    print(f"ratio bind per update / shared:    {bind_s / trigger_s:9.1f}x")
    print(f"share of a committed step spent in the engine: {step_s / commit_s:6.1%}")


if __name__ == "__main__":
    main()
