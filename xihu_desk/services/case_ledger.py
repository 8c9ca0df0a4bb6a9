"""The case ledger (案件台账) to and from Excel: taking in the ledgers offices kept by hand before
the app, and writing the ledger of the cases held here (ID numbers masked unless revealed).

Import (``ledger import --kind cases``). Every non-blank row of every sheet with a recognisable
header is imported, recognised as a duplicate, or listed with the reason and its original values
(reports/ledger.py reads the workbook; reports/case_ledger.py knows the columns and words). Each
row is applied in its own savepoint, so a refused row leaves nothing behind; a dry run rolls the
whole import back.

A legacy row becomes a case through a bulk path that applies the intake service's own checks
(``cases.check_intake``, the party validation of domain/parties.py) and ``cases.create_case``
(mediators, numbering, writers), and audits each case as ``case.import``. It differs
from ``cases.open_case`` in what an old ledger cannot have, each difference reported on the row:

- an organisation named without its 统一社会信用代码 (ledgers never had the column) is taken as an
  organisation with the code left to fill in, instead of refusing the case;
- an ID number that fails its check is left out (the party is kept), since a wrong number would
  otherwise stop the case going upward in a bundle; a masked number (with *) is left out too;
- the outcome is recorded as the ledger states it (result, agreement form, amount, performance,
  司法确认) without the mediation record and agreement text the paper file holds; an agreement row
  says its contents are in the paper file.

The case is marked as imported (store/ledger_models.CaseImport: file, sheet, row, the ledger's own
number, the values of columns without a field, and a fingerprint of committee, date accepted and
parties). A row is a duplicate when a live case of the same committee and date has the same
applicants and respondents, or an earlier import took a row with that fingerprint: so a second
import of the same ledger, or of an exported ledger, adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock, idnumber
from xihu_desk.domain.cases import Outcome, Status
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.parties import ID_TYPES, KINDS, ROLES, PartyInput, validate_credit_code, validate_party
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import case_ledger, ledger
from xihu_desk.services import audit, cases, codes, import_rows, node, platform_codes
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.services.units import writes
from xihu_desk.store import case_list, moved_out
from xihu_desk.store.case_models import Agreement, CaseMediator, Confirmation, MediationCase, Mediator, Party
from xihu_desk.store.ledger_models import CaseImport
from xihu_desk.store.models import Committee, OrgUnit

KIND = "cases"
NO_SUMMARY = "（原台账未记载纠纷简要情况）"
PAPER_AGREEMENT = "（原台账导入：协议内容见纸质卷宗）"
NO_COURT = "（原台账未记载法院）"
audit.ACTION_LABELS.update(
    {"case.import": "导入原台账案件", "ledger.import_cases": "导入案件台账", "ledger.export_cases": "导出案件台账"}
)
# A service's field -> the ledger column it came from, to point the problem at the right cell.
FIELD_COLUMN = {
    "committee_uuid": "committee",
    "source": "source",
    "referrer_type": "referrer",
    "referrer_name": "referrer",
    "dispute_type": "dispute_type",
    "summary": "summary",
    "accepted_on": "accepted_on",
    "outcome_on": "closed_on",
    "name": "applicant",
    "parties": None,
    "guardian": None,
    "mediators": "mediators",
}


# ---------------------------------------------------------------- reading the parts of a row


def _committee_key(text: str) -> str:
    t = ledger.normalise(text)
    for word in ("人民调解委员会", "调解委员会", "调委会"):
        if t.endswith(word):
            return t[: -len(word)]
    return t


class Committees:
    """Finds the committee a ledger names: full name, short name, 调委会 for 人民调解委员会, or
    the one committee whose name contains (or is contained in) what was written."""

    def __init__(self, session: Session) -> None:
        self.rows = list(
            session.execute(
                select(Committee.uuid, Committee.name, Committee.short_name).where(Committee.deleted.is_(False))
            )
        )
        info = node.node_info(session)
        org = session.get(OrgUnit, info.org_code)
        own = f"{org.name}人民调解委员会" if org else ""
        mine = [u for u, n, _s in self.rows if n == own]
        self.default = mine[0] if mine else (self.rows[0][0] if len(self.rows) == 1 else None)
        self.names = {u: n for u, n, _s in self.rows}
        self._cache: dict[str, str | None] = {}

    def find(self, text: str) -> str | None:
        key = _committee_key(text)
        if key in self._cache:
            return self._cache[key]
        found = None
        exact = [u for u, n, s in self.rows if key in (_committee_key(n), ledger.normalise(s))]
        if len(exact) == 1:
            found = exact[0]
        elif key:
            near = [u for u, n, s in self.rows if key in _committee_key(n) or (_committee_key(n) in key)]
            if len(near) != 1:
                near = [u for u, n, s in self.rows if s and ledger.normalise(s) in key]
            found = near[0] if len(near) == 1 else None
        self._cache[key] = found
        return found


class Roster:
    """Mediators by name: active ones of the case's committee first, then a unique one anywhere."""

    def __init__(self, session: Session) -> None:
        self.rows = list(
            session.execute(
                select(Mediator.uuid, Mediator.name, Mediator.committee_uuid).where(
                    Mediator.deleted.is_(False), Mediator.active.is_(True)
                )
            )
        )

    def find(self, name: str, committee_uuid: str) -> str | None:
        same = [u for u, n, c in self.rows if n == name and c == committee_uuid]
        anywhere = [u for u, n, _c in self.rows if n == name]
        if len(same) == 1:
            return same[0]
        return anywhere[0] if len(anywhere) == 1 else None


