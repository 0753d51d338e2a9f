"""Dates the way people write and read them, in Dutch and English: pure functions, no clock.

"Today" is always passed in (the user's today, from the engine), so every function here gives
the same answer for the same input.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MAX_TYPED = 40  # longer input is not a date (and is not handed to the parser)
RECENT_DAYS = 31  # a typed day this close behind today is read as a mistake, not next year

_WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
# "over een week", "in two weeks": the parser reads digits there, not words.
_NUMBERS = {
    "een": "1",
    "één": "1",
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "a": "1",
    "an": "1",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
}
_NUMBER_WORD = re.compile(r"\b(over|in) (" + "|".join(_NUMBERS) + r")\b", re.IGNORECASE)
_RELATIVE = {
    "nl": ("vandaag", "morgen", "overmorgen"),
    "en": ("today", "tomorrow", "the day after tomorrow"),
}


def as_date(value: object) -> date | None:
    """A saved date (ISO text such as ``2026-12-04``) as a date, or None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_date(text: str, lang: str, today: date) -> date | None:
    """What a user means by ``text`` ("vrijdag", "5-12", "5 december", "Dec 5", "2026-12-05",
    "morgen", "next week"), read from ``today`` onwards; None if it is no date."""
    typed = " ".join(text.split())
    if not typed or len(typed) > MAX_TYPED:
        return None
    exact = as_date(typed)
    if exact is not None:
        return exact
    weekday = _weekday_named(typed.casefold())
    if weekday is not None:  # the next one after today ("vrijdag" said on a Friday: in a week)
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    import dateparser  # loaded on first use: most commands never read a date

    found = dateparser.parse(
        _NUMBER_WORD.sub(lambda m: f"{m[1]} {_NUMBERS[m[2].casefold()]}", typed),
        languages=[lang if lang in _WEEKDAYS else "nl"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
            "DATE_ORDER": "MDY" if lang == "en" else "DMY",
            "REQUIRE_PARTS": ["day"],
        },
    )
    if found is None or (found.year > today.year + 10 and str(found.year) not in typed):
        return None  # "13-13" read as the 13th of this month in 2113: no date anybody wrote
    return _recent_past(found.date(), today)


def warm_up() -> None:
    """Load the date parser's language data now (about half a second the first time), so the
    first user to type a date does not wait for it, nor do the users queued behind them."""
    for lang in _WEEKDAYS:
        parse_date("5-12", lang, date(2000, 1, 1))


def _recent_past(day: date, today: date) -> date:
    """A day and month just gone ("1-12" on 3 December) is that day, not next year's: the
    user is then told it has passed instead of getting a date a year away."""
    try:
        year_before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day
    return year_before if 0 < (today - year_before).days <= RECENT_DAYS else day


def _weekday_named(typed: str) -> int | None:
    """0-6 for a weekday name or its first three letters in Dutch or English ("vr", "fri")."""
    word = typed.removeprefix("next ").removeprefix("aanstaande ").strip(" .")
    for names in _WEEKDAYS.values():
        for number, name in enumerate(names):
            if word == name.casefold() or (len(word) >= 2 and name.casefold().startswith(word)):
                return number
    return None


def day_label(day: date, lang: str, today: date | None = None) -> str:
    """ "vrijdag 4 december" / "Friday 4 December" (with "morgen, " in front when it is)."""
    key = lang if lang in _WEEKDAYS else "nl"
    label = f"{_WEEKDAYS[key][day.weekday()]} {day.day} {_MONTHS[key][day.month - 1]}"
    if today is not None and 0 <= (day - today).days < len(_RELATIVE[key]):
        label = f"{_RELATIVE[key][(day - today).days]}, {label}"
    if today is not None and day.year != today.year:
        label += f" {day.year}"
    return label


def day_month(day: date, lang: str) -> str:
    """ "3 dec" / "3 Dec": a day on a chart's axis."""
    key = lang if lang in _WEEKDAYS else "nl"
    return f"{day.day} {_MONTHS[key][day.month - 1][:3]}"


def short_label(day: date, lang: str, today: date) -> str:
    """A button's label: "Morgen (vr 4 dec)", "Maandag 7 dec" / "Tomorrow (Fri 4 Dec)"."""
    key = lang if lang in _WEEKDAYS else "nl"
    month = _MONTHS[key][day.month - 1][:3]
    weekday = _WEEKDAYS[key][day.weekday()]
    offset = (day - today).days
    if 0 <= offset < 2:
        short = weekday[:2] if key == "nl" else weekday[:3]
        return f"{_RELATIVE[key][offset].capitalize()} ({short} {day.day} {month})"
    return f"{weekday.capitalize()} {day.day} {month}"


def quick_picks(today: date, max_days: int) -> list[date]:
    """The dates offered as buttons: tomorrow, the next Friday and Monday, in a week."""
    candidates = [
        today + timedelta(days=1),
        _next_weekday(today, 4),
        _next_weekday(today, 0),
        today + timedelta(days=7),
    ]
    picks: list[date] = []
    for day in candidates:
        if (day - today).days <= max_days and day not in picks:
            picks.append(day)
    return sorted(picks)


def _next_weekday(today: date, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) after tomorrow."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead >= 2 else ahead + 7)
