"""Command-line commands of the people's-mediation cases (design.md §10):

xihu-desk case list [--year Y] [--status S] [--transferred only|hide] [--reveal] [--json]
xihu-desk case show CASE_NO [--reveal] [--json]
xihu-desk case correct CASE_NO --field NAME --value VALUE --reason TEXT [--json]
xihu-desk case reopen CASE_NO --reason TEXT [--json]
xihu-desk case void CASE_NO --reason TEXT [--json]
xihu-desk case routes CASE_NO --told CODES [--refer legal_aid|court --body NAME] [--note TEXT] [--json]
    a failed or ended case: the routes the parties were told of, and a referral (print referral)
xihu-desk case draft-agreement CASE_NO --clause TEXT [--clause TEXT…] [--method TEXT] [--deadline DATE]
                               [--amount YUAN] [--form written|oral] [--facts TEXT] [--json]
    the agreement typed at the signing table, stored as a draft (print agreement CASE_NO --draft)
xihu-desk case escalate CASE_NO --to COMMITTEE_CODE --reason TEXT [--json]
xihu-desk case co-mediate CASE_NO --mediator ID [--mediator ID…] --reason TEXT [--json]
    moving a case between committees (issue 18): an escalated case takes the receiving committee's
    next number, the old one stays in its history (services/escalation.py says why)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from xihu_desk.cli.common import bounded_int, emit, iso_date, open_data, outgoing, unit
from xihu_desk.domain import clock


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    case = sub.add_parser("case", parents=[common], help="人民调解案件")
    case_sub = case.add_subparsers(dest="case_command", parser_class=parser_class, required=True)
    _add_escalate_parsers(case_sub, common)  # escalate, co-mediate (issue 18)
    # case transfer (移送) is added to these subcommands by cli/transfer.py
    cl = case_sub.add_parser("list", parents=[common], help="案件列表")
    cl.add_argument("--year", type=bounded_int(1949, 2100, "年度"), metavar="Y")
    cl.add_argument("--status", choices=["accepted", "mediating", "closed", "filed", "void"])
    cl.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")
    cl.add_argument(
        "--transferred",
        choices=["only", "hide"],
        help="已移送其他单位、本单位保留只读副本的案件：only 只列这些，hide 不列这些（默认都列出，标明已移送）",
    )
    cs = case_sub.add_parser("show", parents=[common], help="一个案件的全部内容")
    cs.add_argument("case_no", metavar="CASE_NO", help="案件编号（如 （2026）北山人调字第0001号）或 uuid")
    cs.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")
    cc = case_sub.add_parser("correct", parents=[common], help="更正已结案（或被退回补正）的案件的一项内容，写明理由")
    cc.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    cc.add_argument(
        "--field",
        required=True,
        metavar="NAME",
        help="更正的项目，如 summary、closed_on、agreement.clauses、party.1.name（case show --json 的 correctable_fields）",
    )
    cc.add_argument(
        "--value",
        required=True,
        metavar="VALUE",
        help="更正后的内容（日期如 2026-03-05，金额以元计，协议条款每行一条）",
    )
    cc.add_argument("--reason", required=True, metavar="TEXT", help="更正理由")
    cc.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        help="只在案件仍是第 N 版（case show 所见）时更正；此后他人修改过则拒绝，不作改动",
    )
    cr = case_sub.add_parser("reopen", parents=[common], help="已结案的案件重新调解（再次调解），编号不变")
    cr.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    cr.add_argument("--reason", required=True, metavar="TEXT", help="重新调解的理由（如协议未履行）")
    cv = case_sub.add_parser("void", parents=[common], help="作废误登记的案件：编号保留，不计入统计和台账")
    cv.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    cv.add_argument("--reason", required=True, metavar="TEXT", help="作废理由")
    ct = case_sub.add_parser(
        "routes",
        parents=[common],
        help="调解不成功或终止的案件：登记告知当事人的其他途径，及转介法律援助或法院（转介单）",
    )
    ct.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    ct.add_argument(
        "--told",
        required=True,
        metavar="CODES",
        help="告知的途径，逗号分隔：arbitration（仲裁）、administrative（行政处理）、litigation（诉讼）、petition（信访）",
    )
    ct.add_argument("--refer", choices=["legal_aid", "court"], help="转介：legal_aid（法律援助）或 court（人民法院）")
    ct.add_argument("--body", default="", metavar="NAME", help="接收转介的机构，如 杭州市西湖区法律援助中心")
    ct.add_argument("--note", default="", metavar="TEXT", help="转介事由")
    cd = case_sub.add_parser(
        "draft-agreement",
        parents=[common],
        help="保存调解中的案件的协议草稿（签字前可反复修改，print agreement --draft 打印草稿）",
    )
    cd.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    cd.add_argument(
        "--clause", action="append", required=True, metavar="TEXT", help="一条协议条款（可多次给出，按顺序）"
    )
    cd.add_argument("--method", default="", metavar="TEXT", help="履行方式，如 银行转账")
    cd.add_argument("--deadline", type=iso_date, metavar="DATE", help="履行期限（YYYY-MM-DD）")
    cd.add_argument("--amount", type=_yuan, default=0, metavar="YUAN", help="协议金额（元，如 12000 或 350.50）")
    cd.add_argument(
        "--form", choices=["written", "oral"], default="written", help="协议形式：written（书面，默认）或 oral（口头）"
    )
    cd.add_argument("--facts", default="", metavar="TEXT", help="纠纷主要事实（书面协议登记时必填，草稿可先空着）")


def _yuan(text: str) -> int:
    """An argparse type: an amount in yuan with at most two decimals, as fen."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"金额应为数字（元）：{text}") from None
    # the bound before quantize: 1e308 cannot be quantized (InvalidOperation)
    if not value.is_finite() or value < 0 or value > 10**11 or value != value.quantize(Decimal("0.01")):
        raise argparse.ArgumentTypeError(f"金额应为不小于 0 的元数，最多两位小数：{text}")
    return int(value * 100)


