"""A case transferred (移送) to another street's or town's office through the district (issue 18).

The steps, each one unit of work:

1. The office that holds the case asks (``request``): a ``case_transfer`` row with the receiving
   office, the reason and the day; a history row on the case. The request travels up in the
   office's next bundle, and until the district answers the case is frozen here (``edit_block``).
2. The district lists the requests (``listing``) and accepts or refuses one (``accept`` /
   ``refuse``): a ``case_transfer_decision`` row. Accepting moves ownership at once in the district's
   copy (owner = the receiving office, version + 1): the district is the only node that may move it
   (design.md §5.1, "ownership moves only by an explicit transfer").
3. The district's next downward bundles carry the decision (services/exchange/transfers.py): to the
   office that asked, the decision only (its copy becomes read-only, marked 已移送); to the office
   that receives it, the decision with the whole case.

Numbering at the receiver. The case takes the next number of the receiving office's own street
(town) committee, in the year it arrives, and the number it had is kept in its history (原案号) and
on the decision. A case number is a committee's gapless register (人调字第…号), and only the node
that owns a committee may draw from its counter (services/cases._next_number): the district cannot
number for the receiver, and keeping the sender's number would put another office's 字号 in the
receiver's register. The sender's number is not reused: the sender's register shows it as 已移送.

One case, one history: same uuid, parties, records, attachments and history rows; statistics count it
where it is closed, and the sender's read-only copy is left out of the sender's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select, union_all
from sqlalchemy.orm import Session, aliased

from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import FieldError, NotFound, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, case_history, cases
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store import moved_out as moved_out_store
from xihu_desk.store.case_models import Agreement, MediationCase
from xihu_desk.store.models import Node, OrgUnit
from xihu_desk.store.sync_models import PeerNode
from xihu_desk.store.transfer_models import CaseTransfer, TransferDecision

audit.ACTION_LABELS.setdefault("case.transfer", "申请移送案件")
audit.ACTION_LABELS.setdefault("exchange.transfer_accept", "同意移送案件")
audit.ACTION_LABELS.setdefault("exchange.transfer_refuse", "不同意移送案件")
audit.ACTION_LABELS.setdefault("case.transfer_out", "案件已移送")
audit.ACTION_LABELS.setdefault("case.transfer_in", "接收移送的案件")

PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
STATUS_LABELS = {PENDING: "待区司法局决定", ACCEPTED: "已移送", REFUSED: "未同意"}
PAGE_SIZE = 100  # rows of the 移送申请 list read at a time (the first with the 数据交换 page)


def _node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def org_name(session: Session, code: str) -> str:
    # Kept for the unit of work: a list names the same few offices on every row, and the identity
    # map holds an org unit only while something refers to it (it was read again for each row).
    names: dict[str, str] = session.info.setdefault("case_transfer.org_names", {})
    if code not in names:
        unit = session.get(OrgUnit, code)
        names[code] = unit.name if unit else code
    return names[code]


@reads
def targets(session: Session) -> list[tuple[str, str]]:
    """The other street and town offices of this office's district (code, name)."""
    node = _node(session)
    mine = session.get(OrgUnit, node.org_code)
    if mine is None:
        return []
    return [
        (u.code, u.name)
        for u in session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.parent_code == mine.parent_code,
                OrgUnit.code != mine.code,
                OrgUnit.kind.in_(("street", "town")),
                OrgUnit.retired.is_(False),
            )
            .order_by(OrgUnit.code)
        )
    ]


def _decision(session: Session, transfer_uuid: str) -> TransferDecision | None:
    return session.get(TransferDecision, transfer_uuid)


def pending_request(session: Session, case_uuid: str) -> CaseTransfer | None:
    """This case's request the district has not answered yet (at the office that asked)."""
    for row in session.scalars(
        select(CaseTransfer).where(CaseTransfer.case_uuid == case_uuid, CaseTransfer.deleted.is_(False))
    ):
        if _decision(session, row.uuid) is None:
            return row
    return None


