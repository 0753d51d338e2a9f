"""Roles, teams and invites: every command and button checks who may do it inside its own unit.

Nothing a channel sends is trusted: a button carries only an id or an invite token, and each
press reads the presser's roles and team again before it changes anything. Refusals are polite,
say what to do, and never tell whether something exists in another team.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.dialogue.compiled import CompiledDialogue
from bot.engine.coach import Coach, Reply, Visitor
from bot.engine.conversation import Conversation
from bot.engine.menu import track_title
from bot.engine.phrases import phrase
from bot.engine.roles import Action, Notice, Panel, Screen, TeamRules, day, name_of
from bot.engine.team_report import View, team_view
from bot.engine.team_views import managers_screen, teams_screen
from bot.records import User
from bot.store.assign_base import Assignment
from bot.store.base import Store, Transaction
from bot.store.team_base import Invite, Role

TOKEN_BYTES = 18  # 144 bits, 24 characters in a link
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,57}")
_ID = re.compile(r"\d{1,15}")


def token_hash(token: str) -> str:
    """What is stored of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Who:
    """The roles of the one acting, read inside the unit."""

    admin: bool
    manager: bool


def who(tx: Transaction, user: User, rules: TeamRules) -> Who:
    """The user's roles: granted ones, and admin for the ids the deployment names."""
    granted = tx.teams.roles(user.id) if user.id else set()
    return Who("admin" in granted or user.external_id in rules.admin_ids, "manager" in granted)


class Teams:
    """Team commands and buttons over the coach's units."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    @property
    def rules(self) -> TeamRules:
        """The deployment's team rules."""
        return self.coach.team_rules

    # -- commands --------------------------------------------------------------------------

    async def invite(self, visitor: Visitor, link: str, *, update_id: int | None = None) -> Reply:
        """/invite (managers): a new invite link (``link`` + token) and the open invites."""

        def act(c: Conversation) -> Reply:
            if not who(c.tx, c.user, self.rules).manager:
                return self.say(c, "team_only_managers")
            now, screens = self.rules.clock(), []
            if len(c.tx.teams.open_invites(c.user.id, now)) >= self.rules.max_open_invites:
                screens.append(Screen(phrase(c.lang, "invite_too_many")))
            else:
                token = secrets.token_urlsafe(TOKEN_BYTES)
                ends = now + timedelta(days=self.rules.invite_days)
                c.tx.teams.new_invite(c.user.id, token_hash(token), now, ends)
                text = phrase(c.lang, "invite_made", link=link + token, day=day(ends, c.lang))
                screens.append(Screen(text, qr=link + token))
            screens.append(self.open_invites(c, now))
            return self.show(c, *screens)

        return await self.coach.act(visitor, act, update_id=update_id)

    async def team(
        self,
        visitor: Visitor,
        arg: str | None = None,
        *,
        update_id: int | None = None,
        view: View = "list",
    ) -> Reply:
        """/team: a manager's members with their figures; for an admin every team, or one
        (``/team <id>``); ``view`` asks for the chart or the CSV file instead of the list."""

        def act(c: Conversation) -> Reply:
            roles, now = who(c.tx, c.user, self.rules), self.rules.clock()
            staff = roles.admin or roles.manager
            if staff and arg is not None and arg != "all" and not _ID.fullmatch(arg):
                key = "team_words_admin" if roles.admin else "team_words"  # the words it takes
                return self.say(c, key, word=_shown(arg))
            if arg is not None or (roles.admin and not roles.manager):
                if not roles.admin:
                    return self.say(c, "team_only_admins")
                if arg is None or arg == "all":
                    return self.show(c, teams_screen(c))
                manager = self._user_by_id(c, arg)
                if manager is None or "manager" not in c.tx.teams.roles(manager.id):
                    return self.say(c, "team_no_such_manager")
                return self.show(c, *team_view(c, manager, view, now, buttons=False))
            if roles.manager:
                return self.show(c, *team_view(c, c.user, view, now, buttons=True))
            if view != "list":
                return self.say(c, "team_only_managers")
            current = c.tx.teams.team_of(c.user.id)
            if current is None:
                return self.say(c, "team_only_managers")
            return self.say(c, "team_yours", manager=name_of(current[0], c.lang))

        # Only reads: a big team's figures (about 0.1 s for 90 members) never hold up a writer.
        return await self.coach.look(visitor, act)

    async def leave(self, visitor: Visitor, *, update_id: int | None = None) -> Reply:
        """/leave: asks first whether to leave the team the user is in."""

        def act(c: Conversation) -> Reply:
            current = c.tx.teams.team_of(c.user.id)
            if current is None:
                return self.say(c, "team_none")
            manager = current[0]
            name = name_of(manager, c.lang)
            buttons = (
                Action(phrase(c.lang, "leave_yes"), "leave", str(manager.id)),
                Action(phrase(c.lang, "no_button"), "no", "0"),
            )
            return self.show(c, Screen(phrase(c.lang, "leave_ask", manager=name), buttons))

        return await self.coach.act(visitor, act, update_id=update_id)

    async def managers(
        self, visitor: Visitor, args: list[str], *, update_id: int | None = None
    ) -> Reply:
        """/managers (admins): the managers; ``add <id>`` and ``remove <id>`` change them."""

        def act(c: Conversation) -> Reply:
            if not who(c.tx, c.user, self.rules).admin:
                return self.say(c, "team_only_admins")
            if len(args) != 2 or args[0] not in {"add", "remove"} or not _ID.fullmatch(args[1]):
                if args:  # say that the words were not understood, then how it goes
                    unclear = phrase(c.lang, "managers_unclear", words=_shown(" ".join(args)))
                    return self.show(c, Screen(f"{unclear} {phrase(c.lang, 'managers_usage')}"))
                return self.show(c, managers_screen(c))
            external_id = f"{_channel_of(c.user)}{args[1]}"
            if args[0] == "add":
                user = c.tx.teams.ensure_user(external_id)
                if not c.tx.teams.grant(user.id, "manager", self.rules.clock()):
                    return self.say(c, "managers_already", id=args[1])
                told = Notice(external_id, phrase(self.coach.lang(user), "you_are_manager"))
                added = Screen(phrase(c.lang, "managers_added", id=args[1]))
                return _changed(self.show(c, added, told=[told]), external_id)
            found = c.tx.find_user(external_id)
            if found is None or not c.tx.teams.revoke_role(found.id, "manager"):
                return self.say(c, "managers_not_one", id=args[1])
            count = c.tx.teams.disband(found.id, self.rules.clock())
            removed = self.say(c, "managers_removed", id=args[1], count=count)
            return _changed(removed, external_id)

        return await self.coach.act(visitor, act, update_id=update_id)

    # -- shared pieces ---------------------------------------------------------------------

    def say(self, c: Conversation, key: str, **values: object) -> Reply:
        """One plain screen with the phrase ``key``."""
        return self.show(c, Screen(phrase(c.lang, key, **values)))

    def show(
        self,
        c: Conversation,
        *screens: Screen,
        told: list[Notice] | None = None,
        then_menu: bool = False,
    ) -> Reply:
        """The reply with ``screens`` for the user and notices for others; ``then_menu``: the
        language question after them for someone new, else the menu."""
        panel = Panel(tuple(screens), tuple(told or ()))
        reply = Reply(c.user, c.lang, panel=panel)
        if not then_menu:
            return reply
        if c.user.language is None:
            return replace(reply, ask_language=True)
        return replace(reply, menu=tuple(c.menu()))

    def answer(self, c: Conversation, panel: Panel) -> Reply:
        """The reply carrying ``panel``."""
        return Reply(c.user, c.lang, panel=panel)

    def tracks(self) -> list[CompiledDialogue]:
        """The tracks a manager can assign (not the entry, check-in or profile dialogues)."""
        skipped = ("checkin", "profile", "entry")
        return [d for d in self.coach.catalog.listed() if d.model.kind not in skipped]

    def track_title(self, dialogue_id: str, lang: str) -> str:
        """A track's title (its id if it is no longer served)."""
        return track_title(self.coach.catalog, dialogue_id, lang)

    def own_assignment(
        self, c: Conversation, assignment_id: int, *, done: bool = False
    ) -> Assignment | Panel:
        """The presser's own assignment to a member still in their team, open (or ``done``),
        or the refusal, which says nothing about anyone else's."""
        found = c.tx.assignments.assignment(assignment_id)
        members = {m.user.id for m in c.tx.teams.members(c.user.id)}
        if (
            found is None
            or found.manager.id != c.user.id
            or found.member.id not in members
            or found.status != ("done" if done else "open")
        ):
            return Panel((Screen(phrase(c.lang, "assignment_not_yours")),))
        return found

    def open_invites(self, c: Conversation, now: datetime) -> Screen:
        """The user's open invites, a revoke button each."""
        found = c.tx.teams.open_invites(c.user.id, now)
        if not found:
            return Screen(phrase(c.lang, "invites_none"))
        buttons = tuple(_revoke_button(invite, c.lang) for invite in found)
        return Screen(phrase(c.lang, "invites_open", count=len(found)), buttons)

    def _user_by_id(self, c: Conversation, number: str) -> User | None:
        if not _ID.fullmatch(number):
            return None
        return c.tx.find_user(f"{_channel_of(c.user)}{number}")


