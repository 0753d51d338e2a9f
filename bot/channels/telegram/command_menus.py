"""Each role's own commands in Telegram's command menu.

Everybody gets the salesperson's commands (the default scope); a manager's or an admin's private
chat gets theirs (``BotCommandScopeChat``), set for each language and without one, because
Telegram shows the most specific (scope, language) pair it has. Set for every role holder at
start (in the background, paced) and again whenever a role changes through the bot.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from aiolimiter import AsyncLimiter
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.channels.telegram.sender import chat_of
from bot.engine.coach import Coach
from bot.engine.staff import roles_of, staff
from bot.engine.teams import Who
from bot.errors import CoachbotError
from bot.languages import LANGUAGES

log = logging.getLogger(__name__)
SALESPERSON = frozenset(
    {"menu", "continue", "back", "restart", "cancel", "profile", "progress", "language"}
    | {"mydata", "forget", "leave", "help"}
)
MANAGER = SALESPERSON | {"team", "invite", "assign", "assignments"}
ADMIN = MANAGER | {"managers", "reload", "stats"}
# At start, beside the replies: Telegram allows a bot about 30 calls a second in all.
START_CALLS_PER_SECOND = 4

COMMAND_TEXTS = {
    "nl": {
        "menu": "Kies een gesprek",
        "continue": "Ga verder waar je was",
        "back": "Vorige vraag opnieuw",
        "restart": "Dit gesprek opnieuw beginnen",
        "cancel": "Dit gesprek stoppen",
        "profile": "Je profiel invullen of aanpassen",
        "progress": "Wat je al gedaan hebt",
        "language": "Taal kiezen",
        "mydata": "Al je gegevens als bestand",
        "forget": "Al je gegevens wissen",
        "leave": "Je team verlaten",
        "team": "Je team bekijken",
        "invite": "Je team uitnodigen",
        "assign": "Een coachingsessie toewijzen",
        "assignments": "Open toewijzingen bekijken",
        "managers": "Managers beheren",
        "reload": "Dialogen opnieuw laden",
        "stats": "Cijfers per gesprek",
        "help": "Hoe werkt het?",
    },
    "en": {
        "menu": "Choose a conversation",
        "continue": "Continue where you were",
        "back": "Previous question again",
        "restart": "Start this conversation over",
        "cancel": "Stop this conversation",
        "profile": "Fill in or update your profile",
        "progress": "What you have done so far",
        "language": "Choose a language",
        "mydata": "All your data as a file",
        "forget": "Erase all your data",
        "leave": "Leave your team",
        "team": "See your team",
        "invite": "Invite your team",
        "assign": "Assign a coaching session",
        "assignments": "See open assignments",
        "managers": "Manage managers",
        "reload": "Reload the dialogues",
        "stats": "Figures per conversation",
        "help": "How does it work?",
    },
}


def commands(names: frozenset[str], lang: str) -> list[BotCommand]:
    """The commands in ``names``, in the menu's order, described in ``lang``."""
    return [BotCommand(name, text) for name, text in COMMAND_TEXTS[lang].items() if name in names]


def names_for(roles: Who) -> frozenset[str]:
    """The commands someone with ``roles`` sees."""
    if roles.admin:
        return ADMIN
    return MANAGER if roles.manager else SALESPERSON


async def set_default(bot: Bot) -> None:
    """Everybody's commands: the salesperson's, per language and (in English) for any other."""
    for lang in LANGUAGES:
        await bot.set_my_commands(commands(SALESPERSON, lang), language_code=lang)
    await bot.set_my_commands(commands(SALESPERSON, "en"))


async def set_for_chat(
    bot: Bot, chat_id: int, names: frozenset[str], pace: AsyncLimiter | None = None
) -> None:
    """One private chat's commands; a salesperson's chat falls back to the default ones."""
    scope = BotCommandScopeChat(chat_id)
    for lang in (*LANGUAGES, None):
        async with pace or contextlib.nullcontext():
            if names == SALESPERSON:
                await bot.delete_my_commands(scope, language_code=lang)
            else:
                listed = commands(names, lang or "en")
                await bot.set_my_commands(listed, scope, language_code=lang)


class CommandMenus:
    """Sets the commands of the coach's managers and admins in their chats (best effort)."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    async def set_all(self, bot: Bot, pace: AsyncLimiter | None = None) -> None:
        """At start: every role holder's chat; a failure is logged and that chat skipped."""
        pace = pace or AsyncLimiter(START_CALLS_PER_SECOND, 1)
        try:
            everyone = await staff(self.coach)
        except CoachbotError as err:
            log.warning("the commands of managers and admins were not set: %s", err)
            return
        for external_id, roles in everyone.items():
            await self._set(bot, external_id, roles, pace)
        log.info("commands set for %d manager(s) and admin(s)", len(everyone))

    async def changed(self, bot: Bot, external_ids: Iterable[str]) -> None:
        """After a role change: the commands of ``external_ids`` as their roles are now."""
        wanted = tuple(external_ids)
        if not wanted:
            return
        try:
            now = await roles_of(self.coach, wanted)
        except CoachbotError as err:
            log.warning("commands not updated after a role change: %s", err)
            return
        for external_id, roles in now.items():
            await self._set(bot, external_id, roles)

    async def _set(
        self, bot: Bot, external_id: str, roles: Who, pace: AsyncLimiter | None = None
    ) -> None:
        chat_id = chat_of(external_id)
        if chat_id is None:
            return
        try:
            await set_for_chat(bot, chat_id, names_for(roles), pace)
        except TelegramError as err:  # e.g. a chat that never wrote to the bot
            log.warning("the commands of one chat were not set: %s", type(err).__name__)