def moved_out(session: Session, case_uuid: str) -> TransferDecision | None:
    """The accepted transfer that took this case away from this node, if it is not back here since."""
    me = _node(session).node_id
    return session.scalar(
        select(TransferDecision)
        .join(MediationCase, MediationCase.uuid == TransferDecision.case_uuid)
        .where(
            TransferDecision.case_uuid == case_uuid,
            TransferDecision.accepted.is_(True),
            TransferDecision.from_node == me,
            MediationCase.owner_node != me,
        )
        .order_by(TransferDecision.decided_on.desc())
        .limit(1)
    )


def edit_block(session: Session, case: MediationCase) -> str | None:
    """Why this node may not change the case because of a transfer, or None (cases.check_editable)."""
    row = pending_request(session, case.uuid)
    if row is not None and row.owner_node == case.owner_node:
        return (
            f"该案件已于 {row.requested_on.isoformat()} 申请移送至{org_name(session, row.to_org)}，"
            "在区司法局决定前不能修改；决定随区司法局的数据包到达。"
        )
    gone = moved_out(session, case.uuid)
    if gone is not None:
        return (
            f"该案件已于 {gone.decided_on.isoformat()} 移送至{org_name(session, gone.to_org)}，"
            "本单位保留的是只读副本，不能修改。"
        )
    return None


@dataclass(frozen=True)
class TransferRow:
    uuid: str
    case_uuid: str
    case_no: str  # the number the case has here now
    from_case_no: str
    from_org: str
    from_name: str
    to_org: str
    to_name: str
    reason: str
    requested_on: str
    by_name: str
    status: str
    status_label: str
    decided_on: str | None
    decided_by: str
    refusal: str
    new_case_no: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _row(session: Session, t: CaseTransfer, d: TransferDecision | None, case_no: str) -> TransferRow:
    status = PENDING if d is None else (ACCEPTED if d.accepted else REFUSED)
    return TransferRow(
        t.uuid,
        t.case_uuid,
        case_no,
        t.from_case_no,
        t.from_org,
        org_name(session, t.from_org),
        t.to_org,
        org_name(session, t.to_org),
        t.reason,
        t.requested_on.isoformat(),
        t.by_name,
        status,
        STATUS_LABELS[status],
        d.decided_on.isoformat() if d else None,
        d.decided_by if d else "",
        d.reason if d else "",
        d.new_case_no if d else "",
    )


def _decision_row(session: Session, d: TransferDecision, case_no: str) -> TransferRow:
    """A decision known here without its request (at the receiving office)."""
    return TransferRow(
        d.id,
        d.case_uuid,
        case_no,
        d.from_case_no,
        d.from_org,
        org_name(session, d.from_org),
        d.to_org,
        org_name(session, d.to_org),
        "",
        "",
        "",
        ACCEPTED if d.accepted else REFUSED,
        "已接收" if d.accepted else STATUS_LABELS[REFUSED],
        d.decided_on.isoformat(),
        d.decided_by,
        d.reason,
        d.new_case_no,
    )


def _asked(pending_only: bool) -> list[Any]:
    """Which requests the list shows (the conditions on case_transfer)."""
    where: list[Any] = [CaseTransfer.deleted.is_(False)]
    if pending_only:
        where.append(~select(TransferDecision.id).where(TransferDecision.id == CaseTransfer.uuid).exists())
    return where


def _received() -> Select[Any]:
    asked_here = select(CaseTransfer.uuid).where(
        CaseTransfer.uuid == TransferDecision.id, CaseTransfer.deleted.is_(False)
    )
    return select(TransferDecision.id).where(~asked_here.exists())


def _page_keys(pending_only: bool, offset: int, limit: int | None) -> Any:
    """The list's order as keys only, paged before anything is joined (a join a row over every request
    ever made is what made the list slow): the requests known here, newest first, then (not
    ``pending_only``) the decisions that came down without their request (cases received here); the
    id last, so that pages never overlap."""
    requests: Any = select(
        literal_column("0").label("part"),
        CaseTransfer.requested_on.label("sort_on"),
        CaseTransfer.updated_at.label("sort_at"),
        CaseTransfer.uuid.label("uuid"),
    ).where(*_asked(pending_only))
    keys: Any = requests
    if not pending_only:
        received: Any = select(
            literal_column("1"), TransferDecision.decided_on, TransferDecision.received_at, TransferDecision.id
        ).where(TransferDecision.id.in_(_received()))
        keys = union_all(requests, received)
    ordered = keys.subquery()
    page = (
        select(ordered)
        .order_by(ordered.c.part, ordered.c.sort_on.desc(), ordered.c.sort_at.desc(), ordered.c.uuid)
        .offset(offset)
        .limit(limit)
    )
    return page.subquery()


