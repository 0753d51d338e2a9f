"""Our own webhook server: Telegram's updates on the webhook URL's path, and ``GET /healthz``.

python-telegram-bot's built-in server serves the update path only; a load balancer or an
orchestrator also needs to ask whether the bot is alive. This small tornado server (tornado
comes with python-telegram-bot's webhooks extra) takes a POST on the path of the public webhook
URL, refuses bodies over ``MAX_BODY_BYTES`` (413), requests without the secret token Telegram
sends (403) and anything that is not an update (400), and puts each update on the
Application's queue. ``/healthz`` answers 200 while the Application runs.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.errors import CannotListen

if TYPE_CHECKING:
    from bot.channels.telegram.app import TelegramApp

log = logging.getLogger(__name__)
# Update payloads hold what users typed: written at DEBUG only with COACHBOT_LOG_MESSAGE_TEXTS
# (bot.logs keeps this logger quiet and its arguments hidden otherwise).
payloads = logging.getLogger(f"{__name__}.payloads")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kilobytes; Telegram's largest are far below
HEALTH_PATH = "healthz"


class _Routes(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: the update path is as good as a password."""


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, server: WebhookServer) -> None:
        self.server = server
        self.body = bytearray()

    def prepare(self) -> None:
        if int(self.request.headers.get("Content-Length", "0")) > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.body.extend(chunk)

    async def post(self) -> None:
        # The body is read before the secret is checked: a client whose request is answered
        # before it finished sending sees a broken connection instead of the 403.
        sent = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self.server.secret_token.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if not self.server.accepting():
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE)  # Telegram retries
        payloads.debug("Webhook received data: %s", self.body.decode(errors="replace"))
        update = self.server.read_update(bytes(self.body))
        if update is None:
            log.warning("webhook: refused a request that is not a Telegram update (400)")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        await self.server.deliver(update)

    def log_exception(self, *_: Any) -> None:
        """Refusals are answered with their status; nothing else to log."""


class _HealthHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET",)

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if not self.server.accepting():
            self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
            self.finish("stopped\n")
            return
        self.finish("ok\n")


class WebhookServer:
    """Serves one Application's webhook and health path on ``listen:port``."""

    def __init__(
        self, application: TelegramApp, path: str, secret_token: str, listen: str, port: int
    ) -> None:
        if not secret_token:
            raise ValueError("a webhook needs a secret token")
        if path == HEALTH_PATH:
            raise CannotListen(f"the webhook URL's path cannot be /{HEALTH_PATH}")
        self.application = application
        self.secret_token = secret_token
        self.listen, self.port = listen, port
        shared = {"server": self}
        routes = _Routes(
            [
                (f"/{HEALTH_PATH}", _HealthHandler, shared),
                (f"/{re.escape(path)}/?" if path else "/", _UpdateHandler, shared),
            ]
        )
        self._http = HTTPServer(routes, max_body_size=MAX_BODY_BYTES)
        self._serving = False

    def start(self) -> None:
        """Listen (``CannotListen`` with the reason if the address cannot be had)."""
        try:
            self._http.listen(self.port, address=self.listen)
        except OSError as err:
            raise CannotListen(
                f"cannot listen on {self.listen}:{self.port} for the webhook: {err.strerror}"
            ) from err
        self._serving = True

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        self._serving = False
        self._http.stop()
        await self._http.close_all_connections()

    def accepting(self) -> bool:
        """True while updates can be handled."""
        return self._serving and self.application.running

    def read_update(self, body: bytes) -> Update | None:
        """The update in ``body``, or None if it is not one."""
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                return None
            return Update.de_json(data, self.application.bot)
        except Exception:  # whatever is wrong with it, it is refused, never half-handled
            return None

    async def deliver(self, update: Update) -> None:
        """Hand the update to the Application, exactly as polling would."""
        self.application.bot.insert_callback_data(update)
        await self.application.update_queue.put(update)
