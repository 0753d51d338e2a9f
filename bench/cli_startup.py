"""How long ``coachbot`` commands take from process start to exit (prints figures; not a test).

    .venv/bin/python bench/cli_startup.py [ROUNDS]

Each command runs ROUNDS times (default 15) after one warm-up run; the fastest and the median
wall-clock times are printed, hyperfine-style. The fastest is the least disturbed by other work
on the machine. ``health`` and ``db current`` run on a database made for the run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COACHBOT = str(Path(sys.executable).parent / "coachbot")
REPO = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["--help"],
    ["chat", "--help"],
    ["validate"],
    ["db", "current"],
    ["health"],
]


def timed(command: list[str], env: dict[str, str], rounds: int) -> list[float]:
    """Wall-clock seconds of each run of ``coachbot command``."""
    times = []
    for _ in range(rounds + 1):
        started = time.perf_counter()
        subprocess.run([COACHBOT, *command], cwd=REPO, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times[1:]  # the first run warms the file cache


def main() -> None:
    """Print the fastest and the median time of each command."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "COACHBOT_DATA_DIR": data}
        env["COACHBOT_DATABASE_URL"] = f"sqlite:///{data}/coachbot.db"
        subprocess.run([COACHBOT, "db", "upgrade"], env=env, capture_output=True, check=False)
        Path(data, "heartbeat").touch()
        for command in COMMANDS:
            times = timed(command, env, rounds)
            fastest, median = min(times) * 1000, statistics.median(times) * 1000
            name = "coachbot " + " ".join(command)
            print(f"{name:<24} fastest {fastest:6.0f} ms   median {median:6.0f} ms")


if __name__ == "__main__":
    main()
