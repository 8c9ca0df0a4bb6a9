"""Command-line commands of the people's-mediation committees and their 字号 (design.md §10):

    xihu-desk committee list [--json]
    xihu-desk committee add NAME [--code 字号] [--org CODE] [--kind KIND] [--json]
    xihu-desk committee code COMMITTEE 字号 [--json]
    xihu-desk committee show COMMITTEE [--on DATE] [--json]
    xihu-desk committee profile COMMITTEE --org-kind KIND [--from DATE] [--registered DATE] [--filed DATE] …
    xihu-desk committee member-add COMMITTEE MEDIATOR --role ROLE [--from DATE] [--to DATE] [--minority]
    xihu-desk committee member-role COMMITTEE MEDIATOR --role ROLE --from DATE --reason TEXT
    xihu-desk committee member-end COMMITTEE MEDIATOR --on DATE --reason TEXT

The 字号 is the part of a case number before 人调字; it is unique in the district
(domain/committee_codes.py).
"""

from __future__ import annotations

import argparse

from datetime import date

from xihu_desk.cli.common import emit, iso_date, open_data, unit
from xihu_desk.domain import clock
from xihu_desk.domain import committee_rules as rules

KINDS = ("community", "village", "street", "town", "other")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    com = sub.add_parser("committee", parents=[common], help="人民调解委员会与字号（案件编号中的简称）")
    com_sub = com.add_subparsers(dest="committee_command", parser_class=parser_class, required=True)
    com_sub.add_parser("list", parents=[common], help="本机的调委会及其字号")
    ca = com_sub.add_parser("add", parents=[common], help="新建调委会（字号全区不得重复）")
    ca.add_argument("name", metavar="NAME", help="全称，以“人民调解委员会”结尾，如 北山街道北山社区人民调解委员会")
    ca.add_argument("--code", default="", metavar="字号", help="案件编号中的简称；不填则按名称推出（如 北山社区）")
    ca.add_argument("--org", metavar="CODE", help="所属街道（镇）的单位代码（默认本单位）")
    ca.add_argument("--kind", choices=KINDS, default="community", help="类型（默认 community 社区）")
    cc = com_sub.add_parser("code", parents=[common], help="更改本单位调委会的字号（已发的案件编号不变）")
    cc.add_argument("committee", metavar="COMMITTEE", help="调委会全称、现字号或 uuid")
    cc.add_argument("code", metavar="字号", help="新的字号")
    cs = com_sub.add_parser("show", parents=[common], help="调委会的基本情况、组成人员（含历任）和依法应有的组成")
    cs.add_argument("committee", metavar="COMMITTEE", help="调委会全称、字号或 uuid")
    cs.add_argument("--on", type=iso_date, metavar="DATE", help="按某一天的情况显示（默认今天）")
    cp = com_sub.add_parser("profile", parents=[common], help="登记调委会的基本情况（作为新的一版，旧的保留）")
    cp.add_argument("committee", metavar="COMMITTEE", help="调委会全称、字号或 uuid")
    cp.add_argument(
        "--org-kind",
        required=True,
        choices=tuple(rules.ORG_KINDS),
        help="组织类型：" + "、".join(f"{k} {v}" for k, v in rules.ORG_KINDS.items()),
    )
    cp.add_argument("--from", dest="effective_on", type=iso_date, metavar="DATE", help="自何日起（默认今天）")
    cp.add_argument("--registered", type=iso_date, metavar="DATE", help="成立（登记）日期")
    cp.add_argument("--filed", type=iso_date, metavar="DATE", help="备案日期")
    cp.add_argument("--filing-no", default="", metavar="TEXT", help="备案编号")
    cp.add_argument("--seal", default="", metavar="TEXT", help="印章")
    cp.add_argument("--address", default="", metavar="TEXT", help="地址")
    cp.add_argument("--phone", default="", metavar="TEXT", help="电话")
    cp.add_argument("--multi-ethnic", action="store_true", help="地处多民族居住地区（应有人数较少民族的成员）")
    cp.add_argument("--reason", default="", metavar="TEXT", help="变更事由（成立、换届、迁址…）")
    roles = "、".join(f"{k} {v}" for k, v in rules.ROLES.items())
    cm = com_sub.add_parser(
        "member-add", parents=[common], help="调解员名册中的人员到调委会任职（可同时在几个调委会任职）"
    )
    cm.add_argument("committee", metavar="COMMITTEE", help="调委会全称、字号或 uuid")
    cm.add_argument("mediator", metavar="MEDIATOR", help="名册中的姓名或 uuid")
    cm.add_argument("--role", required=True, choices=tuple(rules.ROLES), help=f"职务：{roles}")
    cm.add_argument("--from", dest="term_start", type=iso_date, metavar="DATE", help="任期开始（默认今天）")
    cm.add_argument("--to", dest="term_end", type=iso_date, metavar="DATE", help="任期结束（默认三年）")
    cm.add_argument("--minority", action="store_true", help="少数民族成员")
    cr = com_sub.add_parser("member-role", parents=[common], help="改任职务（原职务的任职记录保留）")
    cr.add_argument("committee", metavar="COMMITTEE", help="调委会全称、字号或 uuid")
    cr.add_argument("mediator", metavar="MEDIATOR", help="名册中的姓名或 uuid")
    cr.add_argument("--role", required=True, choices=tuple(rules.ROLES), help=f"新职务：{roles}")
    cr.add_argument("--from", dest="on", type=iso_date, required=True, metavar="DATE", help="自何日起")
    cr.add_argument("--reason", required=True, metavar="TEXT", help="理由（换届选举、补选…）")
    ce = com_sub.add_parser("member-end", parents=[common], help="离任（任职记录保留）")
    ce.add_argument("committee", metavar="COMMITTEE", help="调委会全称、字号或 uuid")
    ce.add_argument("mediator", metavar="MEDIATOR", help="名册中的姓名或 uuid")
    ce.add_argument("--on", type=iso_date, required=True, metavar="DATE", help="离任日期")
    ce.add_argument("--reason", required=True, metavar="TEXT", help="理由")


