"""The statements behind assignments, their reminders and a manager's /assign in the making."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from bot.records import User
from bot.store.assign_base import Assignment, Draft, Shared
from bot.store.tables import assignments, deliveries, memberships, team_drafts, users

SOON, LATE, FINISHED = "soon", "late", "finished"  # the kinds of delivery an assignment has
SOON_BEFORE = timedelta(hours=24)
# A member who finished but did not choose what the manager sees: after this, the manager is
# told it is done (the default), and nothing more.
CHOICE_WAIT = timedelta(hours=1)

_manager, _member = aliased(users), aliased(users)
ASSIGNMENT_ROWS = (
    select(
        assignments,
        *(c.label(f"m_{c.name}") for c in _manager.c),
        *(c.label(f"u_{c.name}") for c in _member.c),
    )
    .join(_manager, _manager.c.id == assignments.c.manager_id)
    .join(_member, _member.c.id == assignments.c.user_id)
)


class SqlAssignments:
    """Assignments and drafts on one open transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self._insert = postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert

    def assign(self, draft: Draft, due_at: datetime, now: datetime) -> list[Assignment]:
        """An assignment per member of a complete draft, with its reminders scheduled."""
        assert draft.dialogue_id is not None
        assert draft.due_on is not None
        made = []
        for member in draft.members:
            made.append(
                self.db.execute(
                    assignments.insert()
                    .values(
                        manager_id=draft.manager_id,
                        user_id=member,
                        dialogue_id=draft.dialogue_id,
                        note=(draft.note or "")[:500],
                        created_at=now,
                        due_on=draft.due_on,
                        due_at=due_at,
                        status="open",
                    )
                    .returning(assignments.c.id)
                ).scalar_one()
            )
            self._schedule(made[-1], member, due_at, now)
        return [found for i in made if (found := self.assignment(i)) is not None]

    def assignment(self, assignment_id: int) -> Assignment | None:
        """One assignment, whoever it belongs to (callers check)."""
        row = self.db.execute(ASSIGNMENT_ROWS.where(assignments.c.id == assignment_id)).first()
        return assignment_of(row) if row is not None else None

    def open_for(self, user_id: int) -> list[Assignment]:
        """The member's open assignments, soonest due first."""
        rows = self.db.execute(
            ASSIGNMENT_ROWS.where(
                assignments.c.user_id == user_id, assignments.c.status == "open"
            ).order_by(assignments.c.due_at, assignments.c.id)
        )
        return [assignment_of(row) for row in rows]

    def of_manager(self, manager_id: int) -> list[Assignment]:
        """Every assignment the manager made to a current member, newest first."""
        rows = self.db.execute(
            ASSIGNMENT_ROWS.join(
                memberships,
                and_(
                    memberships.c.user_id == assignments.c.user_id,
                    memberships.c.manager_id == assignments.c.manager_id,
                ),
            )
            .where(assignments.c.manager_id == manager_id)
            .order_by(assignments.c.id.desc())
        )
        return [assignment_of(row) for row in rows]

    def change_due(self, assignment_id: int, due_on: date, due_at: datetime, now: datetime) -> bool:
        """Move an open assignment's due day (its reminders move too); False if not open."""
        moved = self.db.execute(
            update(assignments)
            .where(assignments.c.id == assignment_id, assignments.c.status == "open")
            .values(due_on=due_on, due_at=due_at)
        )
        if moved.rowcount != 1:
            return False
        # Reminders not being sent right now are replaced: a new day deserves its own.
        self.db.execute(
            delete(deliveries).where(
                deliveries.c.assignment_id == assignment_id,
                deliveries.c.kind.in_((SOON, LATE)),
                or_(
                    deliveries.c.claimed_at.is_(None),
                    deliveries.c.sent_at.is_not(None),
                    deliveries.c.failed.is_not(None),
                ),
            )
        )
        user_id = self.db.execute(
            select(assignments.c.user_id).where(assignments.c.id == assignment_id)
        ).scalar_one()
        self._schedule(assignment_id, user_id, due_at, now)
        return True

    def withdraw(self, assignment_id: int, now: datetime) -> bool:
        """Withdraw an open assignment (its reminders are cancelled); False if not open."""
        gone = self.db.execute(
            update(assignments)
            .where(assignments.c.id == assignment_id, assignments.c.status == "open")
            .values(status="withdrawn", withdrawn_at=now)
        )
        if gone.rowcount != 1:
            return False
        self._cancel(assignment_id, (SOON, LATE), now, "withdrawn")
        return True

    def withdraw_ties(self, user_id: int | None, manager_id: int | None, now: datetime) -> None:
        """Withdraw the open assignments between a member and a manager who no longer share a
        team (``None``: any member, or any manager)."""
        found = select(assignments.c.id).where(assignments.c.status == "open")
        if user_id is not None:
            found = found.where(assignments.c.user_id == user_id)
        if manager_id is not None:
            found = found.where(assignments.c.manager_id == manager_id)
        for (assignment_id,) in self.db.execute(found).all():
            self.withdraw(assignment_id, now)

    def complete(
        self, user_id: int, dialogue_id: str, session_id: int, summary: str, now: datetime
    ) -> Assignment | None:
        """Mark the member's oldest open assignment of ``dialogue_id`` done by this session."""
        oldest = self.db.execute(
            select(assignments.c.id, assignments.c.manager_id)
            .where(
                assignments.c.user_id == user_id,
                assignments.c.dialogue_id == dialogue_id,
                assignments.c.status == "open",
            )
            .order_by(assignments.c.due_at, assignments.c.id)
            .limit(1)
        ).first()
        if oldest is None:
            return None
        self.db.execute(
            update(assignments)
            .where(assignments.c.id == oldest.id)
            .values(status="done", session_id=session_id, finished_at=now, summary=summary[:6000])
        )
        self._cancel(oldest.id, (SOON, LATE), now, "finished before it")
        self.db.execute(
            deliveries.insert().values(
                user_id=oldest.manager_id,
                kind=FINISHED,
                assignment_id=oldest.id,
                due_at=now + CHOICE_WAIT,
            )
        )
        return self.assignment(oldest.id)

    def share(self, assignment_id: int, user_id: int, shared: Shared, now: datetime) -> bool:
        """Record what the member lets the manager see, once; False if already chosen."""
        chosen = self.db.execute(
            update(assignments)
            .where(
                assignments.c.id == assignment_id,
                assignments.c.user_id == user_id,
                assignments.c.status == "done",
                assignments.c.shared.is_(None),
            )
            .values(shared=shared)
        )
        if chosen.rowcount != 1:
            return False
        self._cancel(assignment_id, (FINISHED,), now, "the member chose what to share")
        return True

    def draft(self, manager_id: int) -> Draft | None:
        """The manager's /assign in the making, if any."""
        row = self.db.execute(
            select(team_drafts).where(team_drafts.c.manager_id == manager_id)
        ).first()
        if row is None:
            return None
        return Draft(
            row.manager_id,
            tuple(int(m) for m in row.members),
            row.dialogue_id,
            row.due_on,
            row.note,
            row.waiting,
            row.about,
            row.updated_at,
        )

    def save_draft(self, draft: Draft, now: datetime) -> None:
        """Store the draft (replacing the manager's previous one)."""
        values = {
            "members": list(draft.members),
            "dialogue_id": draft.dialogue_id,
            "due_on": draft.due_on,
            "note": draft.note[:500] if draft.note is not None else None,
            "waiting": draft.waiting,
            "about": draft.about,
            "updated_at": now,
        }
        self.db.execute(
            self._insert(team_drafts)
            .values(manager_id=draft.manager_id, **values)
            .on_conflict_do_update(index_elements=[team_drafts.c.manager_id], set_=values)
        )

    def drop_draft(self, manager_id: int) -> None:
        """Forget the manager's draft."""
        self.db.execute(delete(team_drafts).where(team_drafts.c.manager_id == manager_id))

    def _schedule(self, assignment_id: int, user_id: int, due_at: datetime, now: datetime) -> None:
        """The reminder a day before (unless that is already past) and the one when overdue."""
        rows = [(LATE, due_at)]
        if due_at - SOON_BEFORE > now:
            rows.append((SOON, due_at - SOON_BEFORE))
        for kind, when in rows:
            self.db.execute(
                self._insert(deliveries)
                .values(user_id=user_id, kind=kind, assignment_id=assignment_id, due_at=when)
                .on_conflict_do_nothing(
                    index_elements=[deliveries.c.kind, deliveries.c.assignment_id]
                )
            )

    def _cancel(self, assignment_id: int, kinds: tuple[str, ...], now: datetime, why: str) -> None:
        self.db.execute(
            update(deliveries)
            .where(
                deliveries.c.assignment_id == assignment_id,
                deliveries.c.kind.in_(kinds),
                deliveries.c.claimed_at.is_(None),
            )
            .values(claimed_at=now, claimed_by="-", failed=why)
        )


def _user(row: Any, prefix: str) -> User:
    return User(
        getattr(row, f"{prefix}id"),
        getattr(row, f"{prefix}external_id"),
        getattr(row, f"{prefix}display_name"),
        getattr(row, f"{prefix}language"),
        bool(getattr(row, f"{prefix}active")),
    )


def assignment_of(row: Any) -> Assignment:
    return Assignment(
        row.id,
        _user(row, "m_"),
        _user(row, "u_"),
        row.dialogue_id,
        row.note,
        row.created_at,
        row.due_on,
        row.due_at,
        row.status,
        row.finished_at,
        row.shared,
        row.summary,
    )
