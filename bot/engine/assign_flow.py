"""/assign: a manager picks members, a track, a due day and a note, and confirms on one screen.

Each step is kept in the manager's draft (``team_drafts``), so a restart loses nothing; every
press reads the manager's role and team again, so a forged button reaches nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.dialogue.dates import day_label, day_month, parse_date
from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Panel, Screen, name_of
from bot.engine.team_views import MAX_BUTTONS
from bot.engine.teams import Teams, who
from bot.store.assign_base import Assignment, Draft
from bot.store.team_base import Member

QUICK_DAYS = (3, 7, 14)
MAX_NOTE = 300
MAX_AHEAD = timedelta(days=366)
TYPING_WAIT = timedelta(minutes=30)  # a typed date or note is expected this long, then not


class AssignFlow:
    """The steps of /assign, and what a manager types while one of them waits for text."""

    def __init__(self, teams: Teams) -> None:
        self.teams = teams

    # -- the steps ---------------------------------------------------------------------------

    def begin(self, c: Conversation) -> Panel:
        """A fresh draft and the question who it is for."""
        members = c.tx.teams.members(c.user.id)
        if not members:
            return _say(c, "assign_no_members")
        draft = Draft(c.user.id)
        self._save(c, draft)
        return Panel((self._who(c, draft, members),))

    def press(self, c: Conversation, kind: str, ref: str) -> Panel:
        """One /assign button (the caller checked the presser is a manager)."""
        draft = c.tx.assignments.draft(c.user.id)
        if draft is None:
            return _say(c, "assign_gone")
        draft = replace(draft, waiting=None)
        if kind == "am":
            return self._toggle(c, draft, int(ref))
        if kind == "aall":
            everyone = tuple(m.user.id for m in c.tx.teams.members(c.user.id))
            return self._ask_track(c, replace(draft, members=everyone))
        if kind == "anext":
            return self._ask_track(c, draft)
        if kind == "at":
            return self._pick_track(c, draft, ref)
        if kind == "ad":
            if int(ref) not in QUICK_DAYS:
                return _say(c, "nothing_changed")
            return self.on_day(c, draft, self.today() + timedelta(days=int(ref)))
        if kind == "adtyp":
            self._save(c, replace(draft, waiting="date"))
            return _say(c, "assign_date_prompt")
        if kind == "anon":
            return self._confirm(c, replace(draft, note=None))
        if kind == "asend":
            return self._send(c, draft)
        c.tx.assignments.drop_draft(c.user.id)  # acanc
        return _say(c, "assign_cancelled")

    def typed(self, c: Conversation, text: str, draft: Draft) -> Panel:
        """A typed date or note for the draft's waiting step."""
        if draft.waiting == "date":
            day = parse_date(text, c.lang, self.today())
            problem = self._day_problem(c, day)
            if problem is not None:  # say why, and offer the quick days again
                return Panel((Screen(problem, self.day_buttons(c)),))
            assert day is not None
            return self.on_day(c, replace(draft, waiting=None), day)
        if len(text) > MAX_NOTE:
            return _say(c, "assign_note_long", length=len(text), max=MAX_NOTE)
        return self._confirm(c, replace(draft, note=text, waiting=None))

    def on_day(self, c: Conversation, draft: Draft, day: date) -> Panel:
        """A due day chosen: a new assignment asks for its note next; a move is made at once."""
        if draft.about is not None:
            return self._move(c, draft, day)
        if draft.dialogue_id is None or not draft.members:
            return _say(c, "assign_gone")
        draft = replace(draft, due_on=day, waiting="note")
        self._save(c, draft)
        return _say(c, "assign_note", max=MAX_NOTE, buttons=(_button(c, "assign_no_note", "anon"),))

    # -- dates -------------------------------------------------------------------------------

    def today(self) -> date:
        """Today in the deployment's time zone."""
        return self.teams.rules.clock().astimezone(self.teams.rules.zone).date()

    def due_at(self, day: date) -> datetime:
        """The end of ``day`` in the deployment's time zone: when it becomes overdue."""
        return datetime.combine(day + timedelta(days=1), time(0), self.teams.rules.zone)

    def day_buttons(self, c: Conversation) -> tuple[Action, ...]:
        """In 3 days, in a week, in two weeks, or type a date."""
        today = self.today()
        keys = ("assign_in_days", "assign_in_week", "assign_in_weeks")
        quick = tuple(
            Action(
                phrase(c.lang, key, days=days, day=day_month(today + timedelta(days), c.lang)),
                "ad",
                str(days),
            )
            for key, days in zip(keys, QUICK_DAYS, strict=True)
        )
        return (*quick, _button(c, "assign_type_date", "adtyp"))

    def _day_problem(self, c: Conversation, day: date | None) -> str | None:
        today = self.today()
        if day is None:
            return phrase(c.lang, "assign_date_unreadable")
        if day < today:
            example = day_month(today + timedelta(days=7), c.lang)
            past = day_label(day, c.lang, today)
            return phrase(c.lang, "assign_date_past", day=past, example=example)
        if day - today > MAX_AHEAD:
            return phrase(c.lang, "assign_date_far")
        return None

    # -- the screens -------------------------------------------------------------------------

    def _who(
        self, c: Conversation, draft: Draft, members: list[Member], first: str | None = None
    ) -> Screen:
        toggles = tuple(
            Action(
                f"{'✅' if m.user.id in draft.members else '▫️'} {name_of(m.user, c.lang)}"[:60],
                "am",
                str(m.user.id),
            )
            for m in members[: MAX_BUTTONS - 2]
        )
        everyone = Action(phrase(c.lang, "assign_whole_team", count=len(members)), "aall", "0")
        text = phrase(c.lang, "assign_who", count=len(draft.members))
        if first:
            text = f"{first}\n\n{text}"
        return Screen(text, (*toggles, everyone, _button(c, "assign_next", "anext")))

    def _toggle(self, c: Conversation, draft: Draft, member_id: int) -> Panel:
        members = c.tx.teams.members(c.user.id)
        if member_id not in {m.user.id for m in members}:
            return _say(c, "team_not_member")
        chosen = set(draft.members) ^ {member_id}
        draft = replace(draft, members=tuple(sorted(chosen)))
        self._save(c, draft)
        return Panel((self._who(c, draft, members),), in_place=True)

    def _ask_track(self, c: Conversation, draft: Draft) -> Panel:
        members = c.tx.teams.members(c.user.id)
        current = {m.user.id for m in members}
        draft = replace(draft, members=tuple(m for m in draft.members if m in current))
        if not draft.members:
            first = phrase(c.lang, "assign_pick_first")
            return Panel((self._who(c, draft, members, first),), in_place=True)
        self._save(c, draft)
        tracks = tuple(
            Action(d.model.title.get(c.lang)[:60], "at", d.id) for d in self.teams.tracks()
        )
        names = _names(c, members, draft.members)
        return Panel((Screen(phrase(c.lang, "assign_track", names=names), tracks),))

    def _pick_track(self, c: Conversation, draft: Draft, track: str) -> Panel:
        if track not in {d.id for d in self.teams.tracks()}:
            return _say(c, "assign_track_gone")
        if not draft.members:
            return _say(c, "assign_gone")
        draft = replace(draft, dialogue_id=track, about=None)
        self._save(c, draft)
        text = phrase(c.lang, "assign_when", track=self.teams.track_title(track, c.lang))
        return Panel((Screen(text, self.day_buttons(c)),))

    def _confirm(self, c: Conversation, draft: Draft) -> Panel:
        if draft.dialogue_id is None or draft.due_on is None or not draft.members:
            return _say(c, "assign_gone")
        self._save(c, draft)
        text = phrase(
            c.lang,
            "assign_confirm",
            track=self.teams.track_title(draft.dialogue_id, c.lang),
            names=_names(c, c.tx.teams.members(c.user.id), draft.members),
            day=day_label(draft.due_on, c.lang, self.today()),
            note=draft.note or phrase(c.lang, "assign_confirm_no_note"),
        )
        buttons = (_button(c, "assign_send", "asend"), _button(c, "assign_cancel", "acanc"))
        return Panel((Screen(text, buttons),))

    def _send(self, c: Conversation, draft: Draft) -> Panel:
        day = draft.due_on
        if draft.dialogue_id is None or day is None:
            return _say(c, "assign_gone")
        current = {m.user.id for m in c.tx.teams.members(c.user.id)}
        draft = replace(draft, members=tuple(m for m in draft.members if m in current))
        if not draft.members:
            return _say(c, "assign_left_team")
        now = self.teams.rules.clock()
        made = c.tx.assignments.assign(draft, self.due_at(day), now)
        c.tx.assignments.drop_draft(c.user.id)
        told = tuple(self._assigned_notice(a) for a in made)
        return Panel((Screen(phrase(c.lang, "assign_sent", count=len(made))),), told)

    def _assigned_notice(self, assignment: Assignment) -> Notice:
        member = assignment.member
        lang = self.teams.coach.lang(member)
        manager = name_of(assignment.manager, lang)
        text = phrase(
            lang,
            "assigned_member",
            manager=manager,
            track=self.teams.track_title(assignment.dialogue_id, lang),
            day=day_label(assignment.due_on, lang, self.today()),
        )
        if assignment.note:
            text += "\n\n" + phrase(lang, "assigned_note", manager=manager, note=assignment.note)
        start = Action(phrase(lang, "start_now"), "start", str(assignment.id))
        return Notice(member.external_id, text, (start,))

    def _move(self, c: Conversation, draft: Draft, day: date) -> Panel:
        assert draft.about is not None
        self._save(c, replace(draft, about=None, waiting=None))
        found = self.teams.own_assignment(c, draft.about)
        if isinstance(found, Panel):
            return found
        now = self.teams.rules.clock()
        due_at = self.due_at(day)
        if not c.tx.assignments.change_due(found.id, day, due_at, now):
            return _say(c, "assignment_not_yours")
        member = found.member
        lang = self.teams.coach.lang(member)
        track = self.teams.track_title(found.dialogue_id, lang)
        told = Notice(
            member.external_id,
            phrase(
                lang,
                "assignment_moved_member",
                manager=name_of(c.user, lang),
                track=track,
                day=day_label(day, lang, self.today()),
            ),
        )
        text = phrase(
            c.lang, "assignment_moved", day=day_label(day, c.lang), name=name_of(member, c.lang)
        )
        return Panel((Screen(text),), (told,))

    # -- helpers -----------------------------------------------------------------------------

    def _save(self, c: Conversation, draft: Draft) -> None:
        c.tx.assignments.save_draft(draft, self.teams.rules.clock())


def waiting_draft(c: Conversation, teams: Teams, now: datetime) -> Draft | None:
    """The manager's draft if it waits for typed text (and has not waited too long)."""
    if not c.user.id:
        return None
    draft = c.tx.assignments.draft(c.user.id)
    if draft is None or draft.waiting is None or draft.updated_at is None:
        return None
    if now - draft.updated_at > TYPING_WAIT or not who(c.tx, c.user, teams.rules).manager:
        return None
    return draft


def _names(c: Conversation, members: list[Member], ids: tuple[int, ...]) -> str:
    """The chosen members' names (five, then how many more)."""
    by_id = {m.user.id: m.user for m in members}
    names = [name_of(by_id[i], c.lang) for i in ids if i in by_id]
    shown = ", ".join(names[:5])
    return f"{shown} +{len(names) - 5}" if len(names) > 5 else shown


def _button(c: Conversation, key: str, kind: str, ref: str = "0") -> Action:
    return Action(phrase(c.lang, key), kind, ref)


def _say(c: Conversation, key: str, buttons: tuple[Action, ...] = (), **values: object) -> Panel:
    return Panel((Screen(phrase(c.lang, key, **values), buttons),))
