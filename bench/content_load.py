"""How long loading and validating content takes at scale, and whether it grows linearly.

    .venv/bin/python bench/content_load.py [--profile]

Generates 100 dialogues of 200 nodes each (every node type, branches with conditions, computed
values, texts that quote earlier answers, template files importing the shared macros) into a
temporary folder, loads them as the bot does at start-up and prints the time in total and per
file; then one dialogue of 100, 200 and 400 nodes, to show the cost grows linearly. With
``--profile`` it also prints cProfile's top 10 of the big load.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.dialogue import budget
from bot.dialogue.budget import LimitExceeded
from bot.dialogue.catalog import load_catalog
from bot.dialogue.rendering import make_environment

REPO = Path(__file__).resolve().parent.parent
DIALOGUES = 100
NODES = 200
SCALING = (100, 200, 400)
BLOCK = 10  # nodes per generated block
TEMPLATE_FILES = 5  # file templates shared by every generated dialogue


def _block(k: int, after: str, previous: str | None) -> list[str]:
    """YAML lines of one block of ten nodes; it ends by going to ``after``."""
    p = f"b{k}_"
    recall = (
        f"Eerder schreef je: <i>{{{{ {previous} }}}}</i>. " if previous else "Welkom, {{ name }}. "
    )
    recall_en = (
        f"Earlier you wrote: <i>{{{{ {previous} }}}}</i>. " if previous else "Hi {{ name }}. "
    )
    mid = (
        f"    text: {{template: gen/tip_{k % TEMPLATE_FILES}.j2}}"
        if k % 3 == 0
        else "    text:\n"
        f"      nl: Gemiddeld dus, {{{{ name }}}}. rol {{{{ role_{k} }}}}.\n"
        f"      en: Average then, {{{{ name }}}}. role {{{{ role_{k} }}}}."
    )
    return f"""\
  {p}role:
    type: choice
    text:
      nl: |
        {recall}Welke rol had je bij klant {k}?
        {{% if lang == "nl" %}}Kies de rol die het best past.{{% endif %}}
      en: |
        {recall_en}Which role did you have with customer {k}?
        {{% if lang == "en" %}}Pick the role that fits best.{{% endif %}}
    save: role_{k}
    options:
      - {{value: lead, label: {{nl: Trekker, en: Lead}}}}
      - {{value: help, label: {{nl: Helper, en: Helper}}, next: {p}detail}}
      - {{value: none, label: {{nl: Geen, en: None}}}}
    next: {p}level
  {p}detail:
    type: text
    text: {{nl: "Waarmee hielp je?", en: "What did you help with?"}}
    save: detail_{k}
    min_length: 2
    max_length: 500
    next: {p}level
  {p}level:
    type: scale
    text:
      nl: Hoe goed ging het{{{{ " als helper" if role_{k} == "help" else "" }}}}?
      en: How well did it go{{{{ " as a helper" if role_{k} == "help" else "" }}}}?
    low: {{nl: slecht, en: badly}}
    high: {{nl: top, en: great}}
    save: level_{k}
    compute:
      score_{k}: level_{k} * 2 + (1 if role_{k} == "lead" else 0)
      strong_{k}: score_{k} >= 8
    next:
      - if: strong_{k}
        goto: {p}high
      - if: level_{k} <= 2
        goto: {p}low
      - goto: {p}mid
  {p}high:
    type: say
    text:
      nl: |
        Sterk! Score {{{{ score_{k} }}}}.
        {{% if answers.get("detail_{k}") %}}
        Je hielp met: {{{{ answers.get("detail_{k}") }}}}
        {{% endif %}}
      en: |
        Strong! Score {{{{ score_{k} }}}}.
        {{% if answers.get("detail_{k}") %}}
        You helped with: {{{{ answers.get("detail_{k}") }}}}
        {{% endif %}}
    next: {p}count
  {p}low:
    type: say
    text:
      nl: "{{% if level_{k} == 1 %}}Dat was lastig.{{% else %}}Niet makkelijk.{{% endif %}}"
      en: "{{% if level_{k} == 1 %}}That was hard.{{% else %}}Not easy.{{% endif %}}"
    next: {p}count
  {p}mid:
    type: say
{mid}
    next: {p}count
  {p}count:
    type: number
    text: {{nl: "Hoeveel contacten had je?", en: "How many contacts did you have?"}}
    save: count_{k}
    integer: true
    min: 0
    max: 1000
    next:
      - if: count_{k} > 10 and level_{k} >= 3
        goto: {p}many
      - goto: {p}note
  {p}many:
    type: say
    text:
      nl: "{{{{ count_{k} }}}} contacten, dat is veel. Score {{{{ score_{k} }}}}."
      en: "{{{{ count_{k} }}}} contacts, that is a lot. Score {{{{ score_{k} }}}}."
    next: {p}note
  {p}note:
    type: text
    text:
      nl: Wat neem je mee uit klant {k}?
      en: What do you take away from customer {k}?
    save: note_{k}
    next: {p}recap
  {p}recap:
    type: say
    text:
      nl: "Genoteerd: <b>{{{{ note_{k} }}}}</b> ({{{{ count_{k} }}}} contacten)."
      en: "Noted: <b>{{{{ note_{k} }}}}</b> ({{{{ count_{k} }}}} contacts)."
    next: {after}
