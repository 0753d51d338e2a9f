"""How long split_text takes for long Telegram HTML texts (prints figures; not a test)."""

from __future__ import annotations

import time

from bot.channels.telegram.limits import split_text

TEXTS = {
    "6,000 bold characters": "<b>" + "x" * 6000 + "</b>",
    "3,000 &amp; in a tip": "Tip: “" + "&amp;" * 3000 + "”\n\n" + "Houd het kort. " * 300,
    "50,000 characters of prose": "<i>Een zin met woorden.</i> " * 1900,
}


def main() -> None:
    """Print the time per call and the number of parts for each text."""
    for name, text in TEXTS.items():
        rounds = 20
        started = time.perf_counter()
        for _ in range(rounds):
            parts = split_text(text)
        took = (time.perf_counter() - started) / rounds * 1000
        print(f"{name:<28} {len(text):>7} chars  {len(parts):>3} parts  {took:7.2f} ms")


if __name__ == "__main__":
    main()
