"""人民调解转介单 (referral slip): when mediation failed or ended, the parties were told of the other
routes (人民调解法第26条) and, if they wish, are referred to legal aid or the court with this slip.
One ruled form; the receiving body signs the bottom row and returns a copy."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents import parts
from xihu_desk.documents.forms import _row
from xihu_desk.documents.layout import Sheet
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import day, day_cn

FIELDS = (
    "case_no",
    "committee",
    "mediators",
    "parties",
    "summary",
    "outcome",
    "outcome_label",
    "outcome_on",
    "failure_reason",
    "told_routes",
    "referral",
)


def check(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    if case.get("outcome") not in ("failed", "terminated"):
        return "只有调解不成功或终止调解的案件才有转介单可打印。", []
    if not case.get("referral"):
        return "本案没有登记转介（法律援助或人民法院），请先在“调解结果”中登记告知途径和转介。", []
    return None, []


def referral(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=case["case_no"]))
    L, C = sheet.label, sheet.cell
    r = case.get("referral") or {}
    rows: list[list[Any]] = []
    spans: list[tuple] = []
    _row(
        rows,
        spans,
        [L(t["to_label"]), C(r.get("body")), "", "", L(t["kind_label"]), C(r.get("to_label"), "cell_center")],
        (1, 3),
    )
    _row(
        rows,
        spans,
        [
            L(t["date_label"]),
            C(day(case.get("outcome_on")), "cell_center"),
            "",
            "",
            L(t["mediator_label"]),
            C("、".join(case.get("mediators") or [])),
        ],
        (1, 3),
    )
    first = len(rows)
    _row(
        rows,
        spans,
        [L(t["parties_label"]), L(t["role_head"]), L(t["name_head"]), L(t["phone_head"]), L(t["address_head"]), ""],
        (4, 5),
    )
    for p in case["parties"]:
        name: Any = C(p["name"])
        phone = p.get("phone") or ""
        rep = p.get("legal_representative")
        if rep:  # a minor is reached through the legal representative: name and telephone
            relation = f"（{rep['relation']}）" if rep.get("relation") else ""
            name = [name, sheet.cell(t.fill("representative", name=rep["name"], relation=relation), "note")]
            phone = "\n".join(x for x in (phone, rep.get("phone") or "") if x)
        _row(
            rows,
            spans,
            [
                "",
                C(p["role_label"], "cell_center"),
                name,
                C(phone),
                C(p.get("service_address") or p.get("address")),
                "",
            ],
            (4, 5),
        )
    spans.append(((0, first), (0, len(rows) - 1)))
    _row(
        rows,
        spans,
        [L(t["summary_label"]), parts.MinHeight([C(case.get("summary"), "cell_body")], sheet.room(28)), "", "", "", ""],
        (1, 5),
    )
    result = (case.get("outcome_label") or "") + (
        t.fill("failure", reason=case["failure_reason"]) if case.get("failure_reason") else ""
    )
    _row(rows, spans, [L(t["result_label"]), C(result, "cell_j"), "", "", "", ""], (1, 5))
    routes = "、".join(case.get("told_routes") or [])
    _row(
        rows,
        spans,
        [L(t["routes_label"]), C(t.fill("routes", routes=routes) if routes else "", "cell_j"), "", "", "", ""],
        (1, 5),
    )
    _row(
        rows,
        spans,
        [
            L(t["reason_label"]),
            parts.MinHeight([C(r.get("note") or t["no_reason"], "cell_body")], sheet.room(24)),
            "",
            "",
            "",
            "",
        ],
        (1, 5),
    )
    _row(
        rows,
        spans,
        [
            L(t["seal_label"]),
            sheet.endorsement(case["committee"], day_cn(case.get("outcome_on")), size=12),
            "",
            "",
            "",
            "",
        ],
        (1, 5),
    )
    _row(
        rows,
        spans,
        [
            L(t["receipt_label"]),
            parts.MinHeight([C(t["receipt"])], sheet.room(16, 10)),
            "",
            "",
            parts.MinHeight([C(t["receipt_seal"]), C(day_cn(None), "cell_right")], sheet.room(16, 10)),
            "",
        ],
        (1, 3),
        (4, 5),
    )
    story.append(sheet.grid(rows, [22, 21, 31, 30, 30, 22], spans, keep_last=2))
    return story
