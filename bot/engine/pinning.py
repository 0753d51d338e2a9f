"""Every session runs on the content version it started on, also after an edit or a restart.

Before a session is stepped, its version must be in the catalog. A version the process does
not hold (the files changed and the bot reloaded or restarted) is rebuilt from the snapshot the
store keeps (``bot.dialogue.versions``); only when none is kept does the session meet the newest
version, as the engine's fallback. A version that cannot be rebuilt is not tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.dialogue.catalog import Catalog
from bot.dialogue.versions import Restorer
from bot.records import Session
from bot.store.base import Transaction

log = logging.getLogger(__name__)


class Pinning:
    """Brings back the versions sessions are pinned to (one per process, shared by units)."""

    def __init__(self, catalog: Callable[[], Catalog]) -> None:
        self.catalog = catalog
        self._restorer: Restorer | None = None
        self._missing: set[tuple[str, str]] = set()

    def ensure(self, tx: Transaction, session: Session) -> None:
        """Make the session's version available, from the store if need be."""
        key = (session.dialogue_id, session.version)
        catalog = self.catalog()
        if key in catalog.versions or key in self._missing:
            return
        snapshot = tx.versions.stored(*key)
        if snapshot is None:
            self._missing.add(key)
            log.warning("version %s of %s is not kept: the newest serves", key[1], key[0])
            return
        if self._restorer is None:
            self._restorer = Restorer()
        compiled = self._restorer.restore(snapshot)
        if compiled is None:
            self._missing.add(key)
            return
        catalog.versions[key] = compiled
        log.info("version %s of %s rebuilt from the store", key[1], key[0])
