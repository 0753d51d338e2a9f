"""A fake Telegram Bot API over real HTTP, so the real python-telegram-bot stack runs in tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.telegram.entities import parse_html, utf16_length

TOKEN = "123456:TEST-TOKEN"
BOT = {"id": 123456, "is_bot": True, "first_name": "Coachbot", "username": "coachbot_test_bot"}
_PLAIN_STRINGS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "url",
    "secret_token",
    "language_code",
}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Sent:
    """A message the bot sent, as the user's chat shows it now (edits applied)."""

    message_id: int
    text: str | None
    buttons: list[list[tuple[str, str]]]
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    html: bool = False  # sent in HTML parse mode: Telegram shows plain text plus entities

    def button_labels(self) -> list[str]:
        """Every button's text, row by row."""
        return [label for row in self.buttons for label, _ in row]


class FakeBotAPI:
    """Serves the Bot API methods the bot uses, queues user updates, records what the bot does."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.chats: dict[int, list[Sent]] = {}
        self.answered: list[tuple[str, str | None]] = []
        self.webhook: dict[str, Any] | None = None
        self.blocked: set[int] = set()  # chats whose user blocked the bot: every send is a 403
        self.unknown_chats: set[int] = set()  # chats Telegram does not know: their scope is a 400
        # Command lists by (chat id or None for the default scope, language code or "").
        self.commands: dict[tuple[int | None, str], list[str]] = {}
        self._updates: list[dict[str, Any]] = []
        self._offset = 0
        self._delivered_ids: set[int] = set()
        self._redeliveries: list[dict[str, Any]] = []
        self.delivered = 0  # update deliveries (a redelivered id counts again) the bot fetched
        self.handed_out: Counter[int] = Counter()  # update id -> how often getUpdates gave it
        self._arrived = asyncio.Condition()
        self._failures: dict[str, list[tuple[int, str, int | None]]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Set by the test's bot: True while updates are queued or being handled.
        self.bot_busy: Callable[[], bool] = lambda: False
        self._methods: dict[str, Callable[[dict[str, Any], dict[str, bytes]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getFile": self._get_file,
        }
        self.files: dict[str, bytes] = {}  # file id -> the bytes a user sent

    @property
    def base_url(self) -> str:
        """What to give python-telegram-bot as ``base_url``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to give python-telegram-bot as ``base_file_url``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use -------------------------------------------------------------------

    async def queue(self, update: dict[str, Any]) -> None:
        """Make ``update`` available to the bot's next getUpdates."""
        async with self._arrived:
            self._updates.append(update)
            self._arrived.notify_all()

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Hand ``update`` out once more with the same update_id, as Telegram sometimes does."""
        async with self._arrived:
            self._redeliveries.append(dict(update))
            self._arrived.notify_all()

    async def redeliver_recent(self, count: int) -> None:
        """Hand out the last ``count`` updates again, as Telegram may after a bot went down."""
        for update in self._updates[-count:]:
            await self.redeliver(update)

    def next_update_id(self) -> int:
        """A fresh update id."""
        return next(self._ids)

    def fail_next(
        self, method: str, code: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of ``method`` fail once with a Telegram error."""
        self._failures.setdefault(method, []).append((code, description, retry_after))

    def menu_of(self, chat_id: int, lang: str) -> list[str]:
        """The command names a user of ``chat_id`` with app language ``lang`` sees, picked as
        Telegram does: the chat's scope before the default, a language's list before none."""
        for key in ((chat_id, lang), (chat_id, ""), (None, lang), (None, "")):
            if key in self.commands:
                return self.commands[key]
        return []

    def calls_of(self, method: str) -> list[Call]:
        """Every call of ``method`` so far."""
        return [c for c in self.calls if c.method == method]

    async def settle(self, within: float = 10.0, quiet: float = 0.15) -> None:
        """Wait until the bot fetched every queued update and made no call for ``quiet`` s.

        Polling (getUpdates) goes on all the time, so it does not count as activity.
        """
        deadline = time.monotonic() + within
        seen = -1
        while time.monotonic() < deadline:
            fetched = all(u["update_id"] < self._offset for u in self._updates)
            active = sum(1 for c in self.calls if c.method != "getUpdates")
            if fetched and not self.bot_busy() and active == seen:
                return
            seen = active
            await asyncio.sleep(quiet)
        raise AssertionError(
            f"the bot did not settle; last calls: {[c.method for c in self.calls[-8:]]}"
        )

    async def wait_for(self, check: Callable[[Call], bool], within: float = 10.0) -> Call:
        """The first call (old or new) for which ``check`` holds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for call in self.calls:
                if check(call):
                    return call
            await asyncio.sleep(0.02)
        raise AssertionError(f"no such call; last calls: {[c.method for c in self.calls[-8:]]}")

    # -- the HTTP side ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read(request)
        self.calls.append(Call(method, params, files))
        if self._failures.get(method):
            code, description, retry_after = self._failures[method].pop(0)
            return _error(code, description, retry_after)
        if method.startswith("send") and _chat_id(params) in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, files)
        except ValueError as err:  # markup Telegram would refuse
            return _error(400, str(err))
        return web.json_response({"ok": True, "result": result})

    def upload(self, data: bytes) -> str:
        """Keep a file a user sends; its file id."""
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    async def _get_file(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ValueError("Bad Request: invalid file_id")
        size = len(self.files[file_id])
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        self.calls.append(Call("download", {"path": request.match_info["path"]}, {}))
        file_id = request.match_info["path"].removeprefix("documents/")
        if file_id not in self.files:
            return _error(404, "Not Found")
        return web.Response(body=self.files[file_id])

    async def _get_me(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return BOT

    async def _get_updates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self._offset = max(self._offset, int(params.get("offset", 0) or 0))
        timeout = float(params.get("timeout", 0) or 0)
        async with self._arrived:
            with contextlib.suppress(TimeoutError):  # a long poll that times out returns []
                await asyncio.wait_for(
                    self._arrived.wait_for(self._pending), timeout=min(timeout, 0.5)
                )
            return self._hand_out(self._pending())

    def _pending(self) -> list[dict[str, Any]]:
        return self._redeliveries + [u for u in self._updates if u["update_id"] >= self._offset]

    def _hand_out(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self._redeliveries = []
        self.handed_out.update(u["update_id"] for u in updates)
        for update in updates:
            key = id(update)
            if key not in self._delivered_ids:
                self._delivered_ids.add(key)
                self.delivered += 1
        return updates

    async def _send_message(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        _check_markup(params, "text")
        return self._record(
            params,
            Sent(0, params["text"], _buttons(params), html=params.get("parse_mode") == "HTML"),
        )

    async def _send_photo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if utf16_length(params.get("caption") or "") > 1024:
            raise ValueError("Bad Request: message caption is too long")
        return self._record(params, Sent(0, params.get("caption"), [], photo=files.get("photo")))

    async def _send_document(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        sent = Sent(0, params.get("caption"), [], document=files.get("document"))
        sent.filename = params.get("_filename_document")
        return self._record(params, sent)

    async def _edit_message_text(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        _check_markup(params, "text")
        sent = self._find(params)
        sent.text, sent.buttons, sent.html = (
            params["text"],
            _buttons(params),
            params.get("parse_mode") == "HTML",
        )
        return self._message(int(params["chat_id"]), sent)

    async def _edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> Any:
        sent = self._find(params)
        sent.buttons = _buttons(params)
        return self._message(int(params["chat_id"]), sent)

    async def _answer_callback_query(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.answered.append((params["callback_query_id"], params.get("text")))
        return True

    async def _set_my_commands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.commands[self._command_scope(params)] = [c["command"] for c in params["commands"]]
        return True

    async def _delete_my_commands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.commands.pop(self._command_scope(params), None)
        return True

    def _command_scope(self, params: dict[str, Any]) -> tuple[int | None, str]:
        """Where a command list applies: one private chat (the only other scope the bot uses)
        or everywhere; and in which language ("" for any)."""
        scope = params.get("scope") or {"type": "default"}
        if scope["type"] not in {"default", "chat"}:
            raise ValueError(f"Bad Request: scope {scope['type']} is not faked")
        chat_id = int(scope["chat_id"]) if scope["type"] == "chat" else None
        if chat_id in self.unknown_chats:
            raise ValueError("Bad Request: chat not found")
        return chat_id, params.get("language_code") or ""

    async def _delete_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = None
        return True

    async def _set_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = params
        return True

    def _record(self, params: dict[str, Any], sent: Sent) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self.chats.setdefault(chat_id, [])
        sent.message_id = len(chat) + 1
        chat.append(sent)
        return self._message(chat_id, sent)

    def _find(self, params: dict[str, Any]) -> Sent:
        return self.chats[int(params["chat_id"])][int(params["message_id"]) - 1]

    @staticmethod
    def _message(chat_id: int, sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
        }
        if sent.photo is not None:
            message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        elif sent.document is not None:
            message["document"] = {"file_id": "d", "file_unique_id": "d"}
        elif sent.text is not None:
            message["text"], entities = parse_html(sent.text) if sent.html else (sent.text, [])
            if entities:
                message["entities"] = entities
        if sent.buttons:
            rows = [[{"text": t, "callback_data": d} for t, d in row] for row in sent.buttons]
            message["reply_markup"] = {"inline_keyboard": rows}
        return message


async def _read(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[name] = value.file.read()
            params[f"_filename_{name}"] = value.filename
        elif name in _PLAIN_STRINGS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
    if (
        "photo" in params
        and isinstance(params["photo"], str)
        and params["photo"].startswith("attach://")
    ):
        files.setdefault("photo", files.get(params["photo"].removeprefix("attach://"), b""))
    for kind in ("photo", "document"):
        attached = params.get(kind)
        if isinstance(attached, str) and attached.startswith("attach://"):
            files[kind] = files.get(attached.removeprefix("attach://"), b"")
            params[f"_filename_{kind}"] = params.get(
                f"_filename_{attached.removeprefix('attach://')}"
            )
    return params, files


def _chat_id(params: dict[str, Any]) -> int | None:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _check_markup(params: dict[str, Any], key: str) -> None:
    """Refuse, like Telegram, HTML that does not parse and texts that are empty or too long."""
    text = parse_html(params[key])[0] if params.get("parse_mode") == "HTML" else params[key]
    if not text.strip():
        raise ValueError("Bad Request: message text is empty")
    if utf16_length(text) > 4096:
        raise ValueError("Bad Request: message is too long")


def _buttons(params: dict[str, Any]) -> list[list[tuple[str, str]]]:
    markup = params.get("reply_markup") or {}
    return [
        [(b["text"], b["callback_data"]) for b in row] for row in markup.get("inline_keyboard", [])
    ]


def _error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)