""".splitlines()


def dialogue_yaml(dialogue_id: str, nodes: int) -> str:
    """A valid dialogue of exactly ``nodes`` nodes (at least 12)."""
    blocks = (nodes - 2) // BLOCK
    padding = nodes - 2 - blocks * BLOCK
    lines = [
        f"id: {dialogue_id}",
        "title: {nl: Gegenereerd, en: Generated}",
        "description: {nl: Voor de benchmark, en: For the benchmark}",
        "start: intro",
        "nodes:",
        "  intro:",
        "    type: say",
        "    text: {nl: 'Hoi {{ name }}!', en: 'Hi {{ name }}!'}",
        "    next: " + ("pad0" if padding else "b0_role"),
    ]
    for i in range(padding):
        nxt = f"pad{i + 1}" if i + 1 < padding else "b0_role"
        lines += [
            f"  pad{i}:",
            "    type: say",
            f"    text: {{nl: 'Stap {i}.', en: 'Step {i}.'}}",
            f"    next: {nxt}",
        ]
    for k in range(blocks):
        after = f"b{k + 1}_role" if k + 1 < blocks else "summary"
        lines += _block(k, after, f"note_{k - 1}" if k else None)
    last = blocks - 1
    lines += [
        "  summary:",
        "    type: end",
        "    text: {template: gen/summary.j2}",
        "    commitment:",
        f"      text: note_{last}",
        f'      follow_up_days: "7 if score_{last} > 5 else 14"',
    ]
    return "\n".join(lines) + "\n"


TIP = """\
{% from "partials/cards.j2" import tip_card with context %}
{{ tip_card("TITLE " ~ name, "BODY " ~ answers|length, "STEP") }}
{% if answers.get("count_0", 0) > 3 %}
{{ "Veel contacten" if lang == "nl" else "Many contacts" }}.
{% endif %}
"""
SUMMARY = """\
{% from "partials/commitment.j2" import commitment_card %}
<b>{{ name }}</b>, LABEL
{% for key, value in answers|dictsort if key.startswith("note_") %}
• {{ value }}
{% endfor %}
{{ commitment_card(answers|length, 7) }}
"""


def write_content(folder: Path, dialogues: int, nodes: int) -> tuple[Path, Path]:
    """Write ``dialogues`` generated files plus a prompts folder; return both folders."""
    prompts, target = folder / "prompts", folder / "dialogues"
    shutil.copytree(REPO / "prompts", prompts)
    target.mkdir()
    for lang, tip, label in (("nl", "Tip", "samenvatting"), ("en", "Tip", "summary")):
        gen = prompts / lang / "gen"
        gen.mkdir()
        for k in range(TEMPLATE_FILES):
            text = TIP.replace("TITLE", f"{tip} {k}").replace("BODY", f"{lang} {k}")
            (gen / f"tip_{k}.j2").write_text(text.replace("STEP", f"stap {k}"), encoding="utf-8")
        (gen / "summary.j2").write_text(SUMMARY.replace("LABEL", label), encoding="utf-8")
    for i in range(dialogues):
        path = target / f"gen_{i:03d}.yaml"
        path.write_text(dialogue_yaml(f"gen_{i:03d}", nodes), encoding="utf-8")
    return target, prompts


def _load_seconds(
    dialogues: Path, prompts: Path, expected: int, cache: Path | None = None
) -> float:
    gc.collect()  # what earlier loads left must not be collected on this one's time
    started = time.process_time()
    catalog = load_catalog([dialogues], prompts, cache_dir=cache)
    seconds = time.process_time() - started
    if catalog.broken or len(catalog.latest) != expected:
        raise SystemExit(f"generated content did not load: {catalog.problems[:5]}")
    return seconds


def figures(dialogues: int = DIALOGUES, nodes: int = NODES) -> dict[str, float]:
    """CPU seconds: the whole load, per file, from the cache, one file at each size in
    ``SCALING``; and the slowest of ``WORST_TEXTS`` (wall clock)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, prompts = write_content(Path(tmp), dialogues, nodes)
        total = _load_seconds(folder, prompts, dialogues)
        cache = Path(tmp) / "cache"
        first = _load_seconds(folder, prompts, dialogues, cache)
        warm = _load_seconds(folder, prompts, dialogues, cache)
        result = {
            "dialogues": float(dialogues),
            "nodes_per_dialogue": float(nodes),
            "total_s": total,
            "per_file_s": total / dialogues,
            "filling_cache_s": first,
            "cached_total_s": warm,
            "cached_per_file_s": warm / dialogues,
        }
    result["worst_render_s"] = max(worst_renders().values())
    for size in SCALING:
        with tempfile.TemporaryDirectory() as tmp:
            folder, prompts = write_content(Path(tmp), 1, size)
            runs = [_load_seconds(folder, prompts, 1) for _ in range(3)]
            result[f"one_file_{size}_nodes_s"] = min(runs)
    return result


