"""/progress over the real store: finished tracks, open commitments, check-ins, levels over time."""

from __future__ import annotations

from bot.engine.coach import Coach
from bot.engine.turn import Incoming, LevelsChart, Message
from tests.store.test_coach_store import EVE
from tests.store.test_commitments import RELATIONSHIPS, check_in_item, finish_relationships


async def shown(coach: Coach) -> Message:
    [message] = (await coach.progress(EVE)).info
    return message


async def test_before_anything_is_finished_progress_says_where_to_start(coach: Coach) -> None:
    message = await shown(coach)

    assert message.text.startswith("Je hebt nog geen gesprek afgerond. Kies er een via /menu")
    assert message.image is None


async def test_a_finished_track_and_its_open_step_are_listed_without_a_chart(
    coach: Coach,
) -> None:
    await finish_relationships(coach)

    message = await shown(coach)

    assert "<b>Jouw voortgang</b>" in message.text
    assert "• Relaties, geen transacties: 1×" in message.text
    assert "Elke week één klant &lt;b&gt;bedanken&lt;/b&gt;" in message.text  # escaped
    assert ", uit Relaties, geen transacties: check-in " in message.text
    assert message.image is None  # one run is no trend


async def test_a_track_taken_twice_is_charted_over_time(coach: Coach) -> None:
    await finish_relationships(coach)
    await coach.open(EVE, "relationships")
    for incoming in [*RELATIONSHIPS[:3], Incoming.choice("1"), *RELATIONSHIPS[4:]]:
        await coach.reply(EVE, incoming)

    message = await shown(coach)

    assert "• Relaties, geen transacties: 2×" in message.text
    chart = message.image
    assert isinstance(chart, LevelsChart)
    assert len(chart.runs) == 2
    assert [label for label, _ in chart.series] == [
        "Relaties bouwen",
        "Status verdienen",
        "Sociale valuta maken",
    ]
    first, second = zip(*(levels for _, levels in chart.series), strict=True)
    assert first != second  # the ladder answered differently moved
    assert chart.png().startswith(b"\x89PNG")


async def test_check_ins_done_are_counted_by_how_they_went(coach: Coach) -> None:
    await finish_relationships(coach)
    item = await check_in_item(coach)
    await coach.open(EVE, item.dialogue_id, item.commitment_id)
    await coach.reply(EVE, Incoming.choice("yes"))
    for text in ["Twee klanten reageerden blij", "Kort werkt beter"]:
        await coach.reply(EVE, Incoming.text(text))
    await coach.reply(EVE, Incoming.choice("done"))

    message = await shown(coach)

    assert "Nog open:" not in message.text  # checked in: no longer open
    assert "Check-ins gedaan: 1 (gelukt 1, deels 0, niet 0)." in message.text
