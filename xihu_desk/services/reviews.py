"""The legality-review log (合法性审查台账): registration, 补正 pauses, extensions, the opinion,
adoption and what followed (deliberation, issue, 备案), return, archive, the link to a case.

Each function is one unit of work's content: the caller commits. Deadlines are kept in working
days (domain.workdays); the stored ``due_on`` and ``status`` are recomputed on every change so the
list can filter and sort on them in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import reviews as rules
from xihu_desk.domain import workdays
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied, UserError
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, edit_conflicts
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads
from xihu_desk.store import locks
from xihu_desk.store.models import Node, OrgUnit, Setting
from xihu_desk.store.review_models import RefWorkday, RefWorkdayYear, ReviewCounter, ReviewItem, ReviewPause

LIMIT_KEY = "review_days."  # + type code: an office's own time limit for that type (setting table)
# The setting table holds integers (services.settings reads every row as one).
MIN_KEY, MAX_KEY = "review_normative_min_days", "review_normative_max_days"  # normative documents
FAIR_KEY = "review_fair."  # + type code: 1 when the type is asked the 公平竞争审查 question, 0 when not

# How the audit viewer names this area's actions (its filter lists ACTION_LABELS).
audit.ACTION_LABELS.update(
    {
        "review.register": "登记审查事项",
        "review.update": "修改审查登记",
        "review.pause": "要求补正",
        "review.resume": "收到补正材料",
        "review.extend": "延长审查期限",
        "review.opinion": "出具审查意见",
        "review.after": "登记采纳与出台",
        "review.return": "退回审查事项",
        "review.archive": "审查事项归档",
        "review.link": "关联调解案件",
        "review.limits": "修改审查期限",
        "review.checklist": "填写审查要点",
        "review.rules": "修改审查时间上下限与公平竞争审查范围",
        "reference.workdays": "载入工作日历",
        "ledger.import": "导入 Excel 台账",
    }
)


@dataclass(frozen=True)
class ReviewRef:
    uuid: str
    number: str
    version: int


@dataclass(frozen=True)
class RegisterCommand:
    item_type: str
    title: str
    unit: str
    received_on: date | None  # None only when unknown (an old ledger with only the 材料齐全日期)
    complete_on: date | None = None
    contact: str = ""
    contact_phone: str = ""
    reviewer: str = ""
    adviser_consulted: bool = False
    expert_panel: bool = False
    risk_assessed: bool = False
    note: str = ""
    case_no: str = ""  # a related mediation case (number or uuid), optional
    legacy_no: str = ""  # the number in an office's old ledger (import)


@dataclass(frozen=True)
class ExtensionInput:
    days: int
    approver: str
    reason: str
    approved_on: date


@dataclass(frozen=True)
class OpinionInput:
    opinion_on: date | None  # None only in an opinion imported from an old ledger (import_opinion)
    conclusion: str
    opinion_no: str = ""
    issues: str = ""
    points: int = 0


@dataclass(frozen=True)
class AfterInput:
    """What happened after the opinion: adoption, deliberation, issue or signing, 备案."""

    adoption: str = ""
    adoption_reason: str = ""
    deliberation_on: date | None = None
    issued_on: date | None = None
    filing_submitted_on: date | None = None
    filing_registered_on: date | None = None


# ---------------------------------------------------------------- helpers


def _node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def work_calendar(session: Session) -> workdays.WorkCalendar:
    """chinese-calendar plus the district's calendar update held in the database."""
    overrides = dict(session.execute(select(RefWorkday.day, RefWorkday.workday)).all())
    years = session.scalars(select(RefWorkdayYear.year)).all()
    return workdays.calendar(overrides, years)


def get_item(session: Session, uuid: str) -> ReviewItem:
    item = session.get(ReviewItem, uuid)
    if item is None or item.deleted:
        raise NotFound("找不到该审查事项，可能已被删除。")
    return item


@reads
def find_review_uuid(session: Session, number_or_uuid: str) -> str:
    key = number_or_uuid.strip()
    found = session.scalar(
        select(ReviewItem.uuid).where(
            (ReviewItem.number == key) | (ReviewItem.uuid == key), ReviewItem.deleted.is_(False)
        )
    )
    if found is None:
        raise NotFound(f"找不到审查事项“{key}”。")
    return found


def pauses_of(session: Session, item_uuid: str) -> list[ReviewPause]:
    return list(
        session.scalars(
            select(ReviewPause)
            .where(ReviewPause.item_uuid == item_uuid, ReviewPause.deleted.is_(False))
            .order_by(ReviewPause.asked_on)
        )
    )


