"""``coachbot admin`` and ``coachbot manager`` as an operator runs them, and COACHBOT_ADMIN_IDS."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.db import rows
from tests.ops.cli import coachbot

ROLES = "SELECT u.external_id, r.role FROM roles r JOIN users u ON u.id = r.user_id ORDER BY r.role"


def test_the_first_admin_and_a_manager_from_the_command_line(database_url: str) -> None:
    env = {"COACHBOT_DATABASE_URL": database_url}

    admin = coachbot("admin", "add", "900", env=env)
    manager = coachbot("manager", "add", "700", env=env)
    again = coachbot("manager", "add", "700", env=env)
    listed = coachbot("manager", "list", env=env)
    stored = rows(database_url, ROLES)
    removed = coachbot("manager", "remove", "700", env=env)
    not_one = coachbot("manager", "remove", "700", env=env)
    wrong = coachbot("manager", "add", "eva", env=env)

    assert (admin.returncode, admin.stdout) == (0, "900 is now an admin\n")
    assert (manager.returncode, manager.stdout) == (0, "700 is now a manager\n")
    assert again.stdout == "700 is already a manager\n"
    assert listed.stdout == "700\t\n"  # no name until they write to the bot
    assert stored == [("telegram:900", "admin"), ("telegram:700", "manager")]
    assert removed.stdout == "700 is no longer a manager\n"
    assert not_one.stdout == "700 is not a manager\n"
    assert wrong.returncode == 2
    assert "Invalid value for 'TELEGRAM_ID'" in wrong.stderr


def test_admin_ids_are_read_from_the_setting() -> None:
    rules = Settings(admin_ids=" 900, 901 ,").team_rules()

    assert rules.admin_ids == {"telegram:900", "telegram:901"}
    assert rules.invite_days == 7


@pytest.mark.parametrize("wrong", ["eva", "-5", "9" * 16, "1.5"])
def test_an_admin_id_that_is_not_a_telegram_id_stops_the_start(wrong: str) -> None:
    result = coachbot("manager", "list", env={"COACHBOT_ADMIN_IDS": f"900,{wrong}"})

    assert result.returncode == 2
    assert f"COACHBOT_ADMIN_IDS: {wrong!r} is not a Telegram user id" in result.stderr
