"""/reload and dialogue uploads for admins: checked first, then the content service, then what
changed (or the problems, located) as screens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.content import MAX_UPLOAD_BYTES, Change, Content, ReloadResult
from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Panel, Screen
from bot.engine.teams import who

MAX_PROBLEMS_SHOWN = 12


class ContentAdmin:
    """What an admin can do with the content from the chat."""

    def __init__(self, coach: Coach, content: Content | None) -> None:
        self.coach, self.content = coach, content

    async def reload(self, visitor: Visitor) -> Reply:
        """/reload: every file loaded again; live only if nothing is wrong."""
        allowed = await self._admin(visitor)
        if allowed.panel is not None or self.content is None:
            return self._unavailable(allowed)
        result = await self.content.reload()
        return _with(allowed, report(result, allowed.lang))

    async def upload(
        self, visitor: Visitor, name: str, size: int, fetch: Callable[[], Awaitable[bytes]]
    ) -> Reply:
        """A dialogue file sent as a document (``size`` bytes, ``fetch`` downloads it):
        installed and live, or refused with why. Nothing is downloaded for a non-admin or a
        file too big."""
        allowed = await self._admin(visitor)
        if allowed.panel is not None or self.content is None:
            return self._unavailable(allowed)
        data = await fetch() if size <= MAX_UPLOAD_BYTES else b"\0" * (MAX_UPLOAD_BYTES + 1)
        result = await self.content.install(name, data, who=visitor.external_id)
        return _with(allowed, report(result, allowed.lang, upload=name))

    async def _admin(self, visitor: Visitor) -> Reply:
        """A reply without a panel for an admin, else the refusal."""

        def act(c: Conversation) -> Reply:
            if who(c.tx, c.user, self.coach.team_rules).admin:
                return Reply(c.user, c.lang)
            return Reply(c.user, c.lang, panel=_say(c.lang, "team_only_admins"))

        return await self.coach.look(visitor, act)

    def _unavailable(self, reply: Reply) -> Reply:
        return (
            reply
            if reply.panel is not None
            else _with(reply, _say(reply.lang, "reload_unavailable"))
        )


def report(result: ReloadResult, lang: str, upload: str | None = None) -> Panel:
    """What changed, or the problems (the first ones, located)."""
    if not result.ok:
        key = "upload_refused" if upload else "reload_refused"
        head = phrase(lang, key, count=len(result.problems), name=upload or "")
        lines = [
            phrase(lang, "problem_line", where=_where(p.file, p.line, p.column), message=p.message)
            for p in result.problems[:MAX_PROBLEMS_SHOWN]
        ]
        if len(result.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(
                phrase(lang, "problems_more", count=len(result.problems) - MAX_PROBLEMS_SHOWN)
            )
        return Panel((Screen("\n".join([head, *lines])),))
    if upload:
        head = phrase(lang, "upload_done", name=upload)
    else:
        head = phrase(lang, "reload_done" if result.changes else "reload_none")
    return Panel((Screen("\n".join([head, *(_change_line(c, lang) for c in result.changes)])),))


def _change_line(change: Change, lang: str) -> str:
    if change.kind != "changed":
        return phrase(lang, f"change_{change.kind}", id=change.dialogue_id)
    return phrase(
        lang,
        "change_changed",
        id=change.dialogue_id,
        added=len(change.nodes_added),
        removed=len(change.nodes_removed),
        changed=len(change.nodes_changed),
    )


def _where(file: str, line: int, column: int) -> str:
    return f"{Path(file).name}:{line}:{column}"


def _say(lang: str, key: str) -> Panel:
    return Panel((Screen(phrase(lang, key)),))


def _with(reply: Reply, panel: Panel) -> Reply:
    return replace(reply, panel=panel)
