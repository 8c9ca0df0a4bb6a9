"""The provincial platform's case code (平台案件编号, 浙里调 / 浙江解纷码) on a case: typed in the case
form, taken from a ledger column, or linked by reconciliation (services/platform_reconcile.py).

A code is kept as typed but without spaces and in half-width form (a code copied from the platform's
web page often carries full-width digits or a trailing space), and it names one case only: the same
code on two live cases is refused with the other case's number.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Node

MAX_LENGTH = 40
FIELD = "platform_code"
audit.ACTION_LABELS.update({"case.platform_code": "登记平台案件编号"})


def normalise(value: object) -> str:
    """Half-width, no blanks; "" when nothing was written."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in text if not ch.isspace())


def check(session: Session, value: object, case_uuid: str | None = None) -> str | None:
    """The code as stored (None for no code); FieldError when it is unusable or another live case has it."""
    code = normalise(value)
    if not code:
        return None
    if len(code) > MAX_LENGTH:
        raise FieldError(FIELD, f"平台案件编号不能超过 {MAX_LENGTH} 个字符。")
    if any(unicodedata.category(ch).startswith("C") for ch in code):
        raise FieldError(FIELD, "平台案件编号中有不可见的控制字符，请重新输入。")
    other = session.execute(
        select(MediationCase.uuid, MediationCase.case_no).where(MediationCase.platform_code == code)
    ).first()
    if other is not None and other[0] != case_uuid:
        raise FieldError(FIELD, f"平台案件编号 {code} 已登记在案件 {other[1]} 上，同一平台编号只能对应一件案件。")
    return code


def set_code(session: Session, actor: Actor, case_uuid: str, value: object, *, how: str = "") -> str | None:
    """Give a case its platform code (or clear it). Unlike the intake it may be set on a closed or
    filed case: the code is the platform's bookkeeping, not the case's content on paper. A new
    version, so it travels upward; audited."""
    actor.require(Perm.EDIT_CASES)
    case = session.get(MediationCase, case_uuid)
    if case is None or case.deleted:
        raise UserError("找不到该案件，可能已被删除。")
    node = session.get(Node, 1)
    if node is None or case.owner_node != node.node_id:
        raise PermissionDenied(f"案件 {case.case_no} 由其他单位管理，平台编号由该单位登记。")
    if case.status == Status.VOID:
        raise UserError(f"案件 {case.case_no} 已作废，不登记平台编号。")
    code = check(session, value, case.uuid)
    if code == case.platform_code:
        return code
    before = case.platform_code
    case.platform_code = code
    stamp_changed(actor, case)
    session.flush()
    audit.record(
        session,
        actor,
        "case.platform_code",
        "case",
        case.uuid,
        summary=f"案件 {case.case_no} 的平台案件编号：{before or '（无）'} → {code or '（无）'}{how}",
        before={FIELD: before},
        after={FIELD: code},
    )
    return code
