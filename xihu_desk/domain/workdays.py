"""Chinese working days: public holidays and the weekends worked in exchange (调休).

The ``chinese_calendar`` package knows the State Council's holiday schedule for the years it was
released with and raises NotImplementedError for any other year. For such a year the calendar falls
back to Monday–Friday and says so (``fallback_years``) so that the item and the home page can warn;
it never raises for a date. The district's calendar update (reference data, db/reference/
workdays.json, loaded into the database) overrides both, day by day, and a year it covers counts
as known.

Counting (domain.md §5.2): a time limit of N working days runs from the day after the materials
were complete. A request for more material (补正) stops the clock at the end of the day it was
asked and restarts it the day after the material arrived, so the days in between never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

MAX_SPAN_DAYS = 3660  # ten years: no deadline loop ever runs away on bad data


@lru_cache(maxsize=256)
def _library_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def _library_workday(day: date) -> bool:
    """The library's answer for a year it knows (its lookups validate every call: cached here)."""
    return chinese_calendar.is_workday(day)


@dataclass(frozen=True)
class Pause:
    """A 补正: the clock stops after ``asked_on`` and restarts after ``received_on`` (None: still waiting)."""

    asked_on: date
    received_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.asked_on < day and (self.received_on is None or day <= self.received_on)


@dataclass
class WorkCalendar:
    """``overrides`` maps a day to True (a working day) or False (a holiday); ``override_years`` are
    the years the district's update covers (known even where the library has no data)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    override_years: frozenset[int] = frozenset()

    def library_knows(self, year: int) -> bool:
        return _library_year(year)

    def knows(self, year: int) -> bool:
        return year in self.override_years or self.library_knows(year)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if self.library_knows(day.year):
            return _library_workday(day)
        return day.weekday() < 5  # fallback: Monday to Friday

    def holiday_name(self, day: date) -> str:
        """The holiday's English name from the library ('' for a weekend or an unknown year)."""
        if day in self.overrides or not self.library_knows(day.year):
            return ""
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return name or "" if on_holiday else ""

    def fallback_years(self, start: date, end: date) -> list[int]:
        """Years between the two dates (either order) counted Monday–Friday for want of data."""
        low, high = sorted((start.year, end.year))
        return [y for y in range(low, high + 1) if not self.knows(y)]

    # -- arithmetic --------------------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself for n = 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        for _ in range(MAX_SPAN_DAYS):
            if n == 0:
                return day
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        raise ValueError("span too long")

    def count(self, after: date, upto: date, pauses: Iterable[Pause] = ()) -> int:
        """Working days d with after < d <= upto that no pause covers (0 when upto <= after)."""
        pauses = tuple(pauses)
        if upto <= after:
            return 0
        if (upto - after).days > MAX_SPAN_DAYS:
            raise ValueError("span too long")
        n, day = 0, after
        while day < upto:
            day += timedelta(days=1)
            if self.is_workday(day) and not any(p.covers(day) for p in pauses):
                n += 1
        return n

    def deadline(self, complete_on: date, days: int, pauses: Iterable[Pause] = ()) -> date | None:
        """The day the limit runs out: the ``days``-th counted working day after ``complete_on``.
        None while a pause that began before then is still open (the clock is stopped)."""
        pauses = tuple(p for p in pauses if p.received_on is None or p.received_on > complete_on)
        if days <= 0:
            return complete_on
        n, day = 0, complete_on
        for _ in range(MAX_SPAN_DAYS):
            day += timedelta(days=1)
            if any(p.covers(day) for p in pauses):
                if any(p.received_on is None and p.covers(day) for p in pauses):
                    return None
                continue
            if self.is_workday(day):
                n += 1
                if n == days:
                    return day
        raise ValueError("span too long")


def calendar(overrides: Mapping[date, bool] | None = None, years: Iterable[int] = ()) -> WorkCalendar:
    return WorkCalendar(dict(overrides or {}), frozenset(years))


def parse_update(doc: Mapping) -> tuple[dict[date, bool], dict[date, str], set[int]]:
    """A calendar update as the district sends it (db/reference/workdays.json):

        {"kind": "workdays", "version": "…", "years": {"2027": {
            "holidays": [["2027-01-01", "元旦"], …], "workdays": [["2027-02-20", "春节调休"], …]}}}

    Returns (day -> is working day, day -> note, years covered). Raises ValueError on bad data."""
    if doc.get("kind") != "workdays":
        raise ValueError("不是工作日历文件（kind 应为 workdays）")
    days: dict[date, bool] = {}
    notes: dict[date, str] = {}
    years: set[int] = set()
    for year_text, spec in (doc.get("years") or {}).items():
        year = int(year_text)
        years.add(year)
        for key, working in (("holidays", False), ("workdays", True)):
            for entry in spec.get(key, []):
                text, note = (entry, "") if isinstance(entry, str) else (entry[0], entry[1] if len(entry) > 1 else "")
                day = date.fromisoformat(text)
                if day.year != year:
                    raise ValueError(f"{text} 不属于 {year} 年")
                if day in days and days[day] != working:
                    raise ValueError(f"{text} 同时列为节假日和工作日")
                days[day], notes[day] = working, str(note)
    return days, notes, years
