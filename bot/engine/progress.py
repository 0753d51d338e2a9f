"""/progress: what a salesperson has done so far, in one message and, when there is a trend,
one chart.

The tracks finished (how often, when last), the open commitments with their check-in day, how
the check-ins went, and for a track with ladders taken more than once, its levels over time.
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import datetime

from bot.dialogue import dates
from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import EndNode
from bot.engine.menu import track_title
from bot.engine.phrases import phrase
from bot.engine.presenter import TIME_ZONE, Person, context
from bot.engine.turn import LevelsChart, Message
from bot.errors import RenderError, UnknownDialogue
from bot.records import CommitmentRecord, Session


def progress(
    catalog: Catalog,
    finished: list[Session],
    commitments: list[CommitmentRecord],
    person: Person,
) -> Message:
    """The user's progress as one message, with a chart of their levels when there is one."""
    lang = person.lang
    tracks = [s for s in finished if track_of(catalog, s.dialogue_id) is not None]
    if not tracks and not commitments:
        return Message(html.escape(phrase(lang, "progress_none"), quote=False))
    lines = [f"<b>{html.escape(phrase(lang, 'progress_title'), quote=False)}</b>"]
    lines += _finished_lines(catalog, tracks, person)
    lines += _open_lines(catalog, [c for c in commitments if c.status == "open"], person)
    lines += _outcome_lines([c for c in commitments if c.status == "done"], lang)
    return Message("\n".join(lines), image=_trend(catalog, tracks, person))


def track_of(catalog: Catalog, dialogue_id: str) -> CompiledDialogue | None:
    """The track ``dialogue_id`` if it is one and still served."""
    try:
        dialogue = catalog.get(dialogue_id)
    except UnknownDialogue:
        return None
    return dialogue if dialogue.model.kind == "track" else None


def _day(moment: datetime, person: Person) -> str:
    return dates.day_label(moment.astimezone(TIME_ZONE).date(), person.lang, person.today)


def _finished_lines(catalog: Catalog, tracks: list[Session], person: Person) -> list[str]:
    if not tracks:
        return []
    runs = Counter(s.dialogue_id for s in tracks)
    last = {s.dialogue_id: s for s in tracks}  # oldest first, so the last one wins
    lines = ["", html.escape(phrase(person.lang, "progress_finished"), quote=False)]
    for dialogue_id, count in runs.items():
        dialogue = catalog.get(dialogue_id)
        when = last[dialogue_id].updated_at
        day = _day(when, person) if when is not None else "?"
        title = html.escape(dialogue.model.title.get(person.lang), quote=False)
        lines.append(phrase(person.lang, "progress_finished_line", title=title, n=count, day=day))
    return lines


def _open_lines(catalog: Catalog, open_ones: list[CommitmentRecord], person: Person) -> list[str]:
    if not open_ones:
        return []
    lines = ["", html.escape(phrase(person.lang, "progress_open"), quote=False)]
    for commitment in open_ones:
        track = html.escape(track_title(catalog, commitment.dialogue_id, person.lang), quote=False)
        text = html.escape(commitment.text, quote=False)
        day = _day(commitment.due_at, person)
        lines.append(phrase(person.lang, "progress_open_line", text=text, track=track, day=day))
    return lines


def _outcome_lines(done: list[CommitmentRecord], lang: str) -> list[str]:
    if not done:
        return []
    how = Counter(c.outcome for c in done)
    counts = phrase(
        lang, "progress_outcomes", n=len(done), yes=how["yes"], partly=how["partly"], no=how["no"]
    )
    return ["", html.escape(counts, quote=False)]


def _trend(catalog: Catalog, tracks: list[Session], person: Person) -> LevelsChart | None:
    """The levels over time of the first track with ladders that was taken at least twice."""
    by_track: dict[str, list[Session]] = {}
    for session in tracks:
        by_track.setdefault(session.dialogue_id, []).append(session)
    for dialogue_id, runs in by_track.items():
        dialogue = catalog.get(dialogue_id)
        charted = [(s, levels) for s in runs if (levels := levels_reached(dialogue, s, person))]
        if len(charted) < 2:
            continue
        end = dialogue.model.nodes[charted[-1][0].node]
        assert isinstance(end, EndNode)
        assert end.chart is not None  # _levels found a chart there
        labels = [ladder.label.get(person.lang) for ladder in end.chart.ladders]
        series = tuple(
            (label, tuple(levels[i] for _, levels in charted)) for i, label in enumerate(labels)
        )
        days = tuple(_short_day(s, person.lang) for s, _ in charted)
        return LevelsChart(
            phrase(person.lang, "progress_chart", title=dialogue.model.title.get(person.lang)),
            tuple(end.chart.levels.get(person.lang)),
            series,
            days,
            f"progress-{dialogue_id}-{len(charted)}.png",
        )
    return None


def _short_day(session: Session, lang: str) -> str:
    moment = session.updated_at
    return dates.day_month(moment.astimezone(TIME_ZONE).date(), lang) if moment else "?"


def levels_reached(dialogue: CompiledDialogue, session: Session, person: Person) -> tuple[int, ...]:
    """The ladder levels a finished run reached, or () if its end has no chart (or changed)."""
    end = dialogue.model.nodes.get(session.node)
    if not isinstance(end, EndNode) or end.chart is None:
        return ()
    top = len(end.chart.levels.get(person.lang))
    names = context(session, person)
    try:
        found = [
            dialogue.evaluate(session.node, f"chart.{i}", names)
            for i in range(len(end.chart.ladders))
        ]
    except RenderError:
        return ()
    if not all(isinstance(v, int | float) and 1 <= v <= top for v in found):
        return ()
    return tuple(int(v) for v in found)
