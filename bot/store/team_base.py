"""What a unit can ask about roles, teams and invites (inside its one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.records import User

Role = Literal["admin", "manager"]


@dataclass(frozen=True)
class Member:
    """A salesperson in a manager's team."""

    user: User
    joined_at: datetime
    last_active: datetime


@dataclass(frozen=True)
class Invite:
    """A manager's invite to their team (the token itself is never stored)."""

    id: int
    manager: User
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class TeamSize:
    """A manager and how many members their team has."""

    manager: User
    members: int


class TeamTransaction(Protocol):
    """Roles, memberships, invites and wrong invite tries, through the unit's transaction."""

    def ensure_user(self, external_id: str) -> User:
        """The user with ``external_id``, made (without a name) if they never wrote to the bot."""
        ...

    def roles(self, user_id: int) -> set[str]:
        """The roles granted to the user."""
        ...

    def grant(self, user_id: int, role: Role, now: datetime) -> bool:
        """Grant ``role``; False if the user had it already."""
        ...

    def revoke_role(self, user_id: int, role: Role) -> bool:
        """Take ``role`` away; False if the user did not have it."""
        ...

    def holders(self, role: Role) -> list[User]:
        """Everyone with ``role``, by name."""
        ...

    def team_of(self, user_id: int) -> tuple[User, datetime] | None:
        """The manager of the user's team and when they joined, if they are in one."""
        ...

    def join(self, user_id: int, manager_id: int, now: datetime) -> None:
        """Put the user in the manager's team (out of any other, whose open assignments to
        them are withdrawn)."""
        ...

    def leave(self, user_id: int, manager_id: int) -> bool:
        """Take the user out of the manager's team (the manager's open assignments to them are
        withdrawn); False if they were not in it."""
        ...

    def members(self, manager_id: int) -> list[Member]:
        """The manager's team, by name."""
        ...

    def teams(self) -> list[TeamSize]:
        """Every manager with the size of their team, by name."""
        ...

    def disband(self, manager_id: int, now: datetime) -> int:
        """Revoke the manager's invites, withdraw their open assignments and empty their team;
        how many members it had."""
        ...

    def new_invite(self, manager_id: int, token_hash: str, now: datetime, expires: datetime) -> int:
        """Store an invite by its token's hash; its id."""
        ...

    def invite(self, token_hash: str) -> Invite | None:
        """The invite whose token has this hash, if any."""
        ...

    def open_invites(self, manager_id: int, now: datetime) -> list[Invite]:
        """The manager's invites that are neither revoked nor expired, oldest first."""
        ...

    def revoke_invite(self, invite_id: int, manager_id: int, now: datetime) -> bool:
        """Revoke the manager's own open invite; False if it is not theirs or not open."""
        ...

    def wrong_tries(self, user_id: int, since: datetime) -> int:
        """How many invite links that matched nothing the user opened since ``since``
        (older ones are forgotten)."""
        ...

    def record_wrong_try(self, user_id: int, now: datetime) -> None:
        """Remember that the user opened an invite link that matched nothing."""
        ...
