"""COACHBOT_DATA_DIR: everything Coachbot writes goes there (the Docker image's /data volume)."""

from __future__ import annotations

from pathlib import Path

from bot.store.database import head_revision
from tests.channels.test_terminal_chat import DUTCH_WALK
from tests.db import rows
from tests.ops.cli import coachbot


def test_the_database_lives_in_the_data_dir_unless_a_url_is_given(tmp_path: Path) -> None:
    result = coachbot("db", "upgrade", env={"COACHBOT_DATA_DIR": str(tmp_path / "data")})

    assert result.returncode == 0, result.stderr
    database = f"sqlite:///{tmp_path / 'data' / 'coachbot.db'}"
    assert rows(database, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_the_chats_chart_images_are_saved_in_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    walk = "".join(line + "\n" for line in DUTCH_WALK)
    args = ("chat", "--user", "Eva", "--dialogue", "relationships")

    result = coachbot(*args, env={"COACHBOT_DATA_DIR": str(data)}, stdin=walk)

    assert result.returncode == 0, result.stderr
    images = list((data / "images").glob("*.png"))
    assert len(images) == 1
    assert f"Afbeelding opgeslagen: {images[0]}" in result.stdout
