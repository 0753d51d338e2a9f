"""The domain records the engine works on and the store keeps: plain, JSON-serialisable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SessionStatus = Literal["active", "completed", "abandoned"]
Shared = Literal["done", "summary"]
PushKind = Literal["checkin", "soon", "late", "finished"]


@dataclass(frozen=True)
class User:
    """Someone who talks to the coach, on any channel."""

    id: int
    external_id: str
    display_name: str
    language: str | None
    active: bool = True


@dataclass(frozen=True)
class Frame:
    """One answered question and how to undo it, kept so ``back`` can.

    Only what the step changed is kept (the earlier values of the keys it set, and the keys it
    added), so a session's history grows with its answers, not with their square.
    """

    node: str
    restore: dict[str, Any]
    added: tuple[str, ...] = ()

    @classmethod
    def between(cls, node: str, before: dict[str, Any], after: dict[str, Any]) -> Frame:
        """The frame that takes ``after`` back to ``before``."""
        restore = {k: v for k, v in before.items() if k not in after or after[k] != v}
        return cls(node, restore, tuple(k for k in after if k not in before))

    def undo(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as they were before this step."""
        kept = {k: v for k, v in answers.items() if k not in self.added}
        return {**kept, **self.restore}

    def to_json(self) -> dict[str, Any]:
        """The frame as JSON-ready data."""
        return {"node": self.node, "restore": self.restore, "added": list(self.added)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Frame:
        """Rebuild a frame from ``to_json`` output (or the older full-copy form)."""
        if "answers_before" in data:  # stored before frames kept only changes
            return _FullCopy(data["node"], dict(data["answers_before"]))
        return cls(data["node"], dict(data["restore"]), tuple(data["added"]))


@dataclass(frozen=True)
class _FullCopy(Frame):
    """A frame stored by an older Coachbot: a copy of all answers before the step."""

    def undo(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as they were before this step."""
        return dict(self.restore)

    def to_json(self) -> dict[str, Any]:
        """The frame in the form it was stored in."""
        return {"node": self.node, "answers_before": self.restore}


@dataclass
class Session:
    """Where one user stands in one dialogue: plain data, the engine's only state."""

    user_id: int
    dialogue_id: str
    version: str
    node: str
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[Frame] = field(default_factory=list)
    status: SessionStatus = "active"
    step: int = 0
    id: int | None = None
    started_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class SavedAnswer:
    """One line of the append-only answer log."""

    node: str
    key: str
    value: Any


@dataclass(frozen=True)
class CommitmentRecord:
    """Something a user committed to, with the moment to check in on it."""

    id: int
    user_id: int
    dialogue_id: str
    text: str
    status: str
    created_at: datetime
    due_at: datetime
    outcome: str | None = None


@dataclass(frozen=True)
class Assignment:
    """A track a manager assigned to a member, with its due day and how it went."""

    id: int
    manager: User
    member: User
    dialogue_id: str
    note: str
    created_at: datetime
    due_on: date
    due_at: datetime
    status: str  # open, done, withdrawn
    finished_at: datetime | None = None
    shared: Shared | None = None  # what the member let the manager see; None: not chosen yet
    summary: str | None = None  # the closing message, HTML; shown only when shared

    def overdue(self, now: datetime) -> bool:
        """Open and past its due day."""
        return self.status == "open" and self.due_at <= now


@dataclass(frozen=True)
class Push:
    """A message the bot is due to send on its own: a check-in on a commitment (``checkin``),
    an assignment's reminder to its member (``soon``, ``late``) or, to the manager, the notice
    that the member finished it (``finished``)."""

    id: int
    user_id: int  # the recipient
    external_id: str  # who to send it to, e.g. "telegram:123"
    display_name: str
    language: str | None
    kind: PushKind
    commitment: CommitmentRecord | None = None
    assignment: Assignment | None = None


@dataclass(frozen=True)
class DueBy:
    """The horizons within which each kind of push is due at one moment."""

    now: datetime  # assignment reminders and notices: due once their moment has come
    today_end: datetime  # check-ins: due on their local day
    next_workday: datetime  # the reminder before a due day: by the next working day's start


@dataclass(frozen=True)
class NewCommitment:
    """Store what the user committed to and after how many days to check in."""

    text: str
    follow_up_days: int


@dataclass(frozen=True)
class CommitmentOutcome:
    """Record how a commitment went (written at the end of a check-in)."""

    commitment_id: int
    outcome: str


CommitmentWrite = NewCommitment | CommitmentOutcome

PROFILE_TEXTS = ("market", "product", "role", "experience")
POSTING_CHANNELS = frozenset({"linkedin", "instagram"})  # where salespeople post to a network


@dataclass(frozen=True)
class Profile:
    """What a user told the profile dialogue about their work ("" or [] when not answered)."""

    market: str = ""  # "b2b" or "consumer"
    product: str = ""  # in their own words
    role: str = ""  # "field" or "inside"
    experience: str = ""  # a range, e.g. "2_to_5"
    channels: tuple[str, ...] = ()  # e.g. ("linkedin", "email"); ("none",) when they use none
    updated_at: datetime | None = None

    def names(self) -> dict[str, Any]:
        """The profile as templates and conditions read it: every field always there."""
        # A list, so a condition may compare it with a list literal.
        texts = {key: getattr(self, key) for key in PROFILE_TEXTS}
        return {**texts, "channels": list(self.channels), "offline": self.offline}

    @property
    def offline(self) -> bool:
        """Whether they told us their channels and none of them is one people post on."""
        return bool(self.channels) and not set(self.channels) & POSTING_CHANNELS


@dataclass(frozen=True)
class SaveProfile:
    """Store (or replace) the user's profile; written at the end of the profile dialogue."""

    profile: Profile


StoreWrite = NewCommitment | CommitmentOutcome | SaveProfile
