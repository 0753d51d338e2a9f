"""A user's data as one JSON-ready document (for /mydata)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.store.tables import (
    answers,
    assignments,
    commitments,
    deliveries,
    invite_tries,
    invites,
    memberships,
    profiles,
    roles,
    sessions,
    team_drafts,
    users,
)


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _split(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers, and the engine's working values (names starting with ``_``, which no dialogue
    may use: a multi question's half-made selection)."""
    working = {key.lstrip("_"): value for key, value in answers.items() if key.startswith("_")}
    return {k: v for k, v in answers.items() if not k.startswith("_")}, working


def _team_part(db: Connection, user_id: int) -> dict[str, Any]:
    """Roles, the team the user is in, the invites they made and their wrong invite links."""
    granted = db.execute(select(roles).where(roles.c.user_id == user_id).order_by(roles.c.role))
    team = db.execute(
        select(users.c.display_name, users.c.external_id, memberships.c.joined_at)
        .join(memberships, memberships.c.manager_id == users.c.id)
        .where(memberships.c.user_id == user_id)
    ).first()
    led = db.execute(select(func.count()).where(memberships.c.manager_id == user_id)).scalar_one()
    made = db.execute(
        select(invites).where(invites.c.manager_id == user_id).order_by(invites.c.id)
    ).all()
    tried = db.execute(
        select(invite_tries.c.tried_at)
        .where(invite_tries.c.user_id == user_id)
        .order_by(invite_tries.c.id)
    ).all()
    return {
        "roles": [{"role": r.role, "granted_at": _time(r.granted_at)} for r in granted],
        "team": None
        if team is None
        else {
            "manager": team.display_name,
            "manager_account": team.external_id,
            "joined_at": _time(team.joined_at),
        },
        "members_in_my_team": int(led),
        "invites_i_made": [
            {
                "created_at": _time(i.created_at),
                "expires_at": _time(i.expires_at),
                "revoked_at": _time(i.revoked_at),
            }
            for i in made
        ],
        "invite_links_that_matched_nothing": [_time(t.tried_at) for t in tried],
    }


def _assignment_part(db: Connection, user_id: int) -> dict[str, Any]:
    """Tracks assigned to the user and by the user, and an /assign in the making."""
    rows = db.execute(
        select(assignments)
        .where((assignments.c.user_id == user_id) | (assignments.c.manager_id == user_id))
        .order_by(assignments.c.id)
    ).all()
    draft = db.execute(select(team_drafts).where(team_drafts.c.manager_id == user_id)).first()

    def shown(a: Any) -> dict[str, Any]:
        return {
            "track": a.dialogue_id,
            "note": a.note,
            "assigned_at": _time(a.created_at),
            "due_on": a.due_on.isoformat(),
            "status": a.status,
            "finished_at": _time(a.finished_at),
            "shared_with_manager": a.shared,
            "withdrawn_at": _time(a.withdrawn_at),
        }

    return {
        "assigned_to_me": [shown(a) for a in rows if a.user_id == user_id],
        "assigned_by_me": [shown(a) for a in rows if a.manager_id == user_id],
        "assignment_in_the_making": None
        if draft is None
        else {
            "members": len(draft.members),
            "track": draft.dialogue_id,
            "due_on": draft.due_on.isoformat() if draft.due_on else None,
            "note": draft.note,
        },
    }


def export_user(db: Connection, user_id: int) -> dict[str, Any]:
    """Account, work profile, sessions with their answer log, and commitments of one user."""
    user = db.execute(select(users).where(users.c.id == user_id)).one()
    work = db.execute(select(profiles).where(profiles.c.user_id == user_id)).first()
    stored = db.execute(
        select(sessions).where(sessions.c.user_id == user_id).order_by(sessions.c.id)
    ).all()
    logged = db.execute(
        select(answers)
        .join(sessions, answers.c.session_id == sessions.c.id)
        .where(sessions.c.user_id == user_id)
        .order_by(answers.c.id)
    ).all()
    promised = db.execute(
        select(commitments).where(commitments.c.user_id == user_id).order_by(commitments.c.id)
    ).all()
    pushed = db.execute(
        select(deliveries).where(deliveries.c.user_id == user_id).order_by(deliveries.c.id)
    ).all()
    return {
        "profile": {
            "name": user.display_name,
            "language": user.language,
            "account": user.external_id,
            "created_at": _time(user.created_at),
        },
        "work_profile": None
        if work is None
        else {
            "market": work.market,
            "product": work.product,
            "role": work.role,
            "experience": work.experience,
            "channels": list(work.channels),
            "updated_at": _time(work.updated_at),
        },
        "sessions": [
            {
                "dialogue": s.dialogue_id,
                "status": s.status,
                "started_at": _time(s.started_at),
                "completed_at": _time(s.completed_at),
                "answers": _split(s.answers)[0],
                "in_progress": _split(s.answers)[1],
                "answer_log": [
                    {"step": a.node, "key": a.key, "value": a.value, "at": _time(a.created_at)}
                    for a in logged
                    if a.session_id == s.id
                ],
            }
            for s in stored
        ],
        "commitments": [
            {
                "text": c.text,
                "status": c.status,
                "created_at": _time(c.created_at),
                "due_at": _time(c.due_at),
                "checked_at": _time(c.checked_at),
                "outcome": c.outcome,
            }
            for c in promised
        ],
        "messages_the_bot_sends_itself": [
            {
                "kind": d.kind,
                "due_at": _time(d.due_at),
                "sent_at": _time(d.sent_at),
                "not_sent_because": d.failed,
            }
            for d in pushed
        ],
        **_team_part(db, user_id),
        **_assignment_part(db, user_id),
    }
