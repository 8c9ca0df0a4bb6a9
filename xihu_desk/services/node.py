"""This node's identity: made once by init (database, keys, administrator), shown by node show."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import ids
from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.domain.levels import PARENT_LEVEL, Level, org_kind_fits
from xihu_desk.domain.roles import Role
from xihu_desk.services import audit, committees, users
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.models import Node, OrgUnit


@dataclass(frozen=True)
class OrgUnitInfo:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    org_code: str
    org_name: str
    level: str
    level_label: str
    parent_code: str | None
    parent_name: str | None
    key_fingerprint: str
    created_at: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class InitCommand:
    org_code: str
    level: str
    parent_code: str | None
    admin_username: str
    admin_password: str
    admin_display_name: str = ""


def org_units(session: Session) -> list[OrgUnitInfo]:
    rows = session.scalars(select(OrgUnit).where(OrgUnit.retired.is_(False)).order_by(OrgUnit.code))
    return [OrgUnitInfo(u.code, u.name, u.short_name, u.kind, u.parent_code) for u in rows]


def is_initialised(session: Session) -> bool:
    return session.get(Node, 1) is not None


def default_parent(session: Session, org_code: str, level: Level) -> str | None:
    """A township's parent is the district; a community point's parent is its own street/town."""
    if level is Level.DISTRICT:
        return None
    unit = session.get(OrgUnit, org_code)
    if unit is None:
        return None
    return unit.parent_code if level is Level.TOWNSHIP else unit.code


def _check_parent(session: Session, level: Level, org: OrgUnit, parent_code: str | None) -> str | None:
    if level is Level.DISTRICT:
        if parent_code:
            raise UserError("区司法局是最上级，不设上级单位。")
        return None
    parent_code = parent_code or default_parent(session, org.code, level)
    parent = session.get(OrgUnit, parent_code or "")
    if parent is None:
        raise UserError(f"上级单位代码“{parent_code}”不在单位列表中。")
    if PARENT_LEVEL[level] is Level.DISTRICT and parent.kind != "district":
        raise UserError("街道（镇）司法所的上级须为区司法局。")
    if level is Level.COMMUNITY and parent.code != org.code:
        raise UserError("社区（村）调解点的上级须为其所在街道（镇）司法所。")
    return parent.code


UNLISTED = "单位代码“{code}”不在西湖区单位列表中，请核对（例如 330106002 北山街道）。"


def refuse_unlisted(org_code: str, parent_code: str | None) -> None:
    """Before ``init`` makes a database: codes not in the shipped list (db/reference) are refused,
    so a mistyped code leaves no half-made data folder behind (a new database holds that list)."""
    import json

    from xihu_desk import paths

    units = json.loads((paths.reference_dir() / "org_units.json").read_text(encoding="utf-8"))["units"]
    listed = {u["code"] for u in units}
    if org_code.strip() not in listed:
        raise UserError(UNLISTED.format(code=org_code))
    if parent_code and parent_code.strip() not in listed:
        raise UserError(f"上级单位代码“{parent_code}”不在单位列表中。")


@writes
def init_node(session: Session, actor: Actor, cmd: InitCommand) -> NodeInfo:
    """Make the node; refuses, changing nothing, when the database already has one."""
    if is_initialised(session):
        raise UserError("本数据目录已初始化，不能再次初始化。如需重建，请换一个数据目录。")
    try:
        level = Level(cmd.level)
    except ValueError:
        raise UserError(f"未知的层级“{cmd.level}”，应为 community、township 或 district。") from None
    org = session.get(OrgUnit, cmd.org_code.strip())
    if org is None or org.retired:
        raise UserError(UNLISTED.format(code=cmd.org_code))
    if not org_kind_fits(level, org.kind):
        raise UserError(f"“{org.name}”不能作为{level.label}。")
    parent_code = _check_parent(session, level, org, cmd.parent_code)
    from xihu_desk.sync import keys  # cryptography: for a new node only, not with every start

    node_keys = keys.generate()
    node = Node(
        id=1,
        node_id=ids.new_uuid(),
        org_code=org.code,
        level=level.value,
        parent_code=parent_code,
        created_at=actor.now,
        sign_private=node_keys.sign_private,
        sign_public=node_keys.sign_public,
        enc_private=node_keys.enc_private,
        enc_public=node_keys.enc_public,
        fingerprint=node_keys.fingerprint,
    )
    session.add(node)
    session.flush()
    audit.record(
        session,
        actor,
        "node.init",
        "node",
        node.node_id,
        summary=f"初始化节点：{org.name}（{level.label}）",
        after={"org_code": org.code, "level": level.value, "parent_code": parent_code, "fingerprint": node.fingerprint},
    )
    admin_actor = Actor(name=actor.name, role=Role.ADMIN, display_name=actor.display_name, at=actor.at, all_rights=True)
    users.create_user(
        session,
        admin_actor,
        users.UserCommand(
            username=cmd.admin_username,
            display_name=cmd.admin_display_name or cmd.admin_username,
            role=Role.ADMIN.value,
            password=cmd.admin_password,
        ),
    )
    if level is Level.TOWNSHIP:  # a community point adds its own community committee itself
        committees.ensure_own_committee(session, admin_actor, org)
    return node_info(session)


@reads
def node_info(session: Session) -> NodeInfo:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。请先运行“xihu-desk init”或打开程序完成初始设置。")
    org = session.get(OrgUnit, node.org_code)
    parent = session.get(OrgUnit, node.parent_code) if node.parent_code else None
    return NodeInfo(
        node_id=node.node_id,
        org_code=node.org_code,
        org_name=org.name if org else node.org_code,
        level=node.level,
        level_label=Level(node.level).label,
        parent_code=node.parent_code,
        parent_name=parent.name if parent else None,
        key_fingerprint=node.fingerprint,
        created_at=node.created_at.isoformat(timespec="seconds"),
    )


def node_id(session: Session) -> str:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node.node_id
