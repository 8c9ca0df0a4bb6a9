"""矛盾纠纷排查 (dispute screening): the words of the register and its rules, free of storage.

Offices look for disputes before they are brought to them: a screening round (排查) by visits,
meetings, an information officer's report or the grid's report, with what it found; a period with
nothing found is reported as such (零报告). A found dispute becomes a case, is resolved on the spot,
or is referred elsewhere; a serious one goes on the 重点矛盾纠纷 ledger with a person responsible and
a date by which it is checked again.
"""

from __future__ import annotations

from datetime import date, timedelta

METHODS = {"visit": "走访", "meeting": "座谈", "informant": "信息员报告", "grid": "网格上报"}
RISKS = {"general": "一般", "major": "较大", "serious": "重大"}
STATUSES = {"open": "待处置", "case": "已转为案件", "resolved": "当场化解", "referred": "已移交"}
OFFICER_KINDS = {"grid": "网格员", "building": "楼道长", "other": "其他信息员"}
CHANGE_KINDS = {"correct": "更正", "void": "作废"}  # what was done to a recorded round
# How the found dispute was closed, when it was not made a case.
CLOSINGS = ("resolved", "referred")
# A serious (重大) dispute is always on the 重点 ledger; a first check within a week is the default,
# a check due within NOTICE_DAYS is listed among the home page's 待办.
FIRST_CHECK_DAYS = 7
NOTICE_DAYS = 3


def first_check(found_on: date) -> date:
    return found_on + timedelta(days=FIRST_CHECK_DAYS)


def check_due(next_check_on: date | None, today: date) -> bool:
    """Is a check of a watched dispute due (or overdue) so that the 待办 list names it?"""
    return next_check_on is not None and next_check_on <= today + timedelta(days=NOTICE_DAYS)


def officer_serving(active: bool, deactivated_on: date | None, reactivated_on: date | None, day: date) -> bool:
    """Was an information officer serving on ``day``? Deactivated (停用) from ``deactivated_on`` until
    ``reactivated_on``; an inactive one without a date (before 停用 had dates) is not serving."""
    if deactivated_on is None:
        return active
    if day < deactivated_on:
        return True
    return active and reactivated_on is not None and reactivated_on <= day
