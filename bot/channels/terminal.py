"""The terminal chat: the coach over standard input and output, interactive or piped."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.channels.text import clean_text
from bot.engine.coach import Coach, MenuItem, Reply, Visitor
from bot.engine.phrases import phrase
from bot.engine.presenter import TIP_DETAILS
from bot.engine.turn import DONE, Button, Incoming, Message
from bot.errors import CoachbotError, StoreUnavailable

ReadLine = Callable[[], Awaitable[str | None]]
log = logging.getLogger(__name__)
_NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII digits only: "²" or "①" are text, not choices
_PARTS = re.compile(r"[,;]")


class StdinLines:
    """Lines of standard input, read by a daemon thread so Ctrl-C never waits on ``readline``."""

    def __init__(self, stream: TextIO) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._stream = stream
        threading.Thread(target=self._pump, name="stdin-reader", daemon=True).start()

    def _pump(self) -> None:
        for line in iter(self._stream.readline, ""):
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line.rstrip("\r\n"))
        self._loop.call_soon_threadsafe(self._lines.put_nowait, None)

    async def __call__(self) -> str | None:
        """The next line, or ``None`` at the end of input."""
        return await self._lines.get()


def html_to_text(text: str, *, styled: bool) -> str:
    """Telegram HTML as terminal text: bold/italic as ANSI styles on a TTY, tags dropped."""
    if styled:
        text = re.sub(r"<(b|strong)>", "\x1b[1m", text)
        text = re.sub(r"<(i|em)>", "\x1b[3m", text)
        text = re.sub(r"</(b|strong|i|em)>", "\x1b[0m", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@dataclass
class TerminalChat:
    """Shows replies as text, buttons as numbered options, and turns lines into coach calls."""

    coach: Coach
    visitor: Visitor
    read_line: ReadLine
    out: TextIO
    images_dir: Path
    styled: bool = False
    lang: str = "nl"
    buttons: tuple[Button, ...] = ()
    multi: bool = False  # the question on screen takes several options, typed as one line
    menu_items: list[MenuItem] = field(default_factory=list)
    # The question on screen: answers are bound to it, so a second window cannot misplace one.
    shown: tuple[int | None, int | None] = (None, None)

    async def run(self, dialogue_id: str | None = None, language: str | None = None) -> int:
        """Chat until ``/quit`` or the end of input; return the exit code."""
        if language is not None:
            # A command-line option, not a question answered: no profile questions follow.
            chosen = self.coach.set_language(self.visitor, language, ask_profile=False)
            await self._ask(chosen, quiet=True)
        if dialogue_id is not None and dialogue_id not in self.coach.catalog.latest:
            self.lang = (await self.coach.whois(self.visitor)).lang
            self._say(phrase(self.lang, "unknown_dialogue"))
            return 2
        if dialogue_id is not None:
            await self._ask(self.coach.open(self.visitor, dialogue_id))
        else:
            await self._ask(self.coach.resume(self.visitor))
        while (line := await self._prompt()) is not None:
            if not await self._handle(line.strip()):
                break
        self._say(phrase(self.lang, "goodbye"))
        return 0

    async def _prompt(self) -> str | None:
        if self.styled:
            self.out.write("> ")
            self.out.flush()
        return await self.read_line()

    async def _handle(self, line: str) -> bool:
        """Act on one line; False when the user wants to stop."""
        line = clean_text(line)
        if line.startswith("/"):
            return await self._command(line.split()[0].lower())
        if self.menu_items and not self.buttons:
            await self._ask(self._pick(line))
            return True
        await self._ask(self.coach.reply(self.visitor, self._incoming(line)))
        return True

    async def _command(self, command: str) -> bool:
        calls = {
            "/menu": lambda: self.coach.menu(self.visitor),
            "/start": lambda: self.coach.menu(self.visitor),
            "/back": lambda: self.coach.back(self.visitor),
            "/restart": lambda: self.coach.restart(self.visitor),
            "/continue": lambda: self.coach.resume(self.visitor),
            "/profile": lambda: self.coach.profile(self.visitor),
        }
        if command in {"/quit", "/exit", "/stop"}:
            return False
        if command == "/help":
            self._say(phrase(self.lang, "help"))
        elif command == "/progress":  # shown beside the conversation: its buttons stay live
            await self._ask(self.coach.progress(self.visitor), aside=True)
        elif command in calls:
            await self._ask(calls[command]())
        else:
            self._say(phrase(self.lang, "unknown_command"))
        return True

    def _incoming(self, line: str) -> Incoming:
        """A number or a button's label picks that button; anything else is typed text."""
        step, session_id = self.shown
        if self.multi:
            return Incoming.text(self._named(line), step, session_id)
        if _NUMBER.fullmatch(line) and 1 <= int(line) <= len(self.buttons):
            return Incoming.choice(self.buttons[int(line) - 1].value, step, session_id)
        for button in self.buttons:
            if button.label.casefold() == line.casefold():
                return Incoming.choice(button.value, step, session_id)
        return Incoming.text(line, step, session_id)

    def _named(self, line: str) -> str:
        """The options of a multi question as typed ("1, 3" or names), numbers made names;
        the engine reads the list (or "klaar"/"done") and says what it cannot."""
        parts = [part.strip() for part in _PARTS.split(line)]
        named = [
            self.buttons[int(part) - 1].label
            if _NUMBER.fullmatch(part) and 1 <= int(part) <= len(self.buttons)
            else part
            for part in parts
        ]
        return ", ".join(named)

    def _pick(self, line: str) -> Awaitable[Reply]:
        if _NUMBER.fullmatch(line) and 1 <= int(line) <= len(self.menu_items):
            item = self.menu_items[int(line) - 1]
            return self.coach.open(self.visitor, item.dialogue_id, item.commitment_id)
        return self.coach.open(self.visitor, line)

    async def _ask(
        self, call: Awaitable[Reply], *, quiet: bool = False, aside: bool = False
    ) -> None:
        """Await a coach call and show its reply; a failure is said plainly, never a traceback.
        A reply ``aside`` only shows its information, leaving the question on screen as it is."""
        try:
            reply = await call
        except StoreUnavailable as err:
            log.error("not saved: %s", err.reason)
            self._say(phrase(self.lang, "not_saved"))
            return
        except CoachbotError as err:  # a content bug validation could not see
            log.error("a step failed: %s", err)
            self._say(phrase(self.lang, "error"))
            return
        self.lang = reply.lang
        if aside:
            for message in reply.info:
                self._show_message(message)
        elif not quiet:
            self._show(reply)

    def _show(self, reply: Reply) -> None:
        if reply.notice:
            self._say(reply.notice)
        self.menu_items, self.buttons, self.shown = [], (), (None, None)
        self.multi = False
        turn = reply.turn
        if turn is not None:
            for message in turn.messages:
                self._show_message(message)
            if not turn.finished or turn.buttons:  # a finished one may offer "Details"
                self.multi = turn.messages[-1].multi
                self.buttons = _options(turn.messages[-1])
                self.shown = (turn.session.step, turn.session.id)
        if reply.menu is not None:
            self._show_menu(list(reply.menu))
        self.out.flush()

    def _show_menu(self, items: list[MenuItem]) -> None:
        self.menu_items = items
        if not items:
            self._say(phrase(self.lang, "menu_empty"))
            return
        lines = [phrase(self.lang, "menu")]
        for number, item in enumerate(items, start=1):
            marks = [phrase(self.lang, "menu_unfinished")] if item.unfinished else []
            marks += [phrase(self.lang, "menu_due")] if item.due else []
            mark = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"  {number}. {item.title}{mark} – {item.description}")
        self._say("\n".join(lines))

    def _show_message(self, message: Message) -> None:
        if message.details and any(TIP_DETAILS.fullmatch(b.value) for b in message.buttons):
            message = Message(message.details, image=message.image)  # a terminal has the room
        buttons = _options(message)
        options = "".join(f"\n  {n}) {b.shown}" for n, b in enumerate(buttons, start=1))
        if message.multi:
            options += f"\n{phrase(self.lang, 'multi_typed_hint')}"
        self._say(html_to_text(message.text, styled=self.styled) + options)
        if message.image is not None:
            self.images_dir.mkdir(parents=True, exist_ok=True)
            name = self.visitor.external_id.replace(":", "-")
            path = _unused(self.images_dir / f"{name}-{message.image.filename}")
            path.write_bytes(message.image.png())
            self._say(phrase(self.lang, "image_saved", path=path))

    def _say(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()


def _unused(path: Path) -> Path:
    """``path``, or the same name with a number added if a file is already there."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _options(message: Message) -> tuple[Button, ...]:
    """The buttons to number: a multi question's options without "Done" (typed instead)."""
    return tuple(b for b in message.buttons if b.value != DONE)
