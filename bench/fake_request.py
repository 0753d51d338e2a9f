"""An in-memory Bot API behind python-telegram-bot's request layer: no network, every call counted.

The bots under test are built with ``ApplicationBuilder().request(FakeBotAPI())``, so everything
python-telegram-bot does for a call runs (building the request, encoding its parameters the way
the HTTP client would, parsing the JSON answer into objects); only the network is left out. The
fake answers like Telegram (HTML parse mode becomes plain text plus entities, a Message with an
incrementing message_id) and records, per chat, what the user saw, so a driver can check that
every update was answered, in order, and nobody got anybody else's reply.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

TOKEN = "123456:BENCH-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
Params = dict[str, Any]
_TAG = re.compile(r"<(/?)([a-z][a-z-]*)(?:\s+href=\"([^\"]*)\")?\s*>")
_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "a": "text_link",
}


@dataclass(frozen=True)
class Event:
    """One thing a chat saw: a sent or edited message, a photo, a document, an answered press."""

    kind: str  # "send", "edit", "photo", "document" or "answer"
    text: str


class FakeBotAPI(BaseRequest):
    """Answers the Bot API methods the bots use; counts calls and keeps each chat's transcript.

    ``record=False`` keeps only what a driver needs to press buttons (each chat's messages that
    still carry a keyboard), for memory measurements that should not see the transcripts.
    """

    def __init__(self, *, record: bool = True) -> None:
        self.record = record
        self.calls: Counter[str] = Counter()
        self.transcripts: defaultdict[int, list[Event]] = defaultdict(list)
        self.keyboards: defaultdict[int, dict[int, Params]] = defaultdict(dict)
        self.server_seconds = 0.0  # time spent playing Telegram's part, not the bot's
        self._ids = itertools.count(1)
        self._methods: dict[str, Callable[[Params], Any]] = {
            "getMe": lambda _: BOT_USER,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": lambda p: self._send_media(p, "photo"),
            "sendDocument": lambda p: self._send_media(p, "document"),
            "setMyCommands": lambda _: True,
            "deleteMyCommands": lambda _: True,
            "deleteWebhook": lambda _: True,
            "setWebhook": lambda _: True,
            "getUpdates": lambda _: [],
            "close": lambda _: True,
            "logOut": lambda _: True,
        }

    # -- what drivers read ------------------------------------------------------------------

    @property
    def total_calls(self) -> int:
        """Bot API calls so far, of every method."""
        return sum(self.calls.values())

    def button(self, chat_id: int, label: str) -> tuple[Params, str] | None:
        """(the message, its callback data) of the newest button ``label`` in the chat, if any."""
        for message in reversed(self.keyboards[chat_id].values()):
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == label:
                        return message, button["callback_data"]
        return None

    def forget_chats(self) -> None:
        """Drop transcripts and keyboards (between scenarios); call counts stay."""
        self.transcripts.clear()
        self.keyboards.clear()

    # -- BaseRequest --------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Never waits: there is no network."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call the way Telegram would, without a network."""
        api_method = url.rsplit("/", 1)[-1]
        self.calls[api_method] += 1
        params: Params = {}
        if request_data is not None:
            # What HTTPXRequest does with the data before it hits the wire: the bot's cost.
            _ = request_data.multipart_data if request_data.contains_files else None
            _ = request_data.json_parameters
            params = request_data.parameters
        started = time.perf_counter()
        try:
            return self._answer(api_method, params)
        finally:
            self.server_seconds += time.perf_counter() - started

    def _answer(self, api_method: str, params: Params) -> tuple[int, bytes]:
        handler = self._methods.get(api_method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = handler(params)
        except (ValueError, KeyError) as err:  # what Telegram refuses: bad markup, no message
            return _error(400, f"Bad Request: {err}")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- the methods --------------------------------------------------------------------------

    def _send_message(self, params: Params) -> Params:
        chat_id = _chat(params["chat_id"])
        message = self._message(chat_id)
        self._set_text(message, "text", params)
        self._set_markup(chat_id, message, params.get("reply_markup"))
        self._saw(chat_id, "send", message["text"])
        return message

    def _edit_message_text(self, params: Params) -> Params:
        chat_id, message_id = _chat(params["chat_id"]), int(params["message_id"])
        message = self.keyboards[chat_id].get(message_id) or self._message(chat_id, message_id)
        self._set_text(message, "text", params)
        self._set_markup(chat_id, message, params.get("reply_markup"))
        self._saw(chat_id, "edit", message["text"])
        return message

    def _edit_reply_markup(self, params: Params) -> Params:
        chat_id, message_id = _chat(params["chat_id"]), int(params["message_id"])
        message = self.keyboards[chat_id].get(message_id) or self._message(chat_id, message_id)
        self._set_markup(chat_id, message, params.get("reply_markup"))
        self._saw(chat_id, "edit", message.get("text", ""))
        return message

    def _answer_callback_query(self, params: Params) -> bool:
        # Drivers make callback query ids "<chat id>:<n>", so the press is filed in its chat.
        chat_id = _chat(str(params["callback_query_id"]).split(":", 1)[0])
        self._saw(chat_id, "answer", str(params.get("text", "")))
        return True

    def _send_media(self, params: Params, kind: str) -> Params:
        chat_id = _chat(params["chat_id"])
        message = self._message(chat_id)
        self._set_text(message, "caption", params)
        file_id = f"{kind}-{message['message_id']}"
        if kind == "photo":
            size = {"file_id": file_id, "file_unique_id": file_id, "width": 640, "height": 480}
            message["photo"] = [size]
        else:
            message["document"] = {"file_id": file_id, "file_unique_id": file_id}
        self._saw(chat_id, kind, message.get("caption", ""))
        return message

    # -- helpers -------------------------------------------------------------------------------

    def _message(self, chat_id: int, message_id: int | None = None) -> Params:
        return {
            "message_id": message_id or next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }

    def _set_text(self, message: Params, field: str, params: Params) -> None:
        text = params.get(field)
        if text is None:
            return
        entities: list[dict[str, Any]] = []
        if params.get("parse_mode") == "HTML":
            text, entities = parse_html(str(text))
        message[field] = str(text) if self.record else _own(str(text))
        message.pop(f"{'caption_' if field == 'caption' else ''}entities", None)
        if entities:
            message["caption_entities" if field == "caption" else "entities"] = entities

    def _set_markup(self, chat_id: int, message: Params, markup: Any) -> None:
        keyboards = self.keyboards[chat_id]
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = markup if self.record else _own(markup)
            keyboards[message["message_id"]] = message
        else:
            message.pop("reply_markup", None)
            keyboards.pop(message["message_id"], None)

    def _saw(self, chat_id: int, kind: str, text: str) -> None:
        if self.record:
            self.transcripts[chat_id].append(Event(kind, text))


def parse_html(markup: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities with UTF-16 offsets) as Telegram makes them of HTML parse mode.

    Cheap on purpose (a regular expression, not an HTML parser): this is Telegram's work, and
    its cost is counted in every bot's figures. Refuses unknown or unbalanced tags like Telegram.
    """
    text: list[str] = []
    offset = 0
    opened: list[tuple[str, int, str | None]] = []
    entities: list[dict[str, Any]] = []
    position = 0
    for match in _TAG.finditer(markup):
        piece = html.unescape(markup[position : match.start()])
        text.append(piece)
        offset += _utf16(piece)
        position = match.end()
        closing, tag, url = match.groups()
        if tag not in _ENTITY:
            raise ValueError(f"can't parse entities: unsupported tag {tag!r}")
        if not closing:
            opened.append((tag, offset, url))
            continue
        if not opened or opened[-1][0] != tag:
            raise ValueError(f"can't parse entities: unmatched end tag {tag!r}")
        _, start, url = opened.pop()
        if offset > start:
            entity = {"type": _ENTITY[tag], "offset": start, "length": offset - start}
            entities.append(entity | ({"url": url} if url else {}))
    if opened:
        raise ValueError(f"can't parse entities: tag {opened[-1][0]!r} is not closed")
    text.append(html.unescape(markup[position:]))
    return "".join(text), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _utf16(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _chat(value: Any) -> int:
    """A chat id as an int of our own (never the bot's object, see ``_own``)."""
    return int(str(value))


def _own(value: Any) -> Any:
    """A deep copy made here, so memory figures never count what the fake keeps as the bot's."""
    if isinstance(value, dict):
        return {_own(k): _own(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_own(v) for v in value]
    if isinstance(value, str):
        return value.encode().decode()
    return value


def _error(code: int, description: str) -> tuple[int, bytes]:
    body = {"ok": False, "error_code": code, "description": description}
    return code, json.dumps(body).encode()
