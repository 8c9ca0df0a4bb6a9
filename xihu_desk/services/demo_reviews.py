"""Demo legality-review items in every state, made through the real services (so every rule,
deadline and audit applies): a year of finished reviews, and today's work — waiting for material,
under review, due soon, overdue, in a 补正 pause, extended."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain import reviews as rules
from xihu_desk.services import reviews
from xihu_desk.services.context import Actor
from xihu_desk.store.review_models import ReviewItem

TOPICS = (
    "老旧小区加装电梯",
    "垃圾分类",
    "停车管理",
    "河道保洁",
    "网格化管理",
    "居家养老服务",
    "违法建筑整治",
    "物业管理",
    "消防安全",
    "防汛防台",
    "背街小巷改造",
    "农贸市场提升",
)
PLACES = ("北山路", "曙光路", "保俶路", "葛岭", "宝石山", "杨公堤", "西溪", "黄龙")
VILLAGES = ("桃源", "曙光", "保俶", "宝石", "松木场", "青芝坞")
UNITS = ("党政办", "城建办", "平安办", "经济发展办", "社会事务科", "综合执法队", "农业农村办", "社区治理科")
REVIEWERS = ("沈丽", "钱文", "法律顾问 周律师")
TITLES = {
    "normative": ("关于{topic}的实施意见", "关于{topic}的管理办法", "{place}{topic}工作实施细则"),
    "major_decision": ("关于{topic}的决策方案", "{place}{topic}改造项目决策"),
    "enforcement": (
        "关于{place}违法建筑拆除的决定",
        "对{place}某餐饮店油烟扰民的行政处罚决定",
        "{place}占道经营处罚决定",
    ),
    "agreement": ("{place}{topic}服务合同", "{topic}项目委托协议", "{place}公共停车场租赁合同"),
    "party_normative": ("关于加强{topic}工作的若干意见",),
    "other": ("{village}村规民约（修订稿）", "{village}社区居民公约", "信访事项答复意见（{topic}）"),
}
WEIGHTS = {"normative": 4, "major_decision": 2, "enforcement": 3, "agreement": 4, "party_normative": 1, "other": 3}
ISSUES = (
    "第三条设定的审批条件缺乏上位法依据",
    "罚款幅度超出《浙江省市容和环境卫生管理条例》规定",
    "合同违约责任条款不对等，建议补充",
    "未履行公开征求意见程序",
    "部分表述与《民法典》不一致",
)


def _title(rng: random.Random, item_type: str) -> str:
    return rng.choice(TITLES[item_type]).format(
        topic=rng.choice(TOPICS), place=rng.choice(PLACES), village=rng.choice(VILLAGES)
    )


def make_reviews(session: Session, actor: Actor, rng: random.Random, today: date, n: int = 24) -> int:
    """``n`` finished items over the past year and six open ones for today; returns the count."""
    actor = dataclasses.replace(actor, at=clock.to_utc(datetime.combine(today, time(17, 0))))  # 17:00 local
    cal = reviews.work_calendar(session)
    types = list(WEIGHTS)
    made = 0

    def register(item_type: str, received: date, complete: date | None, **extra) -> reviews.ReviewRef:
        nonlocal made
        made += 1
        return reviews.register(
            session,
            actor,
            reviews.RegisterCommand(
                item_type=item_type,
                title=_title(rng, item_type),
                unit=rng.choice(UNITS),
                received_on=received,
                complete_on=complete,
                contact=rng.choice(("王", "李", "张", "陈", "刘")) + rng.choice(("科长", "主任", "干事")),
                contact_phone=f"0571-8{rng.randrange(1000000, 9999999)}",
                reviewer=rng.choice(REVIEWERS),
                adviser_consulted=rng.random() < 0.4,
                expert_panel=item_type == "major_decision" and rng.random() < 0.5,
                risk_assessed=item_type == "major_decision",
                **extra,
            ),
        )

    # A year of finished work, oldest first so the numbers follow the dates.
    starts = sorted(today - timedelta(days=rng.randrange(45, 400)) for _ in range(n))
    for received in starts:
        item_type = rng.choices(types, weights=[WEIGHTS[t] for t in types])[0]
        complete = received + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        ref = register(item_type, received, complete)
        limit = rules.limit_for(item_type)
        start = complete
        if rng.random() < 0.2:
            asked = cal.add_workdays(complete, 1)
            reviews.ask_supplement(
                session, actor, ref.uuid, asked, rng.choice(("制定依据及说明", "征求意见情况汇总", "风险评估报告"))
            )
            start = cal.add_workdays(asked, rng.randrange(2, 6))
            reviews.supplement_received(session, actor, ref.uuid, start)
        if rng.random() < 0.06:
            reviews.return_item(
                session, actor, ref.uuid, cal.add_workdays(complete, 1), "不属于合法性审查范围，退回送审单位"
            )
            continue
        due = session.get_one(ReviewItem, ref.uuid).due_on or cal.add_workdays(start, limit)
        late = rng.random() < 0.08  # now and then an opinion comes a day or two after the deadline
        opinion_on = (
            cal.add_workdays(due, rng.randrange(1, 3)) if late else cal.add_workdays(start, rng.randrange(1, limit))
        )
        opinion_on = min(max(opinion_on, start), today)
        conclusion = rng.choices(("lawful", "lawful_amended", "unlawful"), weights=(6, 4, 1))[0]
        points = 0 if conclusion == "lawful" else rng.randrange(1, 5)
        issues = "；".join(rng.sample(ISSUES, k=min(points, 2))) if points else ""
        item = session.get_one(ReviewItem, ref.uuid)
        office = ref.number[ref.number.index("）") + 1 : ref.number.index("合审")]
        reviews.record_opinion(
            session,
            actor,
            ref.uuid,
            reviews.OpinionInput(opinion_on, conclusion, f"{office}合审意〔{item.year}〕{item.seq}号", issues, points),
        )
        if conclusion == "unlawful":
            reviews.record_after(session, actor, ref.uuid, reviews.AfterInput("not_adopted", "送审单位撤回，另行起草"))
        else:
            adoption = "adopted" if conclusion == "lawful" else rng.choice(("adopted", "adopted", "partly"))
            meeting = min(cal.add_workdays(opinion_on, rng.randrange(1, 8)), today)
            issued = min(cal.add_workdays(meeting, rng.randrange(1, 6)), today)
            filed = (
                min(issued + timedelta(days=rng.randrange(3, 14)), today)
                if item_type in rules.NORMATIVE_TYPES
                else None
            )
            reviews.record_after(
                session,
                actor,
                ref.uuid,
                reviews.AfterInput(
                    adoption,
                    "" if adoption == "adopted" else "个别条款经集体讨论后保留",
                    meeting,
                    issued,
                    filed,
                    filed + timedelta(days=3) if filed and filed + timedelta(days=3) <= today else None,
                ),
            )
        if (today - received).days > 120 and rng.random() < 0.7:
            reviews.archive(session, actor, ref.uuid, min(cal.add_workdays(opinion_on, 20), today))

    # Today's work: one of each state the register must show.
    def back(workdays: int) -> date:
        day, left = today, workdays
        while left:
            day -= timedelta(days=1)
            left -= cal.is_workday(day)
        return day

    register("other", today - timedelta(days=1), None)  # waiting for complete material
    register("agreement", back(1), back(1))  # fresh
    register("enforcement", back(4), back(4))  # due within two working days
    register("enforcement", back(8), back(8))  # overdue
    paused = register("normative", back(4), back(4))
    reviews.ask_supplement(session, actor, paused.uuid, back(2), "起草说明及征求意见情况")
    extended = register("major_decision", back(14), back(14))
    reviews.extend(session, actor, extended.uuid, reviews.ExtensionInput(5, "陈所长", "需提请法律顾问论证", back(1)))
    from xihu_desk.services import demo_review_work  # checklists and the office's list: its own Random

    demo_review_work.fill(session, actor, today)
    return made
