"""The dialogue engine: pure steps over plain session data, no storage and no channel."""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.dialogue.compiled import CompiledDialogue
from bot.dialogue.model import ChoiceNode, EndNode, Question, SayNode, ScaleNode
from bot.engine.inputs import Accepted, read_answer
from bot.engine.phrases import phrase
from bot.engine.turn import Button, Incoming, Message, Outcome, Turn
from bot.errors import ContentChanged, RenderError, SessionNotActive
from bot.store.records import Frame, SavedAnswer, Session

MAX_HOPS = 200  # validation rules out loops of say nodes; this guards against bugs anyway


@dataclass(frozen=True)
class Person:
    """Who the engine is talking to: their name and the language to answer in."""

    name: str
    lang: str


class Engine:
    """Starts sessions and moves them on; every method returns a Turn and touches no I/O."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def start(self, user_id: int, dialogue_id: str, person: Person) -> Turn:
        """A new session at the dialogue's start, advanced to its first question."""
        dialogue = self.catalog.get(dialogue_id)
        session = Session(user_id, dialogue.id, dialogue.version, dialogue.model.start)
        messages: list[Message] = []
        visited: list[str] = []
        saved = self._advance(dialogue, session, dialogue.model.start, person, messages, visited)
        return Turn(tuple(messages), session, "started", tuple(saved), tuple(visited))

    def show(self, session: Session, person: Person, notice: str | None = None) -> Turn:
        """The current question again (to resume), optionally after a notice."""
        dialogue = self._dialogue_of(session)
        messages = [Message(notice)] if notice else []
        messages.append(self._render_node(dialogue, session, person))
        return Turn(tuple(messages), session, "resumed")

    def reply(self, session: Session, incoming: Incoming, person: Person) -> Turn:
        """Take the user's answer to the current question, or ask again saying why not."""
        if session.status != "active":
            raise SessionNotActive(f"session {session.id} is {session.status}")
        dialogue = self._dialogue_of(session)
        node = dialogue.model.nodes[session.node]
        if incoming.step is not None and incoming.step != session.step:
            return self._again(dialogue, session, person, phrase(person.lang, "stale"), "stale")
        assert not isinstance(node, SayNode | EndNode), "sessions only rest on questions"
        result = read_answer(node, incoming, person.lang)
        if not isinstance(result, Accepted):
            notice = phrase(person.lang, result.reason, **result.values)
            return self._again(dialogue, session, person, notice, "rejected")
        return self._accept(dialogue, session, node, result.value, person)

    def back(self, session: Session, person: Person) -> Turn:
        """Undo the last answer and ask that question again."""
        dialogue = self._dialogue_of(session)
        if not session.history:
            return self._again(
                dialogue, session, person, phrase(person.lang, "nothing_to_undo"), "rejected"
            )
        moved = copy.deepcopy(session)
        frame = moved.history.pop()
        moved.node, moved.answers = frame.node, dict(frame.answers_before)
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
        question = self._render_node(dialogue, session, person)
        return Turn((Message(notice), question), session, outcome)

    def _accept(
        self,
        dialogue: CompiledDialogue,
        session: Session,
        node: Question,
        value: Any,
        person: Person,
    ) -> Turn:
        moved = copy.deepcopy(session)
        moved.history.append(Frame(node=moved.node, answers_before=dict(moved.answers)))
        moved.answers[node.save] = value
        saved = [SavedAnswer(moved.node, node.save, value)]
        saved += self._compute(dialogue, moved, person)
        target = dialogue.next_node(moved.node, self._context(moved, person))
        moved.step += 1
        messages: list[Message] = []
        visited: list[str] = []
        saved += self._advance(dialogue, moved, target, person, messages, visited)
        outcome: Outcome = "completed" if moved.status == "completed" else "accepted"
        return Turn(tuple(messages), moved, outcome, tuple(saved), tuple(visited))

    def _advance(
        self,
        dialogue: CompiledDialogue,
        session: Session,
        target: str,
        person: Person,
        messages: list[Message],
        visited: list[str],
    ) -> list[SavedAnswer]:
        """Move to ``target`` and through any say nodes, until a question or an end."""
        saved: list[SavedAnswer] = []
        for _ in range(MAX_HOPS):
            session.node = target
            visited.append(target)
            node = dialogue.model.nodes[target]
            messages.append(self._render_node(dialogue, session, person))
            if isinstance(node, EndNode):
                session.status = "completed"
                saved += self._compute(dialogue, session, person)
                return saved
            if not isinstance(node, SayNode):
                return saved
            saved += self._compute(dialogue, session, person)
            target = dialogue.next_node(target, self._context(session, person))
        raise RenderError(f"{dialogue.file}: more than {MAX_HOPS} steps without a question")

    def _compute(
        self, dialogue: CompiledDialogue, session: Session, person: Person
    ) -> list[SavedAnswer]:
        values = dialogue.computed(session.node, self._context(session, person))
        session.answers.update(values)
        return [SavedAnswer(session.node, key, value) for key, value in values.items()]

    def _render_node(self, dialogue: CompiledDialogue, session: Session, person: Person) -> Message:
        node = dialogue.model.nodes[session.node]
        text = dialogue.render(session.node, person.lang, self._context(session, person))
        if isinstance(node, ChoiceNode):
            buttons = tuple(Button(o.label.get(person.lang), str(o.value)) for o in node.options)
            return Message(text, buttons)
        if isinstance(node, ScaleNode):
            if node.low is not None and node.high is not None:
                ends = phrase(
                    person.lang,
                    "scale_ends",
                    low=node.low.get(person.lang),
                    high=node.high.get(person.lang),
                )
                text = f"{text}\n<i>{html.escape(ends)}</i>"
            return Message(text, tuple(Button(str(i), str(i)) for i in range(1, 6)))
        return Message(text)

    @staticmethod
    def _context(session: Session, person: Person) -> dict[str, Any]:
        return {
            **session.answers,
            "answers": session.answers,
            "name": person.name,
            "lang": person.lang,
        }
