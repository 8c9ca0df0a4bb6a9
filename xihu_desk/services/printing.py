"""Printing a case's documents, and checking a paper copy against the record (design.md §6).

``print_document`` loads the case through ``case_detail``, refuses a document that cannot or
should not be printed yet (naming what is missing), builds the PDF, and writes the print into the
audit log (an unmasked ID print is audited twice: the reveal and the print). ``verify`` reads a
核验码 (domain/printcode.py) and says whether the paper matches the record as it stands now.
No table is needed: the code carries the case's uuid prefix, version and a digest of what was
printed, authenticated with a key derived from this node's signing key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk import documents
from xihu_desk.domain import cases as rules
from xihu_desk.domain import idnumber, printcode
from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, settings
from xihu_desk.services.case_queries import case_detail
from xihu_desk.services.cases import AgreementInput
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Committee, Node, OrgUnit

KINDS = documents.KINDS
# The papers the parties sign and the court receives carry each party's whole ID number (domain.md
# §8.1), unless the office masks it (settings); every other document, list and export stays masked.
WHOLE_ID = frozenset({"agreement", "application", "confirmation"})
# Documents of the agreement: printed for the record only once it is registered (a draft before).
OF_AGREEMENT = frozenset({"agreement", "oral-agreement", "confirmation"})


class Incomplete(UserError):
    """The document cannot be printed: nothing to print, or the listed items are missing."""

    def __init__(self, kind: str, reason: str | None, missing: list[str]):
        self.kind, self.reason, self.missing = kind, reason, missing
        text = reason or f"{KINDS[kind]}尚不完整，不能打印。尚缺：{'、'.join(missing)}。"
        super().__init__(text)


@dataclass(frozen=True)
class Printed:
    kind: str
    title: str  # 人民调解协议书
    case_uuid: str
    case_no: str
    code: str
    version: int
    pages: int
    pdf: bytes = field(repr=False)
    copies: int = 1  # how many the document says are made (协议书: 一式 N 份), proposed by the print dialog
    docx: bytes = field(default=b"", repr=False)  # the editable Word copy, when that was asked for (pdf is empty)
    draft: bool = False  # 草稿: no 核验码 (code is ""), not recorded as printed
    missing: tuple[str, ...] = ()  # what a draft still lacks (a print for the record lacks nothing)

    @property
    def file_name(self) -> str:
        from xihu_desk.domain.filenames import safe_file_name  # a case number kept from an old ledger may hold '/'

        return safe_file_name(
            f"{self.case_no}{self.title}{'（草稿）' if self.draft else ''}{'.docx' if self.docx else '.pdf'}"
        )


def _key(session: Session) -> bytes:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return printcode.print_key(node.sign_private)


def _case(session: Session, actor: Actor, case_uuid: str, *, reveal: bool = False) -> dict[str, Any]:
    case = case_detail(session, actor, case_uuid, reveal=reveal)
    case["retention_label"] = codes.label(session, "retention", case["filing"]["retention"])
    return case


def _masked(case: dict[str, Any]) -> dict[str, Any]:
    """What the digest is taken of: the case as printed by default (ID numbers masked)."""

    def masked(number: str | None) -> str:
        return number if number and "*" in number else idnumber.mask(number)

    parties = [{**p, "id_number": masked(p["id_number"])} for p in case["parties"]]
    for p in parties:  # the legal representative's number too (whole on the signed papers)
        if p.get("legal_representative"):
            p["legal_representative"] = {
                **p["legal_representative"],
                "id_number": masked(p["legal_representative"]["id_number"]),
            }
    return {**case, "parties": parties}


def digest(kind: str, case: dict[str, Any]) -> int:
    return printcode.content_digest(documents.content(kind, _masked(case)))


def problems(session: Session, actor: Actor, kind: str, case_uuid: str) -> tuple[str | None, list[str]]:
    """Why the document cannot be printed (or None) and what it still lacks; for menus and checks."""
    _require_kind(kind)
    return documents.check(kind, _case(session, actor, case_uuid))


def _require_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UserError(f"未知的文书种类“{kind}”。可选：{'、'.join(KINDS)}。")


def whole_ids(session: Session, actor: Actor, kind: str, *, reveal: bool = False) -> bool:
    """Does this print carry whole ID numbers? ``reveal`` asks for them on any document; the
    signed papers carry them unless the office masks them, and only for an actor who may see them."""
    if reveal:
        return True
    return kind in WHOLE_ID and actor.can(Perm.REVEAL_ID) and not settings.get(session, "mask_id_on_signed_documents")


def agreement_dict(case: dict[str, Any], a: AgreementInput) -> dict[str, Any]:
    """An agreement still being typed (the form at the signing table), shaped as case_detail gives
    a registered one: what a draft prints."""
    clauses = [c.strip() for c in a.clauses if c.strip()]
    return {
        "form": a.form,
        "number": case["case_no"],
        "facts": a.facts.strip(),
        "disputed": a.disputed.strip(),
        "responsibility": a.responsibility.strip(),
        "clauses": clauses,
        "performance_method": a.performance_method.strip(),
        "performance_place": a.performance_place.strip(),
        "performance_deadline": a.performance_deadline.isoformat() if a.performance_deadline else None,
        "amount": a.amount_fen / 100,
        "effective_on": a.effective_on.isoformat() if a.effective_on else None,
        "performed_on_the_spot": a.performed_on_the_spot,
        "registrar": a.registrar.strip(),
        "copies": rules.copies(len(case["parties"])),
        "confirmation_deadline": None,
    }


def _build(
    kind: str,
    case: dict[str, Any],
    stamp: documents.Stamp,
    *,
    templates: Path | None,
    on_page: Callable[[int], None] | None,
    word: bool,
) -> documents.Built:
    """The PDF, or the editable Word copy of the same story (documents/word.py)."""
    if word:
        return documents.Built(b"", 0, documents.build_docx(kind, case, stamp, templates=templates))
    return documents.build(kind, case, stamp, templates=templates, on_page=on_page)


@writes
def print_document(
    session: Session,
    actor: Actor,
    kind: str,
    case_uuid: str,
    *,
    reveal: bool = False,
    qr: bool = True,
    templates: Path | None = None,
    on_page: Callable[[int], None] | None = None,
    word: bool = False,
    draft: bool = False,
    agreement: AgreementInput | None = None,
) -> Printed:
    """Build one document of the case (with ``word``: its editable .docx, in ``Printed.docx``);
    audited. Whole ID numbers: see ``whole_ids`` (audited).

    ``draft``: a 草稿 while the case is still being mediated (any state in which the document has
    something to show): marked across every page, no 核验码, not recorded as printed; what it
    still lacks is returned, not refused. ``agreement`` (drafts only) is the agreement as typed on
    the screen, not yet registered; without it a draft of the agreement's documents uses the
    case's stored draft agreement (services/agreement_drafts.py) while none is registered."""
    _require_kind(kind)
    if agreement is not None and not draft:
        raise UserError("未登记的协议只能打印草稿。")
    whole = whole_ids(session, actor, kind, reveal=reveal)
    case = _case(session, actor, case_uuid, reveal=whole)
    if draft and agreement is None and kind in OF_AGREEMENT and not case.get("agreement"):
        from xihu_desk.services import agreement_drafts

        stored = agreement_drafts.read(session, actor, case["uuid"])  # typed at the signing table, kept
        agreement = stored.agreement if stored else None
    if agreement is not None:
        case = {**case, "agreement": agreement_dict(case, agreement), "agreement_form": agreement.form}
    reason, missing = documents.check(kind, case)
    if not draft and not reason and kind in OF_AGREEMENT and case.get("outcome") != "succeeded":
        reason = "本案的调解协议尚未登记（案件调解中），只能打印草稿。"
    if draft and kind in OF_AGREEMENT and not case.get("agreement"):
        reason = (
            "本案尚未填写调解协议：请在案件的“调解结果”中选择协议形式、填写条款并保存草稿"
            "（或 case draft-agreement），再打印草稿。"
        )
    if reason or (missing and not draft):
        raise Incomplete(kind, reason, missing)
    if draft:
        built = _build(
            kind, case, documents.Stamp("", qr=False, draft=True), templates=templates, on_page=on_page, word=word
        )
        return Printed(
            kind,
            KINDS[kind],
            case["uuid"],
            case["case_no"],
            "",
            case["version"],
            built.pages,
            built.pdf,
            _copies(kind, case),
            draft=True,
            missing=tuple(missing),
            docx=built.docx,
        )
    code = printcode.make(_key(session), kind, case["uuid"], case["version"], digest(kind, case)).text()
    built = _build(kind, case, documents.Stamp(code, qr=qr), templates=templates, on_page=on_page, word=word)
    audit.record(
        session,
        actor,
        "case.print",
        "case",
        case["uuid"],
        summary=f"打印 {case['case_no']} {KINDS[kind]}（"
        + ("Word 可编辑文档" if word else f"{built.pages} 页")
        + f"，核验码 {code}"
        + ("，含完整证件号码" if whole else "")
        + "）",
        after={
            "kind": kind,
            "code": code,
            "version": case["version"],
            "pages": built.pages,
            "format": "docx" if word else "pdf",
            "reveal": whole,
        },
    )
    return Printed(
        kind,
        KINDS[kind],
        case["uuid"],
        case["case_no"],
        code,
        case["version"],
        built.pages,
        built.pdf,
        _copies(kind, case),
        docx=built.docx,
    )


