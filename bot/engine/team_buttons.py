"""Opening an invite link and pressing a team button: each checked again inside its unit.

A button carries an invite token (join) or a number; whatever it says, the presser's roles and
team are read again, so forged data can only reach what the presser may touch anyway.
"""

from __future__ import annotations

from bot.engine.assignments import KINDS as ASSIGNMENT_KINDS
from bot.engine.assignments import Assignments
from bot.engine.coach import Reply, Visitor
from bot.engine.conversation import Conversation
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Screen, name_of
from bot.engine.teams import TOKEN_SHAPE, Teams, token_hash, who
from bot.records import User
from bot.store.team_base import Invite


class TeamButtons:
    """Invite links and the buttons on team screens."""

    def __init__(self, teams: Teams) -> None:
        self.teams = teams
        self.assignments = Assignments(teams)

    async def open_invite(
        self, visitor: Visitor, token: str, *, update_id: int | None = None
    ) -> Reply:
        """An invite link (``/start <token>``): asks first, naming the manager."""

        def act(c: Conversation) -> Reply:
            invite = self._valid(c, token)
            if isinstance(invite, Reply):
                return invite
            manager = name_of(invite.manager, c.lang)
            if invite.manager.id == c.user.id:
                return self.teams.say(c, "own_invite")
            current = c.tx.teams.team_of(c.user.id)
            if current is not None and current[0].id == invite.manager.id:
                return self.teams.show(
                    c, Screen(phrase(c.lang, "already_in", manager=manager)), then_menu=True
                )
            if current is None:
                text = phrase(c.lang, "join_ask", manager=manager)
                yes, no = phrase(c.lang, "join_yes"), phrase(c.lang, "join_no")
            else:
                old = name_of(current[0], c.lang)
                text = phrase(c.lang, "switch_ask", old=old, manager=manager)
                yes, no = phrase(c.lang, "switch_yes"), phrase(c.lang, "switch_no")
            buttons = (Action(yes, "join", token), Action(no, "no", "0"))
            return self.teams.show(c, Screen(text, buttons))

        return await self.teams.coach.act(visitor, act, update_id=update_id)

    async def press(
        self, visitor: Visitor, kind: str, ref: str, *, update_id: int | None = None
    ) -> Reply:
        """A team button: ``kind`` with ``ref`` (checked here, whatever the channel decoded)."""
        presses = {
            "join": self._join,
            "revoke": self._revoke,
            "remove": self._remove,
            "rmyes": self._remove_confirmed,
            "leave": self._leave,
        }

        def act(c: Conversation) -> Reply:
            if kind == "join":
                return self._join(c, ref)
            if kind in ASSIGNMENT_KINDS:
                return self.assignments.press(c, kind, ref)
            if kind not in presses or not ref.isdigit():
                return self.teams.say(c, "nothing_changed")
            return presses[kind](c, ref)

        return await self.teams.coach.act(visitor, act, update_id=update_id)

    # -- the presses -----------------------------------------------------------------------

    def _join(self, c: Conversation, token: str) -> Reply:
        invite = self._valid(c, token)
        if isinstance(invite, Reply):
            return invite
        if invite.manager.id == c.user.id:
            return self.teams.say(c, "own_invite")
        manager = invite.manager
        name = name_of(manager, c.lang)
        current = c.tx.teams.team_of(c.user.id)
        if current is not None and current[0].id == manager.id:
            return self.teams.show(
                c, Screen(phrase(c.lang, "already_in", manager=name)), then_menu=True
            )
        c.tx.teams.join(c.user.id, manager.id, self.teams.rules.clock())
        me = name_of(c.user, c.lang)
        told = [self._tell(manager, "joined_manager", name=me)]
        if current is not None:
            told.append(self._tell(current[0], "left_manager", name=me))
        screen = Screen(phrase(c.lang, "joined", manager=name))
        return self.teams.show(c, screen, told=told, then_menu=True)

    def _revoke(self, c: Conversation, ref: str) -> Reply:
        if not who(c.tx, c.user, self.teams.rules).manager:
            return self.teams.say(c, "team_only_managers")
        now = self.teams.rules.clock()
        if not c.tx.teams.revoke_invite(int(ref), c.user.id, now):
            return self.teams.say(c, "invite_not_open")
        done = Screen(phrase(c.lang, "invite_revoked_done", id=int(ref)))
        return self.teams.show(c, done, self.teams.open_invites(c, now))

    def _member(self, c: Conversation, ref: str) -> User | Reply:
        """The member ``ref`` of the presser's own team, or the refusal."""
        if not who(c.tx, c.user, self.teams.rules).manager:
            return self.teams.say(c, "team_only_managers")
        members = {m.user.id: m.user for m in c.tx.teams.members(c.user.id)}
        member = members.get(int(ref))
        return member if member is not None else self.teams.say(c, "team_not_member")

    def _remove(self, c: Conversation, ref: str) -> Reply:
        member = self._member(c, ref)
        if isinstance(member, Reply):
            return member
        name = name_of(member, c.lang)
        buttons = (
            Action(phrase(c.lang, "team_remove_yes"), "rmyes", str(member.id)),
            Action(phrase(c.lang, "no_button"), "no", "0"),
        )
        return self.teams.show(c, Screen(phrase(c.lang, "team_remove_ask", name=name), buttons))

    def _remove_confirmed(self, c: Conversation, ref: str) -> Reply:
        member = self._member(c, ref)
        if isinstance(member, Reply):
            return member
        c.tx.teams.leave(member.id, c.user.id)
        told = [self._tell(member, "removed_member", manager=name_of(c.user, c.lang))]
        screen = Screen(phrase(c.lang, "team_removed", name=name_of(member, c.lang)))
        return self.teams.show(c, screen, told=told)

    def _leave(self, c: Conversation, ref: str) -> Reply:
        current = c.tx.teams.team_of(c.user.id)
        if current is None or current[0].id != int(ref):
            return self.teams.say(c, "team_gone")
        manager = current[0]
        c.tx.teams.leave(c.user.id, manager.id)
        told = [self._tell(manager, "left_manager", name=name_of(c.user, c.lang))]
        screen = Screen(phrase(c.lang, "left", manager=name_of(manager, c.lang)))
        return self.teams.show(c, screen, told=told)

    # -- checks ----------------------------------------------------------------------------

    def _valid(self, c: Conversation, token: str) -> Invite | Reply:
        """The open invite ``token`` names, or the refusal (wrong links are counted)."""
        rules = self.teams.rules
        now = rules.clock()
        if c.tx.teams.wrong_tries(c.user.id, now - rules.try_window) >= rules.wrong_tries:
            return self.teams.show(c, Screen(phrase(c.lang, "invite_wait")), then_menu=True)
        invite = c.tx.teams.invite(token_hash(token)) if TOKEN_SHAPE.fullmatch(token) else None
        if invite is None:
            c.tx.teams.record_wrong_try(c.user.id, now)
            return self.teams.show(c, Screen(phrase(c.lang, "invite_wrong")), then_menu=True)
        if invite.revoked_at is not None or "manager" not in c.tx.teams.roles(invite.manager.id):
            return self.teams.show(c, Screen(phrase(c.lang, "invite_revoked")), then_menu=True)
        if invite.expires_at <= now:
            return self.teams.show(c, Screen(phrase(c.lang, "invite_expired")), then_menu=True)
        return invite

    def _tell(self, user: User, key: str, **values: str) -> Notice:
        """A notice to ``user`` in their own language."""
        return Notice(user.external_id, phrase(self.teams.coach.lang(user), key, **values))
