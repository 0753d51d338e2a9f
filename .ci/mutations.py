"""A mutation check: break the code on purpose, one line at a time, and see the tests notice.

    .venv/bin/python .ci/mutations.py [--only NAME ...] [--list]

Each mutation below is a one-line breakage of a promise the README or SECURITY.md makes. The
script copies the work tree to a temporary folder, applies one mutation at a time there, runs
the tests that cover that layer (SQLite half only, the slow fault tier left out, stopping at the
first failure) and reports which mutations the suite "killed" (some test failed) and which
survived. A survivor is a promise no test guards. Not part of `make test`: it takes a while.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    """Replace ``old`` by ``new`` in ``file``; ``tests`` are the test folders that must notice."""

    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


ENGINE = ("tests/engine", "tests/store")
CONTENT = ("tests/content", "tests/engine")
STORE = ("tests/store",)
TELEGRAM = ("tests/telegram",)
TERMINAL = ("tests/channels",)

MUTATIONS = [
    # -- security and privacy ----------------------------------------------------------------
    Mutation(
        "jinja unsandboxed",
        "bot/dialogue/rendering.py",
        "    return GuardedEnvironment(\n",
        "    return __import__('jinja2').Environment(\n",
        CONTENT,
    ),
    Mutation(
        "range() guard removed",
        "bot/dialogue/text_builtins.py",
        "    if len(result) > limits.MAX_RANGE:",
        "    if False:",
        CONTENT,
    ),
    Mutation(
        "x['_y'] check skipped",
        "bot/dialogue/safety.py",
        "isinstance(node, nodes.Getitem) and _underscore(node.arg)",
        "False",
        CONTENT,
    ),
    Mutation(
        "|safe allowed",
        "bot/dialogue/safety.py",
        'frozenset({"attr", "safe"})',
        'frozenset({"attr"})',
        CONTENT,
    ),
    Mutation(
        "notice (welcome name) not escaped",
        "bot/channels/telegram/sender.py",
        "notice = html.escape(reply.notice, quote=False)",
        "notice = reply.notice",
        TELEGRAM,
    ),
    Mutation(
        "chosen label not escaped",
        "bot/channels/telegram/replies.py",
        "<b>{html.escape(label, quote=False)}</b>",
        "<b>{label}</b>",
        TELEGRAM,
    ),
    Mutation(
        "typed text always logged",
        "bot/channels/telegram/channel.py",
        "        if self.log_texts:  # only",
        "        if True:  # only",
        TELEGRAM,
    ),
    Mutation(
        "commitments not cascaded on /forget",
        "bot/store/migrations/versions/0002_commitments.py",
        "sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE')",
        "sa.ForeignKeyConstraint(['user_id'], ['users.id'])",
        STORE + TELEGRAM,
    ),
    Mutation(
        "commitments left out of /mydata",
        "bot/store/export.py",
        "            for c in promised\n",
        "            for c in promised[:0]\n",
        TELEGRAM,
    ),
    Mutation(
        "incoming text not cleaned",
        "bot/channels/telegram/channel.py",
        "incoming = Incoming.text(clean_text(text))",
        "incoming = Incoming.text(text)",
        TELEGRAM,
    ),
    # -- content rules -------------------------------------------------------------------------
    Mutation(
        "reserved save names allowed",
        "bot/dialogue/model.py",
        "        if self.save in RESERVED_NAMES:",
        "        if False:",
        CONTENT,
    ),
    Mutation(
        "number min > max allowed",
        "bot/dialogue/model.py",
        "and self.min > self.max:",
        "and False:",
        CONTENT,
    ),
    Mutation(
        "check_in outside a check-in",
        "bot/dialogue/model.py",
        '        if closing and self.kind != "checkin":',
        "        if False:",
        CONTENT,
    ),
    Mutation(
        "choice without next",
        "bot/dialogue/model.py",
        "if self.next is None and any(o.next is None for o in self.options):",
        "if False:",
        CONTENT,
    ),
    Mutation(
        "chart levels of different lengths",
        "bot/dialogue/model.py",
        "        if len(self.nl) != len(self.en):",
        "        if False:",
        CONTENT,
    ),
    Mutation(
        "version ignores templates",
        "bot/dialogue/loader.py",
        "            digest.update(name.encode()",
        "            0 and digest.update(name.encode()",
        CONTENT,
    ),
    Mutation(
        "follow_up_days unchecked",
        "bot/engine/engine.py",
        "not 1 <= days <= MAX_FOLLOW_UP_DAYS",
        "False",
        ENGINE,
    ),
    # -- engine and store ------------------------------------------------------------------------
    Mutation(
        "content change not detected",
        "bot/engine/engine.py",
        "        if session.node not in dialogue.model.nodes:",
        "        if False:",
        ENGINE,
    ),
    Mutation(
        "no retry on a concurrent update",
        "bot/store/sqlite_store.py",
        "            except ConcurrentUpdate:  # another process",
        "            except ZeroDivisionError:  # another process",
        STORE,
    ),
    Mutation(
        "a check-in closed twice",
        "bot/store/sql.py",
        '                commitments.c.status == "open",\n            )\n            .values(',
        "            )\n            .values(",
        STORE,
    ),
    Mutation(
        "Dutch 2.5 refused",
        "bot/engine/inputs.py",
        'other = "en" if key == "nl" else "nl"',
        "other = key",
        ENGINE,
    ),
    Mutation(
        "over-long numbers rounded",
        "bot/engine/inputs.py",
        "> _MAX_DIGITS:  # beyond",
        "> 10**6:  # beyond",
        ENGINE,
    ),
    Mutation(
        "chart rungs never filled",
        "bot/engine/charts.py",
        "color = _REACHED if rung <= level else _AHEAD",
        "color = _AHEAD",
        ENGINE,
    ),
    Mutation(
        "history frame restores nothing",
        "bot/records.py",
        "        return {**kept, **self.restore}",
        "        return kept",
        ENGINE,
    ),
    Mutation(
        "update claimed nowhere",
        "bot/engine/coach.py",
        "if update_id is not None and not tx.claim_update(update_id):",
        "if False:",
        TELEGRAM,
    ),
    Mutation(
        "a group SQLite rolled back is committed",
        "bot/store/sqlite_store.py",
        "            if not _in_transaction(connection):  # SQLite itself",
        "            if False:  # SQLite itself",
        STORE,
    ),
    Mutation(
        "a busy database is not waited for",
        "bot/store/sqlite_store.py",
        '"locked" not in str(err.orig)',
        "True",
        STORE,
    ),
    Mutation(
        "readers may write",
        "bot/store/database.py",
        '[*pragmas, "PRAGMA query_only=ON"] if read_only else pragmas',
        "pragmas",
        STORE,
    ),
    Mutation(
        "ids reused after /forget",
        "bot/store/migrations/versions/0004_ids_never_reused.py",
        'table_kwargs={"sqlite_autoincrement": True}',
        'table_kwargs={"sqlite_autoincrement": False}',
        STORE,
    ),
    Mutation(
        "old update ids never pruned",
        "bot/store/sql.py",
        "processed_updates.c.created_at < before",
        "processed_updates.c.created_at > before",
        STORE,
    ),
    Mutation(
        "a returning user stays inactive",
        "bot/store/sql.py",
        "        if not user.active:  # they came back",
        "        if False:  # they came back",
        TELEGRAM,
    ),
    Mutation(
        "a lost summary not shown again",
        "bot/engine/conversation.py",
        "> RECENTLY_FINISHED:",
        "> timedelta(0):",
        STORE,
    ),
    # -- channels ---------------------------------------------------------------------------
    Mutation(
        "a button's session ignored",
        "bot/channels/telegram/channel.py",
        "Incoming.choice(payload.value, payload.step, payload.session_id)",
        "Incoming.choice(payload.value, payload.step)",
        TELEGRAM,
    ),
    Mutation(
        "edits taken as answers",
        "bot/channels/telegram/channel.py",
        "PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE",
        "PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES",
        TELEGRAM,
    ),
    Mutation(
        "a reply not delivered is forgotten",
        "bot/channels/telegram/channel.py",
        "                self._owe(sender.id)\n",
        "",
        TELEGRAM,
    ),
    Mutation(
        "a blocked user not marked",
        "bot/channels/telegram/channel.py",
        "                await self.coach.mark_unreachable(visitor)\n",
        "",
        TELEGRAM,
    ),
    Mutation(
        "webhook on PTB's default path",
        "bot/channels/telegram/app.py",
        'return urlsplit(self.url).path.strip("/")',
        'return "telegram"',
        TELEGRAM,
    ),
    Mutation(
        "lengths in code points",
        "bot/channels/telegram/limits.py",
        "def utf16_units(text: str) -> int:\n",
        "def utf16_units(text: str) -> int:\n    return len(text)\n",
        TELEGRAM,
    ),
    Mutation(
        "terminal answers not bound to the question",
        "bot/channels/terminal.py",
        "        return Incoming.text(line, step, session_id)",
        "        return Incoming.text(line)",
        TERMINAL,
    ),
    Mutation(
        "terminal takes any digit",
        "bot/channels/terminal.py",
        'r"[0-9]{1,4}"',
        r'r"\d{1,4}"',
        TERMINAL,
    ),
    # -- the profile ---------------------------------------------------------------------------
    Mutation(
        "profile not a reserved name",
        "bot/dialogue/model.py",
        '        "profile",\n        "loop",',
        '        "loop",',
        CONTENT,
    ),
    Mutation(
        "profile missing for a user without one",
        "bot/engine/presenter.py",
        '        "profile": person.profile.names(),\n',
        "",
        CONTENT,
    ),
    Mutation(
        "profile not stored",
        "bot/store/sql.py",
        "            self._save_profile(session.user_id, write.profile, now)\n",
        "",
        STORE,
    ),
    Mutation(
        "profile not replaced",
        "bot/store/sql.py",
        "set_=replaced)",
        "set_={'market': fresh.excluded.market})",
        STORE,
    ),
    Mutation(
        "profile not in /mydata",
        "bot/store/export.py",
        '            "product": work.product,\n',
        "",
        STORE,
    ),
    Mutation(
        "profile not asked after the first language choice",
        "bot/engine/coach.py",
        "            first_time = ask_profile and c.user.language is None",
        "            first_time = False",
        ("tests/store/test_profile_store.py", "tests/telegram/test_profile.py"),
    ),
    Mutation(
        "profile asked at every language choice",
        "bot/engine/coach.py",
        "            first_time = ask_profile and c.user.language is None",
        "            first_time = ask_profile",
        ("tests/store/test_profile_store.py", "tests/telegram/test_profile.py"),
    ),
    Mutation(
        "profile listed in the menu",
        "bot/engine/menu.py",
        'if d.model.kind not in ("checkin", "profile")',
        'if d.model.kind != "checkin"',
        ("tests/store/test_profile_store.py", "tests/telegram/test_profile.py"),
    ),
    Mutation(
        "which_track ignores the profile",
        "dialogues/which_track.yaml",
        'profile.market == "consumer")',
        "False)",
        CONTENT,
    ),
    Mutation(
        "terminal without /profile",
        "bot/channels/terminal.py",
        '            "/profile": lambda: self.coach.profile(self.visitor),\n',
        "",
        ("tests/channels/test_terminal_chat.py",),
    ),
    # -- the multi-select question --------------------------------------------------------
    Mutation(
        "a multi toggle leaves older buttons live",
        "bot/engine/engine.py",
        "        moved.step += 1\n        return Turn((present(dialogue, moved, person),)",
        "        return Turn((present(dialogue, moved, person),)",
        ENGINE,
    ),
    Mutation(
        "a multi selection in progress survives /back",
        "bot/engine/engine.py",
        "frame.undo(without_picked(moved.answers))",
        "frame.undo(moved.answers)",
        ENGINE,
    ),
    Mutation(
        "a multi toggle sends a new message",
        "bot/channels/telegram/replies.py",
        "    if not isinstance(message, TgMessage) or len(shown) != 1:",
        "    if True:",
        TELEGRAM,
    ),
]


def copy_tree(target: Path) -> None:
    """The tracked and new files of the work tree (what the tests would see)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run(mutation: Mutation, tree: Path) -> tuple[bool, float]:
    """(killed, seconds) for one mutation applied in ``tree``."""
    path = tree / mutation.file
    original = path.read_text(encoding="utf-8")
    if original.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.name}: the line to break is not found once in {mutation.file}")
    path.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "-k",
                "not postgresql",
                *mutation.tests,
            ],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    return done.returncode != 0, time.monotonic() - started


def main() -> None:
    """Apply every mutation (or those named), print each verdict and the score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names (or parts of names) to run")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or any(o in m.name for o in args.only)]
    if args.list:
        for mutation in chosen:
            print(f"{mutation.name:<45} {mutation.file}")
        return
    killed = 0
    with tempfile.TemporaryDirectory(prefix="coachbot-mutants-") as folder:
        tree = Path(folder)
        copy_tree(tree)
        for mutation in chosen:
            caught, seconds = run(mutation, tree)
            killed += caught
            verdict = "killed  " if caught else "SURVIVED"
            print(f"{verdict} {mutation.name:<45} {seconds:6.0f} s", flush=True)
    print(f"\n{killed} of {len(chosen)} mutations killed ({killed / len(chosen):.0%})")


if __name__ == "__main__":
    main()
