"""Roles, teams and invites in the store, on both databases: /mydata holds every table that
refers to a user, and /forget leaves no row of the forgotten user anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.engine.coach import Coach, Visitor
from bot.engine.team_buttons import TeamButtons
from bot.engine.teams import Teams, role_holders, set_role
from bot.store import Store
from bot.store.assign_base import Draft
from bot.store.base import Transaction
from bot.store.tables import metadata
from bot.store.team_base import Role
from tests.db import rows
from tests.store.test_profile_store import CONSUMER, EVE, answer
from tests.store.test_pushes import commit

LINK = "https://t.me/coachbot_test_bot?start="
TOM = Visitor("telegram:78", "Tom")
ANNA = Visitor("telegram:79", "Anna")
# Where /mydata shows each table that holds something of a user.
EXPORTED = {
    "users": "profile",
    "sessions": "sessions",
    "answers": "sessions",
    "commitments": "commitments",
    "deliveries": "messages_the_bot_sends_itself",
    "profiles": "work_profile",
    "roles": "roles",
    "memberships": "team",
    "invites": "invites_i_made",
    "invite_tries": "invite_links_that_matched_nothing",
    "assignments": "assigned_to_me",
    "team_drafts": "assignment_in_the_making",
}


def owned(database_url: str, user_id: int) -> dict[str, int]:
    """Per table with a foreign key, the rows that belong to the user, directly or through
    another table's row that does (an answer through its session)."""
    ids: dict[str, set[Any]] = {"users": {user_id}}
    counts: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if not table.foreign_keys:
            continue
        names = list(table.c.keys())
        found = rows(database_url, f"SELECT {', '.join(names)} FROM {table.name}")
        mine = [
            row
            for row in found
            if any(
                row[names.index(fk.parent.name)] in ids.get(fk.column.table.name, set())
                for fk in table.foreign_keys
            )
        ]
        counts[table.name] = len(mine)
        if "id" in names:
            ids[table.name] = {row[names.index("id")] for row in mine}
    return counts


async def eve_everywhere(coach: Coach, store: Store, database_url: str) -> int:
    """Eve with a row in every table: profile, a track with its commitment, both roles, an
    invite, a member, a team of her own to be in, and a wrong invite link."""
    await answer(coach, await coach.profile(EVE), *CONSUMER)
    await commit(coach, EVE)
    now = datetime.now(UTC)
    roles: list[tuple[Visitor, Role]] = [(EVE, "manager"), (EVE, "admin"), (TOM, "manager")]
    for manager, role in roles:
        await set_role(store, manager.external_id, role, True, now)
    teams = Teams(coach)
    buttons = TeamButtons(teams)
    for manager, member in ((EVE, ANNA), (TOM, EVE)):
        made = await teams.invite(manager, LINK)
        assert made.panel is not None
        token = made.panel.screens[0].qr
        assert token is not None
        await buttons.press(member, "join", token.removeprefix(LINK))
    await buttons.open_invite(EVE, "not-a-real-token-at-all")
    await store.write(lambda tx: assignments_both_ways(tx, now))
    [(user_id,)] = rows(database_url, "SELECT id FROM users WHERE external_id = 'telegram:77'")
    return int(user_id)


def assignments_both_ways(tx: Transaction, now: datetime) -> None:
    """Tom assigns Eve a track; Eve assigns Anna one and has a second in the making."""
    eve, tom, anna = (tx.user(v.external_id, v.name).id for v in (EVE, TOM, ANNA))
    day = (now + timedelta(days=7)).date()
    for manager, member in ((tom, eve), (eve, anna)):
        tx.assignments.assign(Draft(manager, (member,), "talk", day), now + timedelta(days=7), now)
    tx.assignments.save_draft(Draft(eve, (anna,), "authentic"), now)


async def test_mydata_shows_every_table_and_forget_leaves_nothing(
    coach: Coach, store: Store, database_url: str
) -> None:
    user_id = await eve_everywhere(coach, store, database_url)
    before = owned(database_url, user_id)

    data = (await coach.export(EVE)).export
    await coach.forget(EVE)
    after = owned(database_url, user_id)

    assert data is not None
    assert {name for name, count in before.items() if count} | {"users"} == set(EXPORTED)
    assert all(data[key] for key in EXPORTED.values()), data
    assert data["team"]["manager"] == "Tom"
    assert [a["due_on"] for a in data["assigned_by_me"]] == [data["assigned_to_me"][0]["due_on"]]
    assert data["assignment_in_the_making"]["track"] == "authentic"
    assert data["members_in_my_team"] == 1
    assert [r["role"] for r in data["roles"]] == ["admin", "manager"]
    assert after == dict.fromkeys(before, 0)
    assert rows(database_url, "SELECT count(*) FROM users WHERE id = :id", id=user_id) == [(0,)]
    assert rows(database_url, "SELECT count(*) FROM memberships") == [(0,)]  # Anna's went too


async def test_a_role_granted_before_the_first_message_gets_the_name_later(
    coach: Coach, store: Store, database_url: str
) -> None:
    now = datetime.now(UTC)
    first = await set_role(store, "telegram:81", "manager", True, now)
    again = await set_role(store, "telegram:81", "manager", True, now)
    nameless = [u.display_name for u in await role_holders(store, "manager")]
    await coach.greet(Visitor("telegram:81", "Mira"))
    named = [u.display_name for u in await role_holders(store, "manager")]
    removed = await set_role(store, "telegram:81", "manager", False, now)
    not_one = await set_role(store, "telegram:82", "manager", False, now)

    assert (first, again, removed, not_one) == (True, False, True, False)
    assert (nameless, named) == ([""], ["Mira"])
    assert rows(database_url, "SELECT count(*) FROM roles") == [(0,)]
