"""Long texts become several messages Telegram accepts: valid HTML each, within its limits."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram.app import TelegramApp, start, stop
from bot.channels.telegram.limits import RAW_FACTOR, fit_caption, split_text, utf16_units
from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.engine import Engine
from bot.store import Store
from tests.conftest import PROMPTS
from tests.telegram.conftest import application_for
from tests.telegram.entities import parse_html
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_salesperson import choose_language, step

GAP = r"\s*"  # what may be dropped where a text is cut


def visible(markup: str) -> str:
    """The text a user sees; raises like Telegram for markup it refuses."""
    return parse_html(markup)[0]


def assert_valid_split(original: str, parts: list[str], limit: int = 4096) -> None:
    """Every part parses alone, fits, and the parts show the original text in order."""
    shown = [visible(part) for part in parts]
    for part, text in zip(parts, shown, strict=True):
        assert text.strip(), f"an empty message: {part!r}"
        assert utf16_units(text) <= limit, f"{utf16_units(text)} units: {part[:80]!r}"
        assert len(part) <= RAW_FACTOR * limit or len(text) == 1
    pattern = GAP + GAP.join(re.escape(text) for text in shown) + GAP
    assert re.fullmatch(pattern, visible(original)), "the parts do not add up to the original"


def test_a_long_bold_text_is_bold_in_every_part() -> None:
    text = "<b>" + "x" * 6000 + "</b>"

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert len(parts) == 2
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)
    assert all(parse_html(p)[1][0]["type"] == "bold" for p in parts)


def test_three_thousand_ampersands_are_never_cut_inside_an_entity() -> None:
    answer = html.escape("&" * 3000)
    text = f"Je antwoord: “{answer}”\n\n" + "Houd de verbinding gaande. " * 60

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert len(parts) == 2
    assert visible(parts[0]) == "Je antwoord: “" + "&" * 3000 + "”"  # cut at the paragraph
    assert not re.search(r"&(?!amp;)", "".join(parts))


@pytest.mark.parametrize("char", ["😀", "𝒳", "👍🏽", "🇳🇱", "👩\u200d👩\u200d👧", "e\u0301"])
def test_astral_characters_count_twice_and_are_never_halved(char: str) -> None:
    text = "x" + char * (5000 // len(char))  # "x": a cut by count would land inside a character

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert "".join(parts) == text
    whole = [p.removeprefix("x") for p in parts]
    assert all(w == char * (len(w) // len(char)) for w in whole)
    assert utf16_units(parts[0]) > 4000  # and no needlessly short message


def test_a_no_break_space_is_never_a_cut() -> None:
    text = "Hoofdstuk\xa07 " * 600

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert all(visible(p).strip().endswith("Hoofdstuk\xa07") for p in parts)


def test_a_text_at_exactly_the_limit_is_one_message() -> None:
    text = "<i>" + "😀" * 2047 + "ab</i>"

    assert split_text(text) == [text]
    assert len(split_text(text + "c")) == 2


def test_nested_tags_are_closed_and_reopened_in_order() -> None:
    words = " ".join(f"woord{n}" for n in range(900))
    text = f"<b>Vet <i>schuin <u>{words}</u> en</i> klaar</b> einde"

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert len(parts) == 2
    assert parts[0].endswith("</u></i></b>")
    assert parts[1].startswith("<b><i><u>woord")
    assert visible(parts[0]).endswith(f"woord{visible(parts[0]).split('woord')[-1]}")


def test_a_link_keeps_its_address_in_every_part() -> None:
    href = "https://example.com/?a=1&amp;b=2"
    text = f'Lees dit: <a href="{href}">' + "klik hier " * 600 + "</a>"

    parts = split_text(text)

    assert_valid_split(text, parts)
    links = [e for p in parts for e in parse_html(p)[1] if e["type"] == "text_link"]
    assert [e["url"] for e in links] == ["https://example.com/?a=1&b=2"] * len(parts)


def test_a_spoiler_span_and_a_code_block_with_its_language() -> None:
    code = "\n".join(f"print({n})" for n in range(600))
    text = (
        '<span class="tg-spoiler">geheim</span>\n'
        f'<pre><code class="language-python">{code}</code></pre>'
    )

    parts = split_text(text)

    assert_valid_split(text, parts)
    assert all('<pre><code class="language-python">' in p for p in parts)
    assert all(visible(p).split("\n")[-1].startswith("print(") for p in parts)  # whole lines


def test_cuts_prefer_paragraphs_then_lines_then_words() -> None:
    paragraph = "Alinea " + " ".join(["woord"] * 300)
    by_paragraph = split_text("\n\n".join([paragraph] * 3))
    by_line = split_text("\n".join([paragraph] * 3))
    by_word = split_text(" ".join([paragraph] * 3))

    assert [visible(p) for p in by_paragraph] == ["\n\n".join([paragraph] * 2), paragraph]
    assert [visible(p) for p in by_line] == ["\n".join([paragraph] * 2), paragraph]
    assert all(visible(p).endswith("woord") for p in by_word[:-1])


def test_short_and_empty_texts() -> None:
    assert split_text("Hoi <b>Eva</b> &amp; co") == ["Hoi <b>Eva</b> &amp; co"]
    assert split_text("") == []


def test_a_caption_is_shortened_in_utf16_units_at_a_word() -> None:
    caption = "Jouw ladder 📈 " * 100

    short = fit_caption(caption)

    assert utf16_units(short) <= 1024
    assert short.endswith("📈…")
    assert fit_caption("Jouw ladder") == "Jouw ladder"


# -- any Telegram HTML ------------------------------------------------------------------------

_SPECIAL = st.sampled_from(
    ["\n", "\n\n", " ", "  ", "\t", "\xa0", "😀", "👍🏽", "🇳🇱", "é", "e\u0301"]
)
_CHARS = st.characters(exclude_categories=("Cs", "Cc"))
_TEXT = st.lists(st.one_of(_CHARS, _SPECIAL), max_size=40).map(
    lambda chars: html.escape("".join(chars), quote=False)
)
_ENTITY = st.one_of(
    st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;"]),
    _CHARS.map(lambda c: f"&#{ord(c)};"),
    _CHARS.map(lambda c: f"&#x{ord(c):x};"),
)
_OPEN = st.sampled_from(
    [
        "<b>",
        "<strong>",
        "<i>",
        "<em>",
        "<u>",
        "<ins>",
        "<s>",
        "<strike>",
        "<del>",
        "<code>",
        "<pre>",
        "<blockquote>",
        "<tg-spoiler>",
        '<span class="tg-spoiler">',
        '<a href="https://t.me/x?a=1&amp;b=2">',
        '<code class="language-python">',
    ]
)


def _wrap(opening: str, inner: str) -> str:
    name = re.match(r"<([\w-]+)", opening)
    assert name is not None
    return f"{opening}{inner}</{name.group(1)}>"


_MARKUP = st.recursive(
    st.one_of(_TEXT, _ENTITY),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=6).map("".join),
        st.tuples(_OPEN, inner).map(lambda pair: _wrap(*pair)),
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(
    fragments=st.lists(st.tuples(_MARKUP, st.integers(1, 40)), min_size=1, max_size=8),
    limit=st.integers(40, 600),
)
def test_any_telegram_html_splits_into_valid_parts(
    fragments: list[tuple[str, int]], limit: int
) -> None:
    text = "".join(markup * times for markup, times in fragments)

    parts = split_text(text, limit)

    assert_valid_split(text, parts, limit)


@settings(max_examples=25, deadline=None)
@given(fragment=_MARKUP, times=st.integers(50, 400))
def test_any_long_telegram_html_fits_telegrams_own_limit(fragment: str, times: int) -> None:
    text = fragment * times

    assert_valid_split(text, split_text(text))


# -- through the real python-telegram-bot stack and the fake Bot API ---------------------------

LONG_INTRO = "<b>" + "Een lange uitleg over relaties. " * 190 + "</b>"  # 6,080 characters
LONG_DIALOGUE = {
    "id": "long",
    "title": {"nl": "Lang verhaal", "en": "Long story"},
    "description": {"nl": "Lange teksten", "en": "Long texts"},
    "start": "intro",
    "nodes": {
        "intro": {"type": "say", "text": {"nl": LONG_INTRO, "en": LONG_INTRO}, "next": "note"},
        "note": {
            "type": "text",
            "text": {"nl": "Wat wil je kwijt?", "en": "What is on your mind?"},
            "save": "note",
            "max_length": 3000,
            "next": "tip",
        },
        "tip": {
            "type": "end",
            "text": {
                "nl": "Je schreef: “{{ note }}”\n\n<i>Tip:</i> " + "houd het kort. " * 80,
                "en": "You wrote: “{{ note }}”",
            },
        },
    },
}


@pytest.fixture
async def long_bot(api: FakeBotAPI, store: Store, tmp_path: Path) -> AsyncIterator[TelegramApp]:
    """The bot serving one dialogue with a 6,000-character bold text."""
    (tmp_path / "long.yaml").write_text(json.dumps(LONG_DIALOGUE), encoding="utf-8")
    catalog = load_catalog([tmp_path], PROMPTS)
    assert not catalog.broken, catalog.problems
    application = application_for(api, Coach(Engine(catalog), store))
    await start(application)
    yield application
    await stop(application)


async def test_a_long_bold_text_and_a_long_echo_arrive_as_valid_messages(
    api: FakeBotAPI, long_bot: TelegramApp
) -> None:
    eva = FakeUser(api, 701)
    await choose_language(api, eva, "Nederlands")
    sent_before = len(eva.messages)

    await step(api, eva, "Lang verhaal")
    intro = [m.text or "" for m in eva.messages[sent_before:]]
    await step(api, eva, "> " + "&" * 3000)

    assert len(intro) == 3  # the intro in two bold parts, then the question with nothing lost
    assert_valid_split(LONG_INTRO, intro[:2])
    assert all(parse_html(part)[1][0]["type"] == "bold" for part in intro[:2])
    assert intro[2] == "Wat wil je kwijt?"
    echo = [visible(t) for t in eva.texts()[sent_before + 3 :]]
    assert "".join(echo).startswith("Je schreef: “" + "&" * 3000 + "”")
    # The tip arrived whole, closed by "done" in the same message.
    assert echo[-1].endswith("houd het kort.\n\nKlaar! Kies /menu voor een ander gesprek.")
    assert not any(t.startswith("Sorry") for t in eva.texts())
