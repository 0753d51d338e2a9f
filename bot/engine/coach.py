"""The async API channels call: engine steps, each committed to the store before the reply."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.dialogue.catalog import Catalog
from bot.engine.engine import Engine, Person
from bot.engine.phrases import phrase
from bot.engine.turn import Incoming, Message, Turn
from bot.errors import ConcurrentUpdate, ContentChanged
from bot.store.base import Store
from bot.store.records import Session, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuItem:
    """One dialogue a user can pick, in their language."""

    dialogue_id: str
    title: str
    description: str
    steps: int
    unfinished: bool


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
        """The dialogues on offer, unfinished ones first."""
        lang = self.person(user).lang
        unfinished = {s.dialogue_id for s in await self.store.active_sessions(user.id)}
        items = [
            MenuItem(
                d.id,
                d.model.title.get(lang),
                d.model.description.get(lang),
                len(d.model.nodes),
                d.id in unfinished,
            )
            for d in self.catalog.listed()
        ]
        return sorted(items, key=lambda item: not item.unfinished)

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

    async def start(self, user: User, dialogue_id: str) -> Turn:
        """A new session of ``dialogue_id``, stored before its first question is returned."""
        turn = self.engine.start(user.id, dialogue_id, self.person(user))
        await self.store.save(turn.session, turn.saved, expected_step=None)
        return turn

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
        return await self.start(user, session.dialogue_id)

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
                await self.store.save(turn.session, turn.saved, expected_step=session.step)
            except ConcurrentUpdate:
                log.info(
                    "session %s changed underneath us (attempt %d); retrying",
                    session.id,
                    attempt + 1,
                )
                continue
            return turn
        raise ConcurrentUpdate("the session kept changing; please try again")

    async def _start_over(self, user: User, session: Session) -> Turn:
        log.warning(
            "session %s: its step vanished from dialogue %s; starting over",
            session.id,
            session.dialogue_id,
        )
        if session.id is not None:
            await self.store.abandon(session.id)
        turn = await self.start(user, session.dialogue_id)
        notice = Message(phrase(self.person(user).lang, "content_changed"))
        return Turn((notice, *turn.messages), turn.session, turn.outcome, turn.saved)