def fingerprint(committee_uuid: str, accepted_on: date, applicants: Iterable[str], respondents: Iterable[str]) -> str:
    doc = [
        committee_uuid,
        accepted_on.isoformat(),
        sorted(ledger.normalise(n) for n in applicants),
        sorted(ledger.normalise(n) for n in respondents),
    ]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


def _ids(value: Any) -> list[str]:
    text = ledger.parse_text(value)
    return [t for t in case_ledger.NAME_SPLIT.split(text) if t.strip()] if text else []


@dataclass
class _Row:
    """What one ledger row says, in the services' terms."""

    committee_uuid: str = ""
    parties: list[PartyInput] = field(default_factory=list)
    mediators: list[cases.MediatorAssignment] = field(default_factory=list)
    unmatched_mediators: list[str] = field(default_factory=list)
    subtype: str = ""

    def names(self, role: str) -> list[str]:
        return [p.name for p in self.parties if p.role == role]


NUMERIC_ID = "（该格是数字格式：Excel 只保留 15 位有效数字，请把该列设为文本后重新录入号码）"


def _party(
    row: ledger.LedgerRow,
    role: str,
    name: str,
    id_text: str,
    key: str,
    name_key: str,
    on: date,
    credit: str,
    id_type: str = "resident",
    **contact: Any,
) -> PartyInput:
    """One party: an organisation by its name's ending; a bad or masked ID number is left out with
    a warning (the party is kept); a number of another kind of ID (护照) is kept as written."""
    if case_ledger.looks_like_org(name):
        code = ""
        if credit:
            try:
                code = validate_credit_code(credit)
            except UserError as exc:
                row.warn("credit_code", f"{name}：{exc.message}此项留空，其余内容已导入")
        else:
            row.warn(name_key, f"{name}：原台账没有统一社会信用代码，已按组织导入，请日后补录")
        return PartyInput(role, "org", name, credit_code=code, **contact)
    number = ""
    if id_text:
        if "*" in id_text:
            row.warn(key, f"{name}：证件号码已遮蔽（含 *），未导入")
        elif id_type != "resident":
            number = id_text.strip()[:40]
        else:
            try:
                number = idnumber.validate(id_text, today=on)
            except UserError as exc:
                numeric = isinstance(row.raw.get(key), int | float) and not isinstance(row.raw.get(key), bool)
                row.warn(key, f"{name}：{exc.message}{NUMERIC_ID if numeric else ''}证件号码未导入，其余内容已导入")
    return PartyInput(role, "person", name, id_type=id_type, id_number=number, **contact)


