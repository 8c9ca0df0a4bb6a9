"""人民调解协议书 (domain.md §1.5, §2.8) and 人民调解口头协议登记表 (§2.9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents import parts
from xihu_desk.documents.layout import Sheet, spacer
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import cn_number, day, day_cn, money

FIELDS = ("case_no", "committee", "parties", "mediators", "agreement", "outcome", "summary")


def check(case: dict[str, Any], form: str) -> tuple[str | None, list[str]]:
    """(why there is nothing to print, what is missing) for a written or oral agreement."""
    name = "调解协议" if form == "written" else "口头协议"
    if case.get("outcome") in ("failed", "terminated"):
        return f"本案{case.get('outcome_label') or '调解未成功'}，没有{name}可打印。", []
    agreement = case.get("agreement")
    if not agreement:
        return f"本案尚未登记{name}。", []
    if agreement["form"] != form:
        other = "人民调解口头协议登记表" if agreement["form"] == "oral" else "人民调解协议书"
        return f"本案的协议是{'口头' if agreement['form'] == 'oral' else '书面'}协议，请打印{other}。", []
    missing = []
    if len(case["parties"]) < 2:
        missing.append("两方当事人")
    if not [c for c in agreement.get("clauses") or [] if c.strip()]:
        missing.append("至少一条协议内容")
    if not (agreement.get("performance_method") or "").strip():
        missing.append("履行方式")
    if not agreement.get("performance_deadline") and not agreement.get("performed_on_the_spot"):
        missing.append("履行期限")
    if not case.get("mediators"):
        missing.append("调解员")
    if form == "written" and not (agreement.get("facts") or "").strip():
        missing.append("纠纷主要事实")
    return None, missing


def written(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    a = case["agreement"]
    on = a["effective_on"]
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=a["number"] or case["case_no"]))
    for p in case["parties"]:
        story.append(sheet.runs(parts.describe(sheet, p, on), "party"))
        rep = parts.representatives(sheet, p)
        if rep:
            story.append(sheet.runs(rep, "party"))
    story.append(spacer(2))
    story.append(sheet.p(t["facts_heading"], "heading"))
    story.append(sheet.p(a["facts"], "body"))
    if a.get("disputed"):
        story.append(sheet.runs([(t["disputed_label"], True), (a["disputed"], False)], "body"))
    if a.get("responsibility"):
        story.append(sheet.p(t["responsibility_heading"], "heading"))
        story.append(sheet.p(a["responsibility"], "body"))
    story.append(sheet.p(t["clauses_heading"], "heading"))
    for i, clause in enumerate(c for c in a["clauses"] if c.strip()):
        story.append(sheet.p(f"{cn_number(i + 1)}、{clause.strip()}", "body"))
    story.append(sheet.p(t["performance_heading"], "heading"))
    for line in _performance(t, a):
        story.append(sheet.p(line, "body"))
    if a.get("amount"):
        story.append(sheet.p(t.fill("amount", money=money(a["amount"])), "body"))
    closing: list[Flowable] = [sheet.p(t.fill("copies", copies=a["copies"], copies_cn=cn_number(a["copies"])), "body")]
    closing += [sheet.p(line, "body") for line in t.lines("closing")]
    closing += [spacer(3), sheet.p(t["signatures_heading"], "heading")]
    tail = [
        spacer(5),
        parts.officer_rows(
            sheet, [(t["mediator_sign"], case["mediators"]), (t["recorder_sign"], parts.recorder_of(case))]
        ),
        spacer(8),
        sheet.endorsement(case["committee"], day_cn(on)),
    ]
    # The copies sentence, the signatures and the seal stay on one page (a signature page with no
    # text of the agreement on it invites a substituted page); with many parties they flow, never
    # leaving the seal alone, and the 骑缝章 joins the pages.
    story += parts.signature_block(sheet, closing, case["parties"], tail, fingerprint=True)
    return story


def _performance(t: Template, a: dict[str, Any]) -> list[str]:
    lines = [t.fill("method", method=a["performance_method"])]
    if a.get("performance_place"):
        lines.append(t.fill("place", place=a["performance_place"]))
    if a.get("performed_on_the_spot"):
        lines.append(t["on_the_spot"])
    else:
        lines.append(t.fill("deadline", deadline=day(a["performance_deadline"])))
    return lines


def oral(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    a = case["agreement"]
    on = a["effective_on"]
    c = sheet.common["labels"]
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=a["number"] or case["case_no"]))
    w = [parts.LABEL_W, *parts.PARTY_WIDTHS]
    rows: list[list[Any]] = []
    spans: list[tuple] = []
    party_rows, _ = parts.party_rows(sheet, case, on, 1)
    n = len(party_rows)
    party_rows[0][0] = sheet.label(t["parties_label"])
    rows += party_rows
    spans.append(((0, 0), (0, n - 1)))
    L, C = sheet.label, sheet.cell

    def full(label: str, content: Sequence[Flowable], height: float = 0, least: float = 0) -> None:
        r = len(rows)
        rows.append([L(label), parts.MinHeight(content, sheet.room(height, least)), "", "", "", "", ""])
        spans.append(((1, r), (6, r)))

    def halves(l1: str, v1: Flowable, l2: str, v2: Flowable) -> None:
        r = len(rows)
        rows.append([L(l1), v1, "", L(l2), "", v2, ""])
        spans.extend([((1, r), (2, r)), ((3, r), (4, r)), ((5, r), (6, r))])

    full(t["summary_label"], [C(a.get("facts") or case.get("summary") or "", "cell_body")], 16)
    clauses = [
        C(f"{cn_number(i + 1)}、{x.strip()}", "cell_j") for i, x in enumerate(y for y in a["clauses"] if y.strip())
    ]
    full(t["content_label"], clauses, 22)
    perf = [C(line, "cell_j") for line in _performance(t, a)]
    if a.get("amount"):
        perf.append(C(t.fill("amount", money=money(a["amount"])), "cell_j"))
    full(t["performance_label"], perf)
    spot = (
        f"{c['checked'] if a.get('performed_on_the_spot') else c['unchecked']}{c['yes']}    "
        f"{c['unchecked'] if a.get('performed_on_the_spot') else c['checked']}{c['no']}"
    )
    halves(t["on_the_spot_label"], C(spot, "cell_center"), t["effective_label"], C(day(on), "cell_center"))
    halves(
        t["mediator_label"],
        C("、".join(case["mediators"])),
        t["registrar_label"],
        C(a.get("registrar") or parts.recorder_of(case)),
    )
    full(t["signature_label"], [C(t["signature_hint"], "note")], 16, 10)
    r = len(rows)
    rows.append([L(t["seal_label"]), sheet.endorsement(case["committee"], day_cn(on), size=12), "", "", "", "", ""])
    spans.append(((1, r), (6, r)))
    story.append(sheet.grid(rows, w, spans, keep_last=2))
    story.append(spacer(2))
    story.append(sheet.p(t["note"], "note"))
    return story
