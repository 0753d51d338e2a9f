"""The team rules a deployment sets, and what team commands answer with (no channel types)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.engine.phrases import phrase
from bot.engine.turn import Image
from bot.records import User


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TeamRules:
    """Who the first admins are and how invites behave; ``clock`` is injectable for tests."""

    admin_ids: frozenset[str] = frozenset()  # external ids (``telegram:42``) that are admins
    invite_days: int = 7
    wrong_tries: int = 5  # wrong invite links a user may open per ``try_window``
    try_window: timedelta = timedelta(hours=1)
    max_open_invites: int = 20
    clock: Callable[[], datetime] = field(default=_now)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))  # due days


@dataclass(frozen=True)
class Action:
    """A button on a team screen: its label, what it does and what it is about."""

    label: str
    kind: str  # join, at (a track), or a number's kind: revoke, remove, am, ad, start, ...
    ref: str  # an invite token (join), a track id (at), else a number


@dataclass(frozen=True)
class Screen:
    """One team message: plain text, buttons (one a row), and a link to show as a QR code,
    a chart to send after the text, or a file (name, bytes) to send with the text as caption."""

    text: str
    actions: tuple[Action, ...] = ()
    qr: str | None = None
    chart: Image | None = None
    document: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class Notice:
    """A message to someone else (a manager told a member left, ...), in their language."""

    external_id: str
    text: str
    actions: tuple[Action, ...] = ()  # buttons under it (one a row)
    html: bool = False  # the text is Telegram HTML already (a shared summary), not plain


@dataclass(frozen=True)
class Panel:
    """What a team command or button answers: screens for the sender, notices for others, and
    whose roles it changed (external ids: their channel shows them other commands)."""

    screens: tuple[Screen, ...]
    notices: tuple[Notice, ...] = ()
    in_place: bool = False  # the first screen replaces the one whose button was pressed
    roles_changed: tuple[str, ...] = ()


def day(moment: datetime, lang: str) -> str:
    """A date as people write it: 3-12-2026, 3 Dec 2026."""
    return f"{moment:%-d-%-m-%Y}" if lang == "nl" else f"{moment:%-d %b %Y}"


def name_of(user: User, lang: str) -> str:
    """A user's name, or a placeholder for someone made by a role grant who never wrote."""
    return user.display_name or phrase(lang, "no_name")
