"""The async API channels call: every call is one unit in one transaction, committed before
the reply is returned. The coach is the only door to the store."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.dialogue.catalog import Catalog
from bot.engine import assigned
from bot.engine.conversation import Conversation
from bot.engine.engine import Engine
from bot.engine.menu import MenuItem, profile_dialogue
from bot.engine.phrases import phrase
from bot.engine.pinning import Pinning
from bot.engine.progress import progress
from bot.engine.roles import Panel, TeamRules
from bot.engine.turn import Incoming, Message, Turn
from bot.errors import NoSuchCommitment, UnknownDialogue
from bot.languages import DEFAULT, language_or
from bot.records import User
from bot.store.base import Store, Transaction

__all__ = ["Coach", "MenuItem", "Reply", "Visitor"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Visitor:
    """Who sent an update: their id on the channel (``telegram:42``) and their name."""

    external_id: str
    name: str


@dataclass(frozen=True)
class Reply:
    """What the coach answers one update with; a channel turns it into messages."""

    user: User
    lang: str
    turn: Turn | None = None  # the conversation's messages, if the update moved one
    notice: str | None = None  # plain text to show first
    menu: tuple[MenuItem, ...] | None = None  # show the menu (after the turn, if any)
    ask_language: bool = False
    export: dict[str, Any] | None = None
    info: tuple[Message, ...] = ()  # messages outside any conversation (e.g. /progress)
    duplicate: bool = False  # the update was handled before: send nothing
    panel: Panel | None = None  # a team command's screens and notices to others


Act = Callable[[Conversation], Reply]


class Coach:
    """Ties the engine to the store: every answer is committed before its reply is returned."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        default_language: str = DEFAULT,
        team_rules: TeamRules | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.default_language = language_or(default_language, DEFAULT)
        self.team_rules = team_rules or TeamRules()
        self.pinning = Pinning(lambda: self.engine.catalog)

    @property
    def catalog(self) -> Catalog:
        """The dialogues being served."""
        return self.engine.catalog

    def lang(self, user: User) -> str:
        """The language to address ``user`` in (the one place it is decided)."""
        return language_or(user.language, self.default_language)

    # -- reading -------------------------------------------------------------------------

    async def whois(self, visitor: Visitor) -> Reply:
        """The user as stored (a new visitor is not stored until they do something)."""
        return await self._read(visitor, lambda c: self._reply(c))

    async def menu(self, visitor: Visitor) -> Reply:
        """The menu."""
        return await self._read(visitor, lambda c: self._reply(c, menu=c.menu()))

    async def resume(
        self, visitor: Visitor, *, update_id: int | None = None, notice: str = "resumed"
    ) -> Reply:
        """The current question again (after the phrase ``notice``), or the menu."""
        return await self._write(
            visitor, update_id, lambda c: self._turn_or_menu(c, c.resume(notice))
        )

    async def export(self, visitor: Visitor) -> Reply:
        """Everything stored about the user (for /mydata)."""
        return await self._read(
            visitor, lambda c: self._reply(c, export=c.tx.export(c.user.id) if c.user.id else {})
        )

    async def progress(self, visitor: Visitor) -> Reply:
        """What the user has done so far (for /progress): finished tracks, open commitments,
        check-ins and, for a track taken more than once, its levels over time."""

        def act(c: Conversation) -> Reply:
            finished = c.tx.finished_sessions(c.user.id) if c.user.id else []
            made = c.tx.commitments_of(c.user.id) if c.user.id else []
            return self._reply(c, info=(progress(self.catalog, finished, made, c.person),))

        return await self._read(visitor, act)

    # -- writing -------------------------------------------------------------------------

    async def greet(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """Welcome (by /start): the language question the first time, else the menu."""

        def act(c: Conversation) -> Reply:
            welcome = phrase(c.lang, "welcome", name=c.user.display_name)
            if c.user.language is None:
                return self._reply(c, notice=welcome, ask_language=True)
            return self._reply(c, notice=welcome, menu=c.menu())

        return await self._write(visitor, update_id, act)

    async def open(
        self,
        visitor: Visitor,
        dialogue_id: str,
        commitment_id: int | None = None,
        *,
        update_id: int | None = None,
    ) -> Reply:
        """Resume or start ``dialogue_id``, or the check-in on ``commitment_id``.

        What is not on the user's menu (an unknown or hidden dialogue, a check-in that is done
        or not theirs) gets a polite "not available" and the menu.
        """

        def act(c: Conversation) -> Reply:
            try:
                return self._turn(c, c.open(dialogue_id, commitment_id))
            except (UnknownDialogue, NoSuchCommitment):
                return self._reply(c, notice=phrase(c.lang, "unknown_dialogue"), menu=c.menu())

        return await self._write(visitor, update_id, act)

    async def reply(
        self, visitor: Visitor, incoming: Incoming, *, update_id: int | None = None
    ) -> Reply:
        """Answer the current question (the menu when nothing is unfinished)."""
        return await self._write(visitor, update_id, lambda c: self.answer(c, incoming))

    async def back(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """Undo the last answer of the current session."""
        return await self._write(visitor, update_id, lambda c: self._turn_or_menu(c, c.back()))

    async def restart(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """Start the current session's dialogue afresh (the old one is kept as abandoned)."""
        return await self._write(visitor, update_id, lambda c: self._turn_or_menu(c, c.restart()))

    async def cancel(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """Stop the current session (kept as abandoned), then the menu."""

        def act(c: Conversation) -> Reply:
            notice = phrase(c.lang, "cancelled" if c.cancel() else "no_session")
            return self._reply(c, notice=notice, menu=c.menu())

        return await self._write(visitor, update_id, act)

    async def set_language(
        self,
        visitor: Visitor,
        language: str,
        *,
        update_id: int | None = None,
        ask_profile: bool = True,
    ) -> Reply:
        """Remember the user's language, then the menu in it; the first time, the profile
        questions first (if ``ask_profile``, a profile dialogue is served and none is stored)."""

        def act(c: Conversation) -> Reply:
            chosen = language_or(language, self.default_language)
            first_time = ask_profile and c.user.language is None
            c.tx.set_language(c.user.id, chosen)
            c = Conversation(
                self.engine, c.tx, replace(c.user, language=chosen), chosen, self.pinning
            )
            notice = phrase(chosen, "language_set")
            profile = profile_dialogue(self.catalog) if ask_profile else None
            if profile is not None and c.stored_profile() is None:
                current = c.current()
                # The first time, unless a conversation is already begun; and again when the
                # first answer's reply was lost, so the profile opened then is not left behind.
                waiting = current is not None and current.dialogue_id == profile.id
                if (first_time and current is None) or waiting:
                    return replace(self._turn(c, c.open(profile.id)), notice=notice)
            return self._reply(c, notice=notice, menu=c.menu())

        return await self._write(visitor, update_id, act)

    async def profile(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """The profile questions (by /profile): resumed if unfinished, else asked afresh."""

        def act(c: Conversation) -> Reply:
            profile = profile_dialogue(self.catalog)
            if profile is None:
                return self._reply(c, notice=phrase(c.lang, "unknown_dialogue"), menu=c.menu())
            return self._turn(c, c.open(profile.id))

        return await self._write(visitor, update_id, act)

    async def forget(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """Erase the user and everything stored about them."""

        def act(c: Conversation) -> Reply:
            c.tx.forget(c.user.id)
            return self._reply(c, notice=phrase(c.lang, "forgotten"))

        # No update claim: the claim row would outlive the user it was recorded for.
        return await self._write(visitor, None, act)

    async def mark_unreachable(self, visitor: Visitor) -> None:
        """Remember that the user blocked the bot (set back when they write again)."""

        def unit(tx: Transaction) -> None:
            user = tx.find_user(visitor.external_id)
            if user is not None:
                tx.set_active(user.id, False)

        await self.store.write(unit)

    async def prune_updates(self, before: datetime) -> int:
        """Forget processed update ids older than Telegram's redelivery window."""
        return await self.store.write(lambda tx: tx.prune_updates(before))

    async def act(self, visitor: Visitor, act: Act, *, update_id: int | None = None) -> Reply:
        """Run ``act`` as one unit for the visitor (the door other engine modules use)."""
        return await self._write(visitor, update_id, act)

    async def look(self, visitor: Visitor, act: Act) -> Reply:
        """Run ``act`` as a read-only unit (it must write nothing): no writer is held up."""
        return await self._read(visitor, act)

    def answer(self, c: Conversation, incoming: Incoming) -> Reply:
        """Inside a unit: ``incoming`` as the answer to the current question."""
        return self._turn_or_menu(c, c.reply(incoming))

    def show_turn(self, c: Conversation, turn: Turn) -> Reply:
        """Inside a unit: the reply showing ``turn``."""
        return self._turn(c, turn)

    # -- internals -----------------------------------------------------------------------

    async def _write(self, visitor: Visitor, update_id: int | None, act: Act) -> Reply:
        def unit(tx: Transaction) -> Reply:
            user = tx.user(visitor.external_id, visitor.name)
            conversation = Conversation(self.engine, tx, user, self.lang(user), self.pinning)
            if update_id is not None and not tx.claim_update(update_id):
                return Reply(user, conversation.lang, duplicate=True)
            return act(conversation)

        return await self.store.write(unit)

    async def _read(self, visitor: Visitor, act: Act) -> Reply:
        def unit(tx: Transaction) -> Reply:
            user = tx.find_user(visitor.external_id) or User(
                0, visitor.external_id, visitor.name, None
            )
            return act(Conversation(self.engine, tx, user, self.lang(user), self.pinning))

        return await self.store.read(unit)

    def _reply(self, c: Conversation, **fields: Any) -> Reply:
        return Reply(c.user, c.lang, **fields)

    def _turn(self, c: Conversation, turn: Turn) -> Reply:
        if turn.finished and turn.session.dialogue_id == _profile_id(self.catalog):
            # Not a track: no "finished" line; the menu follows so they can begin one.
            return self._reply(c, turn=turn, notice=turn.notice, menu=tuple(c.menu()))
        if not turn.finished:
            return self._reply(c, turn=turn, notice=turn.notice)
        share = assigned.on_finish(c, turn, self.team_rules.clock())
        turn = _with_closing(turn, phrase(c.lang, "finished"))
        panel = Panel((share,)) if share is not None else None
        return self._reply(c, turn=turn, notice=turn.notice, panel=panel)

    def _turn_or_menu(self, c: Conversation, turn: Turn | None) -> Reply:
        if turn is None:
            return self._reply(c, notice=phrase(c.lang, "no_session"), menu=c.menu())
        reply = self._turn(c, turn)
        if turn.outcome == "resumed" and turn.finished:  # a closing message shown again
            return replace(reply, menu=tuple(c.menu()))
        return reply


def _profile_id(catalog: Catalog) -> str | None:
    dialogue = profile_dialogue(catalog)
    return dialogue.id if dialogue is not None else None


def _with_closing(turn: Turn, closing: str) -> Turn:
    """The turn with ``closing`` (plain text) under its last message, not as a message more."""
    *earlier, last = turn.messages
    text = f"{last.text}\n\n<i>{html.escape(closing, quote=False)}</i>"
    return replace(turn, messages=(*earlier, replace(last, text=text)))
