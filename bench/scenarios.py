"""One scenario = one bot, fresh storage, a warm-up, then users walking the ten steps, checked."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bench import postgres
from bench.bots import BotUnderTest, coachbot, conversation_bot, echo_bot
from bench.driver import Driver, Measurement, User
from bench.fake_request import Event, FakeBotAPI

# Makes a bot on the fake API, with its storage (if any) fresh inside the given folder.
BotFactory = Callable[[FakeBotAPI, Path], Awaitable[BotUnderTest]]

REFERENCE_USER = 9_000_001
WARM_UP_FIRST = 8_000_001


@dataclass(frozen=True)
class Scenario:
    """How updates arrive: ``sequential`` or ``burst``, from how many users, how many walks."""

    mode: str
    users: int
    walks: int
    warm_up_users: int = 10  # each walks once, alone after the reference user, before timing

    @property
    def label(self) -> str:
        walks = f", {self.walks} walks" if self.walks > 1 else ""
        users = "1 user" if self.users == 1 else f"{self.users:,} users"
        return f"{self.mode}, {users}{walks}"


@dataclass
class Outcome:
    """A scenario's measurement, and the reference walk its users were checked against."""

    measure: Measurement
    reference: list[Event]


async def _echo(api: FakeBotAPI, folder: Path) -> BotUnderTest:
    return echo_bot(api)


async def _conversation(api: FakeBotAPI, folder: Path) -> BotUnderTest:
    return conversation_bot(api, folder / "conversation.pickle")


async def _coachbot_sqlite(api: FakeBotAPI, folder: Path) -> BotUnderTest:
    return await coachbot(api, f"sqlite+aiosqlite:///{folder / 'coachbot.db'}")


async def _coachbot_rate_limited(api: FakeBotAPI, folder: Path) -> BotUnderTest:
    return await coachbot(api, f"sqlite+aiosqlite:///{folder / 'coachbot.db'}", rate_limited=True)


def coachbot_postgres(server_url: str) -> BotFactory:
    """Coachbot on a new database of the PostgreSQL server at ``server_url``, dropped after."""

    async def make(api: FakeBotAPI, folder: Path) -> BotUnderTest:
        database = await postgres.create_database(server_url)
        try:
            bot = await coachbot(api, database)
        except BaseException:
            await postgres.drop_database(server_url, database)
            raise
        close_store = bot.closing

        async def closing() -> None:
            if close_store is not None:
                await close_store()
            await postgres.drop_database(server_url, database)

        bot.closing = closing
        bot.name = "coachbot-pg"
        return bot

    return make


BOTS: dict[str, BotFactory] = {
    "echo": _echo,
    "conversation": _conversation,
    "coachbot": _coachbot_sqlite,
    "coachbot+ratelimit": _coachbot_rate_limited,
}


async def run(make: BotFactory, scenario: Scenario) -> Outcome:
    """Run ``scenario`` on a fresh bot and fresh storage; the bot is stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="coachbot-bench-") as folder:
        api = FakeBotAPI()
        bot = await make(api, Path(folder))
        await bot.start()
        try:
            return await _measure(bot, scenario)
        finally:
            await bot.stop()


async def _measure(bot: BotUnderTest, scenario: Scenario) -> Outcome:
    driver = Driver(bot)
    untimed = Measurement(bot.name, "warm-up", 0)
    alone = User(REFERENCE_USER)
    await driver.sequential([alone], 1, untimed)
    reference = driver.transcript(alone)
    await driver.sequential([alone], 1, untimed)  # the second walk must look like the first
    warm = [User(WARM_UP_FIRST + n) for n in range(scenario.warm_up_users)]
    await driver.sequential(warm, 1, untimed)

    users = [User(1 + n) for n in range(scenario.users)]
    measure = Measurement(bot.name, scenario.label, scenario.users)
    calls, server = Counter(bot.api.calls), bot.api.server_seconds
    if scenario.mode == "burst":
        await driver.burst(users, scenario.walks, measure)
    else:
        await driver.sequential(users, scenario.walks, measure)
    measure.calls_by_method = bot.api.calls - calls
    measure.calls = measure.calls_by_method.total()
    measure.server_seconds = bot.api.server_seconds - server
    measure.missing_buttons += untimed.missing_buttons
    driver.check([alone, *warm, *users], reference, measure)
    if not reference and not measure.first_problem:
        measure.wrong_users += 1
        measure.first_problem = "the reference walk got no reply at all"
    return Outcome(measure, reference)
