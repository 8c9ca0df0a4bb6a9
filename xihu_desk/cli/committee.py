"""Command-line commands of the people's-mediation committees and their 字号 (design.md §10):

    xihu-desk committee list [--json]
    xihu-desk committee add NAME [--code 字号] [--org CODE] [--kind KIND] [--json]
    xihu-desk committee code COMMITTEE 字号 [--json]

The 字号 is the part of a case number before 人调字; it is unique in the district
(domain/committee_codes.py).
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import emit, open_data, unit

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


def _doc(row) -> dict:
    return {"uuid": row.uuid, "name": row.name, "code": row.short_name, "org_code": row.org_code, "kind": row.kind}


def cmd_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees

    _data, opened = open_data(args)
    with unit(opened.db, committees.list_committees) as session:
        rows = committees.list_committees(session)
        own = {r.uuid for r in committees.list_committees(session, own_only=True)}
    docs = [{**_doc(r), "own": r.uuid in own} for r in rows]
    lines = [f"共 {len(rows)} 个"] + [
        f"{r.short_name}\t{r.name}\t{r.org_code}\t{committees.KIND_LABELS.get(r.kind, r.kind)}"
        + ("" if r.uuid in own else "\t（其他单位管理）")
        + f"\t{r.uuid}"
        for r in rows
    ]
    emit(args, {"committees": docs}, "\n".join(lines))
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


COMMANDS = {("committee", "list"): cmd_list, ("committee", "add"): cmd_add, ("committee", "code"): cmd_code}