def _parties(row: ledger.LedgerRow, on: date) -> list[PartyInput]:
    v = row.values
    applicants = case_ledger.split_names(v.get("applicant"))
    respondents = case_ledger.split_names(v.get("respondent"))
    if v.get("parties"):  # one 当事人 column: 张三与李四, or only the applicant beside a 被申请人 column
        sides = case_ledger.PARTIES_SPLIT.split(ledger.parse_text(v["parties"]), maxsplit=1)
        applicants = applicants or case_ledger.split_names(sides[0])
        respondents = respondents or (case_ledger.split_names(sides[1]) if len(sides) > 1 else [])
    out: list[PartyInput] = []
    credit = ledger.parse_text(v.get("credit_code"))
    numbers = {p: _ids(v.get(f"{p}_id")) for p in ("applicant", "respondent")}
    id_key = {"applicant": "applicant_id", "respondent": "respondent_id"}
    if "respondent_id" not in row.headers and respondents and len(numbers["applicant"]) > len(applicants):
        # One ID column for everyone (当事人 | 身份证号): the numbers after the applicants' are the respondents'.
        numbers["applicant"], numbers["respondent"] = (
            numbers["applicant"][: len(applicants)],
            numbers["applicant"][len(applicants) :],
        )
        id_key["respondent"] = "applicant_id"
    for role, names, prefix in (("applicant", applicants, "applicant"), ("respondent", respondents, "respondent")):
        ids = numbers[prefix]
        if len(ids) > len(names):
            row.warn(id_key[prefix], f"证件号码比{ROLES[role]}多，多出的未导入")
        types = v.get(f"{prefix}_id_type") or ()
        for i, name in enumerate(names):
            contact = (
                {
                    "phone": ledger.parse_text(v.get(f"{prefix}_phone")),
                    "address": ledger.parse_text(v.get(f"{prefix}_address")),
                }
                if i == 0
                else {}
            )
            name_key = prefix if prefix in row.headers else "parties"
            id_type = types[i] if i < len(types) else (types[-1] if types else "resident")
            party = _party(
                row,
                role,
                name[:80],
                ids[i] if i < len(ids) else "",
                id_key[prefix],
                name_key,
                on,
                credit if role == "respondent" or not respondents else "",
                id_type,
                **contact,
            )
            if party.kind == "org" and party.credit_code:
                credit = ""  # one code column: it belongs to the first organisation
            out.append(party)
    return out


def _understand(row: ledger.LedgerRow, committees: Committees, roster: Roster) -> _Row | None:
    """The row's committee, parties and mediators; None (with the reason on the row) when refused."""
    v = row.values
    found = _Row()
    written = ledger.parse_text(v.get("committee"))
    if written:
        uuid = committees.find(written)
        if uuid is None:
            row.refuse("committee", f"调委会“{written}”不在本单位的调委会名单中（请写全称或简称）")
            return None
    else:
        uuid = committees.default
        if uuid is None:
            row.refuse(
                "committee" if "committee" in row.headers else None,
                "未写明承办的调委会（本单位有多个调委会，请在台账中加“调委会”列）",
            )
            return None
    found.committee_uuid = uuid
    accepted = v["accepted_on"]
    found.parties = _parties(row, accepted)
    for role, key in (("applicant", "applicant"), ("respondent", "respondent")):
        if not found.names(role):
            column = key if key in row.headers else ("parties" if "parties" in row.headers else None)
            row.refuse(column, f"缺少{ROLES[role]}：每个案件至少需要一名申请人和一名被申请人")
    if row.refused:
        return None
    for name in case_ledger.split_names(v.get("mediators")):
        m = roster.find(name, uuid)
        if m is None:
            found.unmatched_mediators.append(name)
        elif m not in {a.mediator_uuid for a in found.mediators}:
            found.mediators.append(cases.MediatorAssignment(m, lead=not found.mediators))
    if found.unmatched_mediators:
        row.warn(
            "mediators",
            "调解员“" + "、".join(found.unmatched_mediators) + "”不在调解员名册中（或已停用），"
            "未关联到案件，姓名已保存在“原台账其他信息”中；可先补录名册再导入",
        )
    return found


