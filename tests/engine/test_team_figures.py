"""A team's figures on the real store: each assignment's status against an injected moment, the
counts per member, the CSV export and the ladder spread shown only from three members."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.dialogue.catalog import Catalog
from bot.engine.team_csv import team_csv
from bot.engine.team_figures import TeamFigures, team_figures
from bot.engine.team_report import team_args, team_lines
from bot.engine.turn import TeamChart
from bot.records import Session, User
from bot.store import Store
from bot.store.assign_base import Draft
from bot.store.base import Transaction

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "GEHEIME SAMENVATTING van Anna"
ANSWER = "mijn klanten vertrouwen mij"
MANAGER = "*manager"


def make_team(
    tx: Transaction, names: Sequence[str], manager: int = 700, name: str = "Eva"
) -> dict[str, int]:
    """A manager (Telegram id ``manager``) with ``names`` as members; name to user id, the
    manager's under MANAGER."""
    eva = tx.user(f"telegram:{manager}", name)
    tx.teams.grant(eva.id, "manager", NOW)
    ids = {MANAGER: eva.id}
    for number, name in enumerate(names, start=manager + 1):
        member = tx.user(f"telegram:{number}", name)
        tx.teams.join(member.id, eva.id, NOW)
        ids[name] = member.id
    return ids


def assign(tx: Transaction, ids: dict[str, int], name: str, track: str, days: float) -> int:
    """The manager assigns ``track`` to ``name``, due ``days`` after NOW; the assignment's id."""
    due = NOW + timedelta(days=days)
    draft = Draft(ids[MANAGER], (ids[name],), track, due.date())
    return tx.assignments.assign(draft, due, NOW)[0].id


def start(tx: Transaction, catalog: Catalog, user_id: int, track: str) -> int:
    """An unfinished session of ``track``; its id."""
    session = Session(user_id, track, catalog.get(track).version, "intro")
    saved = tx.save(session, [], expected_step=None)
    assert saved.id is not None
    return saved.id


def finish_relationships(
    tx: Transaction, catalog: Catalog, user_id: int, levels: tuple[int, ...]
) -> Session:
    """A finished run of 'relationships' whose three ladders stand at ``levels``."""
    answers: dict[str, object] = dict(
        zip(("relationships", "status", "currency"), levels, strict=True)
    )
    answers["relationships_example"] = ANSWER
    version = catalog.get("relationships").version
    session = Session(user_id, "relationships", version, "summary", answers, status="completed")
    return tx.save(session, [], expected_step=None)


def known_assignments(tx: Transaction, catalog: Catalog) -> dict[str, int]:
    """Anna: one of each status; Bram: two of one track with one session, one due in 2 days."""
    ids = make_team(tx, ["Anna", "Bram", "Cas"])
    assign(tx, ids, "Anna", "talk", 7)  # open
    assign(tx, ids, "Anna", "relationships", 7)  # in progress: a session of it is open
    assign(tx, ids, "Anna", "authentic", -1)  # overdue
    assign(tx, ids, "Anna", "why", 3)  # done, summary shared
    gone = assign(tx, ids, "Anna", "buy_cycle", 3)  # withdrawn: in the file, not counted
    start(tx, catalog, ids["Anna"], "relationships")
    finished = start(tx, catalog, ids["Anna"], "why")
    done = tx.assignments.complete(ids["Anna"], "why", finished, f"<b>{SECRET}</b>", NOW)
    assert done is not None
    tx.assignments.share(done.id, ids["Anna"], "summary", NOW)
    tx.assignments.withdraw(gone, NOW)
    assign(tx, ids, "Bram", "talk", 4)
    assign(tx, ids, "Bram", "talk", 2)  # due first: the session will complete this one
    assign(tx, ids, "Bram", "authentic", 2.5)
    start(tx, catalog, ids["Bram"], "talk")
    tx.set_active(ids["Cas"], False)  # Cas blocked the bot
    return ids


async def figures_at(store: Store, catalog: Catalog, moment: datetime) -> TeamFigures:
    def read(tx: Transaction) -> TeamFigures:
        eva = tx.find_user("telegram:700")
        assert eva is not None
        return team_figures(tx, catalog, eva, moment)

    return await store.read(read)


def counts_of(figures: TeamFigures) -> dict[str, dict[str, int]]:
    return {
        m.member.user.display_name: {k: n for k, n in m.counts.items()} for m in figures.members
    }


async def test_each_status_is_counted_per_member_and_overdue_follows_the_clock(
    store: Store, catalog: Catalog
) -> None:
    await store.write(lambda tx: known_assignments(tx, catalog))

    now = await figures_at(store, catalog, NOW)
    later = await figures_at(store, catalog, NOW + timedelta(days=3))

    zero = {"done": 0, "started": 0, "open": 0, "overdue": 0}
    assert counts_of(now) == {
        "Anna": {"done": 1, "started": 1, "open": 1, "overdue": 1},
        "Bram": {"done": 0, "started": 1, "open": 2, "overdue": 0},
        "Cas": zero,
    }
    assert counts_of(later) == {
        "Anna": {"done": 1, "started": 1, "open": 1, "overdue": 1},
        "Bram": {"done": 0, "started": 0, "open": 1, "overdue": 2},  # the session's one is late
        "Cas": zero,
    }
    assert now.totals() == {"done": 1, "started": 2, "open": 3, "overdue": 1}
    assert [m.reachable for m in now.members] == [True, True, False]
    assert sorted(r.status for r in now.rows).count("withdrawn") == 1