def as_pauses(rows: list[ReviewPause]) -> tuple[workdays.Pause, ...]:
    return tuple(workdays.Pause(p.asked_on, p.received_on) for p in rows)


def check_editable(session: Session, actor: Actor, item: ReviewItem) -> None:
    actor.require(Perm.EDIT_REVIEWS)
    if item.owner_node != _node(session).node_id:
        raise PermissionDenied("该审查事项由其他单位管理，本单位只能查看。")
    if item.status == ReviewStatus.ARCHIVED:
        raise UserError("该事项已归档，不能再修改。")


def item_clock(
    cal: workdays.WorkCalendar, item: ReviewItem, pauses: tuple[workdays.Pause, ...], today: date
) -> rules.Clock:
    finished = bool(item.conclusion) or item.status in (ReviewStatus.RETURNED, ReviewStatus.ARCHIVED)
    return rules.clock(
        cal,
        complete_on=item.complete_on,
        limit=item.limit_days,
        extension=item.extension_days,
        pauses=pauses,
        today=today,
        finished_on=(item.opinion_on if item.conclusion else item.returned_on),
        finished=finished,
    )


def _recompute(
    session: Session, item: ReviewItem, today: date, cal: workdays.WorkCalendar | None = None
) -> rules.Clock:
    """Status, stored deadline, fallback flag and working days taken, from the item's facts."""
    cal = cal or work_calendar(session)
    pauses = as_pauses(pauses_of(session, item.uuid))
    c = item_clock(cal, item, pauses, today)
    item.due_on = c.due_on
    item.calendar_fallback = ",".join(str(y) for y in c.fallback_years)
    item.working_days = c.used if item.conclusion and item.opinion_on and item.complete_on else None
    if item.status not in (ReviewStatus.ARCHIVED, ReviewStatus.RETURNED):
        open_pause = any(p.received_on is None for p in pauses)
        if item.conclusion:
            item.status = ReviewStatus.OPINION.value
        elif open_pause:
            item.status = ReviewStatus.PAUSED.value
        elif item.complete_on is None:
            item.status = ReviewStatus.WAITING.value
        else:
            item.status = ReviewStatus.REVIEWING.value
    return c


def _snapshot(item: ReviewItem) -> dict:
    fields = (
        "item_type",
        "title",
        "unit",
        "contact",
        "contact_phone",
        "received_on",
        "complete_on",
        "reviewer",
        "adviser_consulted",
        "expert_panel",
        "risk_assessed",
        "note",
        "case_uuid",
        "status",
        "limit_days",
        "extension_days",
        "due_on",
        "opinion_no",
        "opinion_on",
        "conclusion",
        "points",
        "adoption",
        "deliberation_on",
        "issued_on",
        "filing_submitted_on",
        "filing_registered_on",
    )
    return {f: getattr(item, f) for f in fields}


def _not_future(day: date | None, actor: Actor, field: str, what: str) -> None:
    if day is not None and day > actor.today:
        raise FieldError(field, f"{what}不能晚于今天。")


# ---------------------------------------------------------------- time limits per type


def limits(session: Session) -> dict[str, int]:
    """The office's limit in working days for every review type (defaults where none is set)."""
    stored = {
        k.removeprefix(LIMIT_KEY): int(json.loads(v))
        for k, v in session.execute(select(Setting.key, Setting.value).where(Setting.key.like(LIMIT_KEY + "%")))
    }
    return {
        code: stored.get(code, rules.limit_for(code))
        for code, _ in codes.items(session, "review_type", include_retired=True)
    }


def _setting(session: Session, key: str) -> object:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return None if value is None else json.loads(value)


def normative_bounds(session: Session) -> tuple[int, int]:
    """(minimum, maximum) review time of a normative document in working days (domain.reviews)."""
    low, high = _setting(session, MIN_KEY), _setting(session, MAX_KEY)
    default_low, default_high = rules.NORMATIVE_BOUNDS
    return (low if isinstance(low, int) else default_low, high if isinstance(high, int) else default_high)


def fair_competition_types(session: Session) -> tuple[str, ...]:
    stored = {
        k.removeprefix(FAIR_KEY): bool(json.loads(v))
        for k, v in session.execute(select(Setting.key, Setting.value).where(Setting.key.like(FAIR_KEY + "%")))
    }
    return tuple(
        code
        for code, _ in codes.items(session, "review_type", include_retired=True)
        if stored.get(code, code in rules.DEFAULT_FAIR_COMPETITION_TYPES)
    )


