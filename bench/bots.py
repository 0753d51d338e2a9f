"""The bots measured side by side, each a real python-telegram-bot Application on the fake API.

- ``echo_bot``: the bare floor; a typed message gets one sendMessage, a press an answer and one.
- ``conversation_bot``: the ten steps of ``ten_steps.yaml`` as a ``ConversationHandler`` with
  ``PicklePersistence`` (persistent, default update_interval), showing the user exactly what
  Coachbot shows (same texts, buttons, edits and answers), so only the machinery differs.
- ``coachbot``: the real ``build_application`` over a real ``Coach`` and store. All
  Coachbot-specific construction is in that one function: adapt it when those APIs change.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import Message as TgMessage
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.warnings import PTBUserWarning

from bench.fake_request import TOKEN, FakeBotAPI
from bot.channels.telegram.app import TelegramApp, TelegramOptions, build_application
from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import open_store

os.environ.setdefault("PTB_TIMEDELTA", "1")
BENCH = Path(__file__).resolve().parent
DIALOGUE = BENCH / "ten_steps.yaml"
PROMPTS = BENCH.parent / "prompts"
OPEN_DATA = "m:ten_steps"  # what the menu button of the ten steps carries, in every bot
Context = ContextTypes.DEFAULT_TYPE


@dataclass
class BotUnderTest:
    """A started-or-not Application, its fake API, and how to tear it down."""

    name: str
    app: TelegramApp
    api: FakeBotAPI
    has_buttons: bool  # False for the echo bot: the driver makes up the buttons it presses
    concurrent: bool  # whether the Application handles several updates at once
    closing: Callable[[], Awaitable[None]] | None = None

    async def start(self) -> None:
        """Initialise and start the Application (the update queue and persistence loop run)."""
        await self.app.initialize()
        await self.app.start()

    async def stop(self) -> None:
        """Stop, shut down (persistence is flushed here) and release the database."""
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        if self.closing is not None:
            await self.closing()


def _builder(api: FakeBotAPI, concurrent: bool) -> ApplicationBuilder:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .request(api)
        .get_updates_request(api)
        .concurrent_updates(concurrent)
    )


# -- the bare echo ----------------------------------------------------------------------------


def echo_bot(api: FakeBotAPI) -> BotUnderTest:
    """A bare echo: the same Application and request layer, no state, no storage."""
    app = _builder(api, concurrent=True).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo_text))
    app.add_handler(CallbackQueryHandler(_echo_press))
    return BotUnderTest("echo", app, api, has_buttons=False, concurrent=True)


async def _echo_text(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await context.bot.send_message(message.chat_id, message.text)


async def _echo_press(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    await context.bot.send_message(query.from_user.id, query.data)


# -- the same ten steps as a ConversationHandler ------------------------------------------------

GOAL, CUSTOMER, CONFIDENCE, CALLS, CHANNEL, OPENER, EASE, WHEN, ACTION = range(9)
GOALS = [("Meer leads", "leads"), ("Deals sluiten", "deals"), ("Mijn netwerk", "network")]
CHANNELS = [("LinkedIn", "linkedin"), ("Telefoon", "phone"), ("E-mail", "email")]
WHENS = [("Vandaag", "today"), ("Deze week", "week"), ("Volgende week", "later")]
SCALE = [(str(i), str(i)) for i in range(1, 6)]


def conversation_bot(api: FakeBotAPI, pickle_file: Path) -> BotUnderTest:
    """The ten steps as ConversationHandler + PicklePersistence, one update at a time."""
    persistence = PicklePersistence(filepath=pickle_file)
    app = _builder(api, concurrent=False).persistence(persistence).build()
    with warnings.catch_warnings():  # buttons are tracked per user, which is what we want
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CallbackQueryHandler(_open, pattern=f"^{OPEN_DATA}$")],
            states={
                GOAL: [CallbackQueryHandler(_goal, pattern="^goal:")],
                CUSTOMER: [MessageHandler(filters.TEXT & ~filters.COMMAND, _customer)],
                CONFIDENCE: [CallbackQueryHandler(_confidence, pattern="^confidence:")],
                CALLS: [MessageHandler(filters.TEXT & ~filters.COMMAND, _calls)],
                CHANNEL: [CallbackQueryHandler(_channel, pattern="^channel:")],
                OPENER: [MessageHandler(filters.TEXT & ~filters.COMMAND, _opener)],
                EASE: [CallbackQueryHandler(_ease, pattern="^ease:")],
                WHEN: [CallbackQueryHandler(_when, pattern="^when:")],
                ACTION: [MessageHandler(filters.TEXT & ~filters.COMMAND, _action)],
            },
            fallbacks=[],
            name="ten_steps",
            persistent=True,
        )
    app.add_handler(conversation)
    return BotUnderTest("conversation", app, api, has_buttons=True, concurrent=False)


def _markup(state: str, options: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text, callback_data=f"{state}:{v}") for text, v in options]
    if all(len(label) <= 3 for label, _ in options):  # a scale: one row, as Coachbot does
        return InlineKeyboardMarkup([buttons])
    return InlineKeyboardMarkup([[b] for b in buttons])


async def _say(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


def _answers(context: Context) -> dict[str, object]:
    assert context.user_data is not None
    answers: dict[str, object] = context.user_data.setdefault("answers", {})
    return answers


async def _pressed(update: Update, context: Context, options: list[tuple[str, str]]) -> str:
    """The pressed option's value; the question is edited to show the choice, as Coachbot does."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    value = query.data.split(":", 1)[1]
    label = next(label for label, v in options if v == value)
    if isinstance(query.message, TgMessage) and query.message.text is not None:
        text = f"{query.message.text_html}\n\n➡️ <i>Jouw keuze:</i> <b>{html.escape(label)}</b>"
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    return value