def _revoke_button(invite: Invite, lang: str) -> Action:
    label = phrase(lang, "invite_revoke_button", id=invite.id, day=day(invite.expires_at, lang))
    return Action(label, "revoke", str(invite.id))


def _changed(reply: Reply, external_id: str) -> Reply:
    """``reply``, telling the channel whose roles changed (it updates their commands)."""
    panel = reply.panel or Panel(())
    return replace(reply, panel=replace(panel, roles_changed=(external_id,)))


def _channel_of(user: User) -> str:
    """The channel prefix of the user's external id (``telegram:``): ids typed are on it."""
    prefix, _, _ = user.external_id.partition(":")
    return f"{prefix}:"


async def set_role(
    store: Store, external_id: str, role: Role, granted: bool, now: datetime
) -> bool:
    """Grant or take away a role from the command line; False if nothing changed."""

    def unit(tx: Transaction) -> bool:
        if granted:
            return tx.teams.grant(tx.teams.ensure_user(external_id).id, role, now)
        user = tx.find_user(external_id)
        if user is None or not tx.teams.revoke_role(user.id, role):
            return False
        if role == "manager":
            tx.teams.disband(user.id, now)
        return True

    return await store.write(unit)


async def role_holders(store: Store, role: Role) -> list[User]:
    """Everyone with ``role`` (for the command line)."""
    return await store.read(lambda tx: tx.teams.holders(role))


def _shown(typed: str) -> str:
    """A user's words quoted back in a refusal: short (the channel escapes them)."""
    return typed if len(typed) <= 30 else typed[:29] + "…"
