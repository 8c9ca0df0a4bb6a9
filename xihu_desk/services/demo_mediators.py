"""Demo roster: profiles, earlier appointments, trainings, awards, a complaint or two, a 特邀
lawyer, grades from an earlier assessment and one assessment under way; made through the real
services, so every rule and audit applies. Mediators that already have a profile are left alone."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from xihu_desk.domain.grading import DEFAULT_RULE_SET, best_level
from xihu_desk.services import grading, mediators
from xihu_desk.services.context import Actor
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee, OrgUnit


def _unit_of(session: Session, committee_uuid: str) -> OrgUnit | None:
    committee = session.get(Committee, committee_uuid)
    return session.get(OrgUnit, committee.org_code) if committee is not None else None


TOPICS = (
    "人民调解法及相关法律法规",
    "婚姻家庭纠纷调解实务",
    "物业纠纷调解技巧",
    "道路交通事故损害赔偿",
    "矛盾纠纷排查与风险研判",
    "调解协议书制作规范",
    "民法典合同编解读",
    "劳动争议调解要点",
    "心理疏导与沟通技巧",
    "“枫桥经验”与基层治理",
    "司法确认程序",
    "个人信息保护与保密义务",
)
ORGANISERS = ("西湖区司法局", "杭州市司法局", "西湖区人民调解员协会", "{office}", "浙江省人民调解协会")
AWARDS = (
    ("优秀人民调解员", "district"),
    ("金牌调解员", "municipal"),
    ("人民调解先进个人", "provincial"),
    ("“和事佬”调解能手", "township"),
    ("平安西湖建设先进个人", "district"),
)
EDUCATION = ("senior", "college", "college", "bachelor", "bachelor", "bachelor", "master", "junior")
POLITICAL = ("cpc", "cpc", "cpc", "none", "none", "democratic", "league")
SOURCES = ("cadre", "cadre", "purchased", "purchased", "retired_legal", "other")
LEGAL = ("", "", "", "", "judicial_exam", "legal_worker")


def _id_for(rng: random.Random, gender: str, born_from: int, born_to: int) -> str:
    birth = date(born_from, 1, 1) + timedelta(days=rng.randrange((born_to - born_from) * 365))
    seq = rng.randrange(1, 499) * 2 + (1 if gender == "男" else 0)  # the 17th digit: odd for men
    body = f"330106{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def fill_roster(session: Session, actor: Actor, rng: random.Random, fake: Faker, today: date) -> int:
    """Profiles and logs for the mediators without a profile; returns how many were filled in."""
    today = min(today, actor.today)
    rows = [m for m in mediators.list_mediators(session, active_only=False)]
    bare = [r for r in rows if session.get_one(Mediator, r.uuid).appointed_on is None]
    if not bare:
        return 0
    year = today.year
    streets = list(
        session.scalars(
            select(OrgUnit).where(OrgUnit.kind != "district", OrgUnit.retired.is_(False)).order_by(OrgUnit.code)
        )
    )
    for n, r in enumerate(bare):
        m = session.get_one(Mediator, r.uuid)
        unit = _unit_of(session, m.committee_uuid)
        # the office that trains and the government that commends: this street's, by name
        office = f"{unit.name.removesuffix('街道').removesuffix('镇')}司法所" if unit else "西湖区司法局"
        local = (
            (f"{unit.name}办事处" if unit.kind == "street" else f"{unit.name}人民政府") if unit else "西湖区人民政府"
        )
        gender = m.gender or rng.choice("男女")
        first_case = grading.first_day(session, m.uuid) or today - timedelta(days=400)
        appointed = first_case - timedelta(days=rng.randrange(30, 6 * 365))
        mediators.update_mediator(
            session,
            actor,
            m.uuid,
            mediators.MediatorCommand(
                name=m.name,
                committee_uuid=m.committee_uuid,
                gender=gender,
                phone=m.phone or fake.phone_number(),
                id_number=_id_for(rng, gender, 1958, 1990),
                employment_type=m.employment_type,
                appointed_on=appointed,
                education=rng.choice(EDUCATION),
                political_status=rng.choice(POLITICAL),
                source=rng.choice(SOURCES),
                legal_qualification=rng.choice(LEGAL),
                appointment_end=None,
                registered_on=min(today, appointed + timedelta(days=rng.randrange(10, 60))),
                registration_no=f"西司调备〔{appointed.year}〕{rng.randrange(1, 300):03d}号",
            ),
        )
        if rng.random() < 0.25:  # served on another committee before: years add up
            start = appointed - timedelta(days=rng.randrange(2, 5) * 365)
            mediators.add_appointment(
                session,
                actor,
                m.uuid,
                mediators.AppointmentInput(
                    start,
                    appointed - timedelta(days=rng.randrange(1, 90)),
                    f"{rng.choice([u for u in streets if u is not unit] or streets).name}人民调解委员会",
                    "原聘任",
                ),
            )
        for _ in range(rng.randrange(2, 7)):
            held = today - timedelta(days=rng.randrange(5, 3 * 365))
            mediators.add_training(
                session,
                actor,
                m.uuid,
                mediators.TrainingInput(
                    held,
                    rng.choice(TOPICS),
                    rng.choice(["2", "3", "4", "4", "6", "8", "2.5", "16"]),
                    rng.choice(ORGANISERS).format(office=office),
                ),
            )
        if rng.random() < 0.35 or n == 2:  # about a third honoured; the roster always shows one
            title, level = rng.choice(AWARDS)
            mediators.add_event(
                session,
                actor,
                m.uuid,
                mediators.EventInput(
                    "award",
                    date(rng.randrange(year - 3, year), 12, rng.randrange(10, 28)),
                    f"{title}",
                    "西湖区司法局"
                    if level == "district"
                    else "杭州市司法局"
                    if level == "municipal"
                    else "浙江省司法厅"
                    if level == "provincial"
                    else local,
                    outcome=level,
                ),
            )
        if n in (1, 5):  # a complaint or two: one found untrue, one a mild case of partiality
            upheld = n == 5
            mediators.add_event(
                session,
                actor,
                m.uuid,
                mediators.EventInput(
                    "complaint",
                    today - timedelta(days=rng.randrange(30, 500)),
                    "当事人反映调解员偏向对方" if upheld else "当事人对调解结果不满意，反映调解员态度生硬",
                    "当事人来电",
                    art15="partial" if upheld else "",
                    outcome="upheld" if upheld else "rejected",
                    note="经核查，调解员在协商中倾向一方意见，已批评教育" if upheld else "经调委会核查，反映情况不属实",
                ),
            )
            if upheld:
                mediators.add_event(
                    session,
                    actor,
                    m.uuid,
                    mediators.EventInput(
                        "discipline",
                        today - timedelta(days=rng.randrange(1, 25)),
                        "调解中偏袒一方当事人",
                        "调委会",
                        art15="partial",
                        outcome="criticism",
                    ),
                )
    _invited_lawyer(session, actor, rng, fake, bare[0].committee_uuid, today)
    _earlier_grades(session, actor, bare, today)
    _assessment_under_way(session, actor, bare, today)
    return len(bare)


def _invited_lawyer(
    session: Session, actor: Actor, rng: random.Random, fake: Faker, committee: str, today: date
) -> None:
    name = fake.name_male()
    if session.scalar(select(Mediator.uuid).where(Mediator.name == name)):
        return
    row = mediators.create_mediator(
        session,
        actor,
        mediators.MediatorCommand(
            name,
            committee,
            gender="男",
            phone=fake.phone_number(),
            id_number=_id_for(rng, "男", 1970, 1988),
            employment_type="invited",
            appointed_on=today - timedelta(days=500),
            education="master",
            political_status="cpc",
            legal_qualification="lawyer",
            source="lawyer",
            registered_on=today - timedelta(days=480),
            registration_no=f"西司调备〔{(today - timedelta(days=480)).year}〕{rng.randrange(300, 400)}号",
            note="特邀律师调解员，每周三到调委会值班",
        ),
    )
    mediators.add_training(
        session,
        actor,
        row.uuid,
        mediators.TrainingInput(today - timedelta(days=200), "特邀调解员岗前培训", "8", "西湖区司法局"),
    )


def _earlier_grades(session: Session, actor: Actor, bare: list, today: date) -> None:
    """A few mediators were graded in the last round (before this program), under Zhejiang's scheme."""
    graded_on = date(today.year - 1, 6, 30)
    for r, level in zip(bare[2:6], ("3", "3", "2", "3"), strict=False):
        m = session.get_one(Mediator, r.uuid)
        if m.employment_type == "invited" or m.appointed_on is None or m.appointed_on > graded_on:
            continue
        grading.set_grade(
            session,
            actor,
            m.uuid,
            DEFAULT_RULE_SET,
            level,
            graded_on,
            f"{graded_on.year}年度人民调解员等级评定（西司〔{graded_on.year}〕18号）",
        )


