"""Content commands for admins on Telegram: /reload, and a dialogue file sent as a document.

Who may do it is decided by the engine (``bot.engine.content_admin``); this only turns the
update into a call and downloads the file once the sender is known to be an admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.engine.content import Content
from bot.engine.content_admin import ContentAdmin

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

Context = ContextTypes.DEFAULT_TYPE
YAML_DOCUMENT = filters.Document.FileExtension("yaml") | filters.Document.FileExtension("yml")


class AdminCommands:
    """The content handlers of one ``TelegramChannel``."""

    def __init__(self, channel: TelegramChannel, content: Content | None) -> None:
        self.channel = channel
        self.admin = ContentAdmin(channel.coach, content)

    def document_handler(self, private: filters.BaseFilter) -> MessageHandler[Any, None]:
        """The handler for YAML documents in a private chat."""
        return MessageHandler(private & YAML_DOCUMENT, self.on_document)

    async def on_reload(self, update: Update, context: Context) -> None:
        """/reload: load every dialogue file again (admins)."""
        await self.channel.team.serve(update, lambda v, u: self.admin.reload(v))

    async def on_document(self, update: Update, context: Context) -> None:
        """A .yaml document: an admin's new or changed dialogue file."""
        message = update.effective_message
        document = message.document if message is not None else None
        if document is None:
            return
        name, size = document.file_name or "", document.file_size or 0

        async def fetch() -> bytes:
            found = await context.bot.get_file(document.file_id)
            return bytes(await found.download_as_bytearray())

        await self.channel.team.serve(update, lambda v, u: self.admin.upload(v, name, size, fetch))
