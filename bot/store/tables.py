"""The database schema as SQLAlchemy Core tables; Alembic migrations create and upgrade it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)


def utcnow() -> datetime:
    """The current time in UTC (stored timezone-aware)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in time, always handed back as an aware UTC datetime.

    SQLite keeps no time zone and returns naive values; normalising here means no other
    layer ever compares a naive time with an aware one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC."""
        return None if value is None else _utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else _utc(value)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

# AUTOINCREMENT on SQLite: an id is never handed out twice, so nobody inherits the id (and
# with it a stale button or a log line) of someone who used /forget.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("language", String(8)),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
    Column("updated_at", UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    sqlite_autoincrement=True,
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("dialogue_id", String(40), nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("node", String(40), nullable=False),
    Column("status", String(16), nullable=False, default="active"),
    Column("step", Integer, nullable=False, default=0),
    Column("answers", JSON, nullable=False, default=dict),
    Column("history", JSON, nullable=False, default=list),
    Column("started_at", UtcDateTime, nullable=False, default=utcnow),
    Column("updated_at", UtcDateTime, nullable=False, default=utcnow),
    Column("completed_at", UtcDateTime),
    Index("ix_sessions_user_status", "user_id", "status"),
    sqlite_autoincrement=True,
)

# Append-only log of every answer and computed value, for analytics.
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("node", String(40), nullable=False),
    Column("key", String(40), nullable=False),
    Column("value", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
)

# What a user committed to at the end of a track, and how the check-in went.
commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("dialogue_id", String(40), nullable=False),
    Column("text", String(3000), nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
    Column("due_at", UtcDateTime, nullable=False),
    Column("outcome", String(200)),
    Column("checked_at", UtcDateTime),
    Column("checkin_session_id", ForeignKey("sessions.id", ondelete="SET NULL")),
    Index("ix_commitments_user_status", "user_id", "status"),
    sqlite_autoincrement=True,
)

# Messages the bot sends on its own: the check-in on a commitment on its day, an assignment's
# reminders, a manager told a member finished. A row is
# claimed by one sender before it is sent and marked sent (or failed) after: it is sent at most
# once, also with several bot instances on one database or a crash between the two.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE")),
    Column("due_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime),
    Column("claimed_by", String(100)),
    Column("sent_at", UtcDateTime),
    Column("failed", String(200)),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE")),
    UniqueConstraint("kind", "commitment_id", name="uq_deliveries_kind_commitment"),
    UniqueConstraint("kind", "assignment_id", name="uq_deliveries_kind_assignment"),
    Index("ix_deliveries_due", "claimed_at", "due_at"),
    sqlite_autoincrement=True,
)

# Telegram update ids already handled, so a redelivered update is handled once. Written in
# the same transaction as the update's effect; rows older than Telegram's redelivery window
# are pruned.
processed_updates = Table(
    "processed_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow, index=True),
)

# What a user told the profile dialogue about their work: one row per user, replaced each time
# they finish it again. Texts are "" when not answered; channels is a list of values.
profiles = Table(
    "profiles",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("market", String(40), nullable=False, default=""),
    Column("product", String(1000), nullable=False, default=""),
    Column("role", String(40), nullable=False, default=""),
    Column("experience", String(40), nullable=False, default=""),
    Column("channels", JSON, nullable=False, default=list),
    Column("updated_at", UtcDateTime, nullable=False, default=utcnow),
)

# Who may do more than coach themselves: "admin" or "manager" (everyone else is a salesperson).
# A role can be granted to someone who never wrote to the bot: their user row is made for it.
roles = Table(
    "roles",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("granted_at", UtcDateTime, nullable=False, default=utcnow),
)

# A salesperson's team: the manager who coaches it. One row per member, so one team at a time.
memberships = Table(
    "memberships",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("manager_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("joined_at", UtcDateTime, nullable=False, default=utcnow),
)

# A manager's invites to their team. Only the token's sha256 is kept: the link itself is shown
# once, to the manager. An invite ends at ``expires_at`` or when revoked.
invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("manager_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    sqlite_autoincrement=True,
)

# Invite links that matched no invite, per user, so guessing tokens is rate-limited. Rows older
# than the window are deleted when the user tries again.
invite_tries = Table(
    "invite_tries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("tried_at", UtcDateTime, nullable=False, default=utcnow),
    Index("ix_invite_tries_user", "user_id", "tried_at"),
)

# A coaching track a manager assigned to a member, with its due day. ``due_at`` is the end of
# ``due_on`` in the deployment's time zone. When the member finishes the track it is "done" and
# ``shared`` records what they let the manager see: "done" (only that) or "summary"; NULL until
# they chose. ``summary`` is the closing message they saw, kept for if they share it.
assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("manager_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("dialogue_id", String(40), nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
    Column("due_on", Date, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    Column("session_id", ForeignKey("sessions.id", ondelete="SET NULL")),
    Column("finished_at", UtcDateTime),
    Column("shared", String(16)),
    Column("summary", String(6000)),
    Column("withdrawn_at", UtcDateTime),
    sqlite_autoincrement=True,
)

# A manager's /assign in the making (members, track, day, note) and what their next typed
# message is for ("date", "note", "redate" or "react"), so a restart loses no step of it.
team_drafts = Table(
    "team_drafts",
    metadata,
    Column("manager_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("members", JSON, nullable=False, default=list),
    Column("dialogue_id", String(40)),
    Column("due_on", Date),
    Column("note", String(500)),
    Column("waiting", String(16)),
    Column("about", Integer),  # the assignment a "redate" or "react" is about
    Column("updated_at", UtcDateTime, nullable=False, default=utcnow),
)

# Every version of every dialogue that was served (its YAML text and the templates it uses), so
# a session pinned to a version finishes on it after an edit and a restart. A version is kept
# while it is the newest of its dialogue or an unfinished session uses it.
content_versions = Table(
    "content_versions",
    metadata,
    Column("dialogue_id", String(40), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("file_name", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("templates", JSON, nullable=False, default=dict),
    Column("created_at", UtcDateTime, nullable=False, default=utcnow),
)
