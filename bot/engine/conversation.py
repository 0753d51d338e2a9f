"""One user's coaching inside one transaction: start, answer, go back, resume, pick from the menu.

Everything here is plain synchronous code over a ``Transaction``: the coach runs it as one
unit, so reading the session, the engine step and saving it happen in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.dialogue.model import PREVIOUS, SUMMARY
from bot.engine.engine import Engine, Person
from bot.engine.menu import MenuItem, build_menu, check_in_dialogue, check_in_inputs
from bot.engine.phrases import phrase
from bot.engine.pinning import Pinning
from bot.engine.presenter import DETAILS, NO_PROFILE
from bot.engine.turn import Incoming, Message, StartDialogue, Turn
from bot.errors import ContentChanged, NoSuchCommitment, UnknownDialogue
from bot.records import Profile, SaveProfile, Session, User
from bot.store.base import Transaction

log = logging.getLogger(__name__)
RECENTLY_FINISHED = timedelta(days=1)
NOT_CARRIED = frozenset({PREVIOUS, SUMMARY})  # a run's own history and long text stay with it


class Conversation:
    """What the coach does for ``user``, through the transaction ``tx``."""

    def __init__(
        self,
        engine: Engine,
        tx: Transaction,
        user: User,
        lang: str,
        pinning: Pinning | None = None,
    ) -> None:
        self.engine = engine
        self.pinning = pinning
        self.tx = tx
        self.user = user
        self._lang = lang
        self._person: Person | None = None
        self._stored: Profile | None = None
        self._profile_read = False
        self._sessions: list[Session] | None = None

    @property
    def catalog(self) -> Catalog:
        """The dialogues being served."""
        return self.engine.catalog

    @property
    def lang(self) -> str:
        """The language the user is addressed in."""
        return self._lang

    @property
    def person(self) -> Person:
        """Who the engine talks to, with their stored profile (read once per unit, if needed)."""
        if self._person is None:
            stored = self.stored_profile()
            self._person = Person(self.user.display_name, self._lang, profile=stored or NO_PROFILE)
        return self._person

    def stored_profile(self) -> Profile | None:
        """The user's stored profile, if any (read once per unit)."""
        if not self._profile_read:
            self._stored = self.tx.profile(self.user.id) if self.user.id else None
            self._profile_read = True
        return self._stored

    def sessions(self) -> list[Session]:
        """The user's unfinished sessions, most recently used first (read once per unit)."""
        if self._sessions is None:
            self._sessions = self.tx.active_sessions(self.user.id)
            if self.pinning is not None:
                for session in self._sessions:
                    self.pinning.ensure(self.tx, session)
        return self._sessions

    def current(self) -> Session | None:
        """The most recently used unfinished session, if any."""
        sessions = self.sessions()
        return sessions[0] if sessions else None

    def menu(self) -> list[MenuItem]:
        """Assigned tracks, unfinished sessions, due check-ins, the entry, the tracks, check-ins."""
        commitments = self.tx.open_commitments(self.user.id)
        assigned = self.tx.assignments.open_for(self.user.id) if self.user.id else []
        return build_menu(self.catalog, self.lang, self.sessions(), commitments, assigned)

    def open(self, dialogue_id: str, commitment_id: int | None = None) -> Turn:
        """Resume the unfinished session of ``dialogue_id``, or start one (or a check-in)."""
        if commitment_id is not None:
            return self._check_in(commitment_id)
        dialogue = self.catalog.get(dialogue_id)
        if dialogue.model.inputs:  # a check-in starts from its commitment, never by name
            raise UnknownDialogue(dialogue_id)
        for session in self.sessions():
            if session.dialogue_id == dialogue_id:
                return self._show(session, phrase(self.lang, "resumed"))
        return self.start(dialogue_id)

    def start(self, dialogue_id: str, inputs: Mapping[str, Any] | None = None) -> Turn:
        """A new session of ``dialogue_id``, saved with this unit (a track retaken is given
        how the last run went, as ``previous``)."""
        given = dict(inputs or {})
        if self.catalog.get(dialogue_id).model.kind == "track":
            given.update(self._previous(dialogue_id))
        turn = self.engine.start(self.user.id, dialogue_id, self.person, given)
        self._save(turn, expected_step=None)
        return self._follow_on(turn)

    def resume(self, notice: str = "resumed") -> Turn | None:
        """The current question of the unfinished session; with none, how the last one ended
        (if that was recent: its closing message may never have arrived); else ``None``."""
        session = self.current()
        if session is not None:
            return self._show(session, phrase(self.lang, notice))
        finished = self.tx.last_finished(self.user.id)
        if finished is None or finished.updated_at is None:
            return None
        if datetime.now(UTC) - finished.updated_at > RECENTLY_FINISHED:
            return None
        try:
            return self.engine.show(finished, self.person, phrase(self.lang, "last_summary"))
        except ContentChanged:  # its end no longer exists: nothing to show again
            return None

    def reply(self, incoming: Incoming) -> Turn | None:
        """Answer the current question; ``None`` when there is no unfinished session."""
        if incoming.kind == "choice" and incoming.value == DETAILS:
            finished = self.tx.last_finished(self.user.id)
            shown = self.engine.details(finished, incoming) if finished is not None else None
            if shown is not None:
                return shown
        return self._step(lambda s: self.engine.reply(s, incoming, self.person))

    def back(self) -> Turn | None:
        """Undo the last answer of the current session."""
        return self._step(lambda s: self.engine.back(s, self.person))

    def restart(self) -> Turn | None:
        """Abandon the current session (kept for history) and start its dialogue afresh."""
        session = self.current()
        if session is None or session.id is None:
            return None
        self.tx.abandon(session.id)
        return self.start(session.dialogue_id, self._inputs_of(session))

    def cancel(self) -> bool:
        """Stop the current session (kept as abandoned); False if there was none."""
        session = self.current()
        if session is None or session.id is None:
            return False
        self.tx.abandon(session.id)
        return True

    # -- internals -------------------------------------------------------------------------

    def _check_in(self, commitment_id: int) -> Turn:
        open_ones = {c.id: c for c in self.tx.open_commitments(self.user.id)}
        commitment = open_ones.get(commitment_id)
        dialogue = check_in_dialogue(self.catalog)
        if commitment is None or dialogue is None:
            raise NoSuchCommitment(f"commitment {commitment_id} is not open for this user")
        return self.start(dialogue.id, check_in_inputs(self.catalog, commitment, self.lang))

    def _previous(self, dialogue_id: str) -> dict[str, Any]:
        """``{"previous": ...}`` with the last finished run of a track, or nothing."""
        run = self.tx.previous_run(self.user.id, dialogue_id)
        if run is None:
            return {}
        session, commitment = run
        answers = {k: v for k, v in session.answers.items() if k not in NOT_CARRIED}
        ended = session.updated_at or datetime.now(UTC)
        answers["days_ago"] = max(0, (datetime.now(UTC) - ended).days)
        answers["commitment"] = commitment.text if commitment else ""
        answers["outcome"] = (commitment.outcome or "") if commitment else ""
        return {PREVIOUS: answers}

    def _inputs_of(self, session: Session) -> dict[str, Any]:
        """The values a session was started with, to start its dialogue again."""
        names = self.catalog.get(session.dialogue_id).model.inputs
        return {name: session.answers[name] for name in names if name in session.answers}

    def _show(self, session: Session, notice: str) -> Turn:
        try:
            return self.engine.show(session, self.person, notice)
        except ContentChanged:
            return self._start_over(session)

    def _step(self, act: Callable[[Session], Turn]) -> Turn | None:
        session = self.current()
        if session is None:
            return None
        try:
            turn = act(session)
        except ContentChanged:
            return self._start_over(session)
        if turn.session is session and not turn.saved:
            return turn  # nothing changed (a re-prompt): nothing to store
        self._save(turn, expected_step=session.step)
        return self._follow_on(turn)

    def _save(self, turn: Turn, expected_step: int | None) -> None:
        writes = [e for e in turn.effects if not isinstance(e, StartDialogue)]
        self.tx.save(turn.session, turn.saved, expected_step=expected_step, writes=writes)
        self._sessions = None  # read again if this unit needs them once more
        for write in writes:
            if isinstance(write, SaveProfile):  # what follows in this unit sees the new one
                self._person = replace(self.person, profile=write.profile)
                self._stored, self._profile_read = write.profile, True

    def _follow_on(self, turn: Turn) -> Turn:
        """If the turn ends by starting another dialogue, start it and show both."""
        targets = [e.dialogue_id for e in turn.effects if isinstance(e, StartDialogue)]
        if not targets:
            return turn
        if targets[0] not in self.catalog.latest:
            log.warning(
                "%s asked to start %r, which is not served", turn.session.dialogue_id, targets[0]
            )
            return turn
        following = self.open(targets[0])
        # The next dialogue's buttons are the live ones: an ending shows its details in full.
        ended = tuple(Message(m.details, (), m.image) if m.details else m for m in turn.messages)
        return replace(
            following,
            messages=ended + following.messages,
            saved=turn.saved + following.saved,
            notice=turn.notice,
            answered=turn.answered,
        )

    def _start_over(self, session: Session) -> Turn:
        log.warning(
            "session %s: its step vanished from %s; starting over", session.id, session.dialogue_id
        )
        if session.id is not None:
            self.tx.abandon(session.id)
        turn = self.start(session.dialogue_id, self._inputs_of(session))
        return replace(turn, notice=phrase(self.lang, "content_changed"))
