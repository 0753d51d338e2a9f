"""Messages the bot sends on its own: check-ins, assignment reminders, a manager's notice.

The summary of every track promises "the day after, I'll ask how it went"; this keeps the
promise. An assigned track gets a reminder on the last working day before its due day and one
once it is overdue, and its manager is told when the member finished without choosing what to
share. What is due lives in the database (a row per push, written with what it is about), so
it survives restarts. A push is claimed in its own transaction before it is sent and finished
after, so it goes out at most once, also with several bot instances; a sender that died between
the two leaves it claimed, and it is marked interrupted rather than sent again. Channels do the
sending; this module decides what is due, in working time (bot/engine/push_texts.py: what it
says).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.dialogue.catalog import Catalog
from bot.engine.push_texts import PushMessage, render
from bot.engine.working_time import WorkingTime
from bot.languages import Language, language_or
from bot.records import DueBy, Push
from bot.store.base import Store, Transaction

CANDIDATES = 20  # due pushes looked at per claim; others wait for the next one
STALE_CLAIM = timedelta(minutes=10)  # a claim this old without an outcome: its sender died
CHOSE_MEANWHILE = "member chose meanwhile"

__all__ = ["CANDIDATES", "STALE_CLAIM", "PushMessage", "Pusher"]


class Pusher:
    """Finds what is due now, claims it, and records how sending it went."""

    def __init__(
        self,
        store: Store,
        catalog: Callable[[], Catalog],
        working: WorkingTime,
        claimer: str,
        default_language: Language,
        channel_prefix: str,
    ) -> None:
        self.store, self.catalog, self.working = store, catalog, working
        self.claimer, self.default_language = claimer, default_language
        self.channel_prefix = channel_prefix

    async def next_due(self, now: datetime) -> PushMessage | None:
        """Claim the next push due now for this channel, if it is working time.

        One whose dialogue is no longer served is finished with the reason, and the next taken.
        """
        if not self.working.is_open(now):
            return None
        while (claimed := await self.store.write(lambda tx: self._claim(tx, now))) is not None:
            push, resume = claimed
            lang = language_or(push.language, self.default_language)
            message = render(self.catalog(), push, lang, self.working.local_day(now), resume)
            if message is not None:
                return message
            await self.finish(push, now, _unserved(push))
        return None

    async def finish(self, push: Push, now: datetime, failed: str | None = None) -> None:
        """Record that the push was sent (``failed`` is None) or why it was not."""
        await self.store.write(lambda tx: tx.finish_push(push.id, now, failed))

    async def release(self, push: Push) -> None:
        """Give the push back unsent (Telegram asked to wait): it goes out in a later round."""
        await self.store.write(lambda tx: tx.release_push(push.id))

    async def interrupt_stale(self, now: datetime) -> int:
        """Claims left by a sender that died: marked interrupted, never sent again."""
        return await self.store.write(lambda tx: tx.interrupt_pushes(now - STALE_CLAIM))

    def _claim(self, tx: Transaction, now: datetime) -> tuple[Push, bool] | None:
        """The first due push this sender could take, and whether its track is under way."""
        by = DueBy(now, self.working.end_of_day(now), self.working.next_workday(now))
        for push in tx.due_pushes(by, self.channel_prefix, CANDIDATES):
            if not tx.claim_push(push.id, now, self.claimer):
                continue
            assignment = push.assignment
            if assignment is None:
                return push, False
            if push.kind == "finished":
                # Not choosing within the hour means "only that it is done", recorded with the
                # claim; a choice made meanwhile wins and the notice is not sent.
                if tx.assignments.share(assignment.id, assignment.member.id, "done", now):
                    return push, False
                tx.finish_push(push.id, now, CHOSE_MEANWHILE)
                continue
            sessions = tx.active_sessions(push.user_id)
            return push, any(s.dialogue_id == assignment.dialogue_id for s in sessions)
        return None


def _unserved(push: Push) -> str:
    if push.commitment is not None:
        return "no check-in dialogue is served"
    return "the track is no longer served"
