"""Working hours: open and closed edges, the next opening in Chinese, malformed settings."""

from __future__ import annotations

import datetime as dt

import pytest

from changai.settings import ConfigurationError, load_settings
from helpdesk.working_hours import Schedule, describe_opening

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DEFAULT = Schedule.parse()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Shanghai during the week of Monday 2026-11-16 (day 16 is Monday)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(16, 9, 0), True),  # Monday, opening time is inclusive
        (at(16, 8, 59), False),
        (at(18, 17, 29), True),
        (at(18, 17, 30), False),  # closing time is exclusive
        (at(20, 12, 0), True),  # Friday noon
        (at(21, 12, 0), False),  # Saturday
        (at(22, 10, 0), False),  # Sunday
    ],
)
def test_open_and_closed(moment: dt.datetime, is_open: bool) -> None:
    assert DEFAULT.is_open(moment) is is_open


def test_utc_input_is_read_in_shanghai_time() -> None:
    # 02:00 UTC on Monday is 10:00 in Shanghai: open. 23:00 UTC Monday is Tuesday 07:00: closed.
    assert DEFAULT.is_open(dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.timezone.utc))
    late = dt.datetime(2026, 11, 16, 23, 0, tzinfo=dt.timezone.utc)
    assert not DEFAULT.is_open(late)
    opening = DEFAULT.next_opening(late)
    assert opening is not None
    assert opening.isoformat() == "2026-11-17T09:00:00+08:00"
    assert describe_opening(opening, late, DEFAULT.zone) == "今天09:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        DEFAULT.is_open(dt.datetime(2026, 11, 16, 10, 0))


@pytest.mark.parametrize(
    ("moment", "iso", "wording"),
    [
        (at(20, 18, 0), "2026-11-23T09:00:00+08:00", "周一09:00"),  # Friday evening
        (at(21, 10, 0), "2026-11-23T09:00:00+08:00", "后天（周一）09:00"),  # Saturday
        (at(22, 10, 0), "2026-11-23T09:00:00+08:00", "明天09:00"),  # Sunday
        (at(17, 20, 0), "2026-11-18T09:00:00+08:00", "明天09:00"),  # Tuesday evening
        (at(17, 7, 30), "2026-11-17T09:00:00+08:00", "今天09:00"),  # Tuesday morning
        (at(17, 10, 0), "2026-11-18T09:00:00+08:00", "明天09:00"),  # open now: the next one
    ],
)
def test_next_opening(moment: dt.datetime, iso: str, wording: str) -> None:
    opening = DEFAULT.next_opening(moment)
    assert opening is not None and opening.isoformat() == iso
    assert describe_opening(opening, moment, DEFAULT.zone) == wording


def test_schedule_wording() -> None:
    assert DEFAULT.describe() == "周一至周五 09:00–17:30"
    assert Schedule.parse("08:30-12:00", "1,3,5").describe() == "周一、周三、周五 08:30–12:00"
    assert Schedule.parse("00:00-24:00", "1-7").describe() == "每天 00:00–24:00"


def test_always_staffed() -> None:
    always = Schedule.parse("00:00-24:00", "1-7")
    assert always.always_open
    for hour in (0, 12, 23):
        assert always.is_open(at(21, hour, 59))
    assert always.next_opening(at(21, 3)) is None
    # all day but only on weekdays: Saturday is closed, Monday 00:00 opens
    weekdays = Schedule.parse("00:00-24:00", "1-5")
    assert not weekdays.is_open(at(21, 12)) and weekdays.is_open(at(20, 23, 59))
    assert weekdays.next_opening(at(21, 12)).isoformat() == "2026-11-23T00:00:00+08:00"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_HOURS", "08:00-20:00")
    monkeypatch.setenv("STAFF_DAYS", "1-3,6")
    monkeypatch.setenv("TIMEZONE", "Asia/Urumqi")
    schedule = Schedule.from_settings(load_settings())
    assert (schedule.start, schedule.end) == (480, 1200)
    assert schedule.days == frozenset({1, 2, 3, 6})
    assert str(schedule.zone) == "Asia/Urumqi"


def test_default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STAFF_HOURS", "STAFF_DAYS", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    schedule = Schedule.from_settings(load_settings())
    assert schedule == DEFAULT and str(schedule.zone) == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STAFF_HOURS", "9-17"),
        ("STAFF_HOURS", "17:30-09:00"),
        ("STAFF_HOURS", "09:00-24:30"),
        ("STAFF_HOURS", "25:00-26:00"),
        ("STAFF_DAYS", "0-5"),
        ("STAFF_DAYS", "5-1"),
        ("STAFF_DAYS", "周一到周五"),
        ("STAFF_DAYS", "1,,3"),
        ("TIMEZONE", "Mars/Olympus"),
    ],
)
def test_malformed_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()
