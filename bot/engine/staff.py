"""Who holds a role, by external id: what a channel needs to show each role its own commands."""

from __future__ import annotations

from collections.abc import Iterable

from bot.engine.coach import Coach
from bot.engine.teams import Who, who
from bot.store.base import Transaction


async def staff(coach: Coach) -> dict[str, Who]:
    """Everyone with a role: the managers and admins in the database and the deployment's admins."""

    def unit(tx: Transaction) -> dict[str, Who]:
        admins = {u.external_id for u in tx.teams.holders("admin")}
        admins |= coach.team_rules.admin_ids
        managers = {u.external_id for u in tx.teams.holders("manager")}
        return {i: Who(i in admins, i in managers) for i in sorted(admins | managers)}

    return await coach.store.read(unit)


async def roles_of(coach: Coach, external_ids: Iterable[str]) -> dict[str, Who]:
    """The roles of each of ``external_ids`` now (no role: both False)."""
    wanted = tuple(external_ids)

    def unit(tx: Transaction) -> dict[str, Who]:
        rules, found = coach.team_rules, {}
        for external_id in wanted:
            user = tx.find_user(external_id)
            unknown = Who(external_id in rules.admin_ids, False)
            found[external_id] = who(tx, user, rules) if user is not None else unknown
        return found

    return await coach.store.read(unit)