# Texts that pass validation, shown with the biggest answers a user or a computed value can give.
WORST_TEXTS = {
    "nested loops over a long list": (
        "{% for i in items %}{% for j in items %}{{ j }}{% endfor %}{% endfor %}"
    ),
    "sorting in a loop": "{% for i in range(100) %}{{ items|sort|length }}{% endfor %}",
    "urlize in a loop": "{% for i in range(100) %}{{ x|urlize }}{% endfor %}",
    "macro calls in a loop": (
        "{% from 'partials/cards.j2' import ladder with context %}"
        "{% for i in items %}{{ ladder(items, i) }}{% endfor %}"
    ),
    "growing text": "{% set y = x ~ x ~ x ~ x %}{% set y = y ~ y ~ y ~ y %}{{ (y ~ y)|length }}",
    "longest output": "{% for i in range(100) %}{{ x }}{% endfor %}",
}


def worst_renders() -> dict[str, float]:
    """Seconds each text in ``WORST_TEXTS`` takes with huge answers (until a limit stops it)."""
    env = make_environment(REPO / "prompts", "nl")
    answers: dict[str, Any] = {"x": "www.example.com " * 187, "items": list(range(5000))}
    context = {**answers, "answers": answers, "name": "Bench", "lang": "nl"}
    found = {}
    for label, text in WORST_TEXTS.items():
        template = env.template_from_tree(env.parse(text))
        started = time.perf_counter()
        with contextlib.suppress(LimitExceeded):
            budget.render(template, context)
        found[label] = time.perf_counter() - started
    return found


def profile(dialogues: int = DIALOGUES, nodes: int = NODES) -> str:
    """cProfile's top 10 (by cumulative time) of loading the generated content."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, prompts = write_content(Path(tmp), dialogues, nodes)
        profiler = cProfile.Profile()
        profiler.enable()
        load_catalog([folder], prompts)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(10)
    return out.getvalue()


def main() -> None:
    """Print the figures (and the profile with ``--profile``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 10")
    parser.add_argument("--dialogues", type=int, default=DIALOGUES)
    parser.add_argument("--nodes", type=int, default=NODES)
    args = parser.parse_args()
    found = figures(args.dialogues, args.nodes)
    print(f"{args.dialogues} dialogues x {args.nodes} nodes")
    print(f"load + validate, total:   {found['total_s']:8.3f} s CPU")
    print(f"per file:                 {found['per_file_s'] * 1000:8.1f} ms")
    print(f"same, filling the cache:  {found['filling_cache_s']:8.3f} s CPU")
    print(f"from the cache, total:    {found['cached_total_s']:8.3f} s CPU")
    print(f"from the cache, per file: {found['cached_per_file_s'] * 1000:8.1f} ms")
    for size in SCALING:
        seconds = found[f"one_file_{size}_nodes_s"]
        per_node = seconds / size * 1e6
        print(f"one file of {size:3} nodes:   {seconds * 1000:8.1f} ms  ({per_node:.0f} µs/node)")
    print("worst texts with huge answers (stopped by a limit):")
    for label, seconds in worst_renders().items():
        print(f"  {label:<32} {seconds * 1000:6.1f} ms")
    if args.profile:
        print(profile(args.dialogues, args.nodes))


if __name__ == "__main__":
    main()
