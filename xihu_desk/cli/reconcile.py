"""Reconciliation with the provincial platform (design.md §10, issue 19):

    xihu-desk reconcile FILE.xlsx [--from DATE --to DATE] [--link] [-o FILE.xlsx] [--json]

The platform's export is compared with this office's cases (services/platform_reconcile.py);
``--link`` links every proposal (a case without a code whose parties and accepted date fit), in
one transaction; ``-o`` writes the result as a workbook, one sheet per list. The entry list of the
cases still to enter, ``ledger export --kind platform``, is ``cmd_entry_list`` (cli/ledger.py hands
that kind here)."""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import (
    CountProgress,
    check_target,
    emit,
    iso_date,
    open_data,
    output_file,
    require_file,
    unit,
    write_output,
)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    rec = sub.add_parser("reconcile", parents=[common], help="与省平台（浙里调 / 浙江解纷码）的导出表对账")
    rec.add_argument("file", metavar="FILE.xlsx", help="从省平台导出的案件表")
    rec.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="对账期间（受理日期）的开始")
    rec.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="对账期间（受理日期）的结束")
    rec.add_argument("--link", action="store_true", help="把建议关联的案件登记上平台编号（一次完成，记入审计日志）")
    rec.add_argument(
        "-o", "--output", type=output_file(".xlsx"), metavar="FILE.xlsx", help="把对账结果写成 Excel（每种结果一张表）"
    )


def _text(doc: dict) -> str:
    lines = [
        f"对账期间：{doc['from'] or '…'} 至 {doc['to'] or '…'}；平台导出 {doc['rows']} 行。",
        f"编号一致 {doc['matched']} 件，本次关联 {doc['linked']} 件，"
        f"建议关联 {sum(not p['linked'] for p in doc['proposals'])} 件（加 --link 确认），"
        f"仅本系统有 {len(doc['only_here'])} 件，仅平台有 {len(doc['only_platform'])} 件，不一致 {len(doc['mismatched'])} 项。",
    ]
    lines += [f"仅本系统有：{c['case_no']}（{c['accepted_on']} 受理）" for c in doc["only_here"]]
    lines += [
        f"仅平台有：第 {r['row']} 行 {r['platform_code'] or '（无编号）'} {r['applicant']}（{r['accepted_on'] or '—'}）"
        for r in doc["only_platform"]
    ]
    lines += [
        f"不一致：{m['case_no']}（{m['platform_code']}）{m['field_label']}：本系统 {m['here']}，平台 {m['platform']}"
        for m in doc["mismatched"]
    ]
    lines += [
        f"{'已关联' if p['linked'] else '建议关联'}：平台第 {p['row']} 行 {p['platform_code']} → {p['case_no']}"
        f"（受理日期相差 {p['days_apart']} 天）"
        for p in doc["proposals"]
    ]
    lines += [f"第 {p['row']} 行：{p['reason']}" for p in doc["problems"]]
    return "\n".join(lines + doc["notes"])


def cmd_reconcile(args: argparse.Namespace) -> int:
    from xihu_desk.services import platform_reconcile
    from xihu_desk.services.context import cli_actor

    source = require_file(args.file, "文件")  # a folder, a device or an empty file is said as such
    if args.output:
        check_target(args, args.output)  # refused before anything is read or recorded
    data, opened = open_data(args)
    query = platform_reconcile.ReconcileQuery(args.date_from, args.date_to, args.link, source.name)
    progress = CountProgress()
    try:
        with unit(opened.db, platform_reconcile.reconcile) as session:
            doc = platform_reconcile.reconcile(
                session, cli_actor(), source, query, templates=data.root / "templates", progress=progress
            )
            if args.output:  # inside the unit: a file that cannot be written leaves nothing recorded
                doc["output"] = str(write_output(args, args.output, platform_reconcile.result_workbook(session, doc)))
    finally:
        progress.close()
    text = _text(doc) + (f"\n对账结果已写入：{doc['output']}" if args.output else "")
    emit(args, doc, text)
    return 0


COMMANDS = {"reconcile": cmd_reconcile}
