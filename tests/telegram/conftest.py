"""Fixtures for the Telegram tier: a fake Bot API, the real Application, no network at all."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.channels.telegram.app import TelegramApp, TelegramOptions, build_application, start, stop
from bot.channels.telegram.channel import TelegramChannel
from bot.engine.coach import Coach
from bot.engine.content import Content
from tests.telegram.fake_api import TOKEN, FakeBotAPI

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a host other than this machine fails the test."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise RuntimeError(f"network access in tests: {address}")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    """A started fake Bot API."""
    fake = FakeBotAPI()
    await fake.start()
    yield fake
    await fake.stop()


def application_for(
    api: FakeBotAPI,
    coach: Coach,
    messages_per_second: float = 30,
    content: Content | None = None,
) -> TelegramApp:
    """The bot's real Application, pointed at the fake API (which can tell when it is idle)."""
    channel = TelegramChannel(coach, content=content)
    options = TelegramOptions(
        TOKEN,
        api.base_url,
        api.base_file_url,
        max_retries=2,
        messages_per_second=messages_per_second,
    )
    already = api.delivered  # handled by an earlier application in the same test
    api.bot_busy = lambda: channel.finished_updates < api.delivered - already
    return build_application(options, coach, channel)


@pytest.fixture
async def bot(api: FakeBotAPI, coach: Coach) -> AsyncIterator[TelegramApp]:
    """The bot, long polling the fake API, stopped after the test."""
    application = application_for(api, coach)
    await start(application)
    yield application
    await stop(application)