def _page_query(pending_only: bool, offset: int, limit: int | None) -> Select[Any]:
    """One page of the list with what a row shows: the request, its decision, the case's number here
    and both offices' names, joined for the page's rows only."""
    keys = _page_keys(pending_only, offset, limit)
    t, d, frm, to = CaseTransfer, TransferDecision, aliased(OrgUnit), aliased(OrgUnit)
    case_uuid = func.coalesce(t.case_uuid, d.case_uuid)
    from_org, to_org = func.coalesce(t.from_org, d.from_org), func.coalesce(t.to_org, d.to_org)
    return (
        select(
            keys.c.part,
            keys.c.uuid,
            case_uuid,
            func.coalesce(MediationCase.case_no, t.from_case_no, d.from_case_no),
            func.coalesce(t.from_case_no, d.from_case_no),
            from_org,
            func.coalesce(frm.name, from_org),
            to_org,
            func.coalesce(to.name, to_org),
            t.reason,
            t.requested_on,
            t.by_name,
            d.id,
            d.accepted,
            d.decided_on,
            d.decided_by,
            d.reason,
            d.new_case_no,
        )
        .select_from(keys)
        .outerjoin(t, (keys.c.part == 0) & (t.uuid == keys.c.uuid))
        .outerjoin(d, d.id == keys.c.uuid)
        .outerjoin(MediationCase, MediationCase.uuid == case_uuid)
        .outerjoin(frm, frm.code == from_org)
        .outerjoin(to, to.code == to_org)
        .order_by(keys.c.part, keys.c.sort_on.desc(), keys.c.sort_at.desc(), keys.c.uuid)
    )


def _listed(r: Any) -> TransferRow:
    (part, uuid, case_uuid, case_no, from_case_no, from_org, from_name, to_org, to_name) = r[:9]
    (reason, requested_on, by_name, decision, accepted, decided_on, decided_by, refusal, new_case_no) = r[9:]
    if part == 0:
        status = PENDING if decision is None else (ACCEPTED if accepted else REFUSED)
        label = STATUS_LABELS[status]
        requested = requested_on.isoformat()
    else:  # a decision without its request (_decision_row)
        status = ACCEPTED if accepted else REFUSED
        label = "已接收" if accepted else STATUS_LABELS[REFUSED]
        reason, requested, by_name = "", "", ""
    decided = decision is not None
    return TransferRow(
        uuid,
        case_uuid,
        case_no,
        from_case_no,
        from_org,
        from_name,
        to_org,
        to_name,
        reason,
        requested,
        by_name,
        status,
        label,
        decided_on.isoformat() if decided else None,
        decided_by if decided else "",
        refusal if decided else "",
        new_case_no if decided else "",
    )


def _may_list(actor: Actor) -> None:
    if not actor.can(Perm.EXCHANGE):
        actor.require(Perm.VIEW_CASES)


def _counts(session: Session, pending_too: bool) -> tuple[int, int]:
    """(rows of the whole list, pending requests) in one statement (pending 0 unless ``pending_too``)."""
    asked = select(func.count()).select_from(CaseTransfer).where(*_asked(False)).scalar_subquery()
    received = select(func.count()).select_from(_received().subquery()).scalar_subquery()
    pending = (
        select(func.count()).select_from(CaseTransfer).where(*_asked(True)).scalar_subquery()
        if pending_too
        else literal_column("0")
    )
    total, waiting = session.execute(select(asked + received, pending)).one()
    return total or 0, waiting or 0


