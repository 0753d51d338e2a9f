"""A salesperson on Telegram: sends messages and presses buttons through the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from tests.telegram.fake_api import FakeBotAPI, Sent


class FakeUser:
    """One Telegram user in a private chat with the bot."""

    def __init__(
        self, api: FakeBotAPI, user_id: int, first_name: str = "Eva", language_code: str = "nl"
    ) -> None:
        self.api = api
        self.id = user_id
        self.profile = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self._message_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)

    @property
    def messages(self) -> list[Sent]:
        """What the bot sent this user, edits applied."""
        return self.api.chats.get(self.id, [])

    def texts(self) -> list[str]:
        """The texts (and captions) the bot sent this user, oldest first."""
        return [m.text for m in self.messages if m.text is not None]

    def message_update(self, text: str) -> dict[str, Any]:
        """An update carrying ``text`` from this user (not queued)."""
        message: dict[str, Any] = {**self._envelope(), "text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": self.api.next_update_id(), "message": message}

    async def send(self, text: str) -> dict[str, Any]:
        """Type and send ``text``."""
        update = self.message_update(text)
        await self.api.queue(update)
        return update

    async def send_sticker(self) -> dict[str, Any]:
        """Send a sticker."""
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
        update = {
            "update_id": self.api.next_update_id(),
            "message": {**self._envelope(), "sticker": sticker},
        }
        await self.api.queue(update)
        return update

    async def send_document(self, file_name: str, data: bytes) -> dict[str, Any]:
        """Send a file as a document."""
        file_id = self.api.upload(data)
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "mime_type": "application/x-yaml",
            "file_size": len(data),
        }
        update = {
            "update_id": self.api.next_update_id(),
            "message": {**self._envelope(), "document": document},
        }
        await self.api.queue(update)
        return update

    async def click(self, label: str) -> dict[str, Any]:
        """Press the button ``label`` on the newest message that has one."""
        for sent in reversed(self.messages):
            for row in sent.buttons:
                for text, data in row:
                    if text == label:
                        return await self.click_data(sent, data)
        offered = [m.button_labels() for m in self.messages if m.buttons]
        raise AssertionError(f"no button {label!r}; buttons on screen: {offered}")

    async def click_data(self, sent: Sent, data: str) -> dict[str, Any]:
        """Press a button carrying ``data`` on message ``sent`` (also stale or forged ones)."""
        query = {
            "id": f"{self.id}-{next(self._callback_ids)}",
            "from": self.profile,
            "chat_instance": f"chat-{self.id}",
            "data": data,
            "message": FakeBotAPI._message(self.id, sent),
        }
        update = {"update_id": self.api.next_update_id(), "callback_query": query}
        await self.api.queue(update)
        return update

    async def act(self, action: str, expect: str, within: float = 60.0) -> None:
        """Press the button ``action`` (or type it after '>') and wait for a reply with ``expect``.

        Unlike ``api.settle`` this waits for this user only, so many users can act at once.
        """
        seen = len(self.messages)
        if action.startswith(">"):
            await self.send(action[1:].strip())
        else:
            await self.click(action)
        deadline = time.monotonic() + within
        while not any(expect in (m.text or "") for m in self.messages[seen:]):
            if time.monotonic() > deadline:
                raise AssertionError(f"user {self.id}: no reply with {expect!r} to {action!r}")
            await asyncio.sleep(0.02)

    async def resend(self, update: dict[str, Any]) -> None:
        """Deliver the very same update (same update_id) again."""
        await self.api.redeliver(update)

    def _envelope(self) -> dict[str, Any]:
        chat = {"id": self.id, "type": "private", "first_name": self.profile["first_name"]}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.profile,
        }
