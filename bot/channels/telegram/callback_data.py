"""Button payloads: small (< 64 bytes), tied to a session step, and checked when pressed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.languages import DEFAULT, language_or
from bot.languages import Language as LanguageCode

MAX_BYTES = 64


@dataclass(frozen=True)
class Answer:
    """A pressed answer button: which session, at which step, which option."""

    session_id: int
    step: int
    value: str


@dataclass(frozen=True)
class Pick:
    """A pressed menu entry: a dialogue, or a check-in on a commitment."""

    dialogue_id: str
    commitment_id: int | None = None


@dataclass(frozen=True)
class Language:
    """A pressed language button."""

    code: LanguageCode


@dataclass(frozen=True)
class Forget:
    """The confirmation (or not) of /forget."""

    confirmed: bool


@dataclass(frozen=True)
class TeamPress:
    """A team button: join (with the invite token), a track (``at``), or one of ``TEAM_KINDS``
    with a number. The engine checks the presser's rights again whatever it says."""

    kind: str
    ref: str


Payload = Answer | Pick | Language | Forget | TeamPress

# An option's value (a multi question's with "+" to tick it on or "~" off), or its "Done".
_ANSWER = re.compile(r"a:(\d{1,12}):(\d{1,6}):([+~]?[A-Za-z0-9_-]{1,24}|\*done)")
_PICK = re.compile(r"m:([a-z][a-z0-9_]{0,39})")
_CHECK_IN = re.compile(r"c:([a-z][a-z0-9_]{0,39}):(\d{1,12})")
_LANGUAGE = re.compile(r"l:(nl|en)")
_FORGET = re.compile(r"f:(yes|no)")
_TEAM_JOIN = re.compile(r"t:(join):([A-Za-z0-9_-]{16,57})")
# Team kinds with a number: an invite, a member, an assignment or a count of days (``ad``).
TEAM_KINDS = (
    *("no", "revoke", "remove", "rmyes", "leave"),  # invites and members
    *("am", "aall", "anext", "ad", "adtyp", "anon", "asend", "acanc"),  # /assign
    *("achg", "awd", "awdy"),  # a manager changes a due day or withdraws an assignment
    *("start", "shsum", "shdone"),  # a member starts an assigned track, shares its summary
    *("well", "rnote"),  # a manager reacts to a finished assignment
)
_TEAM = re.compile(rf"t:({'|'.join(TEAM_KINDS)}):(\d{{1,12}})")
_TEAM_TRACK = re.compile(r"t:(at):([a-z][a-z0-9_]{0,39})")  # /assign: the track


def encode(payload: Payload) -> str:
    """The callback data for ``payload``."""
    if isinstance(payload, Answer):
        data = f"a:{payload.session_id}:{payload.step}:{payload.value}"
    elif isinstance(payload, Pick):
        data = f"m:{payload.dialogue_id}"
        if payload.commitment_id is not None:
            data = f"c:{payload.dialogue_id}:{payload.commitment_id}"
    elif isinstance(payload, Language):
        data = f"l:{payload.code}"
    elif isinstance(payload, TeamPress):
        data = f"t:{payload.kind}:{payload.ref}"
    else:
        data = f"f:{'yes' if payload.confirmed else 'no'}"
    if len(data.encode()) > MAX_BYTES or decode(data) != payload:
        raise ValueError(f"cannot encode {payload!r} as callback data")
    return data


def decode(data: str | None) -> Payload | None:
    """The payload of a pressed button, or None if the data is malformed or forged."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    if match := _ANSWER.fullmatch(data):
        return Answer(int(match[1]), int(match[2]), match[3])
    if match := _PICK.fullmatch(data):
        return Pick(match[1])
    if match := _CHECK_IN.fullmatch(data):
        return Pick(match[1], int(match[2]))
    if match := _LANGUAGE.fullmatch(data):
        return Language(language_or(match[1], DEFAULT))
    if match := _FORGET.fullmatch(data):
        return Forget(match[1] == "yes")
    if match := _TEAM_JOIN.fullmatch(data) or _TEAM.fullmatch(data) or _TEAM_TRACK.fullmatch(data):
        return TeamPress(match[1], match[2])
    return None