def set_review_rules(
    session: Session, actor: Actor, *, bounds: tuple[int, int] | None = None, fair_types: list[str] | None = None
) -> None:
    """The normative documents' minimum and maximum review time, and which types are asked the
    公平竞争审查 question; audited."""
    actor.require(Perm.EDIT_REVIEWS)
    before = {"bounds": list(normative_bounds(session)), "fair_types": list(fair_competition_types(session))}
    if bounds is not None:
        low, high = bounds
        if not (rules.LIMIT_RANGE[0] <= low <= high <= rules.LIMIT_RANGE[1]):
            raise FieldError("normative_bounds", "规范性文件的最短审查时间不能长于最长审查时间（1–60 个工作日）。")
        session.merge(Setting(key=MIN_KEY, value=json.dumps(low)))
        session.merge(Setting(key=MAX_KEY, value=json.dumps(high)))
    if fair_types is not None:
        for code in fair_types:
            codes.require(session, "review_type", code, "fair_types", "审查事项类型")
        for code, _ in codes.items(session, "review_type", include_retired=True):
            session.merge(Setting(key=FAIR_KEY + code, value=json.dumps(int(code in fair_types))))
    session.flush()
    low, high = normative_bounds(session)
    fair = list(fair_competition_types(session))
    after: dict[str, list] = {"bounds": [low, high], "fair_types": fair}
    if after != before:
        labels = codes.labels(session, "review_type")
        audit.record(
            session,
            actor,
            "review.rules",
            "setting",
            MIN_KEY,
            summary=f"规范性文件审查时间 {low}–{high} 个工作日；公平竞争审查适用于："
            + ("、".join(labels.get(c, c) for c in fair) or "无"),
            before=before,
            after=after,
        )


def set_limits(session: Session, actor: Actor, values: dict[str, int]) -> dict[str, int]:
    """Change the office's limits; items already registered keep the limit they were given."""
    actor.require(Perm.EDIT_REVIEWS)
    before = limits(session)
    low, high = rules.LIMIT_RANGE
    norm_low, norm_high = normative_bounds(session)
    for code, days in values.items():
        codes.require(session, "review_type", code, "item_type", "审查事项类型")
        if not isinstance(days, int) or not low <= days <= high:
            raise FieldError(code, f"审查期限须为 {low}–{high} 个工作日。")
        if code in rules.BOUNDED_TYPES and not norm_low <= days <= norm_high:
            raise FieldError(
                code, f"行政规范性文件的审查期限须在 {norm_low}–{norm_high} 个工作日之间（最短、最长审查时间）。"
            )
        session.merge(Setting(key=LIMIT_KEY + code, value=json.dumps(days)))
    session.flush()
    after = limits(session)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        labels = codes.labels(session, "review_type")
        audit.record(
            session,
            actor,
            "review.limits",
            "setting",
            ",".join(changed),
            summary="修改合法性审查期限：" + "、".join(f"{labels.get(k, k)} {v} 个工作日" for k, v in changed.items()),
            before={k: before.get(k) for k in changed},
            after=changed,
        )
    return after


def apply_calendar_update(session: Session, actor: Actor, doc: dict) -> list[int]:
    """Take the district's working-day calendar (same format as db/reference/workdays.json) and
    recompute the deadlines of every item still under review."""
    # the seeding module (and the roster and committee models it loads) only for this one change:
    # `review list` does not pay for it (issue 15)
    from xihu_desk.store import seed

    actor.require(Perm.EDIT_REVIEWS)
    try:
        years = seed.apply_workdays(session, doc)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UserError(f"工作日历文件有误：{exc}") from None
    cal = work_calendar(session)
    today = actor.today
    for item in session.scalars(
        select(ReviewItem).where(
            ReviewItem.deleted.is_(False), ReviewItem.status.in_((*rules.OPEN_STATUSES, ReviewStatus.OPINION.value))
        )
    ):
        _recompute(session, item, today, cal)
    audit.record(
        session,
        actor,
        "reference.workdays",
        "reference",
        str(doc.get("version", "")),
        summary="载入工作日历：" + "、".join(f"{y} 年" for y in years),
    )
    return years


# ---------------------------------------------------------------- registration


def _next_number(session: Session, year: int) -> tuple[str, int, str]:
    """Gapless per office and year; the counter row is read and written under the writer lock."""
    node = _node(session)
    org = session.get(OrgUnit, node.org_code)
    short = (org.short_name or org.name) if org else node.org_code
    counter = locks.locked_row(
        session, ReviewCounter, (node.org_code, year), office_code=node.org_code, year=year, last_seq=0
    )  # locked until commit: concurrent desks never share a number
    counter.last_seq += 1
    return node.org_code, counter.last_seq, rules.review_number(year, short, counter.last_seq)


