"""When the bot may send a message on its own: working days and hours in the deployment's zone.

Local times are built with ``zoneinfo`` from the local date, never by adding hours to a UTC
moment, so a day keeps its 09:00 across a daylight-saving change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")


@dataclass(frozen=True)
class WorkingTime:
    """The weekly window in which pushes go out (default: weekdays 09:00-18:00, Amsterdam)."""

    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time

    @classmethod
    def parse(cls, days: str, hours: str, zone: str) -> WorkingTime:
        """From settings like ``mon-fri``, ``09:00-18:00`` and ``Europe/Amsterdam``."""
        try:
            where = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {zone!r} (e.g. Europe/Amsterdam)") from err
        match = _HOURS.fullmatch(hours.replace(" ", ""))
        if match is None:
            raise ValueError(f"working hours {hours!r} are not like 09:00-18:00")
        start = time(int(match[1]), int(match[2]))
        end = time(23, 59, 59) if match[3] == "24" else time(int(match[3]), int(match[4]))
        if end <= start:
            raise ValueError(f"working hours {hours!r} end before they start")
        return cls(where, _days(days), start, end)

    def local_day(self, moment: datetime) -> date:
        """The date it is in the zone at ``moment``."""
        return moment.astimezone(self.zone).date()

    def end_of_day(self, moment: datetime) -> datetime:
        """The first moment of the next local day (pushes due before it are due today)."""
        tomorrow = self.local_day(moment) + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), self.zone)

    def next_workday(self, moment: datetime) -> datetime:
        """The first moment of the first working day after the local day of ``moment``."""
        day = self.local_day(moment)
        for ahead in range(1, 8):
            candidate = day + timedelta(days=ahead)
            if candidate.weekday() in self.days:
                return datetime.combine(candidate, time(0), self.zone)
        raise AssertionError("a week always has a working day")  # _days() refuses none

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` falls on a working day between the working hours."""
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_open(self, moment: datetime) -> datetime:
        """``moment`` if it is working time, else the next start of working time."""
        if self.is_open(moment):
            return moment
        day = self.local_day(moment)
        for ahead in range(8):
            candidate = datetime.combine(day + timedelta(days=ahead), self.start, self.zone)
            if candidate > moment and candidate.weekday() in self.days:
                return candidate
        raise AssertionError("a week always has a working day")  # _days() refuses none


def _days(spec: str) -> frozenset[int]:
    """``mon-fri``, ``mon,wed,fri`` or ``sat-sun`` as weekday numbers."""
    found: set[int] = set()
    for part in spec.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"working days {spec!r} are not like mon-fri or mon,wed,fri")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        found |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
    return frozenset(found)