async def test_the_lines_say_the_counts_and_who_cannot_be_reached(
    store: Store, catalog: Catalog
) -> None:
    await store.write(lambda tx: known_assignments(tx, catalog))
    figures = await figures_at(store, catalog, NOW)

    lines = team_lines(figures, catalog, "nl", own=True)
    english = team_lines(figures, catalog, "en", own=False)

    assert lines[0] == "Je team (3):"
    assert lines[1].startswith("• Anna: lid sinds ")
    assert lines[2] == "   1 klaar · 1 bezig · 1 open · 1 te laat"
    assert lines[4] == "   1 bezig · 2 open"
    assert lines[5].startswith("• Cas ⛔: lid sinds ")  # no assignments: no counts line
    assert "Samen: 1 klaar · 2 bezig · 3 open · 1 te laat" in lines
    assert "⛔ = heeft de bot geblokkeerd: herinneringen komen niet aan." in lines
    assert english[0] == "Eva's team (3):"
    assert "   1 done · 1 in progress · 1 open · 1 overdue" in english
    assert not any(SECRET in line for line in lines + english)


async def test_the_csv_parses_and_holds_no_answer_or_summary(
    store: Store, catalog: Catalog
) -> None:
    await store.write(lambda tx: known_assignments(tx, catalog))
    figures = await figures_at(store, catalog, NOW)

    data = team_csv(figures, catalog, "nl")
    text = data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))

    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    assert table[0] == [
        "Lid",
        "Track",
        "Opgegeven op",
        "Klaar uiterlijk",
        "Status",
        "Klaar op",
        "Gedeeld",
    ]
    assert len(table) == 1 + 8
    by_track = {(row[0], row[1]): row for row in table[1:]}
    why = by_track[("Anna", catalog.get("why").model.title.nl)]
    assert why[2:] == ["2026-03-02", "2026-03-05", "klaar", "2026-03-02", "de samenvatting"]
    assert sorted(row[4] for row in table[1:]) == sorted(
        ["open", "bezig", "te laat", "klaar", "ingetrokken", "bezig", "open", "open"]
    )
    assert SECRET not in text
    assert ANSWER not in text


async def test_a_name_that_looks_like_a_formula_stays_text(store: Store, catalog: Catalog) -> None:
    def team(tx: Transaction) -> None:
        ids = make_team(tx, ["=HYPERLINK(1)"])
        assign(tx, ids, "=HYPERLINK(1)", "talk", 7)

    await store.write(team)
    figures = await figures_at(store, catalog, NOW)

    [_, row] = list(csv.reader(io.StringIO(team_csv(figures, catalog, "en").decode("utf-8-sig"))))

    assert row[0] == "'=HYPERLINK(1)"


async def test_the_ladder_spread_shows_from_three_answering_members_and_names_nobody(
    store: Store, catalog: Catalog
) -> None:
    def team(tx: Transaction) -> None:
        ids = make_team(tx, ["Anna", "Bram", "Cas", "Dirk"])
        finish_relationships(tx, catalog, ids["Anna"], (1, 1, 1))  # her latest run counts:
        finish_relationships(tx, catalog, ids["Anna"], (3, 2, 1))
        finish_relationships(tx, catalog, ids["Bram"], (2, 2, 3))

    await store.write(team)
    two = await figures_at(store, catalog, NOW)
    await store.write(
        lambda tx: finish_relationships(tx, catalog, _id(tx, "telegram:703"), (2, 1, 3))
    )
    three = await figures_at(store, catalog, NOW)
    lines = team_lines(three, catalog, "nl", own=True)
    shown = "\n".join(lines[lines.index("") :])

    assert two.spreads == ()
    assert not any("ladders" in line for line in team_lines(two, catalog, "nl", own=True))
    assert shown == (
        "\nZo verdeelt het team zich over de ladders van Relaties, geen transacties "
        "(3 mensen, ieders laatste keer):\n"
        "• Relaties bouwen: Basis 0 · Beter 2 · Best 1\n"
        "• Status verdienen: Basis 1 · Beter 2 · Best 0\n"
        "• Sociale valuta maken: Basis 1 · Beter 0 · Best 2"
    )
    for name in ("Anna", "Bram", "Cas"):
        assert name not in shown


def test_the_chart_draws_any_name_as_plain_text() -> None:
    names = ("Anna 🚀", "$x^2", "a $\\nosuch{$ b", "🚀", "Dirk van den Heuvel-Janssen de Tweede")
    parts = tuple((label, (1, 0, 2, 0, 1)) for label in ("done", "started", "open", "overdue"))

    png = TeamChart("$Eva's$ team", names, parts, "team.png", "caption").png()

    assert png.startswith(b"\x89PNG")


def test_team_words_pick_whose_team_and_what_to_show() -> None:
    assert team_args([]) == (None, "list")
    assert team_args(["export"]) == (None, "export")
    assert team_args(["chart"]) == (None, "chart")
    assert team_args(["700", "export"]) == ("700", "export")
    assert team_args(["700"]) == ("700", "list")
    assert team_args(["all"]) == ("all", "list")
    assert team_args(["700", "nonsense"]) == ("700", "list")


def _id(tx: Transaction, external_id: str) -> int:
    user: User | None = tx.find_user(external_id)
    assert user is not None
    return user.id
