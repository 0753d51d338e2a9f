"""Our webhook server (``/healthz``, refusals) and the running bot's heartbeat.

In process: the real Application behind our tornado server. As a process: ``coachbot run``
in webhook mode against the fake Bot API, checked the way Docker and a load balancer do.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.channels.telegram.app import TelegramApp, Webhook, start, stop
from bot.channels.telegram.webhook import MAX_BODY_BYTES
from bot.engine.coach import Coach
from bot.ops import heartbeat
from tests.channels.chat_process import COACHBOT, REPO
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import TOKEN, FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_robustness import free_port

SECRET = "hook-S3cret"
PUBLIC = "https://coach.example.com/hooks/coachbot-7f3a"


@pytest.fixture
async def served(api: FakeBotAPI, coach: Coach) -> AsyncIterator[tuple[TelegramApp, str]]:
    """The bot in webhook mode on a free port; its local base URL."""
    port = free_port()
    application = application_for(api, coach)
    await start(application, Webhook(PUBLIC, SECRET, "127.0.0.1", port))
    yield application, f"http://127.0.0.1:{port}"
    await stop(application)


async def request(
    method: str, url: str, body: bytes = b"", secret: str | None = SECRET
) -> tuple[int, str]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    headers["Content-Type"] = "application/json"
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def too_large(url: str) -> int:
    """The status for a request announcing a body over the limit (answered before it is sent)."""
    parsed = urlsplit(url)
    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
    writer.write(
        f"POST {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def test_healthz_answers_while_the_bot_runs_and_not_after_it_stopped(
    api: FakeBotAPI, coach: Coach
) -> None:
    port = free_port()
    application = application_for(api, coach)
    await start(application, Webhook(PUBLIC, SECRET, "127.0.0.1", port))
    try:
        running = await request("GET", f"http://127.0.0.1:{port}/healthz", secret=None)
    finally:
        await stop(application)

    assert running == (200, "ok\n")
    with pytest.raises(aiohttp.ClientConnectionError):
        await request("GET", f"http://127.0.0.1:{port}/healthz", secret=None)


async def test_what_is_not_an_update_is_refused_and_an_update_still_answered(
    api: FakeBotAPI, served: tuple[TelegramApp, str]
) -> None:
    _, base = served
    hook = base + "/hooks/coachbot-7f3a"
    eva = FakeUser(api, 701)
    update = json.dumps(eva.message_update("/help")).encode()

    statuses = {
        "not JSON": (await request("POST", hook, b"{not json"))[0],
        "not an object": (await request("POST", hook, b"[1, 2]"))[0],
        "no update id": (await request("POST", hook, b'{"message": {}}'))[0],
        "too large": await too_large(hook),
        "GET on the hook": (await request("GET", hook))[0],
        "another path": (await request("POST", base + "/hooks/other", update))[0],
        "no secret": (await request("POST", hook, update, secret=None))[0],
        "an update": (await request("POST", hook, update))[0],
    }
    await api.settle()

    assert statuses == {
        "not JSON": 400,
        "not an object": 400,
        "no update id": 400,
        "too large": 413,
        "GET on the hook": 405,
        "another path": 404,
        "no secret": 403,
        "an update": 200,
    }
    assert len(eva.texts()) == 1  # only the real update was handled
    assert eva.texts()[0].startswith("Zo werkt het:")


async def test_the_heartbeat_comes_from_the_event_loop(tmp_path: Path) -> None:
    path = tmp_path / "data" / "heartbeat"
    beating = asyncio.create_task(heartbeat.beat_forever(path, every=0.01))
    try:
        await until(lambda: heartbeat.age(path) is not None)
        os.utime(path, (time.time() - 120, time.time() - 120))

        time.sleep(0.1)  # noqa: ASYNC251 -- on purpose: a hung event loop never yields
        hung_age = heartbeat.age(path)

        await until(lambda: (heartbeat.age(path) or 999) < 5)
    finally:
        beating.cancel()

    assert hung_age is not None
    assert hung_age >= 119  # no beat while the loop was blocked


async def until(check: Callable[[], bool], within: float = 10) -> None:
    """Wait until ``check()`` holds; fail after ``within`` seconds."""
    for _ in range(int(within / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the heartbeat never came")


async def test_no_heartbeat_while_the_application_is_not_running(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    beating = asyncio.create_task(heartbeat.beat_forever(path, lambda: False, every=0.01))
    await asyncio.sleep(0.1)
    beating.cancel()

    assert heartbeat.age(path) is None


# -- ``coachbot run --webhook`` as a process -----------------------------------------------------


async def coachbot(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        COACHBOT,
        *args,
        cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def health(env: dict[str, str]) -> tuple[int, str]:
    checking = await coachbot("health", env=env)
    out, err = await asyncio.wait_for(checking.communicate(), timeout=60)
    return await checking.wait(), (out + err).decode().strip()


async def until_healthz(url: str, bot: asyncio.subprocess.Process) -> int:
    """Poll /healthz until it answers (bounded: a bot that never comes up fails the test)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and bot.returncode is None:
        try:
            return (await request("GET", url, secret=None))[0]
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError("coachbot run never served /healthz")