def _doc(row) -> dict:
    return {"uuid": row.uuid, "name": row.name, "code": row.short_name, "org_code": row.org_code, "kind": row.kind}


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _view_doc(v, with_history: bool = False) -> dict:
    """A committee as it is (issue 18). ``kind`` stays the committee's kind as before (it shapes
    the 字号); ``org_kind`` is its organisation kind among the seven of the statistics."""
    p = v.profile
    doc = {
        "org_kind": v.kind,
        "org_kind_label": v.kind_label,
        "registered_on": _day(p.registered_on if p else None),
        "filed_on": _day(p.filed_on if p else None),
        "filing_no": p.filing_no if p else "",
        "seal": p.seal if p else "",
        "address": p.address if p else "",
        "phone": p.phone if p else "",
        "chair": v.chair,
        "members": [_member_doc(m) for m in v.members],
        "warnings": v.warnings,
    }
    if with_history:
        doc["past_members"] = [_member_doc(m) for m in v.past_members]
        doc["profiles"] = [
            {
                "effective_on": _day(x.effective_on),
                "org_kind": x.org_kind,
                "registered_on": _day(x.registered_on),
                "filed_on": _day(x.filed_on),
                "address": x.address,
                "phone": x.phone,
                "seal": x.seal,
                "reason": x.reason,
            }
            for x in v.profiles
        ]
    return doc


def _member_doc(m) -> dict:
    return {
        "name": m.name,
        "role": m.role,
        "role_label": m.role_label,
        "term_start": _day(m.term_start),
        "term_end": _day(m.term_end),
        "mediator_uuid": m.mediator_uuid,
        "end_reason": m.end_reason,
    }


