"""Runs the real ``coachbot`` command in a process, with only the settings a test gives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
COACHBOT = str(Path(sys.executable).parent / "coachbot")
CLOSED_PORT = 9  # nothing listens on the discard port here: connections are refused at once


def coachbot(
    *args: str, env: dict[str, str], stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``coachbot args`` from the repository, with ``env`` as its only COACHBOT_* settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}
    return subprocess.run(
        [COACHBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={**inherited, **env},
        timeout=timeout,
        check=False,
    )


def with_password(database_url: str, password: str) -> str:
    """The same database, reached with ``password`` (PostgreSQL here trusts any)."""
    url = make_url(database_url).set(password=password)
    return url.render_as_string(hide_password=False)


def unreachable_server(password: str = "") -> str:
    """A PostgreSQL URL on a port where nothing listens."""
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{CLOSED_PORT}/coachbot"
    return with_password(url, password) if password else url