def _case_uuid(session: Session, case_no: str) -> str | None:
    if not case_no.strip():
        return None
    from xihu_desk.services.cases import find_case_uuid  # the one lookup: a shared number is refused

    key = case_no.strip()
    try:
        return find_case_uuid(session, key)
    except UserError as exc:
        raise FieldError("case_no", f"关联的调解案件：{exc.message}") from None


def _check_register(session: Session, actor: Actor, cmd: RegisterCommand) -> None:
    codes.require(session, "review_type", cmd.item_type, "item_type", "审查事项类型")
    if not cmd.title.strip():
        raise FieldError("title", "请填写事项名称。")
    if len(cmd.title.strip()) > 200:
        raise FieldError("title", "事项名称不能超过 200 字。")
    if not cmd.unit.strip():
        raise FieldError("unit", "请填写送审单位（科室）。")
    if cmd.received_on is None and cmd.complete_on is None:
        raise FieldError("received_on", "请填写送审日期（送审日期不详时，至少要填写材料齐全日期）。")
    _not_future(cmd.received_on, actor, "received_on", "送审日期")
    if cmd.complete_on is not None:
        if cmd.received_on is not None and cmd.complete_on < cmd.received_on:
            raise FieldError("complete_on", "材料齐全日期不能早于送审日期。")
        _not_future(cmd.complete_on, actor, "complete_on", "材料齐全日期")


def _clean(cmd: RegisterCommand) -> dict:
    return dict(
        item_type=cmd.item_type,
        title=cmd.title.strip(),
        unit=cmd.unit.strip(),
        contact=cmd.contact.strip(),
        contact_phone=cmd.contact_phone.strip(),
        received_on=cmd.received_on,
        complete_on=cmd.complete_on,
        reviewer=cmd.reviewer.strip(),
        adviser_consulted=cmd.adviser_consulted,
        expert_panel=cmd.expert_panel,
        risk_assessed=cmd.risk_assessed,
        note=cmd.note.strip(),
    )


def number_year(cmd: RegisterCommand) -> int:
    """The year an item is numbered in: the year it was submitted, or (submission date unknown)
    the year its materials were complete."""
    day = cmd.received_on or cmd.complete_on
    if day is None:
        raise FieldError("received_on", "请填写送审日期。")
    return day.year


def register(session: Session, actor: Actor, cmd: RegisterCommand) -> ReviewRef:
    actor.require(Perm.EDIT_REVIEWS)
    _check_register(session, actor, cmd)
    case_uuid = _case_uuid(session, cmd.case_no)
    year = number_year(cmd)
    office, seq, number = _next_number(session, year)
    item = ReviewItem(
        uuid="",
        number=number,
        office_code=office,
        year=year,
        seq=seq,
        legacy_no=cmd.legacy_no.strip()[:40],
        case_uuid=case_uuid,
        status=ReviewStatus.WAITING.value,
        limit_days=limits(session).get(cmd.item_type, rules.limit_for(cmd.item_type)),
        created_by=actor.name,
        **_clean(cmd),
    )
    stamp_new(session, actor, item)
    session.add(item)
    session.flush()
    _recompute(session, item, actor.today)
    audit.record(
        session,
        actor,
        "review.register",
        "review",
        item.uuid,
        summary=f"登记合法性审查事项 {number}：{item.title}",
        after=_snapshot(item),
    )
    return ReviewRef(item.uuid, number, item.version)