@reads
def count(session: Session, actor: Actor, *, pending_only: bool = False) -> int:
    """How many rows ``listing`` gives (one statement)."""
    _may_list(actor)
    if pending_only:
        return session.scalar(select(func.count()).select_from(CaseTransfer).where(*_asked(True))) or 0
    return _counts(session, False)[0]


@reads
def listing(
    session: Session, actor: Actor, *, pending_only: bool = False, offset: int = 0, limit: int | None = None
) -> list[TransferRow]:
    """Transfer requests known here, newest first (at the district: every office's), then the cases
    received here; one statement, a page of it when ``limit`` is given (the 移送申请 list pages). A
    request whose case is not here (yet) is listed with the number it was asked under."""
    _may_list(actor)
    return [_listed(r) for r in session.execute(_page_query(pending_only, offset, limit))]


@dataclass(frozen=True)
class FirstScreen:
    """What the 移送申请 tab shows first, read with the rest of the 数据交换 page (one unit of work)."""

    total: int
    pending: int
    rows: list[TransferRow]


@reads
def first_screen(session: Session, actor: Actor, limit: int = PAGE_SIZE) -> FirstScreen:
    _may_list(actor)
    total, pending = _counts(session, True)  # one statement, then the page: as the other lists read
    return FirstScreen(total, pending, listing(session, actor, limit=limit))


@reads
def case_view(session: Session, case_uuid: str) -> dict[str, Any] | None:
    """The transfer of one case as the case page and ``case show --json`` show it, or None."""
    me = _node(session).node_id
    case = session.get(MediationCase, case_uuid)
    for t in session.scalars(
        select(CaseTransfer)
        .where(CaseTransfer.case_uuid == case_uuid, CaseTransfer.deleted.is_(False))
        .order_by(CaseTransfer.requested_on.desc(), CaseTransfer.updated_at.desc())
    ):
        row = _row(session, t, _decision(session, t.uuid), case.case_no if case else "")
        if t.owner_node == me and (
            row.status == REFUSED or (row.status == ACCEPTED and case and case.owner_node == me)
        ):
            continue  # refused, or the case came back since: the history keeps it
        return {**row.as_json(), "direction": "out" if t.owner_node == me else "district"}
    d = session.scalar(
        select(TransferDecision)
        .where(
            TransferDecision.case_uuid == case_uuid,
            TransferDecision.to_node == me,
            TransferDecision.accepted.is_(True),
        )
        .order_by(TransferDecision.decided_on.desc())
        .limit(1)
    )
    if d is not None:
        from xihu_desk.services import transfer_receiver  # no mediator of this office yet: the page asks

        return {
            **_decision_row(session, d, case.case_no if case else "").as_json(),
            "direction": "in",
            "needs_mediators": transfer_receiver.awaiting(session, case_uuid),
        }
    return None


def _not_transferable(session: Session, node: Node, case: MediationCase) -> str:
    """Why this office may not ask to move this case (editable here), or '': ``request`` refuses with
    it and the 移送 dialog shows it."""
    if node.level != "township":
        return "只有街道（镇）司法所可以把案件移送其他街道（镇）；调解点的案件请先提级到本街道（镇）。"
    if session.scalar(select(PeerNode.node_id).where(PeerNode.relation == "parent")) is None:
        return "尚未登记上级单位（区司法局）的密钥：移送申请要随数据包报送区司法局，请先在“数据交换”中登记。"
    if case.status not in (Status.ACCEPTED, Status.MEDIATING):
        return f"{case.case_no} {Status(case.status).label}，只有受理后、结案前的案件可以移送。"
    if session.scalar(select(Agreement.uuid).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False))):
        return f"{case.case_no} 已登记调解协议，不能再移送。"
    return ""


