"""The project's own exceptions: one hierarchy, so callers can catch ``CoachbotError``."""

from __future__ import annotations

from dataclasses import dataclass


class CoachbotError(Exception):
    """Base class of every error Coachbot raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file, located so an admin can find and fix it."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as plain data (for ``validate --format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ContentError(CoachbotError):
    """A dialogue file (or a template it uses) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownDialogue(CoachbotError):
    """No valid dialogue has the requested id."""

    def __init__(self, dialogue_id: str) -> None:
        self.dialogue_id = dialogue_id
        super().__init__(f"no dialogue with id {dialogue_id!r}")


class SessionNotActive(CoachbotError):
    """The session was completed or abandoned and cannot take more answers."""


class ContentChanged(CoachbotError):
    """The session's dialogue version is gone and its step no longer exists."""


class ConcurrentUpdate(CoachbotError):
    """Another process changed the session between our read and our write."""


class RenderError(CoachbotError):
    """A template failed while rendering (a bug in content that validation did not catch)."""


class MissingInputs(CoachbotError):
    """A dialogue that must be given values at its start (a check-in) was started without them."""


class NoSuchCommitment(CoachbotError):
    """The commitment to check in on is not open (done already, or not the user's)."""


class StoreUnavailable(CoachbotError):
    """The database could not take this step (busy, read-only, full or unreachable).

    Nothing of the step was written: the user must be told to send it again.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the database is unavailable: {reason}")


class DatabaseSetupError(CoachbotError):
    """The database cannot be opened or brought up to date; the message says what to do."""


class CannotListen(CoachbotError):
    """The webhook server cannot listen where it was told to (say, the port is taken)."""
