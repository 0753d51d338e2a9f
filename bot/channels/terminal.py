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
from bot.engine.coach import Coach, MenuItem
from bot.engine.phrases import phrase
from bot.engine.turn import Button, Incoming, Message, Turn
from bot.errors import CoachbotError, NoSuchCommitment, UnknownDialogue
from bot.store.records import User

ReadLine = Callable[[], Awaitable[str | None]]
log = logging.getLogger(__name__)


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
    """Shows turns as text, buttons as numbered options, and turns lines into ``Incoming``."""

    coach: Coach
    user: User
    read_line: ReadLine
    out: TextIO
    images_dir: Path
    styled: bool = False
    buttons: tuple[Button, ...] = ()
    menu_items: list[MenuItem] = field(default_factory=list)

    @property
    def lang(self) -> str:
        """The language the user reads."""
        return self.coach.person(self.user).lang

    async def run(self, dialogue_id: str | None = None) -> int:
        """Chat until ``/quit`` or the end of input; return the exit code."""
        if dialogue_id is not None:
            if dialogue_id not in self.coach.catalog.latest:
                self._say(phrase(self.lang, "unknown_dialogue"))
                return 2
            self._show(await self.coach.open(self.user, dialogue_id))
        elif (turn := await self.coach.resume(self.user)) is not None:
            self._show(turn)
        else:
            await self._show_menu()
        while (line := await self._prompt()) is not None:
            try:
                if not await self._handle(line.strip()):
                    break
            except CoachbotError:
                # A content bug validation could not see: the answer is safe, say so and go on.
                log.exception("a step failed")
                self._say(phrase(self.lang, "error"))
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
            await self._pick(line)
            return True
        turn = await self.coach.reply(self.user, self._incoming(line))
        if turn is None:
            self._say(phrase(self.lang, "no_session"))
            await self._show_menu()
        else:
            self._show(turn)
        return True

    async def _command(self, command: str) -> bool:
        if command in {"/quit", "/exit", "/stop"}:
            return False
        if command == "/help":
            self._say(phrase(self.lang, "help"))
        elif command in {"/menu", "/start"}:
            await self._show_menu()
        elif command in {"/back", "/restart", "/continue"}:
            act = {
                "/back": self.coach.back,
                "/restart": self.coach.restart,
                "/continue": self.coach.resume,
            }
            turn = await act[command](self.user)
            if turn is None:
                self._say(phrase(self.lang, "no_session"))
                await self._show_menu()
            else:
                self._show(turn)
        else:
            self._say(phrase(self.lang, "unknown_command"))
        return True

    def _incoming(self, line: str) -> Incoming:
        """A number or a button's label picks that button; anything else is typed text."""
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return Incoming.choice(self.buttons[int(line) - 1].value)
        for button in self.buttons:
            if button.label.casefold() == line.casefold():
                return Incoming.choice(button.value)
        return Incoming.text(line)

    async def _show_menu(self) -> None:
        self.menu_items, self.buttons = await self.coach.menu(self.user), ()
        if not self.menu_items:
            self._say(phrase(self.lang, "menu_empty"))
            return
        lines = [phrase(self.lang, "menu")]
        for number, item in enumerate(self.menu_items, start=1):
            marks = [phrase(self.lang, "menu_unfinished")] if item.unfinished else []
            marks += [phrase(self.lang, "menu_due")] if item.due else []
            mark = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"  {number}. {item.title}{mark} – {item.description}")
        self._say("\n".join(lines))

    async def _pick(self, line: str) -> None:
        by_number = line.isdigit() and 1 <= int(line) <= len(self.menu_items)
        try:
            if by_number:
                turn = await self.coach.open_item(self.user, self.menu_items[int(line) - 1])
            else:
                turn = await self.coach.open(self.user, line)
        except (UnknownDialogue, NoSuchCommitment):
            self._say(phrase(self.lang, "unknown_dialogue"))
            return
        self._show(turn)

    def _show(self, turn: Turn) -> None:
        self.menu_items = []
        for message in turn.messages:
            self._show_message(message)
        self.buttons = turn.buttons
        if turn.finished:
            self.buttons = ()
            self._say(phrase(self.lang, "finished"))
        self.out.flush()

    def _show_message(self, message: Message) -> None:
        options = "".join(f"\n  {n}) {b.label}" for n, b in enumerate(message.buttons, start=1))
        self._say(html_to_text(message.text, styled=self.styled) + options)
        if message.image is not None:
            self.images_dir.mkdir(parents=True, exist_ok=True)
            path = self.images_dir / f"user{self.user.id}-{message.image.filename}"
            path.write_bytes(message.image.png)
            self._say(phrase(self.lang, "image_saved", path=path))

    def _say(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()
