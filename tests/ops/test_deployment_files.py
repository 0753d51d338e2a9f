"""The compose file and the Dockerfile say what an operator relies on.

Docker is not available to the tests: the install steps themselves are replayed by
``.ci/check_image_install.py`` (part of ``make test``); these tests read the declarations.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from tests.ops.cli import REPO


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def test_compose_starts_the_bot_on_postgresql_once_it_is_healthy() -> None:
    services = compose()["services"]
    bot, postgres = services["bot"], services["postgres"]

    url = make_url(bot["environment"]["COACHBOT_DATABASE_URL"])

    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert (url.drivername, url.host) == ("postgresql+asyncpg", "postgres")
    assert url.database == postgres["environment"]["POSTGRES_DB"]
    assert url.username == postgres["environment"]["POSTGRES_USER"]


def test_compose_keeps_secrets_out_of_the_file_and_the_data_in_a_named_volume() -> None:
    loaded = compose()
    bot, postgres = loaded["services"]["bot"], loaded["services"]["postgres"]

    token = bot["environment"]["COACHBOT_TELEGRAM_TOKEN"]
    volume = postgres["volumes"][0].split(":")[0]

    assert token.startswith("${COACHBOT_TELEGRAM_TOKEN:?")  # refuses to start without one
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert volume in loaded["volumes"]


def test_the_image_checks_the_bot_not_the_content_and_writes_only_to_data() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()

    assert re.search(r'^HEALTHCHECK .* CMD \["coachbot", "health"\]$', dockerfile, re.M)
    assert re.search(r"^FROM python:3\.11\.\d+-slim-\w+$", dockerfile, re.M)  # a pinned base
    assert "COACHBOT_DATA_DIR=/data" in dockerfile
    assert "COACHBOT_DATABASE_URL=sqlite:////data/coachbot.db" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile
    assert re.search(r"^EXPOSE 8443$", dockerfile, re.M)
    assert re.search(r"^USER [1-9]\d*", dockerfile, re.M)  # numeric and not root
