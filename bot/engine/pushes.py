"""Messages the bot sends on its own: the check-in on a commitment, pushed on its day.

The summary of every track promises "the day after, I'll ask how it went"; this keeps the
promise. What is due lives in the database (a row per push, written with the commitment), so
it survives restarts. A push is claimed in its own transaction before it is sent and finished
after, so it goes out at most once, also with several bot instances; a sender that died between
the two leaves it claimed, and it is marked interrupted rather than sent again. Channels do the
sending; this module decides what is due, in working time, and what it says.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dialogue.catalog import Catalog
from bot.engine.menu import check_in_dialogue, track_title
from bot.engine.phrases import phrase
from bot.engine.working_time import WorkingTime
from bot.languages import Language, language_or
from bot.records import Push
from bot.store.base import Store, Transaction

CANDIDATES = 20  # due pushes looked at per claim; others wait for the next one
STALE_CLAIM = timedelta(minutes=10)  # a claim this old without an outcome: its sender died


@dataclass(frozen=True)
class PushMessage:
    """One push, ready for a channel: who, the HTML text and its button (to the check-in)."""

    push: Push
    text: str
    button: str
    dialogue_id: str


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
        """Claim the next push due today for this channel, if it is working time."""
        if not self.working.is_open(now):
            return None
        until = self.working.end_of_day(now)
        prefix = self.channel_prefix

        def unit(tx: Transaction) -> Push | None:
            for push in tx.due_pushes(until, prefix, CANDIDATES):
                if tx.claim_push(push.id, now, self.claimer):
                    return push
            return None

        push = await self.store.write(unit)
        if push is None:
            return None
        message = self._message(push)
        if message is None:
            await self.finish(push, now, "no check-in dialogue is served")
        return message

    async def finish(self, push: Push, now: datetime, failed: str | None = None) -> None:
        """Record that the push was sent (``failed`` is None) or why it was not."""
        await self.store.write(lambda tx: tx.finish_push(push.id, now, failed))

    async def release(self, push: Push) -> None:
        """Give the push back unsent (Telegram asked to wait): it goes out in a later round."""
        await self.store.write(lambda tx: tx.release_push(push.id))

    async def interrupt_stale(self, now: datetime) -> int:
        """Claims left by a sender that died: marked interrupted, never sent again."""
        return await self.store.write(lambda tx: tx.interrupt_pushes(now - STALE_CLAIM))

    def _message(self, push: Push) -> PushMessage | None:
        catalog = self.catalog()
        check_in = check_in_dialogue(catalog)
        if check_in is None:
            return None
        lang = language_or(push.language, self.default_language)
        track = track_title(catalog, push.commitment, lang)
        text = phrase(
            lang,
            "push_check_in",
            name=html.escape(push.display_name, quote=False),
            track=html.escape(track, quote=False),
            plan=html.escape(push.commitment.text, quote=False),
        )
        return PushMessage(push, text, phrase(lang, "push_check_in_button"), check_in.id)