def update_register(
    session: Session, actor: Actor, uuid: str, cmd: RegisterCommand, *, loaded_version: int | None = None
) -> ReviewRef:
    """``loaded_version``: the item's version when the editor read it; another desk's save since is refused."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    edit_conflicts.check_loaded(session, item, loaded_version, entity="review", noun="该审查事项")
    _check_register(session, actor, cmd)
    if number_year(cmd) != item.year:
        raise FieldError("received_on", f"审查编号已按 {item.year} 年分配，送审日期不能改到其他年份。")
    pauses = pauses_of(session, item.uuid)
    if cmd.complete_on and any(p.asked_on < cmd.complete_on for p in pauses if p.received_on != cmd.complete_on):
        raise FieldError("complete_on", "材料齐全日期不能晚于补正要求的日期。")
    if item.conclusion and cmd.complete_on is None:
        raise FieldError("complete_on", "已出具审查意见的事项须有材料齐全日期。")
    if item.opinion_on and cmd.complete_on and cmd.complete_on > item.opinion_on:
        raise FieldError("complete_on", "材料齐全日期不能晚于审查意见日期。")
    before = _snapshot(item)
    if cmd.item_type != item.item_type and not item.conclusion:
        item.limit_days = limits(session).get(cmd.item_type, rules.limit_for(cmd.item_type))
    for k, v in _clean(cmd).items():
        setattr(item, k, v)
    item.case_uuid = _case_uuid(session, cmd.case_no)
    _recompute(session, item, actor.today)
    after = _snapshot(item)
    if after != before:
        stamp_changed(actor, item)
        changed = {k: v for k, v in after.items() if before[k] != v}
        audit.record(
            session,
            actor,
            "review.update",
            "review",
            item.uuid,
            summary=f"修改审查事项 {item.number} 的登记信息",
            before={k: before[k] for k in changed},
            after=changed,
        )
    return ReviewRef(item.uuid, item.number, item.version)


# ---------------------------------------------------------------- the clock


def ask_supplement(session: Session, actor: Actor, uuid: str, asked_on: date, materials: str) -> str:
    """补正: ask the submitting unit for more material; the clock stops after ``asked_on``."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if item.status not in (ReviewStatus.WAITING, ReviewStatus.REVIEWING):
        raise UserError(
            "只有待审或审查中的事项可以要求补正。"
            if item.status != ReviewStatus.PAUSED
            else "该事项已在补正中，请先登记收到补正材料。"
        )
    if not materials.strip():
        raise FieldError("materials", "请写明需要补正的材料。")
    started = item.complete_on or item.received_on  # an item has one of them (register refuses neither)
    if started is not None and asked_on < started:
        raise FieldError("asked_on", "补正要求日期不能早于送审日期或材料齐全日期。")
    last = pauses_of(session, item.uuid)
    if last and last[-1].received_on and asked_on < last[-1].received_on:
        raise FieldError("asked_on", f"补正要求日期不能早于上次补正材料收到日期 {last[-1].received_on}。")
    _not_future(asked_on, actor, "asked_on", "补正要求日期")
    pause = ReviewPause(uuid="", item_uuid=item.uuid, asked_on=asked_on, materials=materials.strip())
    stamp_new(session, actor, pause)
    session.add(pause)
    session.flush()
    _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    audit.record(
        session,
        actor,
        "review.pause",
        "review",
        item.uuid,
        summary=f"{item.number} 要求补正材料（{asked_on}）：{materials.strip()}，审查期限暂停计算",
    )
    return pause.uuid


def supplement_received(session: Session, actor: Actor, uuid: str, received_on: date) -> rules.Clock:
    """The material arrived: the clock runs again from the next day (a first complete set of
    material also fixes the 材料齐全日期)."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    pauses = pauses_of(session, item.uuid)
    open_pause = next((p for p in pauses if p.received_on is None), None)
    if open_pause is None:
        raise UserError("该事项没有等待中的补正。")
    if received_on < open_pause.asked_on:
        raise FieldError("received_on", f"收到补正材料的日期不能早于补正要求日期 {open_pause.asked_on}。")
    _not_future(received_on, actor, "received_on", "收到补正材料日期")
    open_pause.received_on = received_on
    stamp_changed(actor, open_pause)
    if item.complete_on is None:
        item.complete_on = received_on
    session.flush()
    c = _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    audit.record(
        session,
        actor,
        "review.resume",
        "review",
        item.uuid,
        summary=f"{item.number} 收到补正材料（{received_on}），审查期限恢复计算，期限至 {c.due_on}",
    )
    return c


def extend(session: Session, actor: Actor, uuid: str, ext: ExtensionInput) -> rules.Clock:
    """Extend the limit by working days with the approving leader's name and the reason."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if item.status not in (ReviewStatus.REVIEWING, ReviewStatus.PAUSED):
        raise UserError("只有材料齐全、尚未出具意见的事项可以延长审查期限。")
    room = rules.MAX_EXTENSION_DAYS - item.extension_days
    if room <= 0:
        raise FieldError("extension_days", f"审查期限已延长 {item.extension_days} 个工作日，不能再延长。")
    if not 1 <= ext.days <= room:
        raise FieldError(
            "extension_days", f"延长天数须为 1–{room} 个工作日（合计不超过 {rules.MAX_EXTENSION_DAYS} 个）。"
        )
    if item.item_type in rules.BOUNDED_TYPES:
        high = normative_bounds(session)[1]
        if item.limit_days + item.extension_days + ext.days > high:
            left = max(0, high - item.limit_days - item.extension_days)
            raise FieldError(
                "extension_days",
                f"行政规范性文件的审查时间最长 {high} 个工作日，本件最多还能延长 {left} 个工作日。",
            )
    if not ext.approver.strip():
        raise FieldError("extension_approver", "请填写批准延期的负责人。")
    if not ext.reason.strip():
        raise FieldError("extension_reason", "请填写延期理由。")
    if item.complete_on and ext.approved_on < item.complete_on:
        raise FieldError("extension_on", "批准日期不能早于材料齐全日期。")
    _not_future(ext.approved_on, actor, "extension_on", "批准日期")
    before = {"extension_days": item.extension_days, "due_on": item.due_on}
    item.extension_days += ext.days
    item.extension_on = ext.approved_on
    item.extension_approver = ext.approver.strip()
    line = f"{ext.approved_on} {ext.approver.strip()}批准延长 {ext.days} 个工作日：{ext.reason.strip()}"
    item.extension_reason = "\n".join(x for x in (item.extension_reason, line) if x)
    c = _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    audit.record(
        session,
        actor,
        "review.extend",
        "review",
        item.uuid,
        summary=f"{item.number} 审查期限延长 {ext.days} 个工作日（{ext.approver.strip()}批准）",
        before=before,
        after={"extension_days": item.extension_days, "due_on": item.due_on, "reason": ext.reason.strip()},
    )
    return c


