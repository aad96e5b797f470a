"""Union staff working hours: tell open from closed, name the next opening, in Chinese.

``STAFF_HOURS`` is ``HH:MM-HH:MM`` (closing time exclusive; ``00:00-24:00`` means all day),
``STAFF_DAYS`` lists ISO weekdays (``1-5`` or ``1,3,5``; 1 is Monday) and ``TIMEZONE`` is an
IANA zone name. Every datetime given to :class:`Schedule` must be timezone-aware; it is read
in the schedule's own zone, so a UTC timestamp from a server clock works as it should.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from changai.settings import (
    DEFAULT_DAYS,
    DEFAULT_HOURS,
    DEFAULT_TIMEZONE,
    MINUTES_PER_DAY,
    Settings,
    parse_days,
    parse_hours,
    parse_timezone,
)

WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


@dataclass(frozen=True)
class Schedule:
    """When union staff answer: minutes after midnight [start, end) on the given weekdays."""

    start: int
    end: int
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(
        cls,
        hours: str = DEFAULT_HOURS,
        days: str = DEFAULT_DAYS,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> Schedule:
        start, end = parse_hours(hours)
        return cls(start, end, parse_days(days), parse_timezone(timezone))

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        start, end = settings.staff_hours
        return cls(start, end, settings.staff_days, settings.timezone)

    @property
    def always_open(self) -> bool:
        return self.start == 0 and self.end == MINUTES_PER_DAY and len(self.days) == 7

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("working hours need a timezone-aware datetime")
        return moment.astimezone(self.zone)

    def is_open(self, moment: dt.datetime) -> bool:
        local = self.local(moment)
        minute = local.hour * 60 + local.minute
        return local.isoweekday() in self.days and self.start <= minute < self.end

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """The next time staff start work after ``moment`` (None if they never stop)."""
        if self.always_open:
            return None
        local = self.local(moment)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            opening = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone) + dt.timedelta(
                minutes=self.start
            )
            if day.isoweekday() in self.days and opening > local:
                return opening
        return None

    def describe(self) -> str:
        """Chinese wording of the schedule, e.g. ``周一至周五 09:00–17:30``."""
        return f"{describe_days(self.days)} {_clock(self.start)}–{_clock(self.end)}"


def describe_days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) == 7:
        return "每天"
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{WEEKDAY_NAMES[ordered[0]]}至{WEEKDAY_NAMES[ordered[-1]]}"
    return "、".join(WEEKDAY_NAMES[day] for day in ordered)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def describe_opening(opening: dt.datetime, moment: dt.datetime, zone: ZoneInfo) -> str:
    """``今天14:00``, ``明天09:00``, ``后天（周一）09:00`` or ``周一09:00``."""
    local_now = moment.astimezone(zone)
    local_opening = opening.astimezone(zone)
    days_ahead = (local_opening.date() - local_now.date()).days
    clock = local_opening.strftime("%H:%M")
    weekday = WEEKDAY_NAMES[local_opening.isoweekday()]
    if days_ahead == 0:
        return f"今天{clock}"
    if days_ahead == 1:
        return f"明天{clock}"
    if days_ahead == 2:
        return f"后天（{weekday}）{clock}"
    return f"{weekday}{clock}"