def _copies(kind: str, case: dict[str, Any]) -> int:
    """How many the paper says are made: the agreement 一式 N 份; the confirmation application one
    for the court and one a party."""
    if kind == "agreement" and case.get("agreement"):
        return case["agreement"]["copies"]
    return 1


# ---------------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class Verification:
    ok: bool
    result: str  # match, match-older-version, changed, superseded, void, forged, unknown, elsewhere, malformed, deleted
    message: str  # one line, in Chinese
    case_no: str = ""
    kind: str = ""
    printed_version: int | None = None
    current_version: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "result": self.result,
            "message": self.message,
            "case_no": self.case_no,
            "kind": self.kind,
            "printed_version": self.printed_version,
            "current_version": self.current_version,
        }


def _holder_name(session: Session, case_uuid: str) -> str:
    """The office that manages a case received from elsewhere: its committee's street or town."""
    name = session.scalar(
        select(OrgUnit.name)
        .join(Committee, Committee.org_code == OrgUnit.code)
        .join(MediationCase, MediationCase.committee_uuid == Committee.uuid)
        .where(MediationCase.uuid == case_uuid)
    )
    return f"{name}司法所" if name and not name.endswith(("司法所", "司法局")) else (name or "案件的管理单位")


@reads
def verify(session: Session, actor: Actor, text: str) -> Verification:
    """Does the paper that carries this 核验码 match the case record as it stands?"""
    try:
        code = printcode.parse(text)
    except printcode.BadCode:
        return Verification(
            False,
            "malformed",
            "核验码格式不正确：应为 24 位字母和数字（如 A06B-F78P-4007-05DB-G6MW-ZVQE），请核对是否抄错。",
        )
    key = _key(session)
    prefix = f"{code.uuid_prefix[:8]}-{code.uuid_prefix[8:]}"
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    candidates = session.execute(
        select(MediationCase.uuid, MediationCase.deleted, MediationCase.owner_node).where(
            MediationCase.uuid >= prefix, MediationCase.uuid < upper
        )
    ).all()
    found = [(uuid, deleted) for uuid, deleted, _owner in candidates if printcode.authentic(key, code, uuid)]
    if not candidates:
        return Verification(
            False,
            "unknown",
            "核验不通过：本单位无此案件。核验码格式正确，可能由其他单位打印，请到打印该文书的单位核验。",
            kind=code.kind,
        )
    if not found:
        # The code's MAC is keyed by the node that printed it. A case this node only holds a copy
        # of (received from the office that manages it) was printed there: it cannot be checked
        # here, which is not evidence of forgery. A case managed here with a failing MAC is.
        me = session.get_one(Node, 1).node_id
        if all(owner != me for _uuid, _deleted, owner in candidates):
            holder = _holder_name(session, candidates[0][0])
            return Verification(
                False,
                "elsewhere",
                f"核验不通过：本单位无此案件的原始登记（该案件由{holder}管理），无法核验该单位打印的文书，"
                f"请到{holder}核验。",
                kind=code.kind,
            )
        return Verification(False, "forged", "核验不通过：核验码与案件登记不符，可能是伪造或抄错的。", kind=code.kind)
    uuid, deleted = found[0]
    title = KINDS[code.kind]
    if deleted:
        return Verification(False, "deleted", f"核验不通过：该{title}所属的案件已被删除。", kind=code.kind)
    case = _case(session, actor, uuid)
    version = case["version"]
    printed = code.version
    base = dict(case_no=case["case_no"], kind=code.kind, printed_version=printed, current_version=version)
    if case.get("void"):
        return Verification(
            False,
            "void",
            f"核验不通过：{case['case_no']} 已于 {case['void']['on']} 作废"
            f"（{case['void']['reason']}），本{title}不再有效。",
            **base,
        )
    if digest(code.kind, case) == code.digest:
        if printcode.same_version(code, version):
            return Verification(
                True, "match", f"核验通过：{case['case_no']} {title}与案件登记一致（第 {version} 版）。", **base
            )
        return Verification(
            True,
            "match-older-version",
            f"核验通过：{case['case_no']} {title}打印于第 {printed} 版，此后案件有其他更新（现为第 {version} 版），"
            "但本文书的内容没有变化。",
            **base,
        )
    # A correction made after the print (history versions above the printed one; the code holds the
    # version modulo 32768, so compare within that window) supersedes the paper.
    later = [
        h
        for h in case.get("history", [])
        if h["action"] == "correct"
        and 0 < (h["version"] - printed) % printcode.VERSION_MOD <= (version - printed) % printcode.VERSION_MOD
    ]
    if later:
        last = later[-1]
        fields = "、".join(dict.fromkeys(h["field_label"] for h in later))
        return Verification(
            False,
            "superseded",
            f"核验不通过：{case['case_no']} {title}打印于第 {printed} 版，此后案件经更正（{fields}；"
            f"{last['at'][:10]} {last['by']}，理由：{last['reason']}），本文书已被取代，请以更正后重新打印的文书为准。",
            **base,
        )
    return Verification(
        False,
        "changed",
        f"核验不通过：{case['case_no']} {title}打印于第 {printed} 版，案件登记现为第 {version} 版，"
        "本文书的内容已有变化，纸面与登记不一致。",
        **base,
    )