@writes
def request(session: Session, actor: Actor, case_uuid: str, to_org: str, reason: str) -> TransferRow:
    """Ask the district to move this case to the office ``to_org``; the request goes up in the next bundle."""
    actor.require(Perm.EDIT_CASES)
    node = _node(session)
    case = cases.get_case(session, case_uuid)
    cases.check_editable(session, actor, case)
    why_not = _not_transferable(session, node, case)
    if why_not:
        raise UserError(why_not)
    offices = dict(targets(session))
    code = to_org.strip()
    if code not in offices:
        if code == node.org_code:
            raise FieldError("to_org", "不能移送给本单位；移交本单位的其他调委会请用“提级/移交”。")
        # said with the codes: on the command line there is no list to choose from
        listed = "、".join(f"{c} {n}" for c, n in offices.items())
        raise FieldError("to_org", f"“{code}”不是本区的其他街道（镇）的单位代码，可以移送至：{listed}。")
    why = reason.strip()
    if not why:
        raise FieldError("reason", "请写明移送的理由（例如：当事人均居住在接收街道、纠纷发生地在接收街道）。")
    today = actor.today
    row = CaseTransfer(
        uuid="",
        case_uuid=case.uuid,
        from_case_no=case.case_no,
        from_org=node.org_code,
        to_org=code,
        reason=why,
        requested_on=today,
        by_name=(actor.display_name or actor.name)[:80],
    )
    stamp_new(session, actor, row)
    session.add(row)
    stamp_changed(actor, case)
    case_history.add(
        session, actor, case, "transfer", why, field="owner_node", field_label="移送申请", after=offices[code]
    )
    audit.record(
        session,
        actor,
        "case.transfer",
        "case",
        case.uuid,
        summary=f"{case.case_no} 申请移送至{offices[code]}：{why}",
        after={"transfer": row.uuid, "to_org": code},
    )
    session.flush()
    return _row(session, row, None, case.case_no)


def find(session: Session, ref: str) -> CaseTransfer:
    """A request by its id (or the first 8 characters of it) or by the case's number."""
    key = ref.strip()
    if not key:
        raise NotFound("请写明移送申请的编号。")
    rows = list(
        session.scalars(
            select(CaseTransfer).where(CaseTransfer.deleted.is_(False), CaseTransfer.uuid.like(f"{key}%")).limit(2)
        )
    )
    if not rows:
        try:
            case_uuid = cases.find_case_uuid(session, key)
        except NotFound:
            case_uuid = ""
        rows = [
            t
            for t in session.scalars(select(CaseTransfer).where(CaseTransfer.case_uuid == case_uuid))
            if _decision(session, t.uuid) is None
        ]
    if not rows:
        raise NotFound(f"找不到移送申请“{key}”。请用 transfer list 查看编号。")
    if len(rows) > 1:
        raise UserError(f"“{key}”对应多个移送申请，请写出完整编号。")
    return rows[0]


def _child(session: Session, node_id: str = "", org: str = "") -> PeerNode | None:
    query = select(PeerNode).where(PeerNode.relation == "child")
    query = query.where(PeerNode.node_id == node_id) if node_id else query.where(PeerNode.org_code == org)
    found = list(session.scalars(query))
    return found[0] if len(found) == 1 else None


def _open_request(session: Session, actor: Actor, ref: str) -> tuple[CaseTransfer, MediationCase]:
    actor.require(Perm.EXCHANGE)
    node = _node(session)
    if node.level != "district":
        raise UserError("移送申请由区司法局决定，本单位不能同意或拒绝。")
    row = find(session, ref)
    if _decision(session, row.uuid) is not None:
        raise UserError(f"{row.from_case_no} 的移送申请已经决定过了。")
    case = cases.get_case(session, row.case_uuid)
    return row, case


def _decide(
    session: Session, actor: Actor, row: CaseTransfer, case: MediationCase, sender: str, receiver: str, refusal: str
) -> TransferDecision:
    """The district's answer to ``row``: accepted when a receiving node is named, else refused for ``refusal``."""
    decision = TransferDecision(
        id=row.uuid,
        case_uuid=case.uuid,
        from_case_no=row.from_case_no,
        district_node=_node(session).node_id,
        from_node=sender,
        from_org=row.from_org,
        to_node=receiver,
        to_org=row.to_org,
        accepted=bool(receiver),
        reason=refusal,
        decided_on=actor.today,
        decided_by=(actor.display_name or actor.name)[:80],
        case_version=case.version,
        new_case_no="",
    )
    session.add(decision)
    return decision


