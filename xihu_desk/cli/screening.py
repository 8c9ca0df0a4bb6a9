"""Command-line commands of 矛盾纠纷排查 (design.md §10):

    xihu-desk screening list [--from DATE --to DATE] [--json]
    xihu-desk screening add --committee C --area TEXT --staff TEXT --method M --type T
                            --applicant NAME --respondent NAME --summary TEXT [--risk R] …
    xihu-desk screening zero --committee C --from DATE --to DATE --area TEXT --staff TEXT [--method M]
    xihu-desk screening to-case DISPUTE_ID [--accepted-on DATE]
    xihu-desk screening close DISPUTE_ID --how resolved|referred --note TEXT [--to BODY] [--on DATE]
    xihu-desk screening ledger [--json]
    xihu-desk screening check DISPUTE_ID --measures TEXT [--next DATE] [--on DATE]
    xihu-desk screening officers [--json] | screening officer-add --committee C --name NAME --kind K …
    xihu-desk screening edit ROUND_ID --reason TEXT [--date D] [--area …] [--drop-dispute ID …] …
    xihu-desk screening edit-dispute DISPUTE_ID --reason TEXT [--type T] [--applicant NAME] [--risk R] …
    xihu-desk screening void ROUND_ID --reason TEXT
    xihu-desk screening officer-deactivate ID --reason TEXT [--on DATE] | officer-reactivate ID [--on DATE]

A dispute's id is the ``id`` that ``screening list --json`` gives each found dispute.
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import emit, iso_date, open_data, run, unit
from xihu_desk.domain import screening as rules

_METHODS = "、".join(f"{k} {v}" for k, v in rules.METHODS.items())
_RISKS = "、".join(f"{k} {v}" for k, v in rules.RISKS.items())


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    scr = sub.add_parser("screening", parents=[common], help="矛盾纠纷排查、零报告、重点矛盾纠纷台账")
    scr_sub = scr.add_subparsers(dest="screening_command", parser_class=parser_class, required=True)
    sl = scr_sub.add_parser("list", parents=[common], help="排查记录（含零报告）及发现的纠纷")
    sl.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="排查日期自（YYYY-MM-DD）")
    sl.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="排查日期至（YYYY-MM-DD）")
    sl.add_argument("--voided", action="store_true", help="也列出已作废的排查记录")
    sa = scr_sub.add_parser("add", parents=[common], help="登记一次排查及其发现的一件纠纷")
    sa.add_argument("--committee", required=True, metavar="C", help="调委会全称、字号或 uuid")
    sa.add_argument("--date", dest="held_on", type=iso_date, metavar="DATE", help="排查日期（默认今天）")
    sa.add_argument("--area", required=True, metavar="TEXT", help="排查范围（社区、小区、楼幢或单位）")
    sa.add_argument("--staff", required=True, metavar="TEXT", help="排查人员")
    sa.add_argument("--method", required=True, choices=tuple(rules.METHODS), help=f"排查方式：{_METHODS}")
    sa.add_argument("--officer", metavar="ID", help="信息员报告时：信息员的 id")
    sa.add_argument("--type", required=True, metavar="T", help="纠纷类型（代码如 02 或名称如 邻里）")
    sa.add_argument("--applicant", required=True, metavar="NAME", help="一方当事人")
    sa.add_argument("--respondent", required=True, metavar="NAME", help="另一方当事人")
    sa.add_argument("--summary", required=True, metavar="TEXT", help="纠纷简要情况")
    sa.add_argument("--risk", choices=tuple(rules.RISKS), default="general", help=f"风险等级：{_RISKS}")
    sa.add_argument("--action", default="", metavar="TEXT", help="发现时采取的措施")
    sa.add_argument("--responsible", default="", metavar="NAME", help="重点矛盾纠纷的责任人（重大纠纷必填）")
    sa.add_argument("--measures", default="", metavar="TEXT", help="稳控措施")
    sz = scr_sub.add_parser("zero", parents=[common], help="零报告：本期排查未发现矛盾纠纷")
    sz.add_argument("--committee", required=True, metavar="C", help="调委会全称、字号或 uuid")
    sz.add_argument("--from", dest="date_from", required=True, type=iso_date, metavar="DATE", help="报告期间自")
    sz.add_argument("--to", dest="date_to", required=True, type=iso_date, metavar="DATE", help="报告期间至")
    sz.add_argument("--area", required=True, metavar="TEXT", help="排查范围")
    sz.add_argument("--staff", required=True, metavar="TEXT", help="排查人员")
    sz.add_argument(
        "--method", choices=("visit", "meeting", "grid"), default="visit", help="排查方式（默认 visit 走访）"
    )
    sc = scr_sub.add_parser("to-case", parents=[common], help="把排查发现的纠纷转为案件（当事人和案情带入）")
    sc.add_argument("dispute", metavar="DISPUTE_ID", help="纠纷的 id（screening list --json）")
    sc.add_argument("--accepted-on", type=iso_date, metavar="DATE", help="受理日期（默认今天）")
    sx = scr_sub.add_parser("close", parents=[common], help="排查发现的纠纷当场化解或移交")
    sx.add_argument("dispute", metavar="DISPUTE_ID", help="纠纷的 id（screening list --json）")
    sx.add_argument("--how", required=True, choices=rules.CLOSINGS, help="resolved 当场化解、referred 移交")
    sx.add_argument("--note", required=True, metavar="TEXT", help="处置情况")
    sx.add_argument("--to", dest="referred_to", default="", metavar="BODY", help="移交的单位")
    sx.add_argument("--on", type=iso_date, metavar="DATE", help="处置日期（默认今天）")
    scr_sub.add_parser("ledger", parents=[common], help="重点矛盾纠纷台账（下次检查日期在前）")
    sk = scr_sub.add_parser("check", parents=[common], help="重点矛盾纠纷检查登记")
    sk.add_argument("dispute", metavar="DISPUTE_ID", help="纠纷的 id（screening ledger --json）")
    sk.add_argument("--measures", required=True, metavar="TEXT", help="本次检查情况和措施")
    sk.add_argument(
        "--next", dest="next_check_on", type=iso_date, metavar="DATE", help="下次检查日期（不写即解除关注）"
    )
    sk.add_argument("--on", type=iso_date, metavar="DATE", help="检查日期（默认今天）")
    scr_sub.add_parser("officers", parents=[common], help="信息员及其报告次数")
    so = scr_sub.add_parser("officer-add", parents=[common], help="登记信息员（网格员、楼道长等）")
    so.add_argument("--committee", required=True, metavar="C", help="调委会全称、字号或 uuid")
    so.add_argument("--name", required=True, metavar="NAME", help="姓名")
    so.add_argument(
        "--kind",
        required=True,
        choices=tuple(rules.OFFICER_KINDS),
        help="类别：" + "、".join(f"{k} {v}" for k, v in rules.OFFICER_KINDS.items()),
    )
    so.add_argument("--phone", default="", metavar="TEXT", help="联系电话")
    so.add_argument("--area", default="", metavar="TEXT", help="负责的网格、小区或楼幢")
    _add_correction_parsers(scr_sub, common)


def _add_correction_parsers(scr_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    se = scr_sub.add_parser("edit", parents=[common], help="更正排查记录或零报告（写明理由，原内容留痕）")
    se.add_argument("round", metavar="ROUND_ID", help="排查记录的 id（screening list --json）")
    se.add_argument("--reason", required=True, metavar="TEXT", help="更正的理由")
    se.add_argument("--committee", metavar="C", help="调委会全称、字号或 uuid")
    se.add_argument("--date", dest="held_on", type=iso_date, metavar="DATE", help="排查日期")
    se.add_argument("--area", metavar="TEXT", help="排查范围")
    se.add_argument("--staff", metavar="TEXT", help="排查人员")
    se.add_argument("--method", choices=tuple(rules.METHODS), help=f"排查方式：{_METHODS}")
    se.add_argument("--officer", metavar="ID", help="信息员报告时：信息员的 id")
    se.add_argument("--note", metavar="TEXT", help="备注")
    se.add_argument("--from", dest="period_from", type=iso_date, metavar="DATE", help="零报告：报告期间自")
    se.add_argument("--to", dest="period_to", type=iso_date, metavar="DATE", help="零报告：报告期间至")
    se.add_argument(
        "--drop-dispute", dest="dropped", action="append", default=[], metavar="ID", help="删去误登记的纠纷（可多次）"
    )
    se.add_argument("--if-version", type=int, metavar="N", help="记录已不是第 N 版（他人改过）时拒绝")
    sd = scr_sub.add_parser("edit-dispute", parents=[common], help="更正排查发现的纠纷的内容（写明理由）")
    sd.add_argument("dispute", metavar="DISPUTE_ID", help="纠纷的 id（screening list --json）")
    sd.add_argument("--reason", required=True, metavar="TEXT", help="更正的理由")
    sd.add_argument("--type", metavar="T", help="纠纷类型（代码如 02 或名称如 邻里）")
    sd.add_argument("--applicant", metavar="NAME", help="一方当事人")
    sd.add_argument("--applicant-phone", metavar="TEXT", help="一方当事人电话")
    sd.add_argument("--respondent", metavar="NAME", help="另一方当事人")
    sd.add_argument("--respondent-phone", metavar="TEXT", help="另一方当事人电话")
    sd.add_argument("--summary", metavar="TEXT", help="纠纷简要情况")
    sd.add_argument("--risk", choices=tuple(rules.RISKS), help=f"风险等级：{_RISKS}")
    sd.add_argument("--action", metavar="TEXT", help="发现时采取的措施")
    sd.add_argument("--responsible", metavar="NAME", help="改为重大且未处置时：重点矛盾纠纷的责任人")
    sd.add_argument("--closed-on", type=iso_date, metavar="DATE", help="当场化解或移交的：处置日期")
    sd.add_argument("--referred-to", metavar="BODY", help="移交的：移交单位")
    sd.add_argument("--closing-note", metavar="TEXT", help="当场化解或移交的：处置情况")
    sv = scr_sub.add_parser("void", parents=[common], help="作废误登记的排查记录或零报告（保留并注明理由，不计入统计）")
    sv.add_argument("round", metavar="ROUND_ID", help="排查记录的 id（screening list --json）")
    sv.add_argument("--reason", required=True, metavar="TEXT", help="作废的理由")
    sf = scr_sub.add_parser("officer-deactivate", parents=[common], help="停用信息员（以往的报告保留）")
    sf.add_argument("officer", metavar="ID", help="信息员的 id（screening officers --json）")
    sf.add_argument("--reason", required=True, metavar="TEXT", help="停用的理由")
    sf.add_argument("--on", type=iso_date, metavar="DATE", help="停用日期（默认今天）")
    sr = scr_sub.add_parser("officer-reactivate", parents=[common], help="恢复已停用的信息员")
    sr.add_argument("officer", metavar="ID", help="信息员的 id（screening officers --json）")
    sr.add_argument("--on", type=iso_date, metavar="DATE", help="恢复日期（默认今天）")


def cmd_screening_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_queries

    _data, opened = open_data(args)
    items = run(opened.db, screening_queries.screenings, args.date_from, args.date_to, args.voided)
    lines = [f"共 {len(items)} 次排查（其中零报告 {sum(r['zero_report'] for r in items)} 次）"]
    for r in items:
        head = (
            f"{r['date']}\t{r['committee']}\t零报告（{r['period_from']} 至 {r['period_to']}）"
            if r["zero_report"]
            else f"{r['date']}\t{r['committee']}\t{r['method_label']}\t{r['area']}\t发现纠纷 {r['found']} 件"
        )
        if r["voided"]:
            head += f"\t已作废（{r['voided_on']}，{r['void_reason']}）"
        lines.append(head)
        lines += [
            f"\t{d['type']}\t{d['applicant']}与{d['respondent']}\t{d['risk_label']}\t{d['status_label']}"
            + (f"\t{d['case_no']}" if d["case_no"] else "")
            + f"\tid {d['id']}"
            for d in r["disputes"]
        ]
    emit(args, {"screenings": items}, "\n".join(lines))
    return 0


def cmd_screening_add(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, screening, screening_queries
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    with unit(opened.db, screening.record_round) as session:
        committee = committees.find_committee(session, args.committee)
        dispute = screening.DisputeInput(
            dispute_type=screening_queries.type_code(session, args.type),
            applicant=args.applicant,
            respondent=args.respondent,
            summary=args.summary,
            risk=args.risk,
            action=args.action,
            watched=bool(args.responsible),
            responsible=args.responsible,
            measures=args.measures,
        )
        cmd = screening.RoundInput(
            committee.uuid,
            args.held_on or actor.today,
            args.area,
            args.staff,
            args.method,
            (dispute,),
            officer_uuid=args.officer,
        )
        uuid = screening.record_round(session, actor, cmd)
        doc = screening_queries.round_detail(session, actor, uuid)
    d = doc["disputes"][0]
    emit(args, doc, f"已登记排查（{doc['date']}，{doc['committee']}），发现纠纷 id {d['id']}（{d['risk_label']}）")
    return 0


def cmd_screening_zero(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, screening
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, screening.record_zero_report) as session:
        committee = committees.find_committee(session, args.committee)
        cmd = screening.ZeroReportInput(
            committee.uuid, args.date_from, args.date_to, args.area, args.staff, args.method
        )
        uuid = screening.record_zero_report(session, cli_actor(), cmd)
    doc = {"id": uuid, "committee": committee.name, "from": args.date_from.isoformat(), "to": args.date_to.isoformat()}
    emit(args, doc, f"已登记零报告：{committee.name} {args.date_from} 至 {args.date_to} 未发现矛盾纠纷")
    return 0


def cmd_screening_to_case(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening

    _data, opened = open_data(args)
    ref = run(opened.db, screening.make_case, args.dispute, args.accepted_on)
    emit(args, {"dispute": args.dispute, "uuid": ref.uuid, "case_no": ref.case_no}, f"已转为案件 {ref.case_no}")
    return 0


def cmd_screening_close(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    on = args.on or actor.today
    with unit(opened.db, screening.close_dispute) as session:
        screening.close_dispute(session, actor, args.dispute, args.how, on, args.note, args.referred_to)
    label = rules.STATUSES[args.how]
    emit(args, {"dispute": args.dispute, "status": args.how, "closed_on": on.isoformat()}, f"已登记：{label}（{on}）")
    return 0


def cmd_screening_ledger(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_queries

    _data, opened = open_data(args)
    items = run(opened.db, screening_queries.ledger)
    lines = [f"重点矛盾纠纷 {len(items)} 件"] + [
        f"{d['next_check_on'] or '—'}{'（已过期）' if d['overdue'] else ''}\t{d['applicant']}与{d['respondent']}\t"
        f"{d['risk_label']}\t{d['status_label']}\t责任人 {d['responsible'] or '未定'}\t{d['committee']}"
        for d in items
    ]
    emit(args, {"disputes": items}, "\n".join(lines))
    return 0


def cmd_screening_check(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    on = args.on or actor.today
    with unit(opened.db, screening.record_check) as session:
        screening.record_check(session, actor, args.dispute, on, args.measures, args.next_check_on)
    nxt = args.next_check_on.isoformat() if args.next_check_on else None
    doc = {"dispute": args.dispute, "checked_on": on.isoformat(), "next_check_on": nxt}
    emit(args, doc, f"已登记检查（{on}），" + (f"下次检查 {nxt}" if nxt else "解除重点关注"))
    return 0


def cmd_screening_officers(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_queries

    _data, opened = open_data(args)
    items = run(opened.db, screening_queries.officers)
    lines = [f"信息员 {len(items)} 人"] + [
        f"{o['name']}\t{o['kind_label']}\t{o['committee']}\t{o['area']}\t报告 {o['reports']} 次"
        + ("" if o["active"] else f"\t已停用（{o['deactivated_on'] or '日期不详'}）")
        + f"\tid {o['id']}"
        for o in items
    ]
    emit(args, {"officers": items}, "\n".join(lines))
    return 0


def cmd_screening_officer_add(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, screening
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, screening.add_officer) as session:
        committee = committees.find_committee(session, args.committee)
        cmd = screening.OfficerInput(committee.uuid, args.name, args.kind, args.phone, args.area)
        uuid = screening.add_officer(session, cli_actor(), cmd)
    label = rules.OFFICER_KINDS[args.kind]
    emit(args, {"id": uuid, "name": args.name, "committee": committee.name}, f"已登记{label}：{args.name}（id {uuid}）")
    return 0


def _change_lines(changes: list[dict]) -> str:
    return "\n".join(f"\t{c['what']}：{c['before']} → {c['after']}" for c in changes)


def cmd_screening_edit(args: argparse.Namespace) -> int:
    from xihu_desk.services import committees, screening_corrections
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, screening_corrections.correct_round) as session:
        committee = committees.find_committee(session, args.committee).uuid if args.committee else None
        correction = screening_corrections.RoundCorrection(
            args.round,
            args.reason,
            committee_uuid=committee,
            held_on=args.held_on,
            area=args.area,
            staff=args.staff,
            method=args.method,
            officer_uuid=args.officer,
            note=args.note,
            period_from=args.period_from,
            period_to=args.period_to,
            dropped=tuple(args.dropped),
            if_version=args.if_version,
        )
        changes = screening_corrections.correct_round(session, cli_actor(), correction)
    emit(
        args, {"id": args.round, "changes": changes}, f"已更正排查记录（{len(changes)} 项）：\n{_change_lines(changes)}"
    )
    return 0


def cmd_screening_edit_dispute(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_corrections, screening_queries
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, screening_corrections.correct_round) as session:
        round_uuid, edit = screening_corrections.dispute_edit(
            session,
            args.dispute,
            dispute_type=screening_queries.type_code(session, args.type) if args.type else None,
            applicant=args.applicant,
            applicant_phone=args.applicant_phone,
            respondent=args.respondent,
            respondent_phone=args.respondent_phone,
            summary=args.summary,
            risk=args.risk,
            action=args.action,
            responsible=args.responsible,
            closed_on=args.closed_on,
            referred_to=args.referred_to,
            closing_note=args.closing_note,
        )
        correction = screening_corrections.RoundCorrection(round_uuid, args.reason, disputes=(edit,))
        changes = screening_corrections.correct_round(session, cli_actor(), correction)
    doc = {"id": round_uuid, "dispute": args.dispute, "changes": changes}
    emit(args, doc, f"已更正纠纷（{len(changes)} 项）：\n{_change_lines(changes)}")
    return 0


def cmd_screening_void(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_corrections

    _data, opened = open_data(args)
    run(opened.db, screening_corrections.void_round, args.round, args.reason)
    emit(args, {"id": args.round, "voided": True, "reason": args.reason}, f"已作废排查记录，理由：{args.reason}")
    return 0


def cmd_screening_officer_deactivate(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_corrections

    _data, opened = open_data(args)
    on = run(opened.db, screening_corrections.deactivate_officer, args.officer, args.on, args.reason)
    doc = {"id": args.officer, "active": False, "deactivated_on": on.isoformat(), "reason": args.reason}
    emit(args, doc, f"已停用信息员（自 {on} 起），以往的报告保留")
    return 0


def cmd_screening_officer_reactivate(args: argparse.Namespace) -> int:
    from xihu_desk.services import screening_corrections

    _data, opened = open_data(args)
    on = run(opened.db, screening_corrections.reactivate_officer, args.officer, args.on)
    emit(args, {"id": args.officer, "active": True, "reactivated_on": on.isoformat()}, f"已恢复信息员（自 {on} 起）")
    return 0


COMMANDS = {
    ("screening", "list"): cmd_screening_list,
    ("screening", "add"): cmd_screening_add,
    ("screening", "zero"): cmd_screening_zero,
    ("screening", "to-case"): cmd_screening_to_case,
    ("screening", "close"): cmd_screening_close,
    ("screening", "ledger"): cmd_screening_ledger,
    ("screening", "check"): cmd_screening_check,
    ("screening", "officers"): cmd_screening_officers,
    ("screening", "officer-add"): cmd_screening_officer_add,
    ("screening", "edit"): cmd_screening_edit,
    ("screening", "edit-dispute"): cmd_screening_edit_dispute,
    ("screening", "void"): cmd_screening_void,
    ("screening", "officer-deactivate"): cmd_screening_officer_deactivate,
    ("screening", "officer-reactivate"): cmd_screening_officer_reactivate,
}
