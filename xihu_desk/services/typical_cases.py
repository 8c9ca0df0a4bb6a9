"""Typical-case write-ups (典型案例, issue 20): from a closed case, the text the district's collection
《矛盾纠纷调解典型案例汇编》 asks for — 基本案情, 调解过程, 调解结果 made from the case, 案例评析
typed by the mediator — with every party anonymised (domain/anonymise.py).

The sections are made anew from the case each time, so a correction shows; only the mediator's own
text (the 评析 and a title of their choosing) is stored (store/typical_models.py). A write-up in
which a party's name, number, phone or address is still found is refused, not printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import anonymise, clock
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import audit
from xihu_desk.services.case_queries import case_detail
from xihu_desk.services.cases import get_case
from xihu_desk.domain.roles import Perm
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import Party
from xihu_desk.store.typical_models import TypicalWriteup

SECTIONS = ("基本案情", "调解过程", "调解结果", "案例评析")
NO_ANALYSIS = "（案例评析尚未撰写：请承办调解员写明本案的典型意义、调解方法和经验。）"
TITLE_LENGTH = 120
RECORD_KINDS = {"investigation": "调查", "mediation": "调解"}
_NUMBERED = "一二三四五六七八九十"


@dataclass(frozen=True)
class WriteUp:
    case_no: str  # names the file and the command's line; never printed in the write-up
    title: str
    committee: str
    sections: list[tuple[str, list[str]]]
    analysis_written: bool
    saved_by: str = ""
    saved_at: datetime | None = None
    own_title: str = ""  # the mediator's title, "" when the made one is used
    analysis: str = ""  # the mediator's 评析 as stored (anonymised when printed)
    leaks: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join([self.title, self.committee, *(h + "\n" + "\n".join(ps) for h, ps in self.sections)])


def _month(iso: str | None) -> str:
    if not iso:
        return ""
    y, m = iso[:4], int(iso[5:7])
    return f"{y}年{m}月"


def _type(case: dict) -> str:
    kind = case.get("dispute_type") or ""
    return kind if kind.endswith("纠纷") or not kind else kind + "纠纷"


def _pseudonyms(session: Session, case_uuid: str) -> anonymise.Pseudonyms:
    """From the stored rows, removed parties too and whole numbers whatever the reader may see:
    what is scrubbed must be the real thing, and none of it is shown."""
    rows = session.scalars(select(Party).where(Party.case_uuid == case_uuid).order_by(Party.position))
    parties = []
    for p in rows:
        parties.append(
            {
                "role": p.role,
                "kind": "person" if p.kind == "person" else "org",
                "name": p.name,
                "id_number": p.id_number,
                "credit_code": p.credit_code,
                "phone": p.phone,
                "address": p.address,
                "service_address": p.service_address,
                "legal_rep": p.legal_rep,
                "guardian": p.guardian,
                "agent_name": p.agent_name,
                "agent_phone": p.agent_phone,
                "legal_representative": {"id_number": p.rep_id_number, "phone": p.rep_phone},
            }
        )
    return anonymise.of_parties(parties)


def _names(ps: anonymise.Pseudonyms, case: dict, role: str) -> str:
    return "、".join(ps.apply(p["name"]) for p in case["parties"] if p["role"] == role)


def _facts(ps: anonymise.Pseudonyms, case: dict) -> list[str]:
    applicants, respondents = _names(ps, case, "applicant"), _names(ps, case, "respondent")
    between = f"{applicants}与{respondents}" if respondents else applicants
    out = [f"{_month(case['accepted_on'])}，{case['committee']}受理了{between}之间的{_type(case)}。"]
    agreement = case.get("agreement") or {}
    for text in (case.get("summary"), agreement.get("facts")):
        if text and text.strip() and ps.apply(text) not in out:
            out.append(ps.apply(text.strip()))
    if case.get("claims"):
        out.append("申请人请求：" + ps.apply(case["claims"].strip()).rstrip("。") + "。")
    return out


def _process(ps: anonymise.Pseudonyms, case: dict) -> list[str]:
    mediators = "、".join(case.get("mediators") or [])
    out = [f"{case['committee']}指派调解员{mediators}主持调解。"] if mediators else []
    for r in sorted(case["records"], key=lambda r: r["held_at"]):
        body = ps.apply((r.get("body") or "").strip())
        if not body:
            continue
        kind = RECORD_KINDS.get(r["kind"], "")
        out.append(f"{_month(r['held_at'])}，调解员进行{kind}：{body}")
    return out


def _result(ps: anonymise.Pseudonyms, case: dict) -> list[str]:
    out: list[str] = []
    agreement = case.get("agreement")
    if case.get("outcome") == "succeeded" and agreement:
        form = "书面" if agreement["form"] == "written" else "口头"
        out.append(f"经调解，双方当事人自愿达成{form}调解协议：")
        for i, clause in enumerate(agreement["clauses"]):
            mark = f"（{_NUMBERED[i]}）" if i < len(_NUMBERED) else f"（{i + 1}）"
            out.append(mark + ps.apply(clause))
        if agreement.get("performed_on_the_spot"):
            out.append("协议当场履行完毕。")
        elif agreement.get("performance_method"):
            out.append(f"协议约定以{ps.apply(agreement['performance_method'])}方式履行。")
    elif case.get("outcome_label"):
        reason = ps.apply(case.get("failure_reason") or "").strip()
        out.append(f"{case['outcome_label']}。" + (f"原因：{reason.rstrip('。')}。" if reason else ""))
        if case.get("told_routes"):
            out.append("调解员告知当事人可以通过" + "、".join(case["told_routes"]) + "等途径维护自己的权利。")
    confirmation = case.get("confirmation")
    if confirmation and confirmation.get("result_label"):
        out.append(f"当事人共同申请司法确认，人民法院{confirmation['result_label']}。")
    if case.get("followups"):
        last = case["followups"][-1]
        if last.get("performance_label"):
            out.append(f"回访时，协议{last['performance_label']}。")
    return out or ["（本案调解结果未登记。）"]


@reads
def write_up(session: Session, actor: Actor, case_uuid: str) -> WriteUp:
    """The anonymised write-up of a closed case (its leaks listed, normally none)."""
    case = case_detail(session, actor, case_uuid)
    if case["status"] not in (Status.CLOSED, Status.FILED):
        raise UserError(f"{case['case_no']} 尚未结案：典型案例只能从已结案的案件撰写。")
    ps = _pseudonyms(session, case_uuid)
    stored = session.get(TypicalWriteup, case_uuid)
    analysis = (stored.analysis if stored else "").strip()
    made_title = f"{_names(ps, case, 'applicant')}与{_names(ps, case, 'respondent')}{_type(case)}调解案"
    title = ps.apply(stored.title) if stored and stored.title else made_title
    sections = [
        ("基本案情", _facts(ps, case)),
        ("调解过程", _process(ps, case) or ["（本案未登记调查、调解记录。）"]),
        ("调解结果", _result(ps, case)),
        ("案例评析", [ps.apply(p) for p in analysis.splitlines() if p.strip()] or [NO_ANALYSIS]),
    ]
    up = WriteUp(
        case["case_no"],
        title,
        case["committee"],
        sections,
        bool(analysis),
        stored.saved_by if stored else "",
        stored.saved_at if stored else None,
        stored.title if stored else "",
        analysis,
    )
    return WriteUp(**{**up.__dict__, "leaks": ps.leaks(up.text())})


def checked(up: WriteUp) -> WriteUp:
    """The write-up, or a refusal naming how much is still identifying (not what: no name in a message)."""
    if up.leaks:
        raise UserError(
            f"{up.case_no} 的典型案例中仍有 {len(up.leaks)} 处当事人信息未能去除，请修改案例评析或标题后再生成。"
        )
    return up


@writes
def save(session: Session, actor: Actor, case_uuid: str, analysis: str, title: str = "") -> WriteUp:
    """Store the mediator's 案例评析 (and own title; "" for the made one), audited."""
    actor.require(Perm.EDIT_CASES)
    case = get_case(session, case_uuid)
    if case.status not in (Status.CLOSED, Status.FILED):
        raise UserError(f"{case.case_no} 尚未结案：典型案例只能从已结案的案件撰写。")
    title = " ".join(title.split())
    if len(title) > TITLE_LENGTH:
        raise FieldError("title", f"标题不能超过 {TITLE_LENGTH} 个字。")
    row = session.get(TypicalWriteup, case.uuid)
    if row is None:
        row = TypicalWriteup(case_uuid=case.uuid, saved_at=actor.now)
        session.add(row)
    row.title, row.analysis = title, analysis.strip()
    row.saved_at, row.saved_by = actor.now, (actor.display_name or actor.name)[:80]
    audit.record(session, actor, "case.typical_writeup", "case", case.uuid, summary=f"{case.case_no} 典型案例评析保存")
    session.flush()
    return write_up(session, actor, case.uuid)


def saved_at_local(up: WriteUp) -> str:
    return clock.to_local(up.saved_at).isoformat(sep=" ", timespec="minutes") if up.saved_at else ""


@reads
def document(session: Session, actor: Actor, case_uuid: str, *, word: bool) -> tuple[WriteUp, bytes, int | None]:
    """The write-up as a file: (write-up, .docx or PDF bytes, PDF pages). Refused if anything of the
    parties is still in it."""
    from xihu_desk.documents import typical

    up = checked(write_up(session, actor, case_uuid))
    if word:
        return up, typical.build_docx(up), None
    pdf, pages = typical.build_pdf(up)
    return up, pdf, pages
