"""Team buttons' callback data and the team phrases: strict, small, in both languages."""

from __future__ import annotations

import secrets

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram import callback_data as cd
from bot.engine.phrases import TEAM_PHRASES
from bot.engine.teams import TOKEN_BYTES


@given(data=st.from_regex(r"t:[a-z]{0,7}:[A-Za-z0-9_:-]{0,70}", fullmatch=True))
def test_team_data_decodes_only_to_what_we_would_send(data: str) -> None:
    payload = cd.decode(data)

    if payload is not None:
        assert isinstance(payload, cd.TeamPress)
        assert cd.encode(payload) == data
        assert payload.kind == "join" or payload.ref.isdigit()


def test_every_team_button_fits_in_64_bytes_and_round_trips() -> None:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    payloads = [cd.TeamPress("join", token)] + [
        cd.TeamPress(kind, str(10**12 - 1)) for kind in ("no", "revoke", "remove", "rmyes", "leave")
    ]

    for payload in payloads:
        assert len(cd.encode(payload).encode()) <= 64
        assert cd.decode(cd.encode(payload)) == payload
    assert len(token) * 6 >= 128  # at least 128 random bits
    assert cd.decode("t:join:short") is None
    assert cd.decode("t:remove:-1") is None
    assert cd.decode("t:remove:1 ") is None


def test_every_team_phrase_is_in_both_languages() -> None:
    assert set(TEAM_PHRASES["nl"]) == set(TEAM_PHRASES["en"])
