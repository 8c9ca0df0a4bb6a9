"""Roles and what each may do. Services check these; widgets only hide what is refused anyway."""

from __future__ import annotations

from enum import StrEnum

from xihu_desk.domain.errors import PermissionDenied


class Role(StrEnum):
    MEDIATOR = "mediator"
    REVIEWER = "reviewer"
    HEAD = "head"
    ADMIN = "admin"
    DISTRICT = "district"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.MEDIATOR: "调解员",
    Role.REVIEWER: "审查员",
    Role.HEAD: "所长",
    Role.ADMIN: "管理员",
    Role.DISTRICT: "区局",
}


class Perm(StrEnum):
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    MANAGE_DATA = "manage_data"  # backup, restore, integrity check
    EDIT_CASES = "edit_cases"
    VIEW_CASES = "view_cases"
    FILE_CASES = "file_cases"
    REVEAL_ID = "reveal_id"
    EDIT_REVIEWS = "edit_reviews"
    VIEW_REVIEWS = "view_reviews"
    MANAGE_MEDIATORS = "manage_mediators"
    EXCHANGE = "exchange"  # bundles
    REPORTS = "reports"


# Least privilege with separated admin duties (reliability.md §4.2): the administrator
# manages accounts and data safety but does not edit cases.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.MEDIATOR: frozenset({Perm.VIEW_CASES, Perm.EDIT_CASES, Perm.REVEAL_ID, Perm.REPORTS}),
    Role.REVIEWER: frozenset({Perm.VIEW_CASES, Perm.VIEW_REVIEWS, Perm.EDIT_REVIEWS, Perm.REPORTS}),
    Role.HEAD: frozenset(
        {
            Perm.VIEW_CASES,
            Perm.EDIT_CASES,
            Perm.FILE_CASES,
            Perm.REVEAL_ID,
            Perm.VIEW_REVIEWS,
            Perm.EDIT_REVIEWS,
            Perm.MANAGE_MEDIATORS,
            Perm.EXCHANGE,
            Perm.REPORTS,
            Perm.VIEW_AUDIT,
        }
    ),
    Role.ADMIN: frozenset({Perm.MANAGE_USERS, Perm.VIEW_AUDIT, Perm.MANAGE_DATA, Perm.EXCHANGE}),
    Role.DISTRICT: frozenset(
        {Perm.VIEW_CASES, Perm.VIEW_REVIEWS, Perm.MANAGE_MEDIATORS, Perm.EXCHANGE, Perm.REPORTS, Perm.VIEW_AUDIT}
    ),
}

PERM_LABELS = {
    Perm.MANAGE_USERS: "管理用户",
    Perm.VIEW_AUDIT: "查看审计日志",
    Perm.MANAGE_DATA: "备份与恢复数据",
    Perm.EDIT_CASES: "编辑案件",
    Perm.VIEW_CASES: "查看案件",
    Perm.FILE_CASES: "案件归档",
    Perm.REVEAL_ID: "查看完整身份证号",
    Perm.EDIT_REVIEWS: "编辑合法性审查",
    Perm.VIEW_REVIEWS: "查看合法性审查",
    Perm.MANAGE_MEDIATORS: "管理调解员",
    Perm.EXCHANGE: "数据交换",
    Perm.REPORTS: "统计报表",
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return perm in PERMISSIONS[Role(role)]


def require(role: Role | str, perm: Perm) -> None:
    if not allowed(role, perm):
        raise PermissionDenied(f"当前角色“{Role(role).label}”无权{PERM_LABELS[perm]}，请联系管理员。")
