"""Command-line commands of the people's-mediation cases (design.md §10):

    xihu-desk case list [--year Y] [--status S] [--reveal] [--json]
    xihu-desk case show CASE_NO [--reveal] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys

from xihu_desk.cli.common import bounded_int, emit, open_data, outgoing
from xihu_desk.domain import clock


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    case = sub.add_parser("case", parents=[common], help="人民调解案件")
    case_sub = case.add_subparsers(dest="case_command", parser_class=parser_class, required=True)
    cl = case_sub.add_parser("list", parents=[common], help="案件列表")
    cl.add_argument("--year", type=bounded_int(1949, 2100, "年度"), metavar="Y")
    cl.add_argument("--status", choices=["accepted", "mediating", "closed", "filed"])
    cl.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")
    cs = case_sub.add_parser("show", parents=[common], help="一个案件的全部内容")
    cs.add_argument("case_no", metavar="CASE_NO", help="案件编号（如 （2026）北山人调字第0001号）或 uuid")
    cs.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")


def cmd_case_list(args: argparse.Namespace) -> int:

    from xihu_desk.services import case_queries
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor, today = cli_actor(), clock.local_today()
    f = case_queries.CaseFilter(year=args.year, status=args.status or "", sort="case_no", descending=False)
    with (opened.db.write() if args.reveal else opened.db.read()) as session:
        total = case_queries.count_cases(session, actor, f, today)
        # Streamed page by page so memory stays flat however many cases there are.
        if args.json:
            sys.stdout.write(f'{{"total": {total}, "cases": [')
        else:
            print(f"共 {total} 件")
        first = True
        for offset in range(0, total, 500):
            for doc in case_queries.case_summaries(session, actor, f, today, offset, 500, reveal=args.reveal, total=total):
                doc = outgoing(args, doc)  # ID numbers masked unless --reveal
                if args.json:
                    sys.stdout.write(("" if first else ",") + "\n" + json.dumps(doc, ensure_ascii=False))
                else:
                    names = "、".join(p["name"] for p in doc["parties"])
                    print(f"{doc['case_no']}\t{doc['accepted_on']}\t{doc['dispute_type']}\t{doc['status']}\t{names}")
                first = False
        if args.json:
            sys.stdout.write("\n]}\n")
    return 0


def cmd_case_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_queries, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with (opened.db.write() if args.reveal else opened.db.read()) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        doc = case_queries.case_detail(session, cli_actor(), uuid, reveal=args.reveal)
    text = [f"{doc['case_no']}  {doc['title']}", f"调委会：{doc['committee']}", f"受理：{doc['accepted_on']}  状态：{doc['status_label']}",
            "当事人：" + "；".join(f"{p['role_label']} {p['name']} {p['id_number']}" for p in doc["parties"]),
            "调解员：" + "、".join(doc["mediators"])]
    if doc["filing"]["missing"]:
        text.append("归档尚缺：" + "、".join(doc["filing"]["missing"]))
    emit(args, doc, "\n".join(text))
    return 0


COMMANDS = {("case", "list"): cmd_case_list, ("case", "show"): cmd_case_show}
