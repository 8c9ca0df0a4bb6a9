"""Working-day deadlines of the legality review across the long holidays and their worked
weekends (chinese-calendar), 补正 pauses, extensions, and a year the library does not know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from xihu_desk.domain import reviews as rules
from xihu_desk.domain import workdays
from xihu_desk.domain.workdays import Pause

CAL = workdays.calendar()


@pytest.mark.parametrize(
    ("complete", "days", "due", "why"),
    [
        # 2025 National Day + Mid-Autumn: 10-01..10-08 off; Sun 09-28 and Sat 10-11 worked.
        (date(2025, 9, 26), 5, date(2025, 10, 10), "09-28(日,调休) 09-29 09-30 | 10-09 10-10"),
        (date(2025, 9, 26), 7, date(2025, 10, 13), "… 10-11(六,调休) 10-13"),
        # 2025 Spring Festival: 01-28..02-04 off; Sun 01-26 and Sat 02-08 worked.
        (date(2025, 1, 24), 5, date(2025, 2, 7), "01-26(日,调休) 01-27 | 02-05 02-06 02-07"),
        (date(2025, 1, 24), 7, date(2025, 2, 10), "… 02-08(六,调休) 02-10"),
        # 2026 Spring Festival: 02-15..02-23 off; Sat 02-14 and Sat 02-28 worked.
        (date(2026, 2, 12), 5, date(2026, 2, 26), "02-13 02-14(六,调休) | 02-24 02-25 02-26"),
        (date(2026, 2, 12), 15, date(2026, 3, 11), "… 02-28(六,调休) 03-02 … 03-11"),
        # 2026 Mid-Autumn Fri 09-25 and National Day 10-01..10-07 off; Sun 09-20 and Sat 10-10 worked.
        (date(2026, 9, 24), 5, date(2026, 10, 9), "09-25 中秋 | 09-28 09-29 09-30 | 10-08 10-09"),
        (date(2026, 9, 24), 7, date(2026, 10, 12), "… 10-10(六,调休) 10-12"),
        (date(2026, 9, 18), 5, date(2026, 9, 24), "09-20(日,调休) 09-21 … 09-24"),
    ],
)
def test_deadline_crosses_the_long_holidays_and_counts_the_worked_weekends(complete, days, due, why):
    assert CAL.deadline(complete, days) == due, why
    assert CAL.count(complete, due) == days
    assert CAL.fallback_years(complete, due) == []


def test_plain_weekdays_would_have_been_wrong():
    """The same 5 days counted Monday–Friday end a week early over National Day 2025."""
    assert CAL.add_workdays(date(2025, 9, 26), 5) == date(2025, 10, 10)
    naive, day, n = date(2025, 9, 26), date(2025, 9, 26), 0
    while n < 5:
        day += timedelta(days=1)
        n += day.weekday() < 5
    assert day == date(2025, 10, 3) != CAL.deadline(naive, 5)


def test_unknown_year_falls_back_to_monday_to_friday_and_says_so():
    complete = date(2027, 9, 30)  # chinese-calendar 1.11 knows 2004–2026 only
    assert not CAL.knows(2027)
    assert CAL.deadline(complete, 5) == date(2027, 10, 7)  # 10-01 is a Friday: counted, for want of data
    assert CAL.fallback_years(complete, date(2027, 10, 7)) == [2027]
    assert CAL.is_workday(date(2099, 1, 1)) and not CAL.is_workday(date(2099, 1, 3))  # never raises
    c = rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(), today=date(2027, 10, 4))
    assert c.fallback_years == (2027,) and c.remaining == 3
    assert "2027 年" in rules.fallback_warning(c.fallback_years) and "周一至周五" in rules.fallback_warning(c.fallback_years)


def test_a_deadline_running_into_an_unknown_year_is_flagged_and_the_district_update_fixes_it():
    complete = date(2026, 12, 28)
    assert CAL.deadline(complete, 5) == date(2027, 1, 4)  # 12-29 12-30 12-31, 2027-01-01 counted as a Friday, 01-04
    update = {"kind": "workdays", "version": "2027-1", "years": {"2027": {
        "holidays": [["2027-01-01", "元旦"], "2027-10-01"], "workdays": [["2027-09-26", "国庆调休"]]}}}
    days, notes, years = workdays.parse_update(update)
    cal = workdays.calendar(days, years)
    assert cal.knows(2027) and cal.deadline(complete, 5) == date(2027, 1, 5)
    assert cal.fallback_years(complete, date(2027, 1, 5)) == []
    assert CAL.fallback_years(complete, date(2027, 1, 4)) == [2027]
    assert cal.is_workday(date(2027, 9, 26)) and notes[date(2027, 9, 26)] == "国庆调休"
    # The update may also correct a year the library knows, day by day.
    fixed = workdays.calendar({date(2026, 10, 9): False}, [])
    assert fixed.deadline(date(2026, 9, 24), 5) == date(2026, 10, 10)


@pytest.mark.parametrize("bad", [
    {"kind": "codes"},
    {"kind": "workdays", "years": {"2027": {"holidays": ["2026-01-01"]}}},
    {"kind": "workdays", "years": {"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}},
    {"kind": "workdays", "years": {"2027": {"holidays": ["2027-13-01"]}}},
])
def test_a_bad_calendar_update_is_refused(bad):
    with pytest.raises(ValueError):
        workdays.parse_update(bad)


def test_supplement_pause_stops_the_clock_from_the_day_after_asking_until_the_material_arrives():
    complete = date(2025, 9, 26)
    pause = Pause(date(2025, 9, 29), date(2025, 10, 10))
    # Counted: 09-28 (worked Sunday), 09-29 (day asked); stopped 09-30..10-10; then 10-11 (worked Sat), 10-13, 10-14.
    assert CAL.deadline(complete, 5, [pause]) == date(2025, 10, 14)
    assert CAL.count(complete, date(2025, 10, 14), [pause]) == 5
    still_waiting = Pause(date(2025, 9, 29))
    assert CAL.deadline(complete, 5, [still_waiting]) is None
    c = rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(still_waiting,), today=date(2025, 10, 20))
    assert c.paused and not c.overdue and c.due_on is None and c.remaining == 3
    assert c.text() == "补正暂停，剩余 3 个工作日"
    # A pause after the limit had run out changes nothing.
    assert CAL.deadline(complete, 2, [Pause(date(2025, 10, 9))]) == date(2025, 9, 29)


def test_extension_and_the_clock_day_by_day():
    complete = date(2026, 2, 12)
    due = rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(), today=date(2026, 2, 24))
    assert (due.due_on, due.remaining, due.due_soon, due.overdue) == (date(2026, 2, 26), 2, True, False)
    assert due.text() == "剩余 2 个工作日"
    assert rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(), today=date(2026, 2, 26)).text() == "今天到期"
    late = rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(), today=date(2026, 3, 2))
    assert late.overdue and late.remaining == -3 and late.text() == "超期 3 个工作日"  # 02-27, 02-28 (worked Sat), 03-02
    longer = rules.clock(CAL, complete_on=complete, limit=5, extension=4, pauses=(), today=date(2026, 3, 2))
    assert longer.due_on == date(2026, 3, 3) and not longer.overdue and longer.remaining == 1
    done = rules.clock(CAL, complete_on=complete, limit=5, extension=0, pauses=(), today=date(2026, 3, 9),
                       finished_on=date(2026, 2, 25))
    assert not done.running and not done.overdue and done.used == 4 and done.text() == ""
    waiting = rules.clock(CAL, complete_on=None, limit=5, extension=0, pauses=(), today=date(2026, 3, 9))
    assert waiting.remaining is None and waiting.text() == "材料齐全后起算"


def test_numbers_and_limits():
    assert rules.review_number(2026, "北山", 7) == "（2026）北山合审字第0007号"
    with pytest.raises(ValueError):
        rules.review_number(2026, "北山", 0)
    assert [rules.limit_for(t) for t in ("normative", "major_decision", "enforcement", "agreement",
                                         "party_normative", "other", "new_type")] == [7, 15, 5, 5, 7, 5, 5]
    assert rules.limit_for("normative", {"normative": 10}) == 10


def test_statistics_rates():
    f = rules.ItemFacts
    items = [
        f("1", "normative", date(2026, 1, 5), "opinion", "lawful", "adopted", date(2026, 1, 8), date(2026, 1, 14), 3),
        f("2", "normative", date(2026, 1, 20), "opinion", "lawful_amended", "partly", date(2026, 2, 10), date(2026, 2, 5), 10),
        f("3", "agreement", date(2026, 2, 3), "archived", "unlawful", "not_adopted", date(2026, 2, 6), date(2026, 2, 10), 2),
        f("4", "enforcement", date(2026, 2, 9), "returned", "", "", None, None, None),
        f("5", "enforcement", date(2026, 2, 27), "reviewing", "", "", None, date(2026, 3, 6), None),
        f("6", "other", date(2026, 3, 2), "opinion", "lawful", "", None, None, None),  # imported without a date
        f("7", "other", date(2025, 12, 30), "opinion", "lawful", "adopted", date(2026, 1, 2), date(2026, 1, 9), 1),
    ]
    s = rules.statistics(items, date(2026, 1, 1), date(2026, 3, 31))
    assert (s.total, s.reviewed, s.returned, s.unlawful, s.pending) == (6, 4, 1, 1, 1)
    # 审查率 = reviewed ÷ needing review: the returned item needed none (issue 19)
    assert s.needing == 5 and s.review_rate == 4 / 5 and s.unlawful_or_returned == 2
    assert (s.adopted, s.adoption_known, s.not_adopted) == (2, 3, 1) and s.adoption_rate == 2 / 3
    assert (s.timed, s.on_time) == (3, 2) and s.average_days == 5.0
    assert s.by_type == {"normative": 2, "agreement": 1, "enforcement": 2, "other": 1}
    assert s.by_month == {"2026-01": 2, "2026-02": 3, "2026-03": 1}
    assert s.months() == ["2026-01", "2026-02", "2026-03"]
    assert rules.percent(s.review_rate) == "80.0%" and rules.percent(None) == "—"
    listed = rules.statistics(items, date(2026, 1, 1), date(2026, 3, 31), unreviewed=3)  # 应审未审 from the list
    assert listed.needing == 8 and listed.review_rate == 4 / 8
    empty = rules.statistics([], date(2026, 1, 1), date(2026, 1, 31))
    assert empty.review_rate is None and empty.average_days is None
