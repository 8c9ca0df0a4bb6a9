"""Helpers of the roster and grading tests: a roster with profiles, cases of every kind made
through the real case services, and a small rule set whose thresholds a few cases can meet."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.services import cases, grading, mediators
from xihu_desk.services.context import Actor

# ID numbers with valid check characters (GB 11643), adults, the 17th digit matching the gender.
IDS = {"周调解": ("男", "330106197003150015"), "吴调解": ("女", "330106198208080027"),
       "郑调解": ("男", "330106196511110031"), "王律师": ("男", "330106198001010013")}


def mediator(db, actor: Actor, who: str, employment: str = "part_time", appointed: date = date(2020, 3, 1),
             **changes) -> str:
    gender, number = IDS.get(who, ("", ""))
    cmd = mediators.MediatorCommand(who, casekit.committee_uuid(db), gender=gender, id_number=number,
                                    phone="13900000000", employment_type=employment, appointed_on=appointed,
                                    education="bachelor", political_status="cpc", source="cadre",
                                    registered_on=appointed + timedelta(days=10), registration_no=f"西司调备{who}")
    if changes:
        cmd = mediators.MediatorCommand(**{**cmd.__dict__, **changes})
    with db.write() as s:
        return mediators.create_mediator(s, actor, cmd).uuid


KINDS = ("open", "written", "oral", "failed", "terminated")


def make_case(db, actor: Actor, team: list[str], accepted: date, kind: str, *, difficulty: str = "ordinary",
              followups: int = 0, confirmed: bool = False) -> str:
    """A case carried to ``kind`` through the services: still open, succeeded with a written or an
    oral agreement (with follow-up visits, a judicial confirmation), failed or terminated."""
    with db.write() as s:
        ref = cases.open_case(s, actor, casekit.intake(db, team, accepted_on=accepted, difficulty=difficulty))
        if kind == "open":
            return ref.uuid
        cases.record_notice(s, actor, ref.uuid, accepted, "oral")
        held = datetime.combine(accepted + timedelta(days=2), time(9, 30))
        cases.add_record(s, actor, ref.uuid, casekit.record(when=held))
        done = held.date()
        if kind in ("failed", "terminated"):
            cases.close_without_agreement(s, actor, ref.uuid, Outcome(kind), done, "双方分歧较大。", routes_told=True)
            return ref.uuid
        cases.record_agreement(s, actor, ref.uuid, casekit.written_agreement(
            form=kind, effective_on=done, performance_deadline=done + timedelta(days=20),
            facts="查明的事实。" if kind == "written" else ""))
        for i in range(followups):
            cases.add_followup(s, actor, ref.uuid, cases.FollowUpInput(
                done + timedelta(days=10 + 20 * i), "张三", "周调解", "partial", "satisfied"))
        if confirmed:
            cases.record_confirmation(s, actor, ref.uuid, cases.ConfirmationInput(
                done + timedelta(days=5), "杭州市西湖区人民法院", "confirmed", done + timedelta(days=9), "（2025）浙0106民特1号"))
    return ref.uuid


def varied_cases(db, actor: Actor, roster: list[str], n: int, seed: int, start: date, end: date) -> list[str]:
    """``n`` cases with random teams, dates, difficulty and outcomes (deterministic for a seed)."""
    rng = random.Random(seed)
    made = []
    span = (end - start).days
    for _ in range(n):
        team = rng.sample(roster, k=rng.choice([1, 1, 2]))
        kind = rng.choice(KINDS + ("written", "oral"))
        made.append(make_case(
            db, actor, team, start + timedelta(days=rng.randrange(span + 1)), kind,
            difficulty=rng.choice(["simple", "ordinary", "ordinary", "complex", "major"]),
            followups=rng.choice([0, 1, 2]) if kind in ("written", "oral") else 0,
            confirmed=kind == "written" and rng.random() < 0.4))
    return made


SMALL_RULES = {
    "code": "test-small", "name": "测试用评定标准", "effective_on": "2020-01-01", "source": "测试",
    "window_years": None, "notice_days": 5, "eligible": ["full_time", "part_time"],
    "basic": [{"metric": "discipline", "max": 0}, {"metric": "training_hours", "min": 4, "example": True}],
    "levels": [
        {"code": "A", "name": "甲级", "thresholds": [{"metric": "cases_total", "min": 6},
                                                    {"metric": "success_rate", "min": 90}]},
        {"code": "B", "name": "乙级", "thresholds": [{"metric": "years_of_service", "min": 1},
                                                    {"metric": "cases_total", "min": 3},
                                                    {"metric": "success_rate", "min": 60},
                                                    {"metric": "oral_share", "max": 50}]},
    ],
}


def small_rules(db) -> None:
    from xihu_desk.services.context import cli_actor

    with db.write() as s:
        grading.save_rule_set(s, cli_actor(), SMALL_RULES)
