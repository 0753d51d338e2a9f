"""/reload and dialogue uploads through the fake Bot API: only admins, broken content refused
with its problems located while the old content keeps serving, good content live at once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.app import TelegramApp, start, stop
from bot.dialogue.catalog import load_catalog
from bot.engine.coach import Coach
from bot.engine.content import Content
from bot.engine.engine import Engine
from bot.engine.roles import TeamRules
from bot.store import Store
from tests.conftest import FIXTURES, REPO
from tests.store.test_live_versions import VERSION_A, VERSION_B
from tests.telegram.conftest import application_for
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.fake_user import FakeUser
from tests.telegram.test_teams import say

ADMIN = 900


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dialogues folder of its own: the fixture dialogues and the edit dialogue, version A."""
    dialogues = tmp_path / "dialogues"
    dialogues.mkdir()
    for path in FIXTURES.glob("*.yaml"):
        shutil.copyfile(path, dialogues / path.name)
    (dialogues / "edit.yaml").write_text(VERSION_A, encoding="utf-8")
    return dialogues


@pytest.fixture
def content(folder: Path, store: Store) -> Content:
    catalog = load_catalog([folder], REPO / "prompts")
    assert not catalog.problems
    return Content(Engine(catalog), store, [folder], REPO / "prompts")


@pytest.fixture
async def admin_bot(api: FakeBotAPI, content: Content, store: Store) -> AsyncIterator[TelegramApp]:
    rules = TeamRules(admin_ids=frozenset({f"telegram:{ADMIN}"}))
    coach = Coach(content.engine, store, team_rules=rules)
    await content.keep_versions()
    application = application_for(api, coach, content=content)
    await start(application)
    yield application
    await stop(application)


async def upload(api: FakeBotAPI, user: FakeUser, name: str, text: str) -> str:
    await user.send_document(name, text.encode())
    await api.settle()
    return user.texts()[-1]


async def test_an_admin_uploads_a_good_file_and_it_is_live_at_once(
    api: FakeBotAPI, admin_bot: TelegramApp, folder: Path
) -> None:
    ada, sam = FakeUser(api, ADMIN, "Ada"), FakeUser(api, 701, "Sam")
    await say(api, sam, "/start")
    await say(api, sam, "/menu")

    answer = await upload(api, ada, "edit.yaml", VERSION_B)
    await say(api, sam, "/menu")
    await sam.click("Bewerkt")
    await api.settle()

    assert answer.startswith("edit.yaml is geïnstalleerd en staat nu live")
    assert "• edit: aangepast (1 stap(pen) erbij, 1 eraf" in answer
    assert sam.texts()[-1].endswith("B vraag 1")
    assert (folder / "edit.yaml").read_text(encoding="utf-8") == VERSION_B
    [backup] = (folder / ".backups").iterdir()
    assert backup.read_text(encoding="utf-8") == VERSION_A


async def test_a_broken_upload_is_refused_located_and_nothing_changes(
    api: FakeBotAPI, admin_bot: TelegramApp, folder: Path, content: Content
) -> None:
    ada = FakeUser(api, ADMIN, "Ada")
    broken = VERSION_B.replace("next: q3\n  q3:", "next: nowhere\n  q3:")

    answer = await upload(api, ada, "edit.yaml", broken)
    named_badly = await upload(api, ada, "../evil.yaml", VERSION_B)

    assert answer.startswith("edit.yaml is niet geïnstalleerd: ik vond")
    assert "• edit.yaml:16:" in answer
    assert "nowhere" in answer
    assert named_badly.startswith("../evil.yaml is niet geïnstalleerd")
    assert (folder / "edit.yaml").read_text(encoding="utf-8") == VERSION_A
    assert not (folder.parent / "evil.yaml").exists()
    assert content.engine.catalog.latest["edit"].render("q1", "nl", {}) == "A vraag 1"


async def test_only_admins_reload_or_upload_and_nothing_is_downloaded_for_others(
    api: FakeBotAPI, admin_bot: TelegramApp, folder: Path
) -> None:
    sam = FakeUser(api, 701, "Sam")
    await say(api, sam, "/start")

    reload_answer = await say(api, sam, "/reload")
    upload_answer = await upload(api, sam, "edit.yaml", VERSION_B)

    assert reload_answer == "Dit kan alleen een beheerder van Coachbot."
    assert upload_answer == "Dit kan alleen een beheerder van Coachbot."
    assert not api.calls_of("getFile")
    assert (folder / "edit.yaml").read_text(encoding="utf-8") == VERSION_A


async def test_reload_reports_changes_or_keeps_serving_on_a_broken_file(
    api: FakeBotAPI, admin_bot: TelegramApp, folder: Path
) -> None:
    ada = FakeUser(api, ADMIN, "Ada")

    unchanged = await say(api, ada, "/reload")
    (folder / "edit.yaml").write_text(VERSION_B.replace("start: q1", "start: q9"), "utf-8")
    refused = await say(api, ada, "/reload")
    (folder / "edit.yaml").write_text(VERSION_B, encoding="utf-8")
    done = await say(api, ada, "/reload")

    assert unchanged == "Herladen: er is niets veranderd."
    assert refused.startswith("Niet herladen: ik vond")
    assert "edit.yaml:4:" in refused
    assert done.startswith("Herladen gelukt.")
    assert "• edit: aangepast" in done
