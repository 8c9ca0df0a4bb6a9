"""Committees as they are (issue 18): particulars kept as versions, members with roles and
terms (a change of role closes one row and opens another), one person in several committees,
and the composition rules of 人民调解法第八条 shown as warnings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.domain import committee_rules as rules
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import committee_roster as roster
from xihu_desk.services import committees, mediators
from xihu_desk.store.committee_models import CommitteeMember, CommitteeProfile

TODAY = date(2026, 12, 3)


def _people(db, actor, spec):
    cu = casekit.committee_uuid(db)
    with db.write() as s:
        return [mediators.create_mediator(s, actor, mediators.MediatorCommand(n, cu, gender=g)).uuid for n, g in spec]


def test_rules_warn_where_the_law_asks_and_only_there():
    men = [rules.Seat(n, r, "男", False) for n, r in (("甲", "chair"), ("乙", "member"), ("丙", "member"))]
    found = rules.warnings("community", True, men)
    assert any("妇女" in w for w in found) and any("少数民族" in w or "人数较少民族" in w for w in found)
    assert rules.warnings("studio", True, men) == []  # a personal studio is not an Art 8 committee
    ok = men[:2] + [rules.Seat("丁", "member", "女", True)]
    assert rules.warnings("street", True, ok) == []
    two = rules.warnings("street", False, ok[:2] + [rules.Seat("戊", "mediator", "女", False)])
    assert any("3 至 9" in w for w in two) and any("妇女" in w for w in two)  # 调解员 are not members


def test_members_roles_terms_and_history(db):
    head = casekit.head_actor(db)
    chair, member, woman = _people(db, head, (("赵主任", "男"), ("钱委员", "男"), ("孙委员", "女")))
    cu = casekit.committee_uuid(db)
    with db.write() as s:
        roster.set_profile(s, head, cu, roster.ProfileInput(
            date(2024, 1, 1), "street", registered_on=date(2010, 5, 1), filed_on=date(2010, 6, 1),
            seal="北山街道人民调解委员会印", address="杭州市西湖区北山街道", phone="0571-87000000", reason="成立"))
        roster.add_member(s, head, cu, chair, "chair", date(2024, 1, 1))
        roster.add_member(s, head, cu, member, "member", date(2024, 1, 1))
    with db.read() as s:
        view = roster.committee_view(s, cu, TODAY)
    assert view.kind == "street" and view.registered_on == date(2010, 5, 1) and view.chair == "赵主任"
    assert [m.term_end for m in view.members] == [date(2026, 12, 31)] * 2  # three years (Art 9)
    assert any("妇女" in w for w in view.warnings) and any("3 至 9" in w for w in view.warnings)
    with db.write() as s:
        roster.add_member(s, head, cu, woman, "member", date(2024, 1, 1))
        row = roster.find_member(s, cu, "钱委员", TODAY)
        roster.change_role(s, head, row.uuid, "vice_chair", date(2025, 3, 1), "补选副主任")
        roster.set_profile(s, head, cu, roster.ProfileInput(date(2025, 6, 1), "street", registered_on=date(2010, 5, 1),
                                                           address="杭州市西湖区曙光路", reason="迁址"))
        with pytest.raises(FieldError):  # already serving: a second row would hide a change of role
            roster.add_member(s, head, cu, woman, "chair", date(2025, 1, 1))
    with db.read() as s:
        view = roster.committee_view(s, cu, TODAY)
        earlier = roster.committee_view(s, cu, date(2024, 6, 1))
        assert s.scalar(select(func.count()).select_from(CommitteeProfile)) == 2  # kept, not overwritten
        assert s.scalar(select(func.count()).select_from(CommitteeMember)) == 4
    assert view.warnings == []
    assert [(m.name, m.role) for m in view.members] == [("赵主任", "chair"), ("钱委员", "vice_chair"), ("孙委员", "member")]
    assert [(m.name, m.role, m.term_end) for m in view.past_members] == [("钱委员", "member", date(2025, 2, 28))]
    assert view.profile and view.profile.address == "杭州市西湖区曙光路" and len(view.profiles) == 2
    assert earlier.profile and earlier.profile.address == "杭州市西湖区北山街道"
    assert ("钱委员", "member") in [(m.name, m.role) for m in earlier.members]


def test_one_person_serves_several_committees(db):
    head = casekit.head_actor(db)
    (person,) = _people(db, head, (("周兼任", "女"),))
    admin = casekit.cli_like()
    with db.write() as s:
        other = committees.create_committee(s, admin, committees.CommitteeCommand(
            "北山街道北山社区人民调解委员会", "", "330106002", "community")).uuid
        roster.add_member(s, head, casekit.committee_uuid(db), person, "member", date(2025, 1, 1))
        roster.add_member(s, head, other, person, "chair", date(2025, 1, 1))
    with db.read() as s:
        views = {v.uuid: v for v in roster.committee_views(s, TODAY)}
    assert views[other].chair == "周兼任" and views[other].kind == "community"
    assert [m.name for m in views[casekit.committee_uuid(db)].members] == ["周兼任"]
