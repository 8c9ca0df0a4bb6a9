"""Helpers shared by the case tests: a roster, a valid intake, a case carried through stages."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.parties import PartyInput
from xihu_desk.domain.roles import Role
from xihu_desk.services import auth, cases, mediators, users
from xihu_desk.services.context import Actor, cli_actor
from xihu_desk.store.models import Committee

HEAD_PASSWORD = "Office-chief-2026"
ACCEPTED = date(2026, 3, 2)


def head_actor(db) -> Actor:
    """A 所长 account (edits and files cases, keeps the roster)."""
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        if "head" not in {u.username for u in users.list_users(s, admin)}:
            users.create_user(s, admin, users.UserCommand("head", "陈所长", Role.HEAD.value, HEAD_PASSWORD))
    return auth.sign_in(db, "head", HEAD_PASSWORD)


def committee_uuid(db) -> str:
    with db.read() as s:
        return s.scalar(select(Committee.uuid).where(Committee.name == "北山街道人民调解委员会"))


def roster(db, actor: Actor, names=("周调解", "吴调解")) -> list[str]:
    cu = committee_uuid(db)
    with db.write() as s:
        return [mediators.create_mediator(s, actor, mediators.MediatorCommand(n, cu)).uuid for n in names]


def parties() -> tuple[PartyInput, ...]:
    return (
        PartyInput("applicant", "person", "张三", id_number="330106198001010013", phone="13800000001",
                   address="杭州市西湖区文三路1号"),
        PartyInput("respondent", "person", "李四", id_number="11010519491231002X", phone="13800000002"),
    )


def intake(db, mediator_uuids: list[str], **overrides) -> cases.IntakeCommand:
    values = dict(
        committee_uuid=committee_uuid(db), intake_form="application", source="apply", dispute_type="02",
        accepted_on=ACCEPTED, summary="两家因楼上漏水发生争执。", claims="1. 修复漏水\n2. 赔偿损失 3000 元",
        parties=parties(), mediators=tuple(cases.MediatorAssignment(u, lead=(i == 0)) for i, u in enumerate(mediator_uuids)),
        amount_fen=300000,
    )
    values.update(overrides)
    return cases.IntakeCommand(**values)


def record(kind="mediation", when=datetime(2026, 3, 5, 9, 30)) -> cases.RecordInput:
    return cases.RecordInput(kind=kind, held_at=when, place="北山街道调解室", body="双方陈述事实，经调解达成一致。",
                             matter="漏水纠纷", subject="张三、李四", mediators="周调解", recorder="吴调解",
                             notice_announced=True)


def written_agreement(**overrides) -> cases.AgreementInput:
    values = dict(form="written", effective_on=date(2026, 3, 6), clauses=("李四于3月20日前修复漏水", "李四赔偿张三3000元"),
                  performance_method="银行转账", performance_deadline=date(2026, 3, 20), performance_place="杭州市西湖区",
                  facts="李四家卫生间漏水导致张三家天花板受损。", disputed="修复责任与赔偿金额", amount_fen=300000)
    values.update(overrides)
    return cases.AgreementInput(**values)


def cli_like() -> Actor:
    return cli_actor()
