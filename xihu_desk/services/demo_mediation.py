"""How the demo's cases are mediated, so that a district reviewer would believe them: committees
named after communities of their own street (db/reference/communities.json); records kept by the
committee's own mediators in a named room; agreements whose clauses match how they are performed;
about half of the settled disputes settled on the spot under the simple procedure (简易程序);
some cases at the signing table (clauses typed into the record, the agreement not yet registered).

Everything goes through the real services, so every rule and every audit applies.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk import paths
from xihu_desk.domain.parties import PartyInput
from xihu_desk.services import cases, simple_cases
from xihu_desk.services.context import Actor
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee, OrgUnit

# Of all demo disputes, the share settled on the spot (oral agreement, simple procedure): with the
# ordinary cases that settle, about half of the settled ones (domain.md §2.9, §3.5).
ON_THE_SPOT = 0.45
ROOMS = ("调解室", "党群服务中心调解室", "“老娘舅”调解工作室", "矛盾纠纷调解中心")


@cache
def _communities() -> dict[str, tuple[str, ...]]:
    data = json.loads((paths.reference_dir() / "communities.json").read_text(encoding="utf-8"))
    return {s["org"]: tuple(s["communities"]) for s in data["streets"]}


def communities(org_code: str) -> tuple[str, ...]:
    """The communities (villages) of one street or town, from the reference list."""
    return _communities().get(org_code, ())


@dataclass(frozen=True)
class People:
    """Who mediates and records a case, and where (the committee's own room)."""

    mediators: list[str]  # names, the lead first
    recorder: str
    place: str
    committee: str


def people(session: Session, rng: random.Random, committee_uuid: str, team: list[str]) -> People:
    names = [m.name for m in (session.get(Mediator, u) for u in team) if m is not None]
    committee = session.get(Committee, committee_uuid)
    full = committee.name if committee else ""
    short = full.removesuffix("人民调解委员会")
    # the recorder is a colleague on the same roster, not one of the mediators when another exists
    roster = session.scalars(
        select(Mediator.name)
        .where(Mediator.committee_uuid == committee_uuid, Mediator.deleted.is_(False))
        .order_by(Mediator.name_key)
    )
    colleagues = [n for n in roster if n not in names]
    recorder = rng.choice(colleagues) if colleagues else names[-1]
    room = ROOMS[0] if short.endswith("村") else rng.choice(ROOMS)
    return People(names, recorder, f"{short}{room}", full)


def registrar(session: Session, rng: random.Random, roster: list[str]) -> str:
    """Who registers a case: one of the committee's own mediators."""
    mediator = session.get(Mediator, rng.choice(roster)) if roster else None
    return mediator.name if mediator is not None else ""


def police_station(session: Session, committee_uuid: str) -> str:
    """The police station of the committee's street that referred a case (杭州市公安局西湖区分局北山派出所)."""
    committee = session.get(Committee, committee_uuid)
    unit = session.get(OrgUnit, committee.org_code) if committee is not None else None
    if unit is None or unit.kind == "district":
        return "杭州市公安局西湖区分局"
    return f"杭州市公安局西湖区分局{unit.name.removesuffix('街道').removesuffix('镇')}派出所"


# Made-up property companies with Xihu place words (a real company's name would accuse it of a dispute).
PROPERTY_WORDS = ("西溪", "文新", "翠苑", "古荡", "紫金", "桂花", "黄龙", "玉泉", "留和", "之江", "三墩", "蒋村")


def property_company(rng: random.Random) -> str:
    return f"杭州{rng.choice(PROPERTY_WORDS)}{rng.choice(['物业服务', '物业管理'])}有限公司"


def mediation_record(
    rng: random.Random, held: datetime, parties: list[PartyInput], who: People, body: str = ""
) -> cases.RecordInput:
    app, resp = parties[0].name, parties[1].name
    lead = who.mediators[0]
    body = body or (
        f"调解员{lead}告知双方权利义务后，{app}陈述了纠纷经过和要求，{resp}陈述了意见。"
        f"调解员结合有关法律规定释法说理，分别做双方工作，双方在互谅互让的基础上充分协商。"
    )
    return cases.RecordInput(
        "mediation",
        held,
        who.place,
        body,
        matter="纠纷调解",
        subject=f"{app}、{resp}",
        mediators="、".join(who.mediators),
        recorder=who.recorder,
        notice_announced=True,
    )


# -- agreements whose clauses match their way of performance ---------------------------------------

PAY_METHODS = ("银行转账", "微信转账", "现金当面交付")


def agreement_terms(
    rng: random.Random, parties: list[PartyInput], amount_fen: int, on: date, who: People, *, on_the_spot: bool
) -> tuple[tuple[str, ...], str, str, date | None]:
    """Clauses, way of performance, place and deadline that agree with one another: a payment
    names how and by when it is paid; a repair is done at the home it concerns; a settlement on
    the spot is performed there and then."""
    app, resp = parties[0].name, parties[1].name
    yuan = amount_fen // 100
    if amount_fen:
        # larger sums go by bank transfer (a WeChat transfer or cash of tens of thousands is not believable)
        method = "现金当面交付" if on_the_spot else rng.choice(PAY_METHODS if yuan <= 5000 else PAY_METHODS[:1])
        if on_the_spot:
            pay = f"{resp}当场以现金向{app}支付人民币{yuan}元，{app}当场收讫。"
            return ((pay, "双方就本纠纷再无其他争议。"), method, who.place, None)
        deadline = on + timedelta(days=rng.choice([7, 15, 30]))
        how = {
            "银行转账": f"转入{app}指定的银行账户",
            "微信转账": f"通过微信转账支付给{app}",
            "现金当面交付": f"在{who.place}以现金当面交付{app}",
        }[method]
        place = {"银行转账": f"{app}指定的银行账户", "微信转账": f"{app}的微信账户", "现金当面交付": who.place}[method]
        clauses: tuple[str, ...] = (
            f"{resp}于{deadline:%Y年%m月%d日}前一次性支付{app}人民币{yuan}元，款项{how}。",
            f"{app}收到上述款项后，不再就本纠纷向{resp}主张其他权利。",
            "本协议履行完毕后，双方就本纠纷再无其他争议。",
        )
        return clauses, method, place, deadline
    if on_the_spot:
        clauses = (f"{resp}当场向{app}赔礼道歉，{app}表示谅解。", "双方今后和睦相处，不再就此事发生争执。")
        return clauses, "当场履行", who.place, None
    deadline = on + timedelta(days=rng.choice([7, 10, 15]))
    home = parties[0].address or "申请人住所"
    clauses = (
        f"{resp}于{deadline:%Y年%m月%d日}前自行负责完成维修并恢复原状，费用由{resp}承担。",
        f"{app}为维修提供必要的便利。",
        "双方今后和睦相处，不再就此事发生争执。",
    )
    return clauses, "自行维修", home, deadline


def record_agreement(
    session: Session,
    actor: Actor,
    rng: random.Random,
    uuid: str,
    parties: list[PartyInput],
    amount_fen: int,
    on: date,
    who: People,
    written: bool,
) -> None:
    clauses, method, place, deadline = agreement_terms(rng, parties, amount_fen, on, who, on_the_spot=False)
    cases.record_agreement(
        session,
        actor,
        uuid,
        cases.AgreementInput(
            form="written" if written else "oral",
            effective_on=on,
            clauses=clauses,
            performance_method=method,
            performance_deadline=deadline,
            performance_place=place,
            facts="双方就上述纠纷经调解查明事实。" if written else "",
            disputed="责任承担与补偿金额",
            amount_fen=amount_fen,
            registrar=who.recorder,
        ),
    )


def signing_table(
    session: Session,
    actor: Actor,
    rng: random.Random,
    uuid: str,
    parties: list[PartyInput],
    amount_fen: int,
    held: datetime,
    who: People,
) -> None:
    """A case at the signing table: the clauses are typed into the last mediation record and kept as
    the case's draft agreement (草稿, services/agreement_drafts.py), the parties are reading them,
    the agreement is not yet registered (the case stays 调解中)."""
    from xihu_desk.services import agreement_drafts

    clauses, method, place, deadline = agreement_terms(rng, parties, amount_fen, held.date(), who, on_the_spot=False)
    listed = "".join(f"{i}. {c}" for i, c in enumerate(clauses, 1))
    body = (
        f"经调解，双方达成一致意见，拟定协议条款如下：{listed}履行方式：{method}。"
        "条款已向双方宣读，待双方核对无误后签字，再登记调解协议。"
    )
    typed_at = held + timedelta(hours=2)
    cases.add_record(session, actor, uuid, mediation_record(rng, typed_at, parties, who, body))
    agreement_drafts.save(
        session,
        actor,
        uuid,
        cases.AgreementInput(
            form="written",
            effective_on=None,
            clauses=clauses,
            performance_method=method,
            performance_deadline=deadline,
            performance_place=place,
            facts="双方就上述纠纷经调解查明事实。",
            disputed="责任承担与补偿金额",
            amount_fen=amount_fen,
            registrar=who.recorder,
        ),
    )


# -- the simple procedure --------------------------------------------------------------------------


def on_the_spot(rng: random.Random) -> bool:
    return rng.random() < ON_THE_SPOT


def simple_case(
    session: Session, actor: Actor, rng: random.Random, intake: cases.IntakeCommand, today: date, team: list[str]
) -> str:
    """A dispute settled where it arose: intake, parties, the oral agreement and its register in
    one step; most are performed there and then; older ones filed."""
    who = people(session, rng, intake.committee_uuid, team)
    parties = list(intake.parties)
    amount = min(intake.amount_fen, 300000)  # on-the-spot settlements are small sums
    spot = rng.random() < 0.75
    clauses, method, place, deadline = agreement_terms(rng, parties, amount, intake.accepted_on, who, on_the_spot=spot)
    ref = simple_cases.open_simple_case(
        session,
        actor,
        simple_cases.SimpleCaseCommand(
            committee_uuid=intake.committee_uuid,
            source="initiative" if rng.random() < 0.7 else "apply",
            dispute_type=intake.dispute_type,
            settled_on=intake.accepted_on,
            summary=intake.summary,
            parties=intake.parties,
            mediators=intake.mediators,
            clauses=clauses,
            performance_method=method,
            performance_deadline=deadline,
            performed_on_the_spot=spot,
            performance_place=place,
            amount_fen=amount,
            registrar=who.recorder,
        ),
    )
    age = (today - intake.accepted_on).days
    if not spot and deadline is not None and deadline + timedelta(days=3) <= today:
        cases.add_followup(
            session,
            actor,
            ref.uuid,
            cases.FollowUpInput(
                deadline + timedelta(days=rng.randrange(1, 4)), parties[0].name, who.mediators[0], "full", "satisfied"
            ),
        )
    if age > 45 and rng.random() < 0.85 and cases.get_case(session, ref.uuid).followup_due is None:
        cases.file_case(
            session, actor, ref.uuid, "10y", min(today, intake.accepted_on + timedelta(days=rng.randrange(10, 40)))
        )
    return ref.uuid


def first_session(accepted: date, age: int, rng: random.Random) -> datetime:
    """The first session a few days after intake, in office hours."""
    return datetime.combine(
        accepted + timedelta(days=min(age - 1, rng.randrange(1, 6))),
        time(rng.choice([9, 10, 14, 15]), rng.choice([0, 30])),
    )