def cmd_case_list(args: argparse.Namespace) -> int:

    from xihu_desk.domain.cases import Status
    from xihu_desk.services import case_queries
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor, today = cli_actor(), clock.local_today()
    f = case_queries.CaseFilter(
        year=args.year, status=args.status or "", transferred=args.transferred or "", sort="case_no", descending=False
    )
    with unit(opened.db, case_queries.count_cases, case_queries.case_summaries, reveal=args.reveal) as session:
        total = case_queries.count_cases(session, actor, f, today)
        # Streamed page by page so memory stays flat however many cases there are.
        if args.json:
            sys.stdout.write(f'{{"total": {total}, "cases": [')
        else:
            print(f"共 {total} 件")
        first = True
        for offset in range(0, total, 500):
            for doc in case_queries.case_summaries(
                session, actor, f, today, offset, 500, reveal=args.reveal, total=total
            ):
                doc = outgoing(args, doc)  # ID numbers masked unless --reveal
                if args.json:
                    sys.stdout.write(("" if first else ",") + "\n" + json.dumps(doc, ensure_ascii=False))
                else:
                    names = "、".join(p["name"] for p in doc["parties"])
                    # the code is for scripts (--json); a person reads 已受理, or 已移送 for a read-only copy
                    status = "已移送" if doc["transferred_to"] else Status(doc["status"]).label
                    print(f"{doc['case_no']}\t{doc['accepted_on']}\t{doc['dispute_type']}\t{status}\t{names}")
                first = False
        if args.json:
            sys.stdout.write("\n]}\n")
    return 0


def cmd_case_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_queries, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, cases.find_case_uuid, case_queries.case_detail, reveal=args.reveal) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        doc = case_queries.case_detail(session, cli_actor(), uuid, reveal=args.reveal)
    text = [
        f"{doc['case_no']}  {doc['title']}",
        f"调委会：{doc['committee']}" + (f"  平台案件编号：{doc['platform_code']}" if doc.get("platform_code") else ""),
        f"受理：{doc['accepted_on']}  状态：{doc['status_label']}  程序：{doc['procedure_label']}",
        "当事人："
        + "；".join(
            f"{p['role_label']} {p['name']} {p['id_number']}"
            + (f"（法定代理人 {p['legal_representative']['name']}）" if p.get("legal_representative") else "")
            for p in doc["parties"]
        ),
        "调解员：" + "、".join(doc["mediators"]),
    ]
    if doc["filing"]["missing"] and doc["status"] != "void":
        text.append("归档尚缺：" + "、".join(doc["filing"]["missing"]))
    if doc.get("agreement_draft"):
        draft = doc["agreement_draft"]
        text.append(f"协议草稿（尚未登记，{draft['saved_by']} {draft['saved_at']} 保存）：{len(draft['clauses'])} 条")
    for h in doc["history"]:
        what = f"{h['field_label']}：{h['before']} → {h['after']}" if h["field_label"] else ""
        text.append(f"第 {h['version']} 版  {h['at']}  {h['by']}  {h['action_label']}  {what}  理由：{h['reason']}")
    emit(args, doc, "\n".join(text))
    return 0