def _assessment_under_way(session: Session, actor: Actor, bare: list, today: date) -> None:
    """One application that the committee has checked, waiting for the office's pre-check."""
    rules = grading.get_rules(session, DEFAULT_RULE_SET)
    applied = today - timedelta(days=3)
    candidates = []
    for r in bare:
        m = session.get_one(Mediator, r.uuid)
        if m.employment_type == "invited" or m.grade:
            continue
        start, end = grading.default_window(session, rules, m.uuid, applied)
        best = best_level(rules, grading.evidence(session, actor, m.uuid, start, end))
        candidates.append((best is None, m.uuid, start, end, best.level if best else rules.levels[-1].code))
    if not candidates:
        return
    _missing, uuid, start, end, level = min(candidates, key=lambda c: c[0])  # one who qualifies, if any
    app = grading.apply(
        session,
        actor,
        grading.ApplyCommand(
            uuid,
            DEFAULT_RULE_SET,
            level,
            start,
            end,
            applied,
            "本人自聘任以来认真履行调解职责，积极参加业务培训，现申请参加人民调解员等级评定。",
        ),
    )
    grading.record_step(
        session,
        actor,
        app.uuid,
        grading.StepCommand("committee", True, today - timedelta(days=1), "经调委会讨论，同意推荐。"),
    )
