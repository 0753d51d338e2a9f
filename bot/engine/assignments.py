"""The doors to assignments: /assign, /assignments, their buttons, and typed dates and notes.

Each call is one unit; manager buttons check the role inside it, member buttons check that the
assignment is the presser's own.
"""

from __future__ import annotations

from bot.engine import assigned
from bot.engine.assign_flow import AssignFlow, waiting_draft
from bot.engine.assign_manage import AssignManage
from bot.engine.coach import Reply, Visitor
from bot.engine.conversation import Conversation
from bot.engine.roles import Panel
from bot.engine.teams import Teams, who
from bot.engine.turn import Incoming

FLOW_KINDS = frozenset({"am", "aall", "anext", "at", "ad", "adtyp", "anon", "asend", "acanc"})
MANAGE_KINDS = frozenset({"achg", "awd", "awdy", "well", "rnote"})
MEMBER_KINDS = frozenset({"start", "shsum", "shdone"})
KINDS = FLOW_KINDS | MANAGE_KINDS | MEMBER_KINDS


class Assignments:
    """Assigning tracks to a team, following them up, and a member's answers to them."""

    def __init__(self, teams: Teams) -> None:
        self.teams = teams
        self.flow = AssignFlow(teams)
        self.manage = AssignManage(teams, self.flow)

    async def assign(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """/assign (managers): who, which track, by when, a note, then one confirmation."""

        def act(c: Conversation) -> Reply:
            if not who(c.tx, c.user, self.teams.rules).manager:
                return self.teams.say(c, "team_only_managers")
            return self.teams.answer(c, self.flow.begin(c))

        return await self.teams.coach.act(visitor, act, update_id=update_id)

    async def overview(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """/assignments (managers): the team's open assignments, to move or withdraw."""

        def act(c: Conversation) -> Reply:
            if not who(c.tx, c.user, self.teams.rules).manager:
                return self.teams.say(c, "team_only_managers")
            return self.teams.answer(c, self.manage.overview(c))

        return await self.teams.coach.look(visitor, act)

    async def typed(
        self, visitor: Visitor, incoming: Incoming, *, update_id: int | None = None
    ) -> Reply:
        """Typed text: a date or note an /assign step waits for, else a coaching answer."""
        coach = self.teams.coach

        def act(c: Conversation) -> Reply:
            draft = waiting_draft(c, self.teams, self.teams.rules.clock())
            if draft is None or incoming.kind != "text":
                return coach.answer(c, incoming)
            if draft.waiting == "react":
                return self.teams.answer(c, self.manage.typed_reaction(c, incoming.value, draft))
            return self.teams.answer(c, self.flow.typed(c, incoming.value, draft))

        return await coach.act(visitor, act, update_id=update_id)

    def press(self, c: Conversation, kind: str, ref: str) -> Reply:
        """An assignment button, inside the caller's unit (``ref`` is checked here)."""
        if kind != "at" and not ref.isdigit():
            return self.teams.say(c, "nothing_changed")
        if kind in MEMBER_KINDS:
            return self._member_press(c, kind, int(ref))
        if not who(c.tx, c.user, self.teams.rules).manager:
            return self.teams.say(c, "team_only_managers")
        if kind in MANAGE_KINDS:
            return self.teams.answer(c, self.manage.press(c, kind, ref))
        return self.teams.answer(c, self.flow.press(c, kind, ref))

    def _member_press(self, c: Conversation, kind: str, assignment_id: int) -> Reply:
        if kind == "start":
            opened = assigned.open_assignment(c, assignment_id)
            if isinstance(opened, Panel):
                return self.teams.answer(c, opened)
            return self.teams.coach.show_turn(c, opened)
        shared = assigned.share(
            c,
            assignment_id,
            "summary" if kind == "shsum" else "done",
            self.teams.rules.clock(),
            self.teams.coach.lang,
        )
        return self.teams.answer(c, shared)
