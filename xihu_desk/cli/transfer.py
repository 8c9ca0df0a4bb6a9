"""Transferring a case (移送) to another street's or town's office through the district (issue 18;
services/case_transfer.py):

xihu-desk case transfer CASE_NO --to ORG_CODE --reason TEXT [--json]
    the office asks; the request goes up in its next bundle and the case is frozen until the answer
xihu-desk transfer list [--pending] [--json]
    requests known here (at the district: every office's), with their state
xihu-desk transfer accept ID [--json] | transfer refuse ID --reason TEXT [--json]
    the district's answer; it goes down in the next bundles to both offices (bundle export --to)
"""

from __future__ import annotations

import argparse
from typing import Any

from xihu_desk.cli.common import emit, open_data, unit


def add_case_parser(case_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ct = case_sub.add_parser(
        "transfer",
        parents=[common],
        help="移送：经区司法局同意，把案件移送其他街道（镇）司法所办理（申请随下一个数据包报送）",
    )
    ct.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    ct.add_argument(
        "--to", required=True, metavar="ORG_CODE", help="接收的街道（镇）的单位代码，如 330106004（西溪街道）"
    )
    ct.add_argument("--reason", required=True, metavar="TEXT", help="移送的理由")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    # `case transfer` sits with the other case commands (added before this: parser.build's order)
    case_sub = next(a for a in sub.choices["case"]._actions if isinstance(a, argparse._SubParsersAction))
    add_case_parser(case_sub, common)
    t = sub.add_parser("transfer", parents=[common], help="案件移送申请（区司法局同意或不同意）")
    t_sub = t.add_subparsers(dest="transfer_command", parser_class=parser_class, required=True)
    tl = t_sub.add_parser("list", parents=[common], help="移送申请及其状态")
    tl.add_argument("--pending", action="store_true", help="只列出待决定的申请")
    ta = t_sub.add_parser("accept", parents=[common], help="（区司法局）同意移送：案件改由接收单位管理")
    ta.add_argument("id", metavar="ID", help="申请编号（transfer list 所列，前 8 位即可）或案件编号")
    tr = t_sub.add_parser("refuse", parents=[common], help="（区司法局）不同意移送，写明理由")
    tr.add_argument("id", metavar="ID", help="申请编号（transfer list 所列，前 8 位即可）或案件编号")
    tr.add_argument("--reason", required=True, metavar="TEXT", help="不同意的理由（申请单位会看到）")


def _line(r: Any) -> str:
    state = r.status_label
    if r.status == "accepted" and r.new_case_no:
        state += f"（新编号 {r.new_case_no}）"
    if r.status == "refused":
        state += f"：{r.refusal}"
    head = f"{r.uuid[:8]}  {r.from_case_no}  {r.from_name or '—'} → {r.to_name}"
    return f"{head}  {r.requested_on or r.decided_on or ''}  {state}" + (f"  理由：{r.reason}" if r.reason else "")


def cmd_case_transfer(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_transfer, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, case_transfer.request) as session:
        case_uuid = cases.find_case_uuid(session, args.case_no)
        row = case_transfer.request(session, cli_actor(), case_uuid, args.to, args.reason)
    emit(
        args,
        row.as_json(),
        f"{row.from_case_no} 已申请移送至{row.to_name}（申请编号 {row.uuid[:8]}）：申请随下一个数据包报送区司法局，"
        "决定前本案不能修改。",
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_transfer
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, case_transfer.listing) as session:
        rows = case_transfer.listing(session, cli_actor(), pending_only=args.pending)
    text = "\n".join(_line(r) for r in rows) if rows else "没有移送申请。"
    emit(args, {"transfers": [r.as_json() for r in rows]}, text)
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_transfer
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, case_transfer.accept) as session:
        row = case_transfer.accept(session, cli_actor(), args.id)
    emit(
        args,
        row.as_json(),
        f"已同意 {row.from_case_no} 由{row.from_name}移送至{row.to_name}：请用 bundle export --to 分别给两个单位"
        "导出数据包（接收单位收到完整案件，申请单位保留只读副本）。",
    )
    return 0


def cmd_refuse(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_transfer
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, case_transfer.refuse) as session:
        row = case_transfer.refuse(session, cli_actor(), args.id, args.reason)
    emit(
        args,
        row.as_json(),
        f"已决定不同意 {row.from_case_no} 移送：请用 bundle export --to {row.from_org} 把决定发给{row.from_name}。",
    )
    return 0


COMMANDS = {
    ("case", "transfer"): cmd_case_transfer,
    ("transfer", "list"): cmd_list,
    ("transfer", "accept"): cmd_accept,
    ("transfer", "refuse"): cmd_refuse,
}
