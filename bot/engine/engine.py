"""The dialogue engine: pure steps over plain session data, no storage and no channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import SUMMARY, EndNode, MultiNode, Question, SayNode
from bot.engine.inputs import Accepted, read_answer
from bot.engine.multi import (
    PICKED,
    Toggled,
    Value,
    earlier_this_visit,
    picked_of,
    restoring,
    with_picked,
    without_picked,
)
from bot.engine.phrases import phrase
from bot.engine.presenter import DETAILS, Person, context, present, tip_details
from bot.engine.turn import Effect, Incoming, Message, Outcome, StartDialogue, Turn
from bot.errors import ContentChanged, MissingInputs, RenderError, SessionNotActive
from bot.records import (
    PROFILE_TEXTS,
    CommitmentOutcome,
    Frame,
    NewCommitment,
    Profile,
    SavedAnswer,
    SaveProfile,
    Session,
)

__all__ = ["Engine", "Person"]

MAX_HOPS = 200  # validation rules out loops of say nodes; this guards against bugs anyway
MAX_FOLLOW_UP_DAYS = 365


@dataclass
class _Step:
    """What one engine step produces, gathered while it moves through nodes."""

    session: Session
    messages: list[Message] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    saved: list[SavedAnswer] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)

    def turn(self, outcome: Outcome) -> Turn:
        return Turn(
            tuple(self.messages),
            self.session,
            outcome,
            tuple(self.saved),
            tuple(self.visited),
            tuple(self.effects),
        )


class Engine:
    """Starts sessions and moves them on; every method returns a Turn and touches no I/O."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def start(
        self,
        user_id: int,
        dialogue_id: str,
        person: Person,
        inputs: Mapping[str, Any] | None = None,
    ) -> Turn:
        """A new session at the dialogue's start, advanced to its first question."""
        dialogue = self.catalog.get(dialogue_id)
        given = dict(inputs or {})
        missing = [name for name in dialogue.model.inputs if name not in given]
        if missing:
            raise MissingInputs(f"{dialogue.id} needs {', '.join(missing)} to start")
        step = _Step(
            Session(user_id, dialogue.id, dialogue.version, dialogue.model.start, answers=given)
        )
        self._advance(dialogue, step, dialogue.model.start, person)
        return step.turn("started")

    def show(self, session: Session, person: Person, notice: str | None = None) -> Turn:
        """The current question again (to resume), optionally after a notice."""
        dialogue = self._dialogue_of(session)
        return Turn((present(dialogue, session, person),), session, "resumed", notice=notice)

    def reply(self, session: Session, incoming: Incoming, person: Person) -> Turn:
        """Take the user's answer to the current question, or ask again saying why not."""
        if session.status != "active":
            raise SessionNotActive(f"session {session.id} is {session.status}")
        dialogue = self._dialogue_of(session)
        if shown := self._tip_details(dialogue, session, incoming, person):
            return shown
        node = dialogue.model.nodes[session.node]
        moved_on = incoming.step is not None and incoming.step != session.step
        if moved_on and isinstance(node, MultiNode):
            moved_on = not earlier_this_visit(session.answers, incoming, session.step)
        other_session = incoming.session_id is not None and incoming.session_id != session.id
        if moved_on or other_session:
            stale = phrase(person.lang, "stale" if incoming.kind == "choice" else "stale_text")
            return self._again(dialogue, session, person, stale, "stale")
        assert not isinstance(node, SayNode | EndNode), "sessions only rest on questions"
        picked = picked_of(session.answers)
        result = read_answer(node, incoming, person.lang, person.today, picked)
        if isinstance(result, Toggled):
            return self._toggle(dialogue, session, result.picked, person)
        if not isinstance(result, Accepted):
            notice = phrase(person.lang, result.reason, **result.values)
            return self._again(dialogue, session, person, notice, "rejected")
        return self._accept(dialogue, session, node, result.value, person)

    @staticmethod
    def _tip_details(
        dialogue: CompiledDialogue, session: Session, incoming: Incoming, person: Person
    ) -> Turn | None:
        """A tip's "Details", pressed any time during its session: the whole tip, nothing moved."""
        if incoming.kind != "choice" or incoming.session_id not in {None, session.id}:
            return None
        shown = tip_details(dialogue, session, incoming.value, person)
        return Turn((shown,), session, "details") if shown is not None else None

    def details(self, session: Session, incoming: Incoming) -> Turn | None:
        """The full summary behind a finished session's "Details" button, if that was pressed."""
        pressed = incoming.kind == "choice" and incoming.value == DETAILS
        if not pressed or incoming.session_id != session.id or session.status != "completed":
            return None
        summary = session.answers.get(SUMMARY)
        if not isinstance(summary, str):
            return None
        return Turn((Message(summary),), session, "details")

    def back(self, session: Session, person: Person) -> Turn:
        """Undo the last answer and ask that question again."""
        dialogue = self._dialogue_of(session)
        if not session.history:
            notice = phrase(person.lang, "nothing_to_undo")
            return self._again(dialogue, session, person, notice, "rejected")
        moved = _copy(session)
        frame = moved.history.pop()
        # A selection in progress is dropped; going back to a multi question restores its own.
        moved.node, moved.answers = frame.node, frame.undo(without_picked(moved.answers))
        moved.status, moved.step = "active", moved.step + 1
        return self._again(dialogue, moved, person, phrase(person.lang, "back"), "back")

    # -- internals -------------------------------------------------------------------------

    def _dialogue_of(self, session: Session) -> CompiledDialogue:
        dialogue = self.catalog.get(session.dialogue_id, session.version)
        if session.node not in dialogue.model.nodes:
            raise ContentChanged(f"step {session.node!r} no longer exists in {dialogue.id!r}")
        return dialogue

    def _again(
        self,
        dialogue: CompiledDialogue,
        session: Session,
        person: Person,
        notice: str,
        outcome: Outcome,
    ) -> Turn:
        return Turn((present(dialogue, session, person),), session, outcome, notice=notice)

    def _toggle(
        self, dialogue: CompiledDialogue, session: Session, picked: list[Value], person: Person
    ) -> Turn:
        """A new selection at a multi question: stored with the session, not an undo step.

        The step moves on, so the buttons of the question as shown before are stale.
        """
        moved = _copy(session)
        moved.answers = with_picked(session.answers, picked, session.step)
        moved.step += 1
        return Turn((present(dialogue, moved, person),), moved, "toggled")

    def _accept(
        self,
        dialogue: CompiledDialogue,
        session: Session,
        node: Question,
        value: Any,
        person: Person,
    ) -> Turn:
        step = _Step(_copy(session))
        moved = step.session
        answered = moved.node
        before = session.answers
        if isinstance(node, MultiNode):  # /back to this question shows the selection again
            moved.answers = without_picked(moved.answers)
            before = {**before, PICKED: restoring(value)}
        moved.answers[node.save] = value
        step.saved.append(SavedAnswer(moved.node, node.save, value))
        self._compute(dialogue, step, person)
        target = dialogue.next_node(moved.node, context(moved, person))
        moved.step += 1
        self._advance(dialogue, step, target, person)
        moved.history.append(Frame.between(answered, before, moved.answers))
        turn = step.turn("completed" if moved.status == "completed" else "accepted")
        if isinstance(node, MultiNode):
            return replace(turn, answered=_labels(node, value, person.lang))
        return turn

    def _advance(
        self, dialogue: CompiledDialogue, step: _Step, target: str, person: Person
    ) -> None:
        """Move to ``target`` and through any say nodes, until a question or an end."""
        session = step.session
        for _ in range(MAX_HOPS):
            session.node = target
            step.visited.append(target)
            node = dialogue.model.nodes[target]
            message = present(dialogue, session, person)
            step.messages.append(message)
            if isinstance(node, EndNode):
                session.status = "completed"
                if message.details is not None:  # kept for the button and for /mydata
                    session.answers[SUMMARY] = message.details
                    step.saved.append(SavedAnswer(target, SUMMARY, message.details))
                self._compute(dialogue, step, person)
                step.effects += self._effects(dialogue, target, node, context(session, person))
                return
            if not isinstance(node, SayNode):
                return
            self._compute(dialogue, step, person)
            target = dialogue.next_node(target, context(session, person))
        raise RenderError(f"{dialogue.file}: more than {MAX_HOPS} steps without a question")

    def _compute(self, dialogue: CompiledDialogue, step: _Step, person: Person) -> None:
        session = step.session
        values = dialogue.computed(session.node, context(session, person))
        session.answers.update(values)
        step.saved += [SavedAnswer(session.node, key, value) for key, value in values.items()]

    @staticmethod
    def _effects(
        dialogue: CompiledDialogue, node_id: str, node: EndNode, names: dict[str, Any]
    ) -> list[Effect]:
        """What reaching an end node asks the store and the coach to do."""
        effects: list[Effect] = []
        if node.commitment is not None:
            text = str(dialogue.evaluate(node_id, "commitment.text", names))
            days = dialogue.evaluate(node_id, "commitment.follow_up_days", names)
            if not isinstance(days, int | float) or not 1 <= days <= MAX_FOLLOW_UP_DAYS:
                raise RenderError(f"{dialogue.file}: follow_up_days at {node_id!r} gave {days!r}")
            effects.append(NewCommitment(text, int(days)))
        if node.check_in is not None:
            outcome = str(dialogue.evaluate(node_id, "check_in.outcome", names))
            effects.append(CommitmentOutcome(int(names["commitment_id"]), outcome))
        if node.profile is not None:
            effects.append(SaveProfile(_profile(dialogue, node_id, names)))
        if node.start_dialogue is not None:
            target = dialogue.evaluate(node_id, "start_dialogue", names)
            if target:
                effects.append(StartDialogue(str(target)))
        return effects


def _profile(dialogue: CompiledDialogue, node_id: str, names: dict[str, Any]) -> Profile:
    """The profile an end node stores: texts (``None`` as ""), channels as a list of values."""
    values = {key: dialogue.evaluate(node_id, f"profile.{key}", names) for key in PROFILE_TEXTS}
    market, product, role, experience = ("" if v is None else str(v) for v in values.values())
    channels = dialogue.evaluate(node_id, "profile.channels", names)
    # A single choice gives one value; a multi-select a list of them.
    found = channels if isinstance(channels, list | tuple) else [channels]
    kept = tuple(str(c) for c in found if c not in (None, ""))
    return Profile(market, product, role, experience, kept)


def _labels(node: MultiNode, values: list[Value], lang: str) -> str:
    """The chosen options of a multi question, by their labels."""
    return ", ".join(o.label.get(lang) for o in node.options if o.value in values)


def _copy(session: Session) -> Session:
    """A copy a step can change: answers and history are new containers; their values (plain,
    never changed in place) are shared."""
    return replace(session, answers=dict(session.answers), history=list(session.history))