def _typed(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    return message.text.strip()


async def _open(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    assert update.effective_user is not None
    _answers(context).clear()
    name = html.escape(update.effective_user.first_name)
    await _say(update, context, f"Hoi {name}! Tien korte stappen naar een plan voor deze week.")
    await _say(update, context, "Waar wil je deze week aan werken?", _markup("goal", GOALS))
    await update.callback_query.answer()
    return GOAL


async def _goal(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    _answers(context)["goal"] = await _pressed(update, context, GOALS)
    await _say(update, context, "Welke klant heb je daarbij in gedachten?")
    await update.callback_query.answer()
    return CUSTOMER


async def _customer(update: Update, context: Context) -> int:
    customer = _answers(context)["customer"] = html.escape(_typed(update))
    text = f"Hoe zeker ben je dat {customer} interesse heeft?\n<i>1 = twijfel · 5 = heel zeker</i>"
    await _say(update, context, text, _markup("confidence", SCALE))
    return CONFIDENCE


async def _confidence(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    _answers(context)["confidence"] = int(await _pressed(update, context, SCALE))
    await _say(update, context, "Hoeveel klantgesprekken voer je per week?")
    await update.callback_query.answer()
    return CALLS


async def _calls(update: Update, context: Context) -> int:
    try:
        calls = int(_typed(update))
    except ValueError:
        await _say(update, context, "Dat is geen heel getal. Hoeveel gesprekken per week?")
        return CALLS
    answers = _answers(context)
    answers["calls"] = calls
    text = f"Via welk kanaal benader je {answers['customer']}?"
    await _say(update, context, text, _markup("channel", CHANNELS))
    return CHANNEL


async def _channel(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    answers = _answers(context)
    answers["channel"] = await _pressed(update, context, CHANNELS)
    customer = answers["customer"]
    if answers["channel"] == "linkedin":
        tip = f"Tip: reageer eerst op iets wat {customer} deelde, voor je zelf iets vraagt."
        await _say(update, context, tip)
    await _say(update, context, f"Wat is je eerste zin aan {customer}?")
    await update.callback_query.answer()
    return OPENER


async def _opener(update: Update, context: Context) -> int:
    _answers(context)["opener"] = _typed(update)
    text = (
        "Hoe makkelijk vind je het om die zin te sturen?\n"
        "<i>1 = heel lastig · 5 = heel makkelijk</i>"
    )
    await _say(update, context, text, _markup("ease", SCALE))
    return EASE


async def _ease(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    answers = _answers(context)
    ease = answers["ease"] = int(await _pressed(update, context, SCALE))
    calls = answers["calls"]
    if not (ease >= 3 and isinstance(calls, int) and calls >= 5):
        await _say(update, context, "Begin met één bericht; de rest volgt vanzelf.")
    await _say(update, context, "Wanneer stuur je het?", _markup("when", WHENS))
    await update.callback_query.answer()
    return WHEN


async def _when(update: Update, context: Context) -> int:
    assert update.callback_query is not None
    _answers(context)["when"] = await _pressed(update, context, WHENS)
    await _say(update, context, "Schrijf in één zin wat je gaat doen.")
    await update.callback_query.answer()
    return ACTION


async def _action(update: Update, context: Context) -> int:
    assert update.effective_user is not None
    assert context.user_data is not None
    action = html.escape(_typed(update))
    context.user_data.setdefault("commitments", []).append(action)
    name = html.escape(update.effective_user.first_name)
    await _say(update, context, f"<b>Goed bezig, {name}!</b>\nJe plan: <i>{action}</i>")
    await _say(update, context, "Klaar! Kies /menu voor een ander gesprek.")
    return ConversationHandler.END


# -- Coachbot -----------------------------------------------------------------------------------


async def coachbot(api: FakeBotAPI, db_url: str, *, rate_limited: bool = False) -> BotUnderTest:
    """The real Coachbot Application over a real Coach and store at ``db_url``.

    The only place that knows how Coachbot is put together: adapt it when the Coach, Store or
    build_application change. ``rate_limited=False`` drops the AIORateLimiter that
    build_application installs (30 chat requests per second for the whole bot), so the figures
    are the bot's own cost and compare with the echo, which has none; True measures the bot
    as it is configured for production.
    """
    catalog = load_catalog([DIALOGUE], PROMPTS)
    if catalog.broken or "ten_steps" not in catalog.latest:
        raise RuntimeError(f"{DIALOGUE} does not load: {catalog.problems}")
    store = await open_store(db_url)
    coach = Coach(Engine(catalog), store, default_language="nl")
    app = build_application(TelegramOptions(TOKEN), coach, request=api)
    if not rate_limited:
        app.bot._rate_limiter = None  # the bench's business only; see the docstring
    name = "coachbot" if not rate_limited else "coachbot+ratelimit"
    return BotUnderTest(name, app, api, has_buttons=True, concurrent=True, closing=store.close)
