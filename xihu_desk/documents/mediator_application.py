"""人民调解员等级评定申请表 (domain.md §4.4): the profile, the evidence counted from the cases, the
check against the rule set's conditions (every one missed named), the statement and the
opinions of each step. Plain data in (``services.grading.application_form``), PDF bytes out; the
same embedded font, page and font check as every other document (documents/layout.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from xihu_desk.documents import fonts
from xihu_desk.documents.layout import Footer, Sheet, keep, render, spacer
from xihu_desk.documents.parts import MinHeight
from xihu_desk.documents.templates import load
from xihu_desk.documents.text import day
from xihu_desk.domain import grading
from xihu_desk.domain.grading import Evidence

TEMPLATE = "mediator_application"


def _count(evidence: Evidence, metric: str) -> str:
    return grading.shown(metric, evidence.value(metric))


def _evidence_rows(sheet: Sheet, t: Any, ev: Evidence, difficulty: dict[str, str]) -> tuple[list[list[Any]], list]:
    L, C = sheet.label, sheet.cell
    pairs = [
        ("years_of_service", "cases_total"),
        ("cases_per_year", "cases_succeeded"),
        ("success_rate", "oral_share"),
        ("difficult_cases", "confirmed_cases"),
        ("followups", "training_hours"),
        ("awards", "complaints"),
        ("discipline", "escalations"),
    ]
    rows: list[list[Any]] = [
        [L(t["evidence.item"]), L(t["evidence.value"]), L(t["evidence.item2"]), L(t["evidence.value2"])]
    ]
    # A rate says what it is of: the success rate counts concluded cases only, so beside a case
    # count that includes open ones a bare 100% would not add up.
    extra = {
        "training_hours": f"（{ev.training_sessions} 次）",
        "complaints": f"（属实 {ev.complaints_upheld} 次）" if ev.complaints else "",
        "success_rate": f"（已结 {ev.cases_concluded} 件）",
        "oral_share": f"（口头 {ev.oral_agreements} 件）" if ev.oral_share is not None else "",
    }

    def figure(metric: str) -> str:  # the note on its own line: a narrow cell never breaks inside it
        return _count(ev, metric) + (f"\n{extra[metric]}" if extra.get(metric) else "")

    for left, right in pairs:
        rows.append(
            [
                C(grading.METRICS[left].label),
                C(figure(left), "cell_center"),
                C(grading.METRICS[right].label),
                C(figure(right), "cell_center"),
            ]
        )
    years = "；".join(f"{y} 年 {n} 件" for y, n in sorted(ev.per_year.items())) or t["evidence.per_year_none"]
    rows.append([C(t["evidence.per_year"]), C(years), "", ""])
    kinds = (
        "；".join(f"{difficulty.get(k, k)} {n} 件" for k, n in ev.by_difficulty.items()) or t["evidence.per_year_none"]
    )
    rows.append([C(t["evidence.difficulty"]), C(kinds), "", ""])
    spans = [((1, len(rows) - 2), (3, len(rows) - 2)), ((1, len(rows) - 1), (3, len(rows) - 1))]
    return rows, spans


def _opinion(sheet: Sheet, t: Any, step: dict[str, Any] | None) -> list[Flowable]:
    C = sheet.cell
    if not step:
        return [MinHeight([C("")], 12 * mm), C(t["opinions.signer"] + "　　" + day(None), "cell_right")]
    opinion = (step.get("opinion") or "").strip()
    verdict = t["opinions.passed"] if step["passed"] else t["opinions.failed"]
    text = (opinion or f"{verdict}。") if step["passed"] else f"{verdict}。{opinion}"
    lines = [C(text, "cell_j")]
    if step.get("document_no"):
        lines.append(C(step["document_no"], "cell"))
    signer = step.get("actor_name") or ""
    lines.append(C(f"{signer}　　{day(step.get('on'))}", "cell_right"))
    return [MinHeight(lines, 12 * mm)]


def build(form: dict[str, Any], *, templates: Path | None = None) -> bytes:
    """The PDF of one application form. ``form`` (see services.grading.application_form): mediator
    profile labels, rule set and level names, the evidence (Evidence.as_json), the check rows,
    the statement, the steps' opinions, and the line that says where and when it was made."""
    fonts.ensure_fonts()
    common = load("_common", templates)
    t = load(TEMPLATE, templates)
    m = form["mediator"]
    footer = Footer(f"{t['title']} · {m['name']}", form.get("generated", ""), t, qr=False)
    sheet = Sheet(common, footer)
    L, C = sheet.label, sheet.cell
    ev = Evidence.from_json(form["evidence"])
    story: list[Flowable] = sheet.title(t["title"])
    story.append(
        sheet.p(
            t.fill(
                "scheme_line",
                rule_set=form["rule_set_name"],
                level=form["level_name"],
                applied_on=day(form.get("applied_on")),
            ),
            "note",
        )
    )
    story.append(spacer(3))

    heading = sheet.p(t["profile.heading"], "heading")
    profile: list[list[Any]] = [
        [
            L(t["profile.name"]),
            C(m["name"], "cell_center"),
            L(t["profile.gender"]),
            C(m.get("gender"), "cell_center"),
            L(t["profile.birth"]),
            C(m.get("birth"), "cell_center"),
        ],
        [
            L(t["profile.political"]),
            C(m.get("political_label"), "cell_center"),
            L(t["profile.education"]),
            C(m.get("education_label"), "cell_center"),
            L(t["profile.legal"]),
            C(m.get("legal_label"), "cell_center"),
        ],
        [
            L(t["profile.committee"]),
            C(m.get("committee")),
            "",
            "",
            L(t["profile.employment"]),
            C(m.get("employment_label"), "cell_center"),
        ],
        [
            L(t["profile.appointed"]),
            C(day(m.get("appointed_on"), ""), "cell_center"),
            "",
            L(t["profile.registration"]),
            C(m.get("registration_no")),
            "",
        ],
        [
            L(t["profile.grade"]),
            C(m.get("grade_label"), "cell_center"),
            L(t["profile.phone"]),
            C(m.get("phone")),
            "",
            "",
        ],
    ]
    story.append(
        keep(
            heading,
            sheet.grid(
                profile,
                [18, 29, 18, 26, 18, 26],
                [((1, 2), (3, 2)), ((1, 3), (2, 3)), ((4, 3), (5, 3)), ((3, 4), (5, 4))],
            ),
        )
    )
    story.append(spacer(3))

    heading = sheet.p(t.fill("evidence.heading", start=day(ev.date_from), end=day(ev.date_to)), "heading")
    rows, spans = _evidence_rows(sheet, t, ev, form.get("difficulty_labels", {}))
    story.append(keep(heading, sheet.grid(rows, [34, 20, 34, 20], spans)))
    story.append(spacer(3))

    heading = sheet.p(t["check.heading"], "heading")
    checks = [[L(t["check.condition"]), L(t["check.actual"]), L(t["check.result"])]]
    for row in form["checks"]:
        checks.append(
            [
                C(row["condition"]),
                C(row["actual"], "cell_center"),
                C(t["check.met"] if row["met"] else t["check.missed"], "cell_center"),
            ]
        )
    story.append(keep(heading, sheet.grid(checks, [62, 24, 14])))
    missed = sum(1 for row in form["checks"] if not row["met"])
    summary = (
        t.fill("check.summary_pass", n=len(form["checks"]))
        if not missed
        else t.fill("check.summary_fail", n=len(form["checks"]), missed=missed)
    )
    story.append(sheet.p(summary, "note"))
    if form.get("examples_note"):  # once for all the conditions, not after every figure
        story.append(sheet.p(t.fill("check.example_note", note=form["examples_note"]), "note"))
    story.append(spacer(3))

    heading = sheet.p(t["statement.heading"], "heading")
    statement = [C(line, "cell_body") for line in (form.get("statement") or "").splitlines() if line.strip()] or [C("")]
    story.append(
        keep(
            heading,
            sheet.grid(
                [[MinHeight(statement, 28 * mm)], [C(t["statement.sign"] + "　　　　　　" + day(None), "cell_right")]],
                [100],
            ),
        )
    )
    story.append(spacer(3))

    heading = sheet.p(t["opinions.heading"], "heading")
    steps = form.get("steps", {})
    opinions = [
        [L(t[f"opinions.{key}"]), _opinion(sheet, t, steps.get(key))] for key in ("committee", "township", "district")
    ]
    notice = form.get("notice")
    if notice:
        opinions.append(
            [L(t["opinions.notice"]), C(t.fill("opinions.notice_text", start=day(notice[0]), end=day(notice[1])))]
        )
    story.append(keep(heading, sheet.grid(opinions, [20, 80], valign="TOP")))
    pdf, _pages = render(story, sheet, title=f"{t['title']} {m['name']}", author=m.get("committee", ""))
    return pdf