# ---------------------------------------------------------------- opinion and afterwards


def _check_opinion(session: Session, item: ReviewItem, op: OpinionInput, *, legacy: bool = False) -> None:
    codes.require(session, "review_conclusion", op.conclusion, "conclusion", "审查结论")
    if op.points < 0:
        raise FieldError("points", "意见条数不能为负数。")
    if op.conclusion != "lawful" and not legacy:
        if not op.issues.strip():
            raise FieldError("issues", "结论为修改后合法或不合法时，请写明主要问题。")
        if op.points < 1:
            raise FieldError("points", "结论为修改后合法或不合法时，请填写意见条数。")


def record_opinion(session: Session, actor: Actor, uuid: str, op: OpinionInput) -> rules.Clock:
    """The written opinion (审查意见书): number, date, conclusion, main issues, number of points."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if item.status in (ReviewStatus.RETURNED,):
        raise UserError("已退回的事项不能出具审查意见。")
    if item.complete_on is None:
        raise UserError("材料尚未齐全，不能出具审查意见。请先登记材料齐全日期。")
    if any(p.received_on is None for p in pauses_of(session, item.uuid)):
        raise UserError("该事项正在补正中，请先登记收到补正材料。")
    if op.opinion_on is None:
        raise FieldError("opinion_on", "请填写审查意见日期。")
    _check_opinion(session, item, op)
    if op.opinion_on < item.complete_on:
        raise FieldError("opinion_on", f"审查意见日期不能早于材料齐全日期 {item.complete_on}。")
    if item.deliberation_on and op.opinion_on > item.deliberation_on:
        raise FieldError("opinion_on", "审查意见日期不能晚于集体审议日期：合法性审查应在审议之前。")
    _not_future(op.opinion_on, actor, "opinion_on", "审查意见日期")
    number = op.opinion_no.strip()
    if number:
        other = session.scalar(
            select(ReviewItem.number).where(
                ReviewItem.opinion_no == number, ReviewItem.uuid != item.uuid, ReviewItem.deleted.is_(False)
            )
        )
        if other:
            raise FieldError("opinion_no", f"审查意见书编号“{number}”已用于 {other}。")
    before = _snapshot(item)
    item.opinion_no, item.opinion_on, item.conclusion = number, op.opinion_on, op.conclusion
    item.issues, item.points = op.issues.strip(), op.points
    c = _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    label = codes.label(session, "review_conclusion", op.conclusion)
    timing = "按期" if c.due_on and op.opinion_on <= c.due_on else "超期"
    audit.record(
        session,
        actor,
        "review.opinion",
        "review",
        item.uuid,
        summary=f"{item.number} 出具审查意见 {number or '（无编号）'}：{label}，{op.points} 条意见，用时 {c.used} 个工作日（{timing}）",
        before=before,
        after=_snapshot(item),
    )
    return c


def import_opinion(session: Session, actor: Actor, uuid: str, op: OpinionInput) -> None:
    """The opinion as an old ledger records it: the date or the issues may be missing (the item
    then says so, and the statistics leave it out of the working days and the on-time rate)."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if op.opinion_on is not None:
        try:
            record_opinion(session, actor, uuid, op)
            return
        except FieldError as exc:
            if exc.field not in ("issues", "points"):
                raise
    _check_opinion(session, item, op, legacy=True)
    if op.opinion_on is not None and item.complete_on and op.opinion_on < item.complete_on:
        raise FieldError("opinion_on", f"审查意见日期不能早于材料齐全日期 {item.complete_on}。")
    _not_future(op.opinion_on, actor, "opinion_on", "审查意见日期")
    item.opinion_no, item.opinion_on, item.conclusion = op.opinion_no.strip(), op.opinion_on, op.conclusion
    item.issues, item.points = op.issues.strip(), op.points
    _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    audit.record(
        session,
        actor,
        "review.opinion",
        "review",
        item.uuid,
        summary=f"{item.number} 导入审查结论：{codes.label(session, 'review_conclusion', op.conclusion)}"
        + ("" if op.opinion_on else "（原台账无意见日期）"),
        after=_snapshot(item),
    )


