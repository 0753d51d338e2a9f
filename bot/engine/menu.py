"""The menu a user sees, and what a check-in dialogue is told about its commitment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.errors import UnknownDialogue
from bot.records import CommitmentRecord, Session
from bot.store.assign_base import Assignment


@dataclass(frozen=True)
class MenuItem:
    """One thing a user can pick, in their language (a check-in names its commitment)."""

    dialogue_id: str
    title: str
    description: str
    unfinished: bool = False
    commitment_id: int | None = None
    due: bool = False
    entry: bool = False
    assigned_due: date | None = None  # a manager assigned this track, due on this day


def check_in_dialogue(catalog: Catalog) -> CompiledDialogue | None:
    """The dialogue that follows up on commitments, if one is served."""
    return next((d for d in catalog.listed() if d.model.kind == "checkin"), None)


def profile_dialogue(catalog: Catalog) -> CompiledDialogue | None:
    """The dialogue that asks for the user's profile, if one is served."""
    return next((d for d in catalog.listed() if d.model.kind == "profile"), None)


def build_menu(
    catalog: Catalog,
    lang: str,
    sessions: list[Session],
    commitments: list[CommitmentRecord],
    assigned: Sequence[Assignment] = (),
) -> list[MenuItem]:
    """Assigned tracks first (soonest due first), then unfinished ones, due check-ins, the entry
    dialogue, the other tracks, later check-ins."""
    unfinished = {s.dialogue_id for s in sessions}
    due_on: dict[str, date] = {}
    for assignment in assigned:  # soonest first: a track assigned twice shows its next day
        due_on.setdefault(assignment.dialogue_id, assignment.due_on)
    items = [
        MenuItem(
            d.id,
            d.model.title.get(lang),
            d.model.description.get(lang),
            unfinished=d.id in unfinished,
            entry=d.model.kind == "entry",
            assigned_due=due_on.get(d.id),
        )
        for d in catalog.listed()
        if d.model.kind not in ("checkin", "profile")
    ]
    items += _check_ins(catalog, lang, commitments)
    return sorted(items, key=_menu_order)


def _menu_order(item: MenuItem) -> tuple[bool, date, bool, bool, bool, bool]:
    assigned = item.assigned_due is not None
    return (
        not assigned,
        item.assigned_due or date.max,
        not item.unfinished,
        not item.due,
        not item.entry,
        item.commitment_id is not None,
    )


def _check_ins(catalog: Catalog, lang: str, commitments: list[CommitmentRecord]) -> list[MenuItem]:
    dialogue = check_in_dialogue(catalog)
    if dialogue is None:
        return []
    now = datetime.now(UTC)
    description = dialogue.model.description.get(lang)
    return [
        MenuItem(
            dialogue.id,
            f"{track_title(catalog, c.dialogue_id, lang)}: {c.text}",  # named after its track
            description,
            commitment_id=c.id,
            due=c.due_at <= now,
        )
        for c in commitments
    ]


def track_title(catalog: Catalog, dialogue_id: str, lang: str) -> str:
    """A track's title (its id if the track is no longer served)."""
    try:
        return catalog.get(dialogue_id).model.title.get(lang)
    except UnknownDialogue:
        return dialogue_id


def check_in_inputs(catalog: Catalog, commitment: CommitmentRecord, lang: str) -> dict[str, Any]:
    """What a check-in dialogue starts with: the commitment, its age and its track."""
    track = track_title(catalog, commitment.dialogue_id, lang)
    return {
        "commitment": commitment.text,
        "commitment_id": commitment.id,
        "days_ago": (datetime.now(UTC) - commitment.created_at).days,
        "track_title": track,
    }