def _lifecycle(
    args: argparse.Namespace, service: Callable[..., Any], *service_args: Any, done: str, **service_kwargs: Any
) -> int:
    """One change to one case (``service(session, actor, uuid, *service_args, **service_kwargs)``), in
    the unit of work the service declares; prints the case's state and version after it."""
    from xihu_desk.services import case_queries, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    with unit(opened.db, cases.find_case_uuid, service, case_queries.case_detail) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        service(session, actor, uuid, *service_args, **service_kwargs)
        doc = case_queries.case_detail(session, actor, uuid)
    result = {
        "uuid": doc["uuid"],
        "case_no": doc["case_no"],
        "status": doc["status"],
        "version": doc["version"],
        "history": doc["history"][-1:] if doc["history"] else [],
    }
    emit(args, result, f"{doc['case_no']} {done}（状态：{doc['status_label']}，第 {doc['version']} 版）")
    return 0


def cmd_case_correct(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_lifecycle

    value = args.value.replace("\\n", "\n")  # clauses typed on one line, separated by \n
    return _lifecycle(
        args,
        case_lifecycle.correct,
        [(args.field, value)],
        args.reason,
        done=f"已更正 {args.field}",
        loaded_version=args.if_version,  # refused when the case moved on since the version named
    )


def cmd_case_reopen(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_lifecycle

    return _lifecycle(args, case_lifecycle.reopen, args.reason, done="已重新调解")


def cmd_case_void(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_lifecycle

    return _lifecycle(args, case_lifecycle.void, args.reason, done="已作废")


def cmd_case_routes(args: argparse.Namespace) -> int:
    from xihu_desk.services import party_law

    told = [c.strip() for c in args.told.replace("，", ",").split(",") if c.strip()]
    return _lifecycle(
        args,
        party_law.record_routes,
        told,
        args.refer or "",
        args.body,
        args.note,
        done="已登记告知途径" + ("和转介（可打印转介单：print referral）" if args.refer else ""),
    )


def cmd_case_draft_agreement(args: argparse.Namespace) -> int:
    from xihu_desk.services import agreement_drafts, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    draft = cases.AgreementInput(
        form=args.form,
        effective_on=None,
        clauses=tuple(args.clause),
        performance_method=args.method,
        performance_deadline=args.deadline,
        amount_fen=args.amount,
        facts=args.facts,
    )
    with unit(opened.db, cases.find_case_uuid, agreement_drafts.save) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        stored = agreement_drafts.save(session, actor, uuid, draft)
    case_no = stored.case_no
    clauses = list(stored.agreement.clauses)
    doc = {
        "uuid": uuid,
        "case_no": case_no,
        "form": stored.agreement.form,
        "clauses": clauses,
        "performance_method": stored.agreement.performance_method,
        "performance_deadline": stored.agreement.performance_deadline.isoformat()
        if stored.agreement.performance_deadline
        else None,
        "amount": stored.agreement.amount_fen / 100,
        "saved_by": stored.saved_by,
    }
    emit(
        args,
        outgoing(args, doc),
        f"{case_no} 已保存协议草稿（{len(clauses)} 条，尚未登记）。"
        f"打印草稿：xihu-desk print agreement {case_no} --draft -o 文件.pdf",
    )
    return 0


# -- moving a case between committees (issue 18) ----------------------------------------------


def _add_escalate_parsers(case_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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


COMMANDS = {
    ("case", "list"): cmd_case_list,
    ("case", "show"): cmd_case_show,
    ("case", "correct"): cmd_case_correct,
    ("case", "reopen"): cmd_case_reopen,
    ("case", "void"): cmd_case_void,
    ("case", "routes"): cmd_case_routes,
    ("case", "draft-agreement"): cmd_case_draft_agreement,
    ("case", "escalate"): cmd_escalate,
    ("case", "co-mediate"): cmd_co_mediate,
}
