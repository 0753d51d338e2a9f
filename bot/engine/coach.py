"""The async API channels call: engine steps, each committed to the store before the reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.engine.engine import Engine, Person
from bot.engine.menu import MenuItem, build_menu, check_in_dialogue, check_in_inputs
from bot.engine.phrases import phrase
from bot.engine.turn import Incoming, Message, StartDialogue, Turn
from bot.errors import ConcurrentUpdate, ContentChanged, NoSuchCommitment
from bot.store.base import Store
from bot.store.records import CommitmentOutcome, NewCommitment, Session, User

__all__ = ["Coach", "MenuItem"]

log = logging.getLogger(__name__)


class Coach:
    """Ties the engine to the store: every answer is committed before its Turn is returned."""

    def __init__(self, engine: Engine, store: Store, default_language: str = "nl") -> None:
        self.engine = engine
        self.store = store
        self.default_language = default_language

    @property
    def catalog(self) -> Catalog:
        """The dialogues being served."""
        return self.engine.catalog

    async def user(self, external_id: str, display_name: str, language: str | None = None) -> User:
        """The user, created on first sight; ``language`` (if given) is remembered."""
        user = await self.store.user(external_id, display_name)
        if language is not None and language != user.language:
            user = await self.store.set_language(user.id, language)
        return user

    def person(self, user: User) -> Person:
        """How the engine addresses ``user``."""
        return Person(user.display_name, user.language or self.default_language)

    async def menu(self, user: User) -> list[MenuItem]:
        """Unfinished sessions, due check-ins, the entry dialogue, the tracks, later check-ins."""
        sessions = await self.store.active_sessions(user.id)
        commitments = await self.store.open_commitments(user.id)
        return build_menu(self.catalog, self.person(user).lang, sessions, commitments)

    async def current(self, user: User) -> Session | None:
        """The user's most recently used unfinished session, if any."""
        sessions = await self.store.active_sessions(user.id)
        return sessions[0] if sessions else None

    async def open(self, user: User, dialogue_id: str) -> Turn:
        """Resume the user's unfinished session of ``dialogue_id``, or start a new one."""
        for session in await self.store.active_sessions(user.id):
            if session.dialogue_id == dialogue_id:
                return await self._show(user, session, phrase(self.person(user).lang, "resumed"))
        return await self.start(user, dialogue_id)

    async def open_item(self, user: User, item: MenuItem) -> Turn:
        """Act on a menu choice: resume or start a dialogue, or start a check-in."""
        if item.commitment_id is None:
            return await self.open(user, item.dialogue_id)
        open_ones = {c.id: c for c in await self.store.open_commitments(user.id)}
        commitment = open_ones.get(item.commitment_id)
        dialogue = check_in_dialogue(self.catalog)
        if commitment is None or dialogue is None:
            raise NoSuchCommitment(f"commitment {item.commitment_id} is not open for this user")
        inputs = check_in_inputs(self.catalog, commitment, self.person(user).lang)
        return await self.start(user, dialogue.id, inputs)

    async def start(
        self, user: User, dialogue_id: str, inputs: Mapping[str, Any] | None = None
    ) -> Turn:
        """A new session of ``dialogue_id``, stored before its first question is returned."""
        turn = self.engine.start(user.id, dialogue_id, self.person(user), inputs)
        await self._save(turn, expected_step=None)
        return await self._follow_on(user, turn)

    async def resume(self, user: User) -> Turn | None:
        """The current question of the user's unfinished session (``None`` if there is none)."""
        session = await self.current(user)
        if session is None:
            return None
        return await self._show(user, session, phrase(self.person(user).lang, "resumed"))

    async def reply(self, user: User, incoming: Incoming) -> Turn | None:
        """Answer the current question; ``None`` when the user has no unfinished session."""
        return await self._step(user, lambda s: self.engine.reply(s, incoming, self.person(user)))

    async def back(self, user: User) -> Turn | None:
        """Undo the last answer of the current session."""
        return await self._step(user, lambda s: self.engine.back(s, self.person(user)))

    async def restart(self, user: User) -> Turn | None:
        """Abandon the current session (kept for history) and start its dialogue afresh."""
        session = await self.current(user)
        if session is None or session.id is None:
            return None
        await self.store.abandon(session.id)
        return await self.start(user, session.dialogue_id, self._inputs_of(session))

    async def cancel(self, user: User) -> bool:
        """Stop the current session (kept as abandoned); False if there was none."""
        session = await self.current(user)
        if session is None or session.id is None:
            return False
        await self.store.abandon(session.id)
        return True

    async def set_language(self, user: User, language: str) -> User:
        """Remember the user's language."""
        return await self.store.set_language(user.id, language)

    async def export(self, user: User) -> dict[str, Any]:
        """Everything stored about the user (for /mydata)."""
        return await self.store.export(user.id)

    async def forget(self, user: User) -> None:
        """Erase the user and everything stored about them (for /forget)."""
        await self.store.forget(user.id)

    # -- internals -------------------------------------------------------------------------

    def _inputs_of(self, session: Session) -> dict[str, Any]:
        """The values a session was started with, to start its dialogue again."""
        names = self.catalog.get(session.dialogue_id).model.inputs
        return {name: session.answers[name] for name in names if name in session.answers}

    async def _show(self, user: User, session: Session, notice: str) -> Turn:
        try:
            return self.engine.show(session, self.person(user), notice)
        except ContentChanged:
            return await self._start_over(user, session)

    async def _step(self, user: User, act: Callable[[Session], Turn]) -> Turn | None:
        for attempt in range(3):
            session = await self.current(user)
            if session is None:
                return None
            try:
                turn = act(session)
            except ContentChanged:
                return await self._start_over(user, session)
            if turn.session is session and not turn.saved:
                return turn  # nothing changed (a re-prompt): nothing to store
            try:
                await self._save(turn, expected_step=session.step)
            except ConcurrentUpdate:
                log.info(
                    "session %s changed underneath us (try %d); retrying", session.id, attempt + 1
                )
                continue
            return await self._follow_on(user, turn)
        raise ConcurrentUpdate("the session kept changing; please try again")

    async def _save(self, turn: Turn, expected_step: int | None) -> None:
        writes = [e for e in turn.effects if isinstance(e, NewCommitment | CommitmentOutcome)]
        await self.store.save(turn.session, turn.saved, expected_step=expected_step, writes=writes)

    async def _follow_on(self, user: User, turn: Turn) -> Turn:
        """If the turn ends by starting another dialogue, start it and show both."""
        targets = [e.dialogue_id for e in turn.effects if isinstance(e, StartDialogue)]
        if not targets:
            return turn
        if targets[0] not in self.catalog.latest:
            log.warning(
                "%s asked to start %r, which is not served", turn.session.dialogue_id, targets[0]
            )
            return turn
        following = await self.open(user, targets[0])
        return replace(
            following,
            messages=turn.messages + following.messages,
            saved=turn.saved + following.saved,
        )

    async def _start_over(self, user: User, session: Session) -> Turn:
        log.warning(
            "session %s: its step vanished from %s; starting over", session.id, session.dialogue_id
        )
        if session.id is not None:
            await self.store.abandon(session.id)
        turn = await self.start(user, session.dialogue_id, self._inputs_of(session))
        notice = Message(phrase(self.person(user).lang, "content_changed"))
        return replace(turn, messages=(notice, *turn.messages))