async def test_a_running_bot_is_healthy_and_a_stopped_one_is_not(
    api: FakeBotAPI, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "COACHBOT_TELEGRAM_TOKEN": TOKEN,
        "COACHBOT_TELEGRAM_API_URL": api.base_url,
        "COACHBOT_TELEGRAM_FILE_URL": api.base_file_url,
        "COACHBOT_DATABASE_URL": database_url,
        "COACHBOT_DATA_DIR": str(tmp_path),
        "COACHBOT_WEBHOOK_SECRET": SECRET,  # kept out of the process listing
    }
    hook = ["--webhook", PUBLIC, "--listen", "127.0.0.1"]
    bot = await coachbot("run", *hook, "--port", str(port), env=env)
    try:
        healthz = await until_healthz(f"http://127.0.0.1:{port}/healthz", bot)
        running = await health(env)
    finally:
        bot.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(bot.communicate(), timeout=60)
    stopped = await health(env)

    assert healthz == 200
    assert running[0] == 0, running[1]
    assert running[1].startswith("healthy: database at")
    assert bot.returncode == 0, errors.decode()
    assert api.webhook is not None
    assert (api.webhook["url"], api.webhook["secret_token"]) == (PUBLIC, SECRET)
    assert stopped[0] == 1
    assert stopped[1].startswith(f"unhealthy: no heartbeat at {tmp_path / 'heartbeat'}")


@pytest.mark.parametrize("taken", ["port in use", "healthz path"])
async def test_a_webhook_that_cannot_be_served_is_one_line_and_exit_2(
    api: FakeBotAPI, database_url: str, tmp_path: Path, taken: str
) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = int(other.getsockname()[1]) if taken == "port in use" else free_port()
        url = PUBLIC if taken == "port in use" else "https://coach.example.com/healthz"
        env = {
            "COACHBOT_TELEGRAM_TOKEN": TOKEN,
            "COACHBOT_TELEGRAM_API_URL": api.base_url,
            "COACHBOT_DATABASE_URL": database_url,
            "COACHBOT_DATA_DIR": str(tmp_path),
            "COACHBOT_WEBHOOK_SECRET": SECRET,
        }
        args = ["--webhook", url, "--listen", "127.0.0.1", "--port", str(port)]
        bot = await coachbot("run", *args, env=env)
        out, errors = await asyncio.wait_for(bot.communicate(), timeout=60)

    assert bot.returncode == 2
    assert out == b""
    expected = {
        "port in use": f"coachbot: cannot listen on 127.0.0.1:{port} for the webhook: ",
        "healthz path": "coachbot: the webhook URL's path cannot be /healthz",
    }
    assert errors.decode().startswith(expected[taken])
    assert len(errors.decode().splitlines()) == 1
    assert not (tmp_path / "heartbeat").exists()
