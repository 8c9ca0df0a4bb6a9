"""Moving a case between committees on the command line (issue 18, design.md §10):

    xihu-desk case escalate CASE_NO --to COMMITTEE_CODE --reason TEXT [--json]
    xihu-desk case co-mediate CASE_NO --mediator ID [--mediator ID…] --reason TEXT [--json]

The case takes the receiving committee's next number; the old one stays in its history
(services/escalation.py says why).
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import emit, open_data, unit


def add_parsers(case_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ce = case_sub.add_parser(
        "escalate", parents=[common], help="提级/移交：案件改由本单位的另一调委会（如街道调委会）承办，取得其编号"
    )
    ce.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    ce.add_argument("--to", required=True, metavar="COMMITTEE_CODE", help="接收的调委会：字号、全称或 uuid")
    ce.add_argument("--reason", required=True, metavar="TEXT", help="提级或移交的理由")
    cm = case_sub.add_parser("co-mediate", parents=[common], help="联合调解：其他调委会的调解员参加本案调解")
    cm.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    cm.add_argument("--mediator", action="append", required=True, metavar="ID", help="调解员（名册编号或姓名），可多次")
    cm.add_argument("--reason", required=True, metavar="TEXT", help="联合调解的理由")


def cmd_escalate(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, escalation
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, escalation.escalate) as session:
        case_uuid = escalation.find_by_number(session, args.case_no)
        target = committees.find_committee(session, args.to)
        row = escalation.escalate(session, cli_actor(), case_uuid, target.uuid, args.reason)
    doc = {
        "uuid": row.case_uuid,
        "case_no": row.to_case_no,
        "former_case_no": row.from_case_no,
        "from_committee": row.from_committee,
        "to_committee": row.to_committee,
        "escalated_on": row.escalated_on.isoformat(),
        "reason": row.reason,
    }
    emit(
        args,
        doc,
        f"{row.from_case_no} 已由“{row.from_committee}”提级/移交至“{row.to_committee}”，"
        f"新编号 {row.to_case_no}（原编号记入案件历史，仍可查到本案）。",
    )
    return 0


def cmd_co_mediate(args: argparse.Namespace) -> int:
    from xihu_desk.services import escalation, mediators
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, escalation.co_mediate) as session:
        case_uuid = escalation.find_by_number(session, args.case_no)
        people = [mediators.find_uuid(session, m) for m in args.mediator]
        joined = escalation.co_mediate(session, cli_actor(), case_uuid, people, args.reason)
    emit(
        args,
        {"uuid": case_uuid, "committees": joined},
        f"已登记联合调解：{'、'.join(joined)}的调解员参加本案调解，编号不变。",
    )
    return 0


COMMANDS = {("case", "escalate"): cmd_escalate, ("case", "co-mediate"): cmd_co_mediate}
