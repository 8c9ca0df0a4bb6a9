"""司法确认申请书: the parties' joint application to the court to confirm a written mediation
agreement (人民调解法第三十三条; domain.md §1.5, §8.1). Each party with the ID it carries, the
agreement's number and date, the court: the one recorded on the case, else the template's default."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents import parts
from xihu_desk.documents.layout import Sheet, spacer
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import day

FIELDS = ("case_no", "committee", "parties", "agreement", "dispute_type")  # and shown(case)


def shown(case: dict[str, Any]) -> dict[str, Any]:
    """What the application shows of the confirmation record: the court and the date applied (the
    court's decision, recorded later, does not change the paper)."""
    c = case.get("confirmation") or {}
    return {"court": c.get("court") or "", "applied_on": c.get("applied_on")}


def check(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    a = case.get("agreement")
    if case.get("outcome") in ("failed", "terminated") or not a:
        return "本案没有书面调解协议，不能申请司法确认。", []
    if a["form"] != "written":
        return "司法确认针对书面调解协议；本案是口头协议。", []
    missing = [] if len(case["parties"]) >= 2 else ["两方当事人"]
    return None, missing


def court_of(case: dict[str, Any], t: Template) -> str:
    recorded = (case.get("confirmation") or {}).get("court") or ""
    return recorded.strip() or t["default_court"]


def confirmation(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    a = case["agreement"]
    number = a.get("number") or case["case_no"]
    values = {
        "date": day(a.get("effective_on")),
        "committee": case["committee"],
        "number": number,
        "dispute": (case.get("dispute_type") or "").removesuffix("纠纷"),
    }
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=number))
    story.append(sheet.p(t["parties_heading"], "heading"))
    for p in case["parties"]:
        runs = parts.describe(
            sheet, {**p, "role_label": t.get(f"roles.{p['role']}") or "申请人"}, a.get("effective_on")
        )
        story.append(sheet.runs(runs, "party"))
        rep = parts.representatives(sheet, p)
        if rep:
            story.append(sheet.runs(rep, "party"))
    story += [
        sheet.p(t["request_heading"], "heading"),
        sheet.p(t.fill("request", **values), "body"),
        sheet.p(t["reasons_heading"], "heading"),
        sheet.p(t.fill("reasons", **values), "body"),
        sheet.p(t["promise_heading"], "heading"),
    ]
    story += [sheet.p(line, "body") for line in t.lines("promises")]
    applied = (case.get("confirmation") or {}).get("applied_on")
    # 此致, the court, the signatures and the date stay on one page (never a signature page alone).
    lead: list[Flowable] = [
        spacer(2),
        sheet.p(t["to"], "body"),
        sheet.p(court_of(case, t), "flush"),
        spacer(3),
        sheet.p(t["signatures_heading"], "heading"),
    ]
    tail: list[Flowable] = [
        spacer(3),
        sheet.p(day(applied), "right"),
        spacer(2),
        sheet.p(t["attachments_heading"], "note"),
    ]
    tail += [sheet.p(line, "note") for line in t.lines("attachments")]
    story += parts.signature_block(sheet, lead, case["parties"], tail, fingerprint=True)
    return story
