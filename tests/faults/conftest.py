"""The fault tier uses the Telegram tier's fake Bot API and its no-network guard."""

from __future__ import annotations

from tests.telegram.conftest import api, no_network

__all__ = ["api", "no_network"]
