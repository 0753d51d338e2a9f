"""/assignments: a manager moves a due day or withdraws; and reacts to a finished one.

Every press names an assignment by its number only; it counts only when the assignment is the
presser's own, to a member still in their team.
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.dates import day_label, day_month
from bot.engine.assign_flow import MAX_NOTE, AssignFlow
from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Panel, Screen, name_of
from bot.engine.team_views import MAX_BUTTONS
from bot.engine.teams import Teams
from bot.store.assign_base import Assignment, Draft


class AssignManage:
    """Open assignments, moving and withdrawing them, and a manager's reaction to a finish."""

    def __init__(self, teams: Teams, flow: AssignFlow) -> None:
        self.teams, self.flow = teams, flow

    def overview(self, c: Conversation) -> Panel:
        """The team's open assignments, a button each."""
        now = self.teams.rules.clock()
        open_ones = [a for a in c.tx.assignments.of_manager(c.user.id) if a.status == "open"]
        if not open_ones:
            return Panel((Screen(phrase(c.lang, "assignments_none")),))
        open_ones.sort(key=lambda a: (a.due_on, a.id))
        shown = [self._values(c, a) for a in open_ones]
        lines = [
            phrase(
                c.lang,
                "assignments_line",
                **values,
                late=phrase(c.lang, "assignments_late") if a.overdue(now) else "",
            )
            for a, values in zip(open_ones, shown, strict=True)
        ]
        buttons = tuple(
            Action(phrase(c.lang, "assignment_button", **values)[:60], "achg", str(a.id))
            for a, values in zip(open_ones[:MAX_BUTTONS], shown, strict=False)
        )
        title = phrase(c.lang, "assignments_list", count=len(open_ones))
        return Panel((Screen("\n".join([title, *lines]), buttons),))

    def _values(self, c: Conversation, found: Assignment) -> dict[str, str]:
        """Who, which track and which day, as the overview names an assignment."""
        return {
            "name": name_of(found.member, c.lang),
            "track": self.teams.track_title(found.dialogue_id, c.lang),
            "day": day_month(found.due_on, c.lang),
        }

    def press(self, c: Conversation, kind: str, ref: str) -> Panel:
        """achg, awd, awdy (a manager's own open assignment); well, rnote (a finished one)."""
        found = self.teams.own_assignment(c, int(ref), done=kind in {"well", "rnote"})
        if isinstance(found, Panel):
            return found
        if kind == "achg":
            return self._manage(c, found)
        if kind == "awd":
            return self._ask_withdraw(c, found)
        if kind == "awdy":
            return self._withdraw(c, found)
        if kind == "well":
            return self._tell_member(c, found, "react_well_member")
        draft = c.tx.assignments.draft(c.user.id) or Draft(c.user.id)
        c.tx.assignments.save_draft(
            replace(draft, waiting="react", about=found.id), self.teams.rules.clock()
        )
        name = name_of(found.member, c.lang)
        return Panel((Screen(phrase(c.lang, "react_note_prompt", name=name, max=MAX_NOTE)),))

    def typed_reaction(self, c: Conversation, text: str, draft: Draft) -> Panel:
        """The note a manager typed after pressing "Send a note"."""
        if len(text) > MAX_NOTE:
            return Panel(
                (Screen(phrase(c.lang, "assign_note_long", length=len(text), max=MAX_NOTE)),)
            )
        c.tx.assignments.save_draft(
            replace(draft, waiting=None, about=None), self.teams.rules.clock()
        )
        assert draft.about is not None
        found = self.teams.own_assignment(c, draft.about, done=True)
        if isinstance(found, Panel):
            return found
        return self._tell_member(c, found, "react_note_member", note=text)

    def _manage(self, c: Conversation, found: Assignment) -> Panel:
        draft = c.tx.assignments.draft(c.user.id) or Draft(c.user.id)
        c.tx.assignments.save_draft(
            replace(draft, about=found.id, waiting=None), self.teams.rules.clock()
        )
        text = phrase(
            c.lang,
            "assignment_manage",
            name=name_of(found.member, c.lang),
            track=self.teams.track_title(found.dialogue_id, c.lang),
            day=day_label(found.due_on, c.lang, self.flow.today()),
        )
        withdraw = Action(phrase(c.lang, "assignment_withdraw"), "awd", str(found.id))
        return Panel((Screen(text, (*self.flow.day_buttons(c), withdraw)),))

    def _ask_withdraw(self, c: Conversation, found: Assignment) -> Panel:
        name = name_of(found.member, c.lang)
        track = self.teams.track_title(found.dialogue_id, c.lang)
        buttons = (
            Action(phrase(c.lang, "assignment_withdraw_yes"), "awdy", str(found.id)),
            Action(phrase(c.lang, "no_button"), "no", "0"),
        )
        text = phrase(c.lang, "assignment_withdraw_ask", name=name, track=track)
        return Panel((Screen(text, buttons),))

    def _withdraw(self, c: Conversation, found: Assignment) -> Panel:
        if not c.tx.assignments.withdraw(found.id, self.teams.rules.clock()):
            return Panel((Screen(phrase(c.lang, "assignment_not_yours")),))
        name = name_of(found.member, c.lang)
        done = Screen(phrase(c.lang, "assignment_withdrawn", name=name))
        return Panel((done,), (self._notice(c, found, "assignment_withdrawn_member"),))

    def _tell_member(self, c: Conversation, found: Assignment, key: str, **values: str) -> Panel:
        sent = Screen(phrase(c.lang, "react_sent", name=name_of(found.member, c.lang)))
        return Panel((sent,), (self._notice(c, found, key, **values),))

    def _notice(self, c: Conversation, found: Assignment, key: str, **values: str) -> Notice:
        member = found.member
        lang = self.teams.coach.lang(member)
        text = phrase(
            lang,
            key,
            manager=name_of(c.user, lang),
            track=self.teams.track_title(found.dialogue_id, lang),
            **values,
        )
        return Notice(member.external_id, text)