# ---------------------------------------------------------------- writing one case


def _open_legacy(session: Session, actor: Actor, cmd: cases.IntakeCommand) -> MediationCase:
    """``cases.open_case`` for a ledger row: the same checks, number and writers, audited as an
    import; an organisation may lack its credit code (the row says so)."""
    cases.check_intake(session, cmd)
    checked = []
    for p in cmd.parties:
        if p.kind == "org" and not p.credit_code:
            if p.role not in ROLES or p.kind not in KINDS or not p.name.strip():
                raise FieldError("name", "请填写当事人姓名或名称。")
            checked.append(replace(p, name=p.name.strip(), phone=p.phone.strip(), address=p.address.strip()))
        else:
            checked.append(validate_party(p, cmd.accepted_on))
    if not {"applicant", "respondent"} <= {p.role for p in checked}:
        raise FieldError("parties", "至少需要一名申请人和一名被申请人。")
    return cases.create_case(session, actor, cmd, checked)


def _outcome(session: Session, actor: Actor, case: MediationCase, row: ledger.LedgerRow) -> None:
    """The result as the ledger states it (see the module docstring)."""
    v = row.values
    outcome = v.get("outcome")
    form = v.get("agreement_form")
    if outcome in (None, "open") and form and outcome is None:
        outcome = "succeeded"
        row.warn("agreement_form", "没有调解结果，按填写了协议形式推定为调解成功")
    if outcome in (None, "open"):
        for key in ("agreement_form", "agreement_amount", "performed", "confirmed", "closed_on"):
            if v.get(key) not in (None, "", False):
                row.warn(key, "案件尚未办结（没有调解结果），此项未导入")
        return
    on = v.get("closed_on")
    if on is None:
        on = case.accepted_on
        row.warn("closed_on", "没有结案日期，按受理日期记录")
    if on < case.accepted_on:
        raise FieldError("outcome_on", "结案日期早于受理日期，请核对。")
    if on > actor.today:
        raise FieldError("outcome_on", "结案日期晚于今天，请核对。")
    case.outcome, case.outcome_on, case.status, case.closed_on = outcome, on, Status.CLOSED.value, on
    case.followup_due = None
    amount = v.get("agreement_amount")
    if outcome != Outcome.SUCCEEDED:
        case.agreement_form = None
        case.failure_reason = f"（原台账记载：{ledger.parse_text(row.raw.get('outcome')) or Outcome(outcome).label}）"
        for key in ("agreement_form", "agreement_amount", "performed", "confirmed"):
            if v.get(key) not in (None, "", False):
                row.warn(key, f"{Outcome(outcome).label}的案件没有协议，此项未导入")
        return
    case.agreement_form = form
    case.performed = v.get("performed") or ""
    if form is None:
        row.warn(
            "agreement_form" if "agreement_form" in row.headers else "outcome",
            "调解成功但未写协议形式（书面或口头）：未登记协议，统计中不计入书面或口头协议",
        )
        if amount:
            if not case.amount_fen:
                case.amount_fen = amount
            row.warn("agreement_amount", "协议形式不明，协议金额记为涉及金额，不计入协议金额统计")
    else:
        agreement = Agreement(
            uuid="",
            case_uuid=case.uuid,
            form=form,
            number=case.case_no,
            clauses=json.dumps([PAPER_AGREEMENT], ensure_ascii=False),
            amount_fen=amount or 0,
            effective_on=on,
            performed_on_the_spot=False,
        )
        stamp_new(session, actor, agreement)
        session.add(agreement)
    if v.get("confirmed"):
        if form == "written":
            confirmation = Confirmation(uuid="", case_uuid=case.uuid, applied_on=on, court=NO_COURT, result="confirmed")
            stamp_new(session, actor, confirmation)
            session.add(confirmation)
        else:
            row.warn("confirmed", "司法确认只针对书面协议，本行不是书面协议，未导入")


