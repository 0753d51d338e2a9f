"""The statements behind pushes: what is due, claiming one, and recording how it went.

A push is claimed in its own short transaction before it is sent and finished in another
after, so two senders (two bot instances on one database) never both take it: the claim is an
``UPDATE`` that only succeeds while the row is still unclaimed, which PostgreSQL re-checks
after waiting for a competing claim's lock and SQLite runs one writer at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, or_, select, update

from bot.records import CommitmentRecord, DueBy, Push, PushKind
from bot.store.assign_sql import ASSIGNMENT_ROWS, FINISHED, LATE, SOON, assignment_of
from bot.store.tables import assignments, commitments, deliveries, users

CHECK_IN: PushKind = "checkin"
_kinds: dict[str, PushKind] = {SOON: "soon", LATE: "late", FINISHED: "finished"}

# Who a push goes to (the delivery's user), and which delivery it is.
_RECIPIENT = (
    deliveries.c.id.label("push_id"),
    deliveries.c.due_at.label("push_due"),
    users.c.id.label("to_id"),
    users.c.external_id.label("to_external_id"),
    users.c.display_name.label("to_name"),
    users.c.language.label("to_language"),
)
_DUE = (
    select(
        commitments,
        *_RECIPIENT,
    )
    .join(users, users.c.id == deliveries.c.user_id)
    .join(commitments, commitments.c.id == deliveries.c.commitment_id)
    .where(
        deliveries.c.claimed_at.is_(None),
        users.c.active.is_(True),
        commitments.c.status == "open",
    )
    .order_by(deliveries.c.due_at, deliveries.c.id)
)
# An assignment's pushes, with the recipient: the member for reminders, the manager for FINISHED.
_ASSIGNED = (
    ASSIGNMENT_ROWS.add_columns(*_RECIPIENT, deliveries.c.kind.label("push_kind"))
    .join_from(assignments, deliveries, deliveries.c.assignment_id == assignments.c.id)
    .join(users, users.c.id == deliveries.c.user_id)
    .where(deliveries.c.claimed_at.is_(None), users.c.active.is_(True))
    .order_by(deliveries.c.due_at, deliveries.c.id)
)


def schedule_check_in(db: Connection, user_id: int, commitment_id: int, due_at: datetime) -> None:
    """Push the check-in on a commitment on its day."""
    db.execute(
        deliveries.insert().values(
            user_id=user_id, kind=CHECK_IN, commitment_id=commitment_id, due_at=due_at
        )
    )


def cancel_check_in(db: Connection, commitment_id: int, now: datetime) -> None:
    """The user checked in before its day (from the menu): nothing left to push."""
    db.execute(
        update(deliveries)
        .where(deliveries.c.commitment_id == commitment_id, deliveries.c.claimed_at.is_(None))
        .values(claimed_at=now, claimed_by="-", failed="checked in before its day")
    )


def due(db: Connection, by: DueBy, channel: str, limit: int) -> list[Push]:
    """Unclaimed pushes due ``by`` now, to reachable users of ``channel``, soonest first.

    A check-in is due on its local day; the reminder before a due day on the last working day
    before it; the overdue reminder and the manager's notice only once their moment has passed.
    """
    check_ins = db.execute(
        _DUE.where(
            deliveries.c.due_at <= by.today_end,
            users.c.external_id.startswith(channel, autoescape=True),
        ).limit(limit)
    )
    found = [
        (row.push_due, row.push_id, _push(row, CHECK_IN, commitment=commitment_of(row)))
        for row in check_ins
    ]
    assigned = db.execute(
        _ASSIGNED.where(
            users.c.external_id.startswith(channel, autoescape=True),
            or_(
                _kind(SOON, "open", by.next_workday),
                _kind(LATE, "open", by.now),
                _kind(FINISHED, "done", by.now),
            ),
        ).limit(limit)
    )
    found += [
        (
            row.push_due,
            row.push_id,
            _push(row, _kinds[row.push_kind], assignment=assignment_of(row)),
        )
        for row in assigned
    ]
    return [push for _, _, push in sorted(found, key=lambda f: f[:2])[:limit]]


def _kind(kind: str, status: str, until: datetime) -> Any:
    """Pushes of ``kind`` due by ``until`` whose assignment still has ``status``."""
    return and_(
        deliveries.c.kind == kind, assignments.c.status == status, deliveries.c.due_at <= until
    )


def claim(db: Connection, push_id: int, now: datetime, claimer: str) -> bool:
    """Take a push for sending; False when another sender already has it."""
    taken = db.execute(
        update(deliveries)
        .where(deliveries.c.id == push_id, deliveries.c.claimed_at.is_(None))
        .values(claimed_at=now, claimed_by=claimer[:100])
    )
    return taken.rowcount == 1


def release(db: Connection, push_id: int) -> None:
    """Give a claimed push back (Telegram refused it for now, so it was surely not sent)."""
    db.execute(
        update(deliveries)
        .where(deliveries.c.id == push_id, deliveries.c.sent_at.is_(None))
        .values(claimed_at=None, claimed_by=None)
    )


def finish(db: Connection, push_id: int, now: datetime, failed: str | None) -> None:
    """Record that a claimed push was sent, or why not."""
    values = {"sent_at": now} if failed is None else {"failed": failed[:200]}
    db.execute(update(deliveries).where(deliveries.c.id == push_id).values(**values))


def interrupt(db: Connection, claimed_before: datetime) -> int:
    """Pushes claimed long ago and never finished: their sender died mid-send."""
    stuck = db.execute(
        update(deliveries)
        .where(
            deliveries.c.claimed_at < claimed_before,
            deliveries.c.sent_at.is_(None),
            deliveries.c.failed.is_(None),
        )
        .values(failed="interrupted: maybe sent, so not sent again")
    )
    return int(stuck.rowcount)


def commitment_of(row: Row[Any]) -> CommitmentRecord:
    """A commitment from a row that holds the commitments table's columns."""
    return CommitmentRecord(
        row.id,
        row.user_id,
        row.dialogue_id,
        row.text,
        row.status,
        row.created_at,
        row.due_at,
        row.outcome,
    )


def _push(row: Row[Any], kind: PushKind, **about: Any) -> Push:
    """A push from a row holding ``_RECIPIENT``, with what it is about."""
    return Push(
        row.push_id, row.to_id, row.to_external_id, row.to_name, row.to_language, kind, **about
    )