def record_after(session: Session, actor: Actor, uuid: str, a: AfterInput) -> None:
    """Adoption of the opinion, collective deliberation, issue or signing, and 备案 dates."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if not item.conclusion and (a.adoption or a.deliberation_on or a.issued_on or a.filing_submitted_on):
        raise UserError("尚未出具审查意见：未经合法性审查的事项不得提交集体审议或出台。")
    if a.adoption:
        codes.require(session, "review_adoption", a.adoption, "adoption", "采纳情况")
        if a.adoption != "adopted" and not a.adoption_reason.strip():
            raise FieldError("adoption_reason", "部分采纳或未采纳的，请写明理由。")
    if item.conclusion == "unlawful" and (a.deliberation_on or a.issued_on):
        raise FieldError("issued_on", "审查结论为不合法的事项不得提交集体审议或出台，请修改后重新送审。")
    if a.deliberation_on and item.opinion_on and a.deliberation_on < item.opinion_on:
        raise FieldError("deliberation_on", "集体审议日期不能早于审查意见日期。")
    if a.issued_on and item.opinion_on and a.issued_on < item.opinion_on:
        raise FieldError("issued_on", "出台（签订）日期不能早于审查意见日期。")
    if (a.filing_submitted_on or a.filing_registered_on) and item.item_type not in rules.NORMATIVE_TYPES:
        raise FieldError("filing_submitted_on", "备案日期只适用于规范性文件。")
    if a.filing_submitted_on and (a.issued_on is None or a.filing_submitted_on < a.issued_on):
        raise FieldError("filing_submitted_on", "报送备案日期须在出台日期之后，请先填写出台日期。")
    if a.filing_registered_on and (a.filing_submitted_on is None or a.filing_registered_on < a.filing_submitted_on):
        raise FieldError("filing_registered_on", "备案登记日期须在报送备案日期之后。")
    for field, day, what in (
        ("deliberation_on", a.deliberation_on, "集体审议日期"),
        ("issued_on", a.issued_on, "出台日期"),
        ("filing_submitted_on", a.filing_submitted_on, "报送备案日期"),
        ("filing_registered_on", a.filing_registered_on, "备案登记日期"),
    ):
        _not_future(day, actor, field, what)
    before = _snapshot(item)
    item.adoption, item.adoption_reason = a.adoption, a.adoption_reason.strip() if a.adoption else ""
    item.deliberation_on, item.issued_on = a.deliberation_on, a.issued_on
    item.filing_submitted_on, item.filing_registered_on = a.filing_submitted_on, a.filing_registered_on
    after = _snapshot(item)
    if after != before:
        stamp_changed(actor, item)
        changed = {k: v for k, v in after.items() if before[k] != v}
        text = (
            f"，采纳情况：{codes.label(session, 'review_adoption', a.adoption)}"
            if "adoption" in changed and a.adoption
            else ""
        )
        audit.record(
            session,
            actor,
            "review.after",
            "review",
            item.uuid,
            summary=f"{item.number} 登记采纳与出台情况{text}",
            before={k: before[k] for k in changed},
            after=changed,
        )


def return_item(session: Session, actor: Actor, uuid: str, on: date, reason: str) -> None:
    """退回: the submission is not reviewed (out of scope, withdrawn, material never supplied)."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if item.conclusion or item.status == ReviewStatus.RETURNED:
        raise UserError("已出具意见或已退回的事项不能退回。")
    if not reason.strip():
        raise FieldError("returned_reason", "请写明退回理由。")
    if on < (item.received_on or item.complete_on or on):
        raise FieldError("returned_on", "退回日期不能早于送审日期。")
    _not_future(on, actor, "returned_on", "退回日期")
    for p in pauses_of(session, item.uuid):
        if p.received_on is None:  # the clock ends with the return
            p.received_on = on
            stamp_changed(actor, p)
    item.status, item.returned_on, item.returned_reason = ReviewStatus.RETURNED.value, on, reason.strip()
    _recompute(session, item, actor.today)
    stamp_changed(actor, item)
    audit.record(
        session, actor, "review.return", "review", item.uuid, summary=f"{item.number} 退回送审单位：{reason.strip()}"
    )


