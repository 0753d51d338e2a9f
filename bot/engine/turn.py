"""What goes into the engine (``Incoming``) and what comes out (``Turn``), for any channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.engine.funnel_chart import FunnelChart
from bot.records import CommitmentOutcome, NewCommitment, SavedAnswer, SaveProfile, Session

IncomingKind = Literal["text", "choice", "unsupported"]
DONE = "*done"  # the value of a multi question's "Done" button (no option value looks like it)
MARK = "✓ "  # before the label of a picked option


@dataclass(frozen=True)
class Incoming:
    """One thing the user sent: typed text, a pressed button, or something we cannot read."""

    kind: IncomingKind
    value: str = ""
    step: int | None = None  # the session step the answer belongs to, when known
    session_id: int | None = None  # the session the answer belongs to, when known

    @classmethod
    def text(cls, value: str, step: int | None = None, session_id: int | None = None) -> Incoming:
        """Typed text (and, if the channel knows it, the question it answers)."""
        return cls("text", value, step, session_id)

    @classmethod
    def choice(cls, value: str, step: int | None = None, session_id: int | None = None) -> Incoming:
        """A pressed button carrying an option value (and, if known, where it was shown)."""
        return cls("choice", value, step, session_id)

    @classmethod
    def unsupported(cls, what: str = "") -> Incoming:
        """A sticker, photo, voice note or anything else the coach cannot read."""
        return cls("unsupported", what)


@dataclass(frozen=True)
class Button:
    """A button the user can press: the label shown and the value sent back."""

    label: str
    value: str
    chosen: bool = False  # an option of a multi question that is currently picked

    @property
    def shown(self) -> str:
        """The label with a mark when the option is picked."""
        return f"{MARK}{self.label}" if self.chosen else self.label


@dataclass(frozen=True)
class Chart:
    """A ladder chart to show: the data only, drawn by the channel off the hot path."""

    title: str
    levels: tuple[str, ...]
    ladders: tuple[tuple[str, int], ...]  # (label, level reached, 1 = lowest)
    filename: str
    before: tuple[int, ...] = ()  # the levels of the last run, one per ladder, if known
    legend: str = ""  # says what the marks of the last run mean

    @property
    def caption(self) -> str:
        """What to say under the picture."""
        return f"{self.title}\n{self.legend}" if self.before and self.legend else self.title

    def png(self) -> bytes:
        """The chart as a PNG (takes tens of milliseconds: call it in a worker thread)."""
        from bot.engine.charts import ladder_chart

        return ladder_chart(self.title, self.levels, self.ladders, self.before)


@dataclass(frozen=True)
class LevelsChart:
    """The ladders of a track across its runs (for /progress): data only, drawn by a channel."""

    title: str
    levels: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (ladder label, level at each run)
    runs: tuple[str, ...]  # a label per run, e.g. its date
    filename: str

    @property
    def caption(self) -> str:
        """What to say under the picture."""
        return self.title

    def png(self) -> bytes:
        """The chart as a PNG (call it in a worker thread)."""
        from bot.engine.charts import levels_over_time

        return levels_over_time(self.title, self.levels, self.series, self.runs)


@dataclass(frozen=True)
class TeamChart:
    """A team's assignments as one stacked bar per member (for /team): data only, drawn by a
    channel."""

    title: str
    names: tuple[str, ...]
    parts: tuple[tuple[str, tuple[int, ...]], ...]  # (status label, count per member)
    filename: str
    caption: str

    def png(self) -> bytes:
        """The chart as a PNG (call it in a worker thread)."""
        from bot.engine.charts import stacked_bars

        return stacked_bars(self.title, self.names, self.parts)


Image = Chart | LevelsChart | TeamChart | FunnelChart


@dataclass(frozen=True)
class Message:
    """One outgoing message: Telegram-style HTML text, optional buttons or image."""

    text: str
    buttons: tuple[Button, ...] = ()
    image: Image | None = None
    details: str | None = None  # an end node's full text, shown when "Details" is pressed
    multi: bool = False  # the buttons toggle options on and off; the last one is "Done"


@dataclass(frozen=True)
class StartDialogue:
    """Start another dialogue right after this one ends."""

    dialogue_id: str


Effect = NewCommitment | CommitmentOutcome | SaveProfile | StartDialogue

Outcome = Literal[
    "started",
    "resumed",
    "accepted",
    "toggled",
    "rejected",
    "stale",
    "back",
    "completed",
    "details",
]


@dataclass(frozen=True)
class Turn:
    """The engine's answer: messages to send, the new session state and what to store."""

    messages: tuple[Message, ...]
    session: Session
    outcome: Outcome
    saved: tuple[SavedAnswer, ...] = field(default=())
    visited: tuple[str, ...] = field(default=())  # nodes entered during this turn, in order
    effects: tuple[Effect, ...] = field(default=())
    notice: str | None = None  # plain text to show first: why an answer was not taken, ...
    answered: str | None = None  # a multi question's answer in words, to mark the question with

    @property
    def finished(self) -> bool:
        """True once the session reached an end node."""
        return self.session.status == "completed"

    @property
    def buttons(self) -> tuple[Button, ...]:
        """The buttons of the last message (the question now waiting for an answer)."""
        return self.messages[-1].buttons if self.messages else ()
