"""The ruled forms and the notice: 申请书 (§2.3), 受理登记表 (§2.4), 权利义务告知书 (§2.5),
回访记录 (§2.10), 结案报告表 (§2.11) of domain.md."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from xihu_desk.documents import parts
from xihu_desk.documents.layout import Sheet, page_break, spacer
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import age, cn_number, day, day_cn, money

APPLICATION_FIELDS = ("case_no", "committee", "parties", "summary", "claims", "accepted_on")
REGISTER_FIELDS = (
    "case_no",
    "committee",
    "parties",
    "accepted_on",
    "dispute_type",
    "dispute_subtype",
    "source",
    "source_label",
    "referrer_name",
    "summary",
    "registrar",
)
NOTICE_FIELDS = ("case_no", "committee", "parties", "notice_given_on", "notice_form", "mediators")
FOLLOWUP_FIELDS = ("case_no", "title", "committee", "followups", "agreement")
CLOSING_FIELDS = (
    "case_no",
    "committee",
    "mediators",
    "accepted_on",
    "closed_on",
    "filed_on",
    "parties",
    "source_label",
    "summary",
    "outcome",
    "outcome_label",
    "failure_reason",
    "agreement_form",
    "agreement",
    "performed",
    "closing_report",
)
PERFORMED = {"full": "已全部履行", "partial": "部分履行", "none": "未履行", "": "尚未回访或尚无履行情况"}


def _row(rows: list, spans: list, cells: list, *spans_in_row: tuple[int, int]) -> int:
    r = len(rows)
    rows.append(cells)
    spans += [((a, r), (b, r)) for a, b in spans_in_row]
    return r


# ------------------------------------------------------------------------------ 申请书


def application(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    on = case["accepted_on"]
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=case["case_no"]))
    w = [12, 24, 28, 12, 10, 12, 14, 12, 32]
    rows: list[list[Any]] = []
    spans: list[tuple] = []
    L, C = sheet.label, sheet.cell
    for role, word in (("applicant", t["applicant"]), ("respondent", t["respondent"]), ("third", t["third"])):
        role_label = "\n".join(word)  # written down the narrow first column, as on the paper form
        for p in parts.parties_of(case, role):
            first = len(rows)
            if p["kind"] == "org":
                _row(rows, spans, [L(role_label), L(t["org_name"]), C(p["name"]), "", "", "", "", "", ""], (2, 8))
                _row(
                    rows,
                    spans,
                    [
                        "",
                        L(t["credit_code"]),
                        C(p.get("credit_code")),
                        "",
                        "",
                        L(t["legal_rep"]),
                        "",
                        C(p.get("legal_rep")),
                        "",
                    ],
                    (2, 4),
                    (5, 6),
                    (7, 8),
                )
                _row(
                    rows,
                    spans,
                    ["", L(t["org_address"]), C(p.get("address")), "", "", L(t["phone"]), "", C(p.get("phone")), ""],
                    (2, 4),
                    (5, 6),
                    (7, 8),
                )
            else:
                _row(
                    rows,
                    spans,
                    [
                        L(role_label),
                        L(t["name"]),
                        C(p["name"]),
                        L(t["gender"]),
                        C(p.get("gender"), "cell_center"),
                        L(t["ethnicity"]),
                        C(p.get("ethnicity"), "cell_center"),
                        L(t["age"]),
                        C(age(p.get("birth_date"), on), "cell_center"),
                    ],
                )
                _row(
                    rows,
                    spans,
                    ["", L(t["occupation"]), C(p.get("occupation")), "", "", L(t["phone"]), "", C(p.get("phone")), ""],
                    (2, 4),
                    (5, 6),
                    (7, 8),
                )
                id_text = f"{p.get('id_type_label', '')}  {p['id_number']}" if p.get("id_number") else ""
                if sheet.compact:  # many parties: the ID number and the address share a row
                    _row(
                        rows,
                        spans,
                        ["", L(t["id_number"]), C(id_text), "", "", L(t["address"]), "", C(p.get("address")), ""],
                        (2, 4),
                        (5, 6),
                        (7, 8),
                    )
                else:
                    if id_text:
                        _row(rows, spans, ["", L(t["id_number"]), C(id_text), "", "", "", "", "", ""], (2, 8))
                    _row(rows, spans, ["", L(t["address"]), C(p.get("address")), "", "", "", "", "", ""], (2, 8))
            rep = parts.representatives(sheet, p)
            if rep:
                _row(
                    rows,
                    spans,
                    ["", L(rep[0][0].rstrip("：")), C(rep[1][0].rstrip("。")), "", "", "", "", "", ""],
                    (2, 8),
                )
            spans.append(((0, first), (0, len(rows) - 1)))
    summary = parts.MinHeight([C(case.get("summary"), "cell_body")], sheet.room(45))
    _row(rows, spans, [L(t["summary_label"]), "", summary, "", "", "", "", "", ""], (0, 1), (2, 8))
    claims = [C(line, "cell_j") for line in (case.get("claims") or "").splitlines() if line.strip()] or [C("")]
    _row(
        rows,
        spans,
        [L(t["claims_label"]), "", parts.MinHeight(claims, sheet.room(30)), "", "", "", "", "", ""],
        (0, 1),
        (2, 8),
    )
    statement = [
        C(t.fill("statement", committee=case["committee"]), "cell_body"),
        spacer(4),
        C(t["sign"], "cell"),
        spacer(10),
        C(day(None), "cell_right"),
        spacer(2),
    ]
    _row(rows, spans, [statement, "", "", "", "", "", "", "", ""], (0, 8))
    story.append(sheet.grid(rows, w, spans, keep_last=1))
    return story


# ------------------------------------------------------------------------------ 受理登记表


def register(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    on = case["accepted_on"]
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=case["case_no"]))
    L, C = sheet.label, sheet.cell
    w = [parts.LABEL_W, *parts.PARTY_WIDTHS]
    rows: list[list[Any]] = []
    spans: list[tuple] = []
    applicants = parts.names(parts.parties_of(case, "applicant"))
    respondents = parts.names(parts.parties_of(case, "respondent"))
    dispute = case.get("dispute_type") or ""
    thirds = parts.names(parts.parties_of(case, "third"))
    third = (
        t.fill("third", thirds=thirds)
        if thirds and t.get("third") is not None
        else (f"（第三人：{thirds}）" if thirds else "")
    )
    if third and "{third}" not in t["sentence"]:  # an office's older wording: the third party still named
        respondents += third
        third = ""
    sentence = t.fill(
        "sentence",
        date=day(on),
        applicants=applicants,
        respondents=respondents,
        dispute=dispute,
        committee=case["committee"],
        third=third,
    )
    if not respondents:  # parties not all entered yet (a draft): no dangling "与之间"
        sentence = sentence.replace("与之间", "之间")
    _row(rows, spans, [C(sentence, "cell_body"), "", "", "", "", "", ""], (0, 6))
    prow, _ = parts.party_rows(sheet, case, on, 1)
    first = len(rows)
    prow[0][0] = L(t["parties_label"])
    rows += prow
    spans.append(((0, first), (0, len(rows) - 1)))
    kind = dispute + (f"（{case['dispute_subtype']}）" if case.get("dispute_subtype") else "")
    source = case.get("source_label") or ""
    if case.get("source") == "referral" and case.get("referrer_name"):
        source += f"（{case['referrer_name']}）"
    _row(
        rows, spans, [L(t["type_label"]), C(kind), "", L(t["source_label"]), "", C(source), ""], (1, 2), (3, 4), (5, 6)
    )
    _row(
        rows,
        spans,
        [
            L(t["summary_label"]),
            parts.MinHeight([C(case.get("summary"), "cell_body")], sheet.room(36)),
            "",
            "",
            "",
            "",
            "",
        ],
        (1, 6),
    )
    _row(
        rows,
        spans,
        [
            L(t["party_sign_label"]),
            parts.MinHeight([C("")], sheet.room(16, 10)),
            "",
            L(t["registrar_label"]),
            "",
            C(case.get("registrar") or ""),
            "",
        ],
        (1, 2),
        (3, 4),
        (5, 6),
    )
    _row(
        rows,
        spans,
        [L(t["seal_label"]), sheet.endorsement(case["committee"], day_cn(on), size=12), "", "", "", "", ""],
        (1, 6),
    )
    story.append(sheet.grid(rows, w, spans, keep_last=2))
    story += [spacer(2), sheet.p(t["note"], "note")]
    return story


# ------------------------------------------------------------------------------ 权利义务告知书


def notice(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = sheet.title(t["title"], t.fill("number", number=case["case_no"]))
    story.append(sheet.p(t.fill("salutation", parties=parts.names(case["parties"])), "flush"))
    for line in t.lines("text"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            story.append(sheet.p(line.lstrip("# "), "heading"))
        else:
            story.append(sheet.p(line, "body"))
    given = case.get("notice_given_on")
    form = {"written": t["form_written"], "oral": t["form_oral"]}.get(case.get("notice_form") or "", "")
    tail: list[Flowable] = [
        spacer(3),
        sheet.p(t.fill("acknowledge", form=form, date=day(given)), "body"),
        spacer(2),
        sheet.p(t["signatures_heading"], "heading"),
        parts.sign_rows(sheet, case["parties"], fingerprint=False),
        spacer(2),
        parts.officer_rows(sheet, [(t["notifier_sign"], "、".join(case.get("mediators") or []))]),
        spacer(8),
        sheet.endorsement(case["committee"], day_cn(given)),
    ]
    story.append(KeepTogether(tail))
    return story


# ------------------------------------------------------------------------------ 回访记录


def check_followups(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    if not case.get("followups"):
        return "本案尚无回访记录。", []
    return None, []


def followups(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = []
    number = (case.get("agreement") or {}).get("number") or case["case_no"]
    L, C = sheet.label, sheet.cell
    for i, f in enumerate(case.get("followups") or []):
        if i:
            story.append(page_break())
        story += sheet.title(t["title"])
        rows: list[list[Any]] = []
        spans: list[tuple] = []
        _row(rows, spans, [L(t["party_label"]), C(f["party_name"]), L(t["number_label"]), C(number)])
        _row(rows, spans, [L(t["matter_label"]), C(case["title"]), "", ""], (1, 3))
        _row(rows, spans, [L(t["date_label"]), C(day(f["visited_on"])), L(t["visitor_label"]), C(f["visitor"])])
        items = [
            t.fill("performance", performance=f.get("performance_label") or ""),
            t.fill("satisfaction", satisfaction=f.get("satisfaction_label") or ""),
        ]
        if f.get("court_result"):
            items.append(t.fill("court", court=f["court_result"]))
        items.append(t.fill("risks", risks=f.get("risks") or t["none"]))
        items.append(t.fill("measures", measures=f.get("measures") or t["none"]))
        body = [C(f"{cn_number(n + 1)}、{item}", "cell_j") for n, item in enumerate(items)]
        _row(rows, spans, [L(t["situation_label"]), parts.MinHeight(body, sheet.room(90)), "", ""], (1, 3))
        sign = [spacer(8), C(t["visitor_sign"]), spacer(2), C(day(f["visited_on"]), "cell_right")]
        _row(rows, spans, [L(t["sign_label"]), sign, "", ""], (1, 3))
        story.append(sheet.grid(rows, [26, 52, 26, 52], spans, keep_last=1))
    return story


# ------------------------------------------------------------------------------ 结案报告表


def check_closing(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    if not case.get("outcome"):
        return "本案尚未登记调解结果，没有结案报告表可打印。", []
    return None, []


def closing(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = sheet.title(t["title"])
    L, C = sheet.label, sheet.cell
    rows: list[list[Any]] = []
    spans: list[tuple] = []
    lead = (case.get("mediators") or [""])[0]
    _row(
        rows,
        spans,
        [
            L(t["case_no_label"]),
            C(case["case_no"]),
            "",
            L(t["filled_label"]),
            C(day(case.get("filed_on") or case.get("closed_on")), "cell_center"),
            "",
        ],
        (1, 2),
        (4, 5),
    )
    _row(rows, spans, [L(t["unit_label"]), C(case["committee"]), "", "", "", ""], (1, 5))
    _row(
        rows,
        spans,
        [L(t["handler_label"]), C(lead), "", L(t["accepted_label"]), C(day(case["accepted_on"]), "cell_center"), ""],
        (1, 2),
        (4, 5),
    )
    _row(
        rows,
        spans,
        [
            L(t["source_label"]),
            C(case.get("source_label")),
            "",
            L(t["closed_label"]),
            C(day(case.get("closed_on")), "cell_center"),
            "",
        ],
        (1, 2),
        (4, 5),
    )
    first = len(rows)
    _row(
        rows,
        spans,
        [L(t["parties_label"]), L(t["role_head"]), L(t["name_head"]), L(t["address_head"]), "", L(t["phone_head"])],
        (3, 4),
    )
    for p in case["parties"]:
        _row(
            rows,
            spans,
            ["", C(p["role_label"], "cell_center"), C(p["name"]), C(p.get("address")), "", C(p.get("phone"))],
            (3, 4),
        )
    spans.append(((0, first), (0, len(rows) - 1)))
    _row(
        rows,
        spans,
        [L(t["summary_label"]), parts.MinHeight([C(case.get("summary"), "cell_body")], sheet.room(30)), "", "", "", ""],
        (1, 5),
    )
    result = case.get("outcome_label") or ""
    a = case.get("agreement")
    if case.get("outcome") == "succeeded" and a:
        result += t.fill(
            "agreement_result",
            form="书面调解协议" if a["form"] == "written" else "口头协议",
            number=a.get("number") or case["case_no"],
        )
        if a.get("amount"):
            result += t.fill("amount", money=money(a["amount"]))
    elif case.get("failure_reason"):
        result += t.fill("failure", reason=case["failure_reason"])
    _row(rows, spans, [L(t["result_label"]), C(result, "cell_j"), "", "", "", ""], (1, 5))
    _row(
        rows,
        spans,
        [
            L(t["performance_label"]),
            C(
                PERFORMED.get(case.get("performed") or "", "")
                if case.get("outcome") == "succeeded"
                else t["not_applicable"]
            ),
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
            L(t["report_label"]),
            parts.MinHeight([C(case.get("closing_report"), "cell_body")], sheet.room(35)),
            "",
            "",
            "",
            "",
        ],
        (1, 5),
    )
    _row(rows, spans, [L(t["handler_sign"]), parts.MinHeight([C("")], sheet.room(14, 10)), "", "", "", ""], (1, 5))
    _row(
        rows,
        spans,
        [
            L(t["seal_label"]),
            sheet.endorsement(case["committee"], day_cn(case.get("closed_on")), size=12),
            "",
            "",
            "",
            "",
        ],
        (1, 5),
    )
    story.append(sheet.grid(rows, [24, 20, 28, 28, 26, 30], spans, keep_last=2))
    return story