def archive(session: Session, actor: Actor, uuid: str, on: date) -> None:
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    if item.status not in (ReviewStatus.OPINION, ReviewStatus.RETURNED):
        raise UserError("尚未出具审查意见或退回的事项不能归档。")
    if on < (item.opinion_on or item.returned_on or item.received_on or item.complete_on or on):
        raise FieldError("archived_on", "归档日期不能早于审查意见或退回日期。")
    _not_future(on, actor, "archived_on", "归档日期")
    item.status, item.archived_on, item.archived_by = ReviewStatus.ARCHIVED.value, on, actor.display_name or actor.name
    stamp_changed(actor, item)
    audit.record(session, actor, "review.archive", "review", item.uuid, summary=f"{item.number} 归档（{on}）")


def link_case(session: Session, actor: Actor, uuid: str, case_no: str) -> None:
    """Link the item to a related mediation case (an empty number removes the link)."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    before = item.case_uuid
    item.case_uuid = _case_uuid(session, case_no)
    if item.case_uuid != before:
        stamp_changed(actor, item)
        audit.record(
            session,
            actor,
            "review.link",
            "review",
            item.uuid,
            summary=f"{item.number} " + (f"关联调解案件 {case_no.strip()}" if item.case_uuid else "取消关联调解案件"),
        )


# ---------------------------------------------------------------- the reviewer's checklist


def fair_competition_applies(session: Session, item: ReviewItem) -> bool:
    return item.item_type in fair_competition_types(session)


def save_checklist(session: Session, actor: Actor, uuid: str, answers: dict[str, tuple[str, str]]) -> ReviewRef:
    """The four elements (主体、权限、内容、程序) and, where it applies, the 公平竞争审查 question,
    each answered 符合 / 不符合 / 不适用 with a note; unanswered elements may wait."""
    item = get_item(session, uuid)
    check_editable(session, actor, item)
    clean = {k: (a.strip(), n.strip()) for k, (a, n) in answers.items()}
    problem = rules.checklist_problem(clean, fair_competition_applies(session, item))
    if problem:
        raise FieldError(f"check_{problem[0]}", problem[1])
    stored = {k: {"answer": a, "note": n} for k, (a, n) in clean.items() if a or n}
    before = rules.parse_checklist(item.checklist)
    if stored == before:
        return ReviewRef(item.uuid, item.number, item.version)
    item.checklist = json.dumps(stored, ensure_ascii=False, sort_keys=True) if stored else ""
    stamp_changed(actor, item)
    done = "、".join(
        f"{rules.CHECK_LABELS[k]}{rules.ANSWERS.get(v['answer'], '未填')}" for k, v in stored.items() if v["answer"]
    )
    audit.record(
        session,
        actor,
        "review.checklist",
        "review",
        item.uuid,
        summary=f"{item.number} 填写审查要点：{done or '清空'}",
        before=before,
        after=stored,
    )
    return ReviewRef(item.uuid, item.number, item.version)


def timing_warning(session: Session, item: ReviewItem, opinion_on: date) -> str:
    """A normative document's opinion given before the minimum review time: one line saying so."""
    if item.item_type not in rules.BOUNDED_TYPES or item.complete_on is None or opinion_on < item.complete_on:
        return ""
    low = normative_bounds(session)[0]
    used = work_calendar(session).count(item.complete_on, opinion_on, as_pauses(pauses_of(session, item.uuid)))
    if used >= low:
        return ""
    return (
        f"行政规范性文件的审查时间一般不少于 {low} 个工作日，本件自材料齐全次日起到 {opinion_on} 只有 {used} 个工作日。"
    )


@reads
def opinion_timing_warning(session: Session, actor: Actor, uuid: str, opinion_on: date) -> str:
    actor.require(Perm.VIEW_REVIEWS)
    return timing_warning(session, get_item(session, uuid), opinion_on)