def cmd_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees

    _data, opened = open_data(args)
    with unit(opened.db, committees.list_committees, committee_roster.committee_views) as session:
        rows = committees.list_committees(session)
        own = {r.uuid for r in committees.list_committees(session, own_only=True)}
        views = {v.uuid: v for v in committee_roster.committee_views(session, clock.local_today())}
    docs = [{**_doc(r), "own": r.uuid in own, **_view_doc(views[r.uuid])} for r in rows]
    lines = [f"共 {len(rows)} 个"]
    for r in rows:
        v = views[r.uuid]
        lines.append(
            f"{r.short_name}\t{r.name}\t{r.org_code}\t{v.kind_label}"
            + f"\t主任：{v.chair or '未登记'}，{len(v.members)} 人"
            + ("" if r.uuid in own else "\t（其他单位管理）")
            + f"\t{r.uuid}"
        )
        lines += [f"\t注意：{w}" for w in v.warnings]
    emit(args, {"committees": docs}, "\n".join(lines))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees

    _data, opened = open_data(args)
    on = args.on or clock.local_today()
    with unit(opened.db, committees.find_committee, committee_roster.committee_view) as session:
        target = committees.find_committee(session, args.committee)
        v = committee_roster.committee_view(session, target.uuid, on)
    p = v.profile
    lines = [
        f"{v.name}（字号“{v.code}”）\t{v.kind_label}",
        f"成立：{_day(p.registered_on) if p and p.registered_on else '未登记'}\t备案：{_day(p.filed_on) if p and p.filed_on else '未登记'}"
        + (f"（{p.filing_no}）" if p and p.filing_no else ""),
        f"印章：{p.seal if p and p.seal else '未登记'}\t地址：{p.address if p else ''}\t电话：{p.phone if p else ''}",
        f"{on} 的组成人员（{len(v.members)} 人）：",
        *[f"\t{m.role_label}\t{m.name}\t{m.term_start} 至 {m.term_end or '—'}" for m in v.members],
        *([f"历任（{len(v.past_members)}）："] if v.past_members else []),
        *[f"\t{m.role_label}\t{m.name}\t{m.term_start} 至 {m.term_end}\t{m.end_reason}" for m in v.past_members],
        *[f"注意：{w}" for w in v.warnings],
    ]
    emit(
        args,
        {
            "uuid": v.uuid,
            "name": v.name,
            "code": v.code,
            "kind": v.committee_kind,
            "on": on.isoformat(),
            **_view_doc(v, with_history=True),
        },
        "\n".join(lines),
    )
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    cmd = committee_roster.ProfileInput(
        args.effective_on or clock.local_today(),
        args.org_kind,
        args.registered,
        args.filed,
        args.filing_no,
        args.seal,
        args.address,
        args.phone,
        args.multi_ethnic,
        args.reason,
    )
    with unit(opened.db, committees.find_committee, committee_roster.set_profile) as session:
        target = committees.find_committee(session, args.committee)
        committee_roster.set_profile(session, actor, target.uuid, cmd)
    emit(
        args,
        {"uuid": target.uuid, "effective_on": cmd.effective_on.isoformat(), "org_kind": cmd.org_kind},
        f"已登记“{target.name}”自 {cmd.effective_on} 起的基本情况（{rules.ORG_KINDS[cmd.org_kind]}），此前的记录保留。",
    )
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees, mediators
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    start = args.term_start or clock.local_today()
    with unit(opened.db, committees.find_committee, committee_roster.add_member) as session:
        target = committees.find_committee(session, args.committee)
        person = mediators.find_uuid(session, args.mediator)
        uuid = committee_roster.add_member(
            session, cli_actor(), target.uuid, person, args.role, start, args.term_end, args.minority
        )
    emit(
        args,
        {"uuid": uuid, "committee_uuid": target.uuid, "mediator_uuid": person, "role": args.role},
        f"已登记：{args.mediator}自 {start} 起任“{target.name}”{rules.ROLES[args.role]}。",
    )
    return 0


def cmd_member_role(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, committees.find_committee, committee_roster.change_role) as session:
        target = committees.find_committee(session, args.committee)
        row = committee_roster.find_member(session, target.uuid, args.mediator, args.on)
        uuid = committee_roster.change_role(session, cli_actor(), row.uuid, args.role, args.on, args.reason)
    emit(
        args,
        {"uuid": uuid, "ended": row.uuid, "role": args.role},
        f"已登记：{args.mediator}自 {args.on} 起改任“{target.name}”{rules.ROLES[args.role]}，原任职记录保留。",
    )
    return 0


def cmd_member_end(args: argparse.Namespace) -> int:
    from xihu_desk.services import committee_roster, committees
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, committees.find_committee, committee_roster.end_membership) as session:
        target = committees.find_committee(session, args.committee)
        row = committee_roster.find_member(session, target.uuid, args.mediator, args.on)
        committee_roster.end_membership(session, cli_actor(), row.uuid, args.on, args.reason)
    emit(
        args,
        {"uuid": row.uuid, "term_end": args.on.isoformat()},
        f"已登记：{args.mediator}于 {args.on} 离任“{target.name}”的职务，任职记录保留。",
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, node
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, node.node_info, committees.create_committee) as session:
        org = args.org or node.node_info(session).org_code
        row = committees.create_committee(
            session, cli_actor(), committees.CommitteeCommand(args.name, args.code, org, args.kind)
        )
    emit(
        args,
        _doc(row),
        f"已新建“{row.name}”，字号“{row.short_name}”（案件编号如（年）{row.short_name}人调字第0001号）。",
    )
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, committees.find_committee, committees.change_code) as session:
        target = committees.find_committee(session, args.committee)
        old = target.short_name
        row = committees.change_code(session, cli_actor(), target.uuid, args.code)
    emit(
        args,
        {**_doc(row), "old_code": old},
        f"“{row.name}”的字号已由“{old}”改为“{row.short_name}”；已发的案件编号不变，此后受理的案件使用新字号。",
    )
    return 0


COMMANDS = {
    ("committee", "list"): cmd_list,
    ("committee", "add"): cmd_add,
    ("committee", "code"): cmd_code,
    ("committee", "show"): cmd_show,
    ("committee", "profile"): cmd_profile,
    ("committee", "member-add"): cmd_member_add,
    ("committee", "member-role"): cmd_member_role,
    ("committee", "member-end"): cmd_member_end,
}
