"""The authorisation matrix: every manager and admin command and button, tried by a salesperson
(in a team and in none) and by the manager of another team, with forged callback data.

Each try must get its polite refusal, tell nobody anything, reveal nothing about the other team
and write nothing (every table compared before and after; only the update ids move).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.channels.telegram.app import TelegramApp as App
from bot.engine.phrases import phrase
from bot.store import Store
from bot.store.assign_base import Draft
from bot.store.tables import metadata
from tests.db import rows
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import (
    ADMIN,
    Clock,
    clock,
    coach,
    join,
    make_manager,
    new_invite,
    say,
)

__all__ = ["clock", "coach"]  # the fixtures: one admin from the settings, an injected clock
FORGED = "forged"  # not a refusal of ours: data that decodes to nothing is a forged button


def snapshot(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the processed update ids, in a fixed order."""
    return {
        table.name: sorted(rows(database_url, f"SELECT * FROM {table.name}"), key=repr)
        for table in metadata.sorted_tables
        if table.name != "processed_updates"
    }


async def assign_to(store: Store, manager_id: int, member_id: int, now: datetime) -> int:
    """The manager assigns the talk track to the member, due in a week; its id."""
    draft = Draft(manager_id, (member_id,), "talk", (now + timedelta(days=7)).date())
    made = await store.write(lambda tx: tx.assignments.assign(draft, now + timedelta(days=7), now))
    return made[0].id


async def test_no_command_or_button_reaches_beyond_the_pressers_rights(
    api: FakeBotAPI, bot: App, clock: Clock, database_url: str, store: Store
) -> None:
    ada, eva, tom = (
        FakeUser(api, ADMIN, "Ada"),
        FakeUser(api, 700, "Eva"),
        FakeUser(api, 710, "Tom"),
    )
    anna, bram = FakeUser(api, 701, "Anna"), FakeUser(api, 711, "Bram")
    sam = FakeUser(api, 720, "Sam")
    await make_manager(api, ada, eva)
    await make_manager(api, ada, tom)
    await join(api, anna, await new_invite(api, eva))
    await join(api, bram, await new_invite(api, tom))
    await say(api, sam, "/start")
    ids = dict(rows(database_url, "SELECT external_id, id FROM users"))
    anna_id, bram_id, eva_id = ids["telegram:701"], ids["telegram:711"], ids["telegram:700"]
    [(invite,)] = rows(database_url, f"SELECT id FROM invites WHERE manager_id = {eva_id}")
    task = await assign_to(store, eva_id, anna_id, clock.now)
    eva_only = {  # Eva's assignment to Anna, pressed by someone who is not Eva
        f"t:achg:{task}": "assignment_not_yours",
        f"t:awdy:{task}": "assignment_not_yours",
        f"t:well:{task}": "assignment_not_yours",
        f"t:rnote:{task}": "assignment_not_yours",
    }
    not_anna = {f"t:{kind}:{task}": "assigned_not_open" for kind in ("start", "shsum", "shdone")}
    admin_only = {
        f"/{c}": "team_only_admins"
        for c in (
            "team all",
            "team 700",
            "team 700 export",
            "team 700 chart",
            "managers",
            "managers add 799",
            "managers remove 700",
            "stats",
            "stats talk",
        )
    }
    team_figures = {"/team export": "team_only_managers", "/team chart": "team_only_managers"}
    tries: dict[FakeUser, dict[str, str]] = {
        sam: {
            **admin_only,
            **team_figures,
            "/invite": "team_only_managers",
            "/team": "team_only_managers",
            f"t:revoke:{invite}": "team_only_managers",
            f"t:remove:{anna_id}": "team_only_managers",
            f"t:rmyes:{anna_id}": "team_only_managers",
            f"t:leave:{eva_id}": "team_gone",
            "t:rmyes:x": FORGED,
            "t:join:short": FORGED,
            "t:kick:1": FORGED,
            f"t:rmyes:{anna_id}:1": FORGED,
            "/assign": "team_only_managers",
            "/assignments": "team_only_managers",
            f"t:am:{anna_id}": "team_only_managers",
            "t:asend:0": "team_only_managers",
            "t:at:talk": "team_only_managers",
            f"t:awdy:{task}": "team_only_managers",
            f"t:well:{task}": "team_only_managers",
            **not_anna,
            "t:at:Talk!": FORGED,
            "t:ad:x": FORGED,
        },
        tom: {
            **admin_only,
            **eva_only,
            **not_anna,
            f"t:am:{anna_id}": "assign_gone",  # Tom has no /assign going
            "t:asend:0": "assign_gone",
            f"t:revoke:{invite}": "invite_not_open",
            f"t:remove:{anna_id}": "team_not_member",
            f"t:rmyes:{anna_id}": "team_not_member",
            f"t:leave:{eva_id}": "team_gone",
        },
        anna: {
            **admin_only,
            **team_figures,
            "/invite": "team_only_managers",
            f"t:revoke:{invite}": "team_only_managers",
            f"t:rmyes:{anna_id}": "team_only_managers",
            f"t:remove:{bram_id}": "team_only_managers",
            "/assign": "team_only_managers",
            f"t:awdy:{task}": "team_only_managers",
            f"t:well:{task}": "team_only_managers",
        },
        bram: {  # in Tom's team
            **not_anna,
            f"t:leave:{eva_id}": "team_gone",
            f"t:remove:{anna_id}": "team_only_managers",
        },
    }
    everyone = [ada, eva, tom, anna, bram, sam]
    before = snapshot(database_url)

    for user, attempts in tries.items():
        for action, refusal in attempts.items():
            others = {u: len(u.messages) for u in everyone if u is not user}
            seen, toasts = len(user.messages), len(api.answered)
            if action.startswith("/"):
                await user.send(action)
            else:
                await user.click_data(user.messages[-1], action)
            await api.settle()
            shown = "\n".join(m.text or "" for m in user.messages[seen:])
            where = f"{user.profile['first_name']} {action}"
            if refusal == FORGED:
                assert api.answered[toasts:][-1][1] == phrase("nl", "unknown_button"), where
            else:
                assert phrase("nl", refusal) in shown, where
            if user is not anna:  # nothing about Eva's team reaches an outsider
                assert "Anna" not in shown, where
                assert "Eva" not in shown, where
            assert {u: len(u.messages) for u in others} == others, f"{where}: someone was told"
            assert snapshot(database_url) == before, f"{where} wrote something"