@writes
def accept(session: Session, actor: Actor, ref: str) -> TransferRow:
    """The district agrees: the receiving office owns the case from now on (the district's copy at
    once; the offices when the decision reaches them)."""
    row, case = _open_request(session, actor, ref)
    sender = _child(session, node_id=row.owner_node)
    if sender is None or case.owner_node != row.owner_node:
        raise UserError(f"{row.from_case_no} 不由提出申请的{org_name(session, row.from_org)}管理，不能移送。")
    receiver = _child(session, org=row.to_org)
    if receiver is None:
        raise UserError(
            f"{org_name(session, row.to_org)}尚未在本单位登记为下级单位（或登记了多个节点），"
            "请先登记其密钥文件，再同意移送。"
        )
    case.owner_node = receiver.node_id
    stamp_changed(actor, case)  # the district's one change to the case: its owner
    decision = _decide(session, actor, row, case, sender.node_id, receiver.node_id, "")
    audit.record(
        session,
        actor,
        "exchange.transfer_accept",
        "case",
        case.uuid,
        summary=f"同意 {row.from_case_no} 由{org_name(session, row.from_org)}移送至{receiver.org_name}",
        before={"owner_node": sender.node_id},
        after={"owner_node": receiver.node_id, "version": case.version},
    )
    session.flush()
    return _row(session, row, decision, case.case_no)


@writes
def refuse(session: Session, actor: Actor, ref: str, reason: str) -> TransferRow:
    """The district does not agree; the office that asked may edit the case again once it hears."""
    row, case = _open_request(session, actor, ref)
    why = reason.strip()
    if not why:
        raise FieldError("reason", "请写明不同意移送的理由，申请单位会看到。")
    sender = _child(session, node_id=row.owner_node)
    if sender is None:
        raise UserError(f"提出申请的{org_name(session, row.from_org)}不是本单位登记的下级单位。")
    decision = _decide(session, actor, row, case, sender.node_id, "", why)
    audit.record(
        session,
        actor,
        "exchange.transfer_refuse",
        "case",
        case.uuid,
        summary=f"不同意 {row.from_case_no} 移送至{org_name(session, row.to_org)}：{why}",
    )
    session.flush()
    return _row(session, row, decision, case.case_no)


@dataclass(frozen=True)
class Choices:
    """What the 移送 dialog offers for one case: whether it may be asked now (else why not), the
    offices it may go to (code, name), and the case's transfer so far (case_view)."""

    allowed: bool
    why: str
    offices: list[tuple[str, str]]
    current: dict[str, Any] | None


@reads
def choices(session: Session, actor: Actor, case_uuid: str) -> Choices:
    node = _node(session)
    case = cases.get_case(session, case_uuid)
    why = edit_block(session, case) or ""
    if why:
        pass
    elif not actor.can(Perm.EDIT_CASES):
        why = "只有办理案件的人员可以申请移送。"
    elif case.owner_node != node.node_id:
        why = "该案件由其他单位管理，本单位只能查看。"
    else:
        why = _not_transferable(session, node, case)
    return Choices(not why, why, targets(session), case_view(session, case_uuid))


def waiting(session: Session) -> list[tuple[str, str]]:
    """At the district, the requests still to answer as (requested on, to-do text) for the home page."""
    if _node(session).level != "district":
        return []
    undecided = (
        select(CaseTransfer)
        .outerjoin(TransferDecision, TransferDecision.id == CaseTransfer.uuid)
        .where(CaseTransfer.deleted.is_(False), TransferDecision.id.is_(None))  # not every request ever made
        .order_by(CaseTransfer.requested_on)
    )
    return [
        (
            t.requested_on.isoformat(),
            f"移送申请待决定：{t.from_case_no}（{org_name(session, t.from_org)} → {org_name(session, t.to_org)}）",
        )
        for t in session.scalars(undecided)
    ]


def moved_out_query() -> Any:
    """The cases this node transferred out and does not hold again (a subquery): their read-only
    copies are nobody's work here, and no report counts them (store/moved_out.py)."""
    return moved_out_store.uuids()