def _platform_code(session: Session, row: ledger.LedgerRow) -> str:
    """The row's 平台案件编号 when usable; one already on another case is left out with a warning."""
    try:
        return platform_codes.check(session, ledger.parse_text(row.values.get("platform_code"))) or ""
    except FieldError as exc:
        row.warn("platform_code", f"{exc.message}此项留空，其余内容已导入")
        return ""


def _apply(session: Session, actor: Actor, row: ledger.LedgerRow, parts: _Row, file_name: str, fp: str) -> str:
    v = row.values
    code, subtype = v["dispute_type"]
    source = v.get("source")
    if source is None:
        source = "apply"
        if "source" in row.headers:
            row.warn("source", "没有填写案件来源，按“当事人申请”登记")
    referrer_type = referrer_name = ""
    if source == "referral":
        referrer_name = ledger.parse_text(v.get("referrer")) or ledger.parse_text(row.raw.get("source"))
        referrer_type = case_ledger.referrer_type(referrer_name)
    summary = ledger.parse_text(v.get("summary"))
    if not summary:
        summary = NO_SUMMARY
        row.warn("summary" if "summary" in row.headers else None, "没有纠纷简要情况，已注明“原台账未记载”")
    cmd = cases.IntakeCommand(
        committee_uuid=parts.committee_uuid,
        intake_form="application" if source == "apply" else "register",
        source=source,
        dispute_type=code,
        dispute_subtype=subtype[:30],
        accepted_on=v["accepted_on"],
        summary=summary,
        parties=tuple(parts.parties),
        mediators=tuple(parts.mediators),
        referrer_type=referrer_type,
        referrer_name=referrer_name[:60],
        amount_fen=v.get("amount") or 0,
        registrar=actor.display_name or actor.name,
        platform_code=_platform_code(session, row),
    )
    case = _open_legacy(session, actor, cmd)
    _outcome(session, actor, case, row)
    extra = {h: ledger.parse_text(x) for h, x in row.extra.items()}
    if parts.unmatched_mediators:
        extra["调解员（原台账）"] = "、".join(parts.unmatched_mediators)
    session.add(
        CaseImport(
            case_uuid=case.uuid,
            fingerprint=fp,
            file_name=file_name[:200],
            sheet=row.sheet[:100],
            row=row.row,
            ledger_no=ledger.parse_text(v.get("number"))[:60],
            extra=json.dumps(extra, ensure_ascii=False),
            imported_at=actor.now,
            imported_by=actor.name,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "case.import",
        "case",
        case.uuid,
        summary=f"导入原台账案件 {case.case_no}：{case.title}（{file_name} {row.sheet} 第 {row.row} 行）",
        after=cases.snapshot(case),
    )
    return case.case_no


# ---------------------------------------------------------------- the import


def import_columns(session: Session) -> list[ledger.Column]:
    return case_ledger.columns(dict(codes.items(session, "dispute_type")))


def _known(session: Session, first: date, last: date) -> set[str]:
    """Fingerprints of the live cases accepted in the ledger's span, and of every earlier import."""
    seen = set(session.scalars(select(CaseImport.fingerprint)))
    people: dict[str, tuple[str, date, list[str], list[str]]] = {}
    for uuid, committee, accepted, role, name in session.execute(
        select(MediationCase.uuid, MediationCase.committee_uuid, MediationCase.accepted_on, Party.role, Party.name)
        .join(Party, Party.case_uuid == MediationCase.uuid)
        .where(
            MediationCase.deleted.is_(False), Party.deleted.is_(False), MediationCase.accepted_on.between(first, last)
        )
    ):
        entry = people.setdefault(uuid, (committee, accepted, [], []))
        if role == "applicant":
            entry[2].append(name)
        elif role == "respondent":
            entry[3].append(name)
    seen.update(fingerprint(c, d, a, r) for c, d, a, r in people.values())
    return seen


@writes
def import_ledger(
    session: Session,
    actor: Actor,
    source: Path | str | bytes | IO[bytes],
    *,
    file_name: str = "",
    dry_run: bool = False,
    progress: Any = None,
) -> ledger.ImportReport:
    """Read the workbook and take its rows as cases. ``progress`` (optional) has ``step(done, stage,
    total)`` and may raise to cancel (the caller's unit of work then rolls back whole)."""
    actor.require(Perm.EDIT_CASES)
    step: Callable[..., Any] = progress.step if progress is not None else (lambda *a, **k: None)
    step(0, "正在读取 Excel 文件…", 0)
    if not file_name:
        file_name = Path(source).name if isinstance(source, str | Path) else "台账"
    try:
        book = ledger.read(source, import_columns(session), keep_unknown=True)
    except ledger.LedgerError as exc:
        raise UserError(str(exc)) from None
    report = ledger.ImportReport(
        KIND,
        dry_run=dry_run,
        notes=list(book.notes),
        sheets=[
            {"sheet": s.name, "header_row": s.header_row, "rows": s.data_rows, "columns": s.columns}
            for s in book.sheets
        ],
    )
    for s in book.sheets:
        if s.header_row and "source" not in s.columns:
            report.notes.append(f"工作表“{s.name}”没有“案件来源”列：案件均按“当事人申请”登记。")
        if s.header_row and not ({"applicant", "respondent"} <= set(s.columns) or "parties" in s.columns):
            report.notes.append(f"工作表“{s.name}”没有“申请人”“被申请人”（或“当事人”）列：这些行无法导入。")
    committees, roster = Committees(session), Roster(session)
    dates = [r.values["accepted_on"] for r in book.rows if r.values.get("accepted_on")]
    seen = _known(session, min(dates), max(dates)) if dates else set()
    savepoint = session.begin_nested() if dry_run else None

    def plan(row: ledger.LedgerRow) -> import_rows.Plan | None:
        parts = _understand(row, committees, roster)
        if parts is None:
            return None
        fp = fingerprint(
            parts.committee_uuid, row.values["accepted_on"], parts.names("applicant"), parts.names("respondent")
        )
        title = "、".join(parts.names("applicant")) + "与" + "、".join(parts.names("respondent"))
        return import_rows.Plan((fp,), {"title": title}, parts)

    import_rows.take_rows(
        session,
        book,
        report,
        seen=seen,
        plan=plan,
        field_column=FIELD_COLUMN,
        step=step,
        apply=lambda row, chosen: _apply(session, actor, row, chosen.context, file_name, str(chosen.keys[0])),
    )
    unmatched: dict[str, int] = {}
    for row in book.rows:
        for name in case_ledger.split_names(row.values.get("mediators")):
            if any(p.column == row.headers.get("mediators") and name in p.reason for p in row.problems if p.imported):
                unmatched[name] = unmatched.get(name, 0) + 1
    if unmatched:
        report.notes.append(
            "调解员名册中没有这些调解员，相关案件未关联调解员："
            + "、".join(f"{n}（{k} 行）" for n, k in sorted(unmatched.items(), key=lambda t: -t[1]))
            + "。如需关联，请先在“调解员”中补录名册，再导入台账。"
        )
    if savepoint is not None:
        savepoint.rollback()
    elif report.imported:
        audit.record(
            session,
            actor,
            "ledger.import_cases",
            "case",
            "",
            summary=(
                f"导入案件台账 {file_name}：{report.rows} 行，导入 {report.imported} 行，重复 {report.duplicates} 行，"
                f"未导入 {report.refused} 行"
            ),
        )
    return report


# ---------------------------------------------------------------- the export


@dataclass(frozen=True)
class LedgerScope:
    """Which cases a ledger holds: all live ones here, or a year, an org unit, a committee."""

    year: int | None = None
    org_code: str = ""
    committee_uuid: str = ""


def _scope_label(session: Session, scope: LedgerScope) -> str:
    parts = []
    if scope.committee_uuid:
        c = session.get(Committee, scope.committee_uuid)
        parts.append(c.name if c else "（调委会）")
    elif scope.org_code:
        unit = session.get(OrgUnit, scope.org_code)
        parts.append(f"{unit.name if unit else scope.org_code}各调委会")
    else:
        parts.append("全部调委会")
    if scope.year:
        parts.append(f"{scope.year} 年受理")
    return "，".join(parts)


BATCH = 500


def ledger_rows(session: Session, actor: Actor, scope: LedgerScope, *, reveal: bool = False) -> list[dict[str, Any]]:
    actor.require(Perm.VIEW_CASES)
    if reveal:
        actor.require(Perm.REVEAL_ID)
    query = (
        select(MediationCase)
        .join(Committee, Committee.uuid == MediationCase.committee_uuid)
        .where(MediationCase.deleted.is_(False), MediationCase.status != Status.VOID.value)
        .where(moved_out.counted(MediationCase.uuid))  # 移送: the copy kept here is in the receiver's ledger
        .order_by(MediationCase.accepted_on, MediationCase.year, MediationCase.seq)
    )
    if scope.year:
        query = query.where(MediationCase.year == scope.year)
    if scope.committee_uuid:
        query = query.where(MediationCase.committee_uuid == scope.committee_uuid)
    elif scope.org_code:
        query = query.where(Committee.org_code == scope.org_code)
    types = codes.labels(session, "dispute_type")
    sources = codes.labels(session, "case_source")
    committees = dict(session.execute(select(Committee.uuid, Committee.name)).all())
    out: list[dict[str, Any]] = []
    batch: list[MediationCase] = []

    def flush() -> None:
        uuids = [c.uuid for c in batch]
        parties = case_list.parties_of(session, uuids)
        names: dict[str, list[str]] = {u: [] for u in uuids}
        for case_uuid, name in session.execute(
            select(CaseMediator.case_uuid, Mediator.name)
            .join(Mediator, Mediator.uuid == CaseMediator.mediator_uuid)
            .where(CaseMediator.case_uuid.in_(uuids))
            .order_by(CaseMediator.lead.desc(), Mediator.name_key)
        ):
            names[case_uuid].append(name)
        amounts = dict(
            session.execute(
                select(Agreement.case_uuid, Agreement.amount_fen).where(
                    Agreement.case_uuid.in_(uuids), Agreement.deleted.is_(False)
                )
            ).all()
        )
        confirmed = set(
            session.scalars(
                select(Confirmation.case_uuid).where(
                    Confirmation.case_uuid.in_(uuids),
                    Confirmation.result == "confirmed",
                    Confirmation.deleted.is_(False),
                )
            )
        )
        marks = {m.case_uuid: m for m in session.scalars(select(CaseImport).where(CaseImport.case_uuid.in_(uuids)))}
        for c in batch:
            ps = parties[c.uuid]
            by_role = {r: [p for p in ps if p.role == r] for r in ("applicant", "respondent")}

            def ids(role: str, by_role: dict[str, list[Party]] = by_role) -> str:  # this case's parties
                shown = [
                    (p.id_number if reveal else idnumber.mask(p.id_number)) if p.kind == "person" else p.credit_code
                    for p in by_role[role]
                ]
                return "、".join(shown) if any(shown) else ""

            def id_types(role: str, by_role: dict[str, list[Party]] = by_role) -> str:
                shown = [
                    ID_TYPES.get(p.id_type, "") if p.kind == "person" and p.id_number else "" for p in by_role[role]
                ]
                return "、".join(shown) if any(shown) else ""

            mark = marks.get(c.uuid)
            extra = json.loads(mark.extra) if mark else {}
            first_app = by_role["applicant"][0] if by_role["applicant"] else None
            first_resp = by_role["respondent"][0] if by_role["respondent"] else None
            out.append(
                {
                    "number": c.case_no,
                    "platform_code": c.platform_code or "",
                    "uuid": c.uuid,  # not a column: lets a caller pick rows (reconcile's entry list)
                    "committee": committees.get(c.committee_uuid, ""),
                    "accepted_on": c.accepted_on,
                    "source": sources.get(c.source, c.source),
                    "referrer": c.referrer_name,
                    "dispute_type": types.get(c.dispute_type, c.dispute_type)
                    + (f"（{c.dispute_subtype}）" if c.dispute_subtype else ""),
                    "applicant": "、".join(p.name for p in by_role["applicant"]),
                    "applicant_id": ids("applicant"),
                    "applicant_id_type": id_types("applicant"),
                    "respondent_id_type": id_types("respondent"),
                    "applicant_phone": first_app.phone if first_app else "",
                    "applicant_address": first_app.address if first_app else "",
                    "respondent": "、".join(p.name for p in by_role["respondent"]),
                    "respondent_id": ids("respondent"),
                    "respondent_phone": first_resp.phone if first_resp else "",
                    "respondent_address": first_resp.address if first_resp else "",
                    "summary": c.summary,
                    "mediators": "、".join(names[c.uuid]),
                    "status": case_ledger.STATUS_LABELS.get(c.status, c.status),
                    "outcome": case_ledger.OUTCOME_LABELS.get(c.outcome or "", ""),
                    "agreement_form": case_ledger.FORM_LABELS.get(c.agreement_form or "", ""),
                    "agreement_amount": amounts[c.uuid] / 100 if c.uuid in amounts else None,
                    "amount": c.amount_fen / 100 if c.amount_fen else None,
                    "performed": case_ledger.PERFORMED_LABELS.get(c.performed, ""),
                    "confirmed": True if c.uuid in confirmed else None,
                    "closed_on": c.closed_on,
                    "filed_on": c.filed_on,
                    "imported_from": f"{mark.file_name}｜{mark.sheet} 第 {mark.row} 行"
                    + (f"｜原编号 {mark.ledger_no}" if mark.ledger_no else "")
                    if mark
                    else "",
                    "extra": "；".join(f"{k}：{v}" for k, v in extra.items() if v),
                }
            )
        batch.clear()

    for case in session.scalars(query).yield_per(BATCH):
        batch.append(case)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return out


@writes
def export_ledger(session: Session, actor: Actor, scope: LedgerScope | None = None, *, reveal: bool = False) -> bytes:
    """台账 as Excel; full ID numbers only with ``reveal`` (a role that may; audited)."""
    scope = scope or LedgerScope()
    rows = ledger_rows(session, actor, scope, reveal=reveal)
    info = node.node_info(session)
    label = _scope_label(session, scope)
    audit.record(
        session,
        actor,
        "party.reveal" if reveal else "ledger.export_cases",
        "case",
        "",
        summary=f"导出案件台账（{label}，{len(rows)} 件" + ("，含完整证件号码）" if reveal else "，证件号码已遮蔽）"),
    )
    return case_ledger.export_workbook(
        rows,
        org_name=info.org_name,
        org_code=info.org_code,
        scope=label,
        generated_at=local_now(actor),
        generated_by=actor.display_name or actor.name,
        dispute_labels=codes.labels(session, "dispute_type"),
        masked=not reveal,
    )


def problems_workbook(report: ledger.ImportReport, source_name: str) -> bytes:
    """The 问题清单 to correct the ledger and import it again (rows already taken are recognised)."""
    return ledger.problems_workbook(report, source_name)


def local_now(actor: Actor) -> datetime:
    """The actor's instant in the PC's local time."""
    return clock.to_local(actor.now)


ImportReport = ledger.ImportReport  # what an import found, for the screens


def importable_columns() -> list[tuple[str, tuple[str, ...]]]:
    """The headers an old ledger's columns may carry, each with its other spellings (the import
    wizard lists them)."""
    return [(c.header, tuple(c.synonyms)) for c in case_ledger.columns({}) if c.import_]
