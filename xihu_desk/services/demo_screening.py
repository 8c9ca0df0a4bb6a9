"""Demo 矛盾纠纷排查, made through the real services (every rule and audit applies): for a few of this
node's committees, two information officers and ten weeks of screening in two-week periods,
each period either a round that found disputes (most handled on the spot or referred, a few still
open, some serious ones on the 重点 ledger with checks due) or a 零报告.

It draws from its own generator (seeded from SEED and the demo's seed), never from the demo's,
so the cases, parties and mediators the rest of the demo makes stay exactly as they were.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from xihu_desk.domain import screening as rules
from xihu_desk.services import committees, screening
from xihu_desk.services.context import Actor

SEED = 1818
PERIOD_DAYS = 14
PERIODS = 5
COMMITTEES = 4  # the first few by name: enough to show, quick to make
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢"
GIVEN = ("建国", "秀英", "海燕", "志强", "丽华", "国平", "桂芳", "晓东", "美玲", "文斌", "雪梅", "永明", "佳琪", "卫东")
PLACES = ("3 幢至 8 幢", "沿街商铺", "老旧小区加装电梯片区", "1 号网格", "2 号网格", "农贸市场", "出租房集中区")
# (dispute type, what happened) — short, the way a screening ledger is written
MATTERS = (
    ("02", "楼上卫生间漏水，楼下墙面发霉，双方多次争吵"),
    ("02", "邻居在楼道堆放杂物，影响通行，双方发生口角"),
    ("02", "深夜装修噪音扰民，邻居上门理论未果"),
    ("14", "业主以服务质量差为由拒交物业费，物业公司拟起诉"),
    ("14", "小区停车位分配引发业主与物业矛盾"),
    ("01", "老人赡养费分担问题，兄弟姐妹意见不一"),
    ("01", "夫妻因家庭琐事长期争吵，女方要求离婚"),
    ("03", "翻建房屋时越界占用邻居宅基地"),
    ("10", "装修工人工资被拖欠，工人多次上门讨要"),
    ("11", "顾客购买的预付卡商家闭店无法使用"),
    ("06", "宠物狗咬伤邻居小孩，医药费赔偿有争议"),
)
ACTIONS = ("当场劝解，约定三日内回访", "联系网格员共同上门做工作", "告知双方可申请人民调解", "已向社区报告")
REFERRALS = ("派出所", "综合执法队", "街道信访办", "劳动保障监察")
MEASURES = ("包案责任人每周上门了解情况", "社区、派出所共同稳控，防止矛盾激化", "约请双方亲属协助做工作")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def make_screening(session: Session, actor: Actor, demo_seed: int, today: date) -> int:
    """Screening rounds and 零报告 for this node's committees; returns how many were recorded."""
    rng = random.Random(SEED * 100_003 + demo_seed)
    made = 0
    first = today - timedelta(days=PERIOD_DAYS * PERIODS - 1)
    from xihu_desk.services import screening_queries

    for committee in committees.list_committees(session, own_only=True)[:COMMITTEES]:
        if screening_queries.count_rounds(
            session, actor, screening_queries.ScreeningFilter(committee_uuid=committee.uuid)
        ):
            continue  # a demo run again adds nothing here: its periods are already reported
        staff = f"{_name(rng)}、{_name(rng)}"
        officers = [
            screening.add_officer(
                session,
                actor,
                screening.OfficerInput(committee.uuid, _name(rng), kind, f"139{rng.randrange(10**8):08d}", place),
            )
            for kind, place in (("grid", rng.choice(PLACES[3:5])), ("building", rng.choice(PLACES[:3])))
        ]
        for period in range(PERIODS):
            start = first + timedelta(days=period * PERIOD_DAYS)
            end = min(start + timedelta(days=PERIOD_DAYS - 1), today)
            area = rng.choice(PLACES)
            if rng.random() < 0.35:
                screening.record_zero_report(
                    session,
                    actor,
                    screening.ZeroReportInput(committee.uuid, start, end, area, staff, rng.choice(("visit", "grid"))),
                )
                made += 1
                continue
            held_on = start + timedelta(days=rng.randrange((end - start).days + 1))
            method = rng.choice(tuple(rules.METHODS))
            disputes = tuple(_dispute(rng, staff, held_on, today) for _ in range(rng.choice((1, 1, 2, 3))))
            uuid = screening.record_round(
                session,
                actor,
                screening.RoundInput(
                    committee.uuid,
                    held_on,
                    area,
                    staff,
                    method,
                    disputes,
                    officer_uuid=rng.choice(officers) if method == "informant" else None,
                ),
            )
            made += 1
            _afterwards(session, actor, rng, uuid, held_on, today)
    return made


def _dispute(rng: random.Random, staff: str, held_on: date, today: date) -> screening.DisputeInput:
    kind, matter = rng.choice(MATTERS)
    risk = rng.choices(("general", "major", "serious"), weights=(70, 22, 8))[0]
    watched = risk == "serious" or (risk == "major" and rng.random() < 0.3)
    # a watched dispute's next check: some already due, so the home page's 待办 has them
    next_check = max(held_on, today - timedelta(days=rng.randrange(0, 4))) + timedelta(days=rng.randrange(0, 9))
    return screening.DisputeInput(
        dispute_type=kind,
        applicant=_name(rng),
        respondent=_name(rng) if kind != "14" or rng.random() < 0.5 else "某物业服务有限公司",
        summary=matter,
        risk=risk,
        action=rng.choice(ACTIONS),
        applicant_phone=f"138{rng.randrange(10**8):08d}",
        watched=watched,
        responsible=staff.split("、")[0] if watched else "",
        measures=rng.choice(MEASURES) if watched else "",
        next_check_on=next_check if watched else None,
    )


def _afterwards(
    session: Session, actor: Actor, rng: random.Random, round_uuid: str, held_on: date, today: date
) -> None:
    """What became of a round's disputes: older ones mostly resolved on the spot or referred."""
    from xihu_desk.services import screening_queries

    for d in screening_queries.round_detail(session, actor, round_uuid)["disputes"]:
        age = (today - held_on).days
        roll = rng.random()
        if d["risk"] == "serious" and roll < 0.7:
            continue  # serious ones stay open on the ledger, checked
        if (age > PERIOD_DAYS and roll < 0.65) or (age <= PERIOD_DAYS and roll < 0.3):
            on = held_on + timedelta(days=min(age, rng.randrange(0, 3)))
            screening.close_dispute(session, actor, d["id"], "resolved", on, "经调解员现场劝解，双方达成谅解")
        elif age > PERIOD_DAYS and roll < 0.85:
            on = held_on + timedelta(days=min(age, rng.randrange(0, 5)))
            body = rng.choice(REFERRALS)
            screening.close_dispute(session, actor, d["id"], "referred", on, f"不属于人民调解范围，移交{body}", body)
