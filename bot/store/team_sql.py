"""The statements behind roles, teams and invites (SQLAlchemy Core, on the unit's connection)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.records import User
from bot.store.assign_sql import SqlAssignments
from bot.store.tables import (
    invite_tries,
    invites,
    memberships,
    roles,
    sessions,
    users,
    utcnow,
)
from bot.store.team_base import Invite, Member, Role, TeamSize

_USER_COLUMNS = (
    users.c.id,
    users.c.external_id,
    users.c.display_name,
    users.c.language,
    users.c.active,
)
# A member's last activity, looked up per member (the sessions' user index), not aggregated
# over every session in the database.
_LAST_SEEN = (
    select(func.max(sessions.c.updated_at))
    .where(sessions.c.user_id == users.c.id)
    .correlate(users)
    .scalar_subquery()
    .label("seen")
)


class SqlTeams:
    """Roles, memberships, invites and wrong invite tries on one open transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._insert = postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert

    def ensure_user(self, external_id: str) -> User:
        """The user with ``external_id``, made (without a name) if they never wrote to the bot."""
        self.db.execute(
            self._insert(users)
            .values(external_id=external_id, display_name="")
            .on_conflict_do_nothing(index_elements=[users.c.external_id])
        )
        row = self.db.execute(select(*_USER_COLUMNS).where(users.c.external_id == external_id))
        return _user(row.one())

    def roles(self, user_id: int) -> set[str]:
        """The roles granted to the user."""
        found = self.db.execute(select(roles.c.role).where(roles.c.user_id == user_id))
        return {row.role for row in found}

    def grant(self, user_id: int, role: Role, now: datetime) -> bool:
        """Grant ``role``; False if the user had it already."""
        added = self.db.execute(
            self._insert(roles)
            .values(user_id=user_id, role=role, granted_at=now)
            .on_conflict_do_nothing(index_elements=[roles.c.user_id, roles.c.role])
        )
        return bool(added.rowcount)

    def revoke_role(self, user_id: int, role: Role) -> bool:
        """Take ``role`` away; False if the user did not have it."""
        gone = self.db.execute(
            delete(roles).where(roles.c.user_id == user_id, roles.c.role == role)
        )
        return bool(gone.rowcount)

    def holders(self, role: Role) -> list[User]:
        """Everyone with ``role``, by name."""
        found = self.db.execute(
            select(*_USER_COLUMNS)
            .join(roles, roles.c.user_id == users.c.id)
            .where(roles.c.role == role)
            .order_by(users.c.display_name, users.c.id)
        )
        return [_user(row) for row in found]

    def team_of(self, user_id: int) -> tuple[User, datetime] | None:
        """The manager of the user's team and when they joined, if they are in one."""
        row = self.db.execute(
            select(*_USER_COLUMNS, memberships.c.joined_at)
            .join(memberships, memberships.c.manager_id == users.c.id)
            .where(memberships.c.user_id == user_id)
        ).first()
        return (_user(row), row.joined_at) if row is not None else None

    def join(self, user_id: int, manager_id: int, now: datetime) -> None:
        """Put the user in the manager's team (out of any other, whose open assignments to
        them are withdrawn)."""
        current = self.team_of(user_id)
        if current is not None and current[0].id != manager_id:
            SqlAssignments(self.db).withdraw_ties(user_id, current[0].id, now)
        self.db.execute(delete(memberships).where(memberships.c.user_id == user_id))
        self.db.execute(
            memberships.insert().values(user_id=user_id, manager_id=manager_id, joined_at=now)
        )

    def leave(self, user_id: int, manager_id: int) -> bool:
        """Take the user out of the manager's team (the manager's open assignments to them are
        withdrawn); False if they were not in it."""
        gone = self.db.execute(
            delete(memberships).where(
                memberships.c.user_id == user_id, memberships.c.manager_id == manager_id
            )
        )
        if gone.rowcount:
            SqlAssignments(self.db).withdraw_ties(user_id, manager_id, utcnow())
        return bool(gone.rowcount)

    def members(self, manager_id: int) -> list[Member]:
        """The manager's team, by name."""
        found = self.db.execute(
            select(*_USER_COLUMNS, users.c.created_at, memberships.c.joined_at, _LAST_SEEN)
            .join(memberships, memberships.c.user_id == users.c.id)
            .where(memberships.c.manager_id == manager_id)
            .order_by(users.c.display_name, users.c.id)
        )
        return [Member(_user(row), row.joined_at, row.seen or row.created_at) for row in found]

    def teams(self) -> list[TeamSize]:
        """Every manager with the size of their team, by name."""
        size = (
            select(func.count())
            .where(memberships.c.manager_id == users.c.id)
            .scalar_subquery()
            .label("size")
        )
        found = self.db.execute(
            select(*_USER_COLUMNS, size)
            .join(roles, roles.c.user_id == users.c.id)
            .where(roles.c.role == "manager")
            .order_by(users.c.display_name, users.c.id)
        )
        return [TeamSize(_user(row), int(row.size)) for row in found]

    def disband(self, manager_id: int, now: datetime) -> int:
        """Revoke the manager's invites, withdraw their open assignments and empty their team;
        how many members it had."""
        SqlAssignments(self.db).withdraw_ties(None, manager_id, now)
        self.db.execute(
            update(invites)
            .where(invites.c.manager_id == manager_id, invites.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        gone = self.db.execute(delete(memberships).where(memberships.c.manager_id == manager_id))
        return int(gone.rowcount)

    def new_invite(self, manager_id: int, token_hash: str, now: datetime, expires: datetime) -> int:
        """Store an invite by its token's hash; its id."""
        made = self.db.execute(
            invites.insert()
            .values(
                manager_id=manager_id, token_hash=token_hash, created_at=now, expires_at=expires
            )
            .returning(invites.c.id)
        )
        return int(made.scalar_one())

    def invite(self, token_hash: str) -> Invite | None:
        """The invite whose token has this hash, if any."""
        row = self.db.execute(_INVITES.where(invites.c.token_hash == token_hash)).first()
        return _invite(row) if row is not None else None

    def open_invites(self, manager_id: int, now: datetime) -> list[Invite]:
        """The manager's invites that are neither revoked nor expired, oldest first."""
        found = self.db.execute(
            _INVITES.where(
                invites.c.manager_id == manager_id,
                invites.c.revoked_at.is_(None),
                invites.c.expires_at > now,
            ).order_by(invites.c.id)
        )
        return [_invite(row) for row in found]

    def revoke_invite(self, invite_id: int, manager_id: int, now: datetime) -> bool:
        """Revoke the manager's own open invite; False if it is not theirs or not open."""
        done = self.db.execute(
            update(invites)
            .where(
                invites.c.id == invite_id,
                invites.c.manager_id == manager_id,
                invites.c.revoked_at.is_(None),
                invites.c.expires_at > now,
            )
            .values(revoked_at=now)
        )
        return bool(done.rowcount)

    def wrong_tries(self, user_id: int, since: datetime) -> int:
        """Wrong invite links the user opened since ``since`` (older ones are forgotten)."""
        self.db.execute(
            delete(invite_tries).where(
                invite_tries.c.user_id == user_id, invite_tries.c.tried_at < since
            )
        )
        counted = self.db.execute(
            select(func.count()).where(invite_tries.c.user_id == user_id)
        ).scalar_one()
        return int(counted)

    def record_wrong_try(self, user_id: int, now: datetime) -> None:
        """Remember that the user opened an invite link that matched nothing."""
        self.db.execute(invite_tries.insert().values(user_id=user_id, tried_at=now))


_INVITES = select(
    invites.c.id.label("invite_id"),
    invites.c.created_at,
    invites.c.expires_at,
    invites.c.revoked_at,
    *_USER_COLUMNS,
).join(users, users.c.id == invites.c.manager_id)


def _user(row: Any) -> User:
    return User(row.id, row.external_id, row.display_name, row.language, bool(row.active))


def _invite(row: Any) -> Invite:
    return Invite(row.invite_id, _user(row), row.created_at, row.expires_at, row.revoked_at)
