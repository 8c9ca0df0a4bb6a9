"""Node-wide settings: a declared schema with defaults, stored as JSON, changed by an admin."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import SimpleFiling
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.store.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int
    unit: str
    choices: tuple[str, ...] = ()  # words for 0, 1, … when the value is a choice, not a number


NEED = ("不要求", "要求")


SPECS = {
    s.key: s
    for s in (
        SettingSpec("idle_lock_minutes", "无操作自动锁定", 15, 1, 240, "分钟"),
        SettingSpec("lockout_attempts", "连续登录失败锁定次数", 5, 3, 20, "次"),
        SettingSpec("lockout_minutes", "登录失败锁定时长", 15, 1, 1440, "分钟"),
        SettingSpec("password_min_length", "密码最短长度", 8, 8, 64, "位"),
        SettingSpec("backup_interval_minutes", "自动备份间隔（有改动时）", 30, 5, 1440, "分钟"),
        # A bundle numbered further past a sender's last one is refused (domain/sequences.py).
        SettingSpec("bundle_sequence_max_jump", "数据包序号最大跳跃", 1000, 1, 1_000_000, "个"),
        # 协议书、申请书、司法确认申请书 are signed by the parties and go to the court: they carry the
        # whole ID number unless the office chooses to mask it there too (1). Every other print stays masked.
        SettingSpec(
            "mask_id_on_signed_documents",
            "协议书、申请书、司法确认申请书上的证件号码",
            0,
            0,
            1,
            "",
            ("印完整号码", "遮蔽"),
        ),
        # What filing a simple-procedure case needs besides the intake and the oral-agreement
        # register (domain/cases.py SimpleFiling; defaults there), as the district decides.
        SettingSpec("simple_filing_notice", "简易程序归档须有权利义务告知书", 0, 0, 1, "", NEED),
        SettingSpec("simple_filing_id_proofs", "简易程序归档须有当事人身份证明", 1, 0, 1, "", NEED),
        SettingSpec("simple_filing_record", "简易程序归档须有调解记录", 0, 0, 1, "", NEED),
        SettingSpec("simple_filing_closing_report", "简易程序归档须有结案报告表", 0, 0, 1, "", NEED),
    )
}


def get(session: Session, key: str) -> int:
    spec = SPECS[key]
    raw = session.scalar(select(Setting.value).where(Setting.key == key))
    return spec.default if raw is None else int(json.loads(raw))


def simple_filing(session: Session) -> SimpleFiling:
    """What filing a simple-procedure case requires on this node."""
    values = get_all(session)
    return SimpleFiling(
        notice=bool(values["simple_filing_notice"]),
        id_proofs=bool(values["simple_filing_id_proofs"]),
        mediation_record=bool(values["simple_filing_record"]),
        closing_report=bool(values["simple_filing_closing_report"]),
    )


def get_all(session: Session) -> dict[str, int]:
    stored = {s.key: int(json.loads(s.value)) for s in session.scalars(select(Setting))}
    return {k: stored.get(k, spec.default) for k, spec in SPECS.items()}


def update(session: Session, actor: Actor, values: dict[str, Any]) -> dict[str, int]:
    actor.require(Perm.MANAGE_USERS)
    before = get_all(session)
    for key, value in values.items():
        spec = SPECS.get(key)
        if spec is None:
            raise UserError(f"未知设置项：{key}")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise UserError(f"“{spec.label}”须为整数。") from None
        if not spec.minimum <= number <= spec.maximum:
            if spec.choices:
                raise UserError(f"“{spec.label}”须为“{'”或“'.join(spec.choices)}”。")
            raise UserError(f"“{spec.label}”须在 {spec.minimum}–{spec.maximum}{spec.unit}之间。")
        session.merge(Setting(key=key, value=json.dumps(number)))
    session.flush()
    after = get_all(session)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit.record(
            session,
            actor,
            "setting.update",
            "setting",
            ",".join(changed),
            summary="修改设置：" + "、".join(SPECS[k].label for k in changed),
            before={k: before[k] for k in changed},
            after=changed,
        )
    return after
