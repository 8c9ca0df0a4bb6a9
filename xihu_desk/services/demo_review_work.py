"""Demo of the reviewer's own work (issue 19), beside services/demo_reviews.py: the checklist
(主体、权限、内容、程序, 公平竞争审查 where it applies) of every item with an opinion, in keeping with
its conclusion, and the office's list of meeting items and contracts imported through the ledger
reader — most matched to the register, a few that needed a review and got none (应审未审), a few
that needed none. Its own random generator, so the demo's other records stay exactly as they were.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import reviews as rules
from xihu_desk.reports import ledger
from xihu_desk.services import review_matters, reviews
from xihu_desk.services.context import Actor
from xihu_desk.store.review_models import ReviewItem

SEED = 1919  # this module's own generator (issue 19)
PASS_NOTES = {
    "subject": ("街道办事处为法定主体", "以街道办事处名义作出，主体适格", "签约主体为街道办事处，主体适格"),
    "authority": ("属街道法定职责范围", "未超越法定权限", "在区政府授权范围内"),
    "content": ("内容与上位法不抵触", "未违法减损权利或增加义务"),
    "procedure": ("已公开征求意见并经集体讨论", "已开展风险评估，程序完备", "程序符合规定"),
    "fair_competition": ("未设置市场准入和退出障碍", "不涉及经营者的市场活动"),
}
UNREVIEWED = (
    ("meeting_topic", "关于辖区道路临时停车收费调整的议题", "城建办", "主任办公会"),
    ("contract", "辖区公共厕所保洁服务采购合同", "城管科", ""),
    ("meeting_topic", "关于社区用房出租管理办法的议题", "社会事务科", "党工委会"),
)
EXEMPT = (
    ("meeting_topic", "听取上半年安全生产工作情况汇报", "平安办", "党工委会", "汇报类议题，不作决定"),
    ("meeting_topic", "传达学习区委全会精神", "党政办", "党工委会", "学习传达类议题"),
)


def fill(session: Session, actor: Actor, today: date) -> int:
    """Checklists on the items with an opinion, then the office's list; returns the list's lines."""
    rng = random.Random(SEED)
    fair = set(reviews.fair_competition_types(session))
    items = list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.deleted.is_(False), ReviewItem.conclusion != "")
            .order_by(ReviewItem.year, ReviewItem.seq)
        )
    )
    for item in items:
        answers = {k: ("pass", rng.choice(PASS_NOTES[k])) for k in rules.check_keys(item.item_type in fair)}
        issue = (item.issues.split("；")[0] if item.issues else "") or "部分条款需修改"
        if item.conclusion == "lawful_amended":
            answers[rng.choice(("content", "procedure"))] = ("fail", issue)
        elif item.conclusion == "unlawful":
            answers["authority"] = ("fail", "超越街道法定权限")
            answers["content"] = ("fail", issue)
        if rules.FAIR_COMPETITION in answers and rng.random() < 0.3:
            answers[rules.FAIR_COMPETITION] = ("na", "不涉及经营者经济活动")
        if item.status == "archived":
            continue  # archived items are closed to edits; their checklists predate this module
        reviews.save_checklist(session, actor, item.uuid, answers)

    # The office's list: the meeting items and contracts that went through review, dated after the
    # opinion, and a few that did not.
    wb = Workbook()
    ws = ledger.first_sheet(wb, "议题和合同")
    ws.append(["类型", "事项名称", "承办单位", "会议（签订）日期", "会议名称", "是否需审查", "审查编号"])
    for item in items:
        if item.item_type not in ("major_decision", "agreement", "normative") or item.opinion_on is None:
            continue
        kind = "合同" if item.item_type == "agreement" else "会议议题"
        when = min(item.opinion_on + timedelta(days=rng.randrange(2, 15)), today)
        meeting = "" if kind == "合同" else rng.choice(("党工委会", "主任办公会"))
        ws.append([kind, item.title, item.unit, when, meeting, "是", item.number if rng.random() < 0.5 else ""])
    for kind, title, unit, meeting in UNREVIEWED:
        ws.append(
            [
                "合同" if kind == "contract" else "会议议题",
                title,
                unit,
                today - timedelta(days=rng.randrange(5, 40)),
                meeting,
                "是",
                "",
            ]
        )
    for _kind, title, unit, meeting, why in EXEMPT:
        ws.append(["会议议题", title, unit, today - timedelta(days=rng.randrange(5, 60)), meeting, "否", ""])
        ws.cell(ws.max_row, 8, why)
    ws.cell(1, 8, "备注")
    out = io.BytesIO()
    wb.save(out)
    report = review_matters.import_list(session, actor, out.getvalue())
    return report.imported
