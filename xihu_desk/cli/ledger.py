"""Command-line commands of the Excel ledgers and the statistics tables (design.md §10):

    xihu-desk ledger import FILE.xlsx --kind cases|reviews|mediators|review-matters [--dry-run] [--json]
                     [--problems FILE.xlsx]
    xihu-desk ledger export --kind cases|reviews|mediators|review-matters -o FILE.xlsx [--reveal]
        review-matters: the office's list of meeting items and contracts, each marked against the
        review register (应审未审)
    xihu-desk report mediation|reviews|mediators --from DATE --to DATE -o FILE.xlsx
                     [--org CODE | --committee NAME]        (the scope: mediation only)
                     [--submit [--responsible NAME] [--preparer NAME] | --as-submitted]  (报出: mediation only)

Each command takes a kind and hands it to the function of that kind below.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Callable
from typing import Any

from xihu_desk.cli.common import (
    CountProgress,
    UserError,
    check_target,
    emit,
    iso_date,
    open_data,
    output_file,
    require_file,
    run,
    unit,
    write_output,
)
from xihu_desk.domain import clock

LEDGER_KINDS = ("cases", "reviews", "mediators", "review-matters")
REPORT_KINDS = ("mediation", "reviews", "mediators")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    led = sub.add_parser("ledger", parents=[common], help="Excel 台账：导入原有台账、导出台账")
    led_sub = led.add_subparsers(dest="ledger_command", parser_class=parser_class, required=True)
    li = led_sub.add_parser("import", parents=[common], help="导入 Excel 台账（每一行都会导入、判为重复或列出问题）")
    li.add_argument("file", metavar="FILE.xlsx")
    li.add_argument("--kind", choices=LEDGER_KINDS, default="cases")
    li.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    li.add_argument(
        "--problems",
        type=output_file(".xlsx"),
        metavar="FILE.xlsx",
        help="把问题清单写成 Excel，改正后可再次导入（cases）",
    )
    lx = led_sub.add_parser("export", parents=[common], help="导出 Excel 台账")
    # platform: the cases still to enter in the provincial platform (cli/reconcile.py)
    lx.add_argument("--kind", choices=(*LEDGER_KINDS, "platform"), required=True)
    lx.add_argument("-o", "--output", required=True, type=output_file(".xlsx"), metavar="FILE.xlsx")
    lx.add_argument("--reveal", action="store_true", help="含完整证件号码（须有查看完整证件号码的权限；记入审计日志）")

    rep = sub.add_parser("report", parents=[common], help="统计报表（Excel）")
    rep.add_argument("kind", choices=REPORT_KINDS)
    rep.add_argument("--from", dest="date_from", required=True, type=iso_date, metavar="DATE")
    rep.add_argument("--to", dest="date_to", required=True, type=iso_date, metavar="DATE")
    rep.add_argument("-o", "--output", required=True, type=output_file(".xlsx"), metavar="FILE.xlsx")
    scope = rep.add_mutually_exclusive_group()
    scope.add_argument("--org", metavar="CODE", help="只统计该街道（镇）的调委会（mediation）")
    scope.add_argument("--committee", metavar="NAME", help="只统计该调委会：全称、简称或 uuid（mediation）")
    sent = rep.add_mutually_exclusive_group()
    sent.add_argument("--submit", action="store_true", help="报出：保存本期数字的快照，以后原样可查（mediation）")
    sent.add_argument(
        "--as-submitted", action="store_true", help="写出该期间报出时的统计表，与当时报出的文件完全相同（mediation）"
    )
    rep.add_argument(
        "--responsible", metavar="NAME", default="", help="报出时印在表上的单位负责人（mediation，--submit）"
    )
    rep.add_argument(
        "--preparer", metavar="NAME", default="", help="报出时印在表上的填表人，默认为报出人（mediation，--submit）"
    )


# The parser's choices limit --kind to these keys.
def cmd_ledger_import(args: argparse.Namespace) -> int:
    return {
        "cases": _cases_import,
        "reviews": _reviews_import,
        "mediators": _mediators_import,
        "review-matters": _matters_import,
    }[args.kind](args)


def _platform_export(args: argparse.Namespace) -> int:
    """``ledger export --kind platform``: the cases still to enter, in the platform's field order;
    --reveal for the full ID numbers the platform asks for (audited)."""
    from xihu_desk.services import platform_reconcile
    from xihu_desk.services.context import cli_actor

    reveal = bool(getattr(args, "reveal", False))
    check_target(args, args.output)  # refused before anything is built or audited
    data, opened = open_data(args)
    with unit(opened.db, platform_reconcile.entry_list, reveal=reveal) as session:
        content = platform_reconcile.entry_list(session, cli_actor(), reveal=reveal, templates=data.root / "templates")
        path = write_output(args, args.output, content)
    emit(
        args,
        {"file": str(path), "kind": "platform", "size": len(content), "masked": not reveal},
        f"已导出平台录入清单：{path}" + ("（含完整证件号码，已记入审计日志）" if reveal else "（证件号码已遮蔽）"),
    )
    return 0


def cmd_ledger_export(args: argparse.Namespace) -> int:
    return {
        "platform": _platform_export,
        "cases": _cases_export,
        "reviews": _reviews_export,
        "mediators": _mediators_export,
        "review-matters": _matters_export,
    }[args.kind](args)


def cmd_report(args: argparse.Namespace) -> int:
    return {"mediation": _mediation_report, "reviews": _reviews_report, "mediators": _mediators_report}[args.kind](args)


def _export(
    args: argparse.Namespace,
    service: Callable[..., bytes],
    *,
    kind: str,
    revealed: str,
    masked: str,
    **service_kwargs: Any,
) -> int:
    """One ledger export: built in the unit of work the service declares (a write when the export
    is audited, or revealed, since a reveal is audited), written whole to -o, reported."""
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    reveal = bool(getattr(args, "reveal", False))
    check_target(args, args.output)  # refused before anything is built or audited
    with unit(opened.db, service, reveal=reveal, **service_kwargs) as session:  # the service says whether it writes
        data = service(session, cli_actor(), reveal=reveal, **service_kwargs)
        # Written inside the unit of work: a file that cannot be written leaves no export in the audit log.
        path = write_output(args, args.output, data)
    emit(
        args,
        {"file": str(path), "kind": kind, "size": len(data), "masked": not reveal},
        f"已导出：{path}" + (revealed if reveal else masked),
    )
    return 0


# ---------------------------------------------------------------- cases (ledger) and mediation (report)


def _cases_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_ledger
    from xihu_desk.services.context import cli_actor

    source = require_file(args.file, "文件")  # a folder, a device or an empty file is said as such
    _data, opened = open_data(args)
    progress = CountProgress()
    try:
        with unit(opened.db, case_ledger.import_ledger) as session:
            report = case_ledger.import_ledger(
                session, cli_actor(), source, file_name=source.name, dry_run=args.dry_run, progress=progress
            )
    finally:
        progress.close()
    doc = report.as_json()
    text = report.text()
    problems = getattr(args, "problems", None)
    if problems and report.problems:
        path = write_output(args, problems, case_ledger.problems_workbook(report, source.name))
        doc["problems_file"] = str(path)
        text += f"\n问题清单已写入：{path}"
    emit(args, doc, text)
    return 0


def _cases_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_ledger

    # the export of personal data is audited, masked or not
    return _export(
        args,
        case_ledger.export_ledger,
        kind="cases",
        revealed="（含完整证件号码，已记入审计日志）",
        masked="（证件号码已遮蔽）",
    )


def _mediation_report(args: argparse.Namespace) -> int:
    from xihu_desk.reports import mediation_stats as layouts
    from xihu_desk.services import committees, mediation_stats, report_submissions
    from xihu_desk.services.context import cli_actor

    data_dir, opened = open_data(args)
    submit = bool(getattr(args, "submit", False))
    if getattr(args, "as_submitted", False):
        return _mediation_as_submitted(args, opened)
    try:
        layout = layouts.load_layout(data_dir.root / "templates")
    except layouts.LayoutError as exc:
        raise UserError(str(exc)) from None
    check_target(args, args.output)  # refused before anything is submitted
    service = report_submissions.submit if submit else mediation_stats.compute
    submitted = None
    with unit(opened.db, committees.find_statistics_scope, service) as session:
        name = getattr(args, "committee", None)
        committee_uuid = committees.find_statistics_scope(session, name) if name else ""
        query = mediation_stats.StatsQuery(
            args.date_from, args.date_to, org_code=getattr(args, "org", None) or "", committee_uuid=committee_uuid
        )
        if submit:
            submitted = report_submissions.submit(
                session, cli_actor(), query, layout, responsible=args.responsible, preparer=args.preparer
            )
            stats, data = submitted.stats, submitted.workbook
            # Written inside the unit of work: a file that cannot be written leaves no submission.
            path = write_output(args, args.output, data)
        else:
            stats = mediation_stats.compute(session, cli_actor(), query, layout)
    if submitted is None:
        data = layouts.workbook(stats, layout)
        path = write_output(args, args.output, data)
    total = stats.total
    missing = [b.sender for b in stats.cover.bundles or [] if b.missing or not b.sequences]
    corrections = stats.corrections or []
    doc = {
        "file": str(path),
        "kind": args.kind,
        "from": args.date_from.isoformat(),
        "to": args.date_to.isoformat(),
        "scope": stats.cover.scope,
        "accepted": total["accepted"],
        "succeeded": total["succeeded"],
        "closed": total["closed"],
        "carried": total["carried"],
        "open": total["open"],
        "bundles_missing": missing,
        "corrections": [
            {"period": c.period, "case_no": c.case_no, "field": c.metric, "before": c.before, "after": c.after}
            for c in corrections
        ],
        "submitted": None,
    }
    text = (
        f"已生成统计表：{path}\n{stats.cover.scope}：受理 {total['accepted']} 件，结案 {total['closed']} 件，"
        f"其中调解成功 {total['succeeded']} 件"
    )
    if corrections:
        text += f"\n更正：已报出的以前各期有 {len(corrections)} 处变化，列在“更正”表中。"
    if submitted is not None:
        doc["submitted"] = {
            "uuid": submitted.uuid,
            "at": stats.cover.made_at.isoformat(timespec="seconds"),
            "by": stats.cover.made_by,
            "times": submitted.times,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        text += f"\n已报出（第 {submitted.times} 次报出本期间）；以后可用 --as-submitted 取回与此完全相同的文件。"
    if missing:
        text += f"\n注意：{stats.cover.source_line()}"
    emit(args, doc, text)
    return 0


def _mediation_as_submitted(args: argparse.Namespace, opened: Any) -> int:
    from xihu_desk.services import report_submissions

    if getattr(args, "org", None) or getattr(args, "committee", None):
        raise UserError("报出的统计表包括本单位全部调委会，--as-submitted 不能与 --org、--committee 同用。")
    data, sub = run(opened.db, report_submissions.submitted_workbook, args.date_from, args.date_to)
    path = write_output(args, args.output, data)
    emit(
        args,
        {
            "file": str(path),
            "kind": args.kind,
            "from": args.date_from.isoformat(),
            "to": args.date_to.isoformat(),
            "submitted": {
                "at": sub.submitted_at.isoformat(timespec="seconds"),
                "by": sub.submitted_by,
                "sha256": hashlib.sha256(data).hexdigest(),
            },
            "accepted": sub.accepted,
            "succeeded": sub.succeeded,
        },
        f"已写出 {sub.submitted_at:%Y-%m-%d %H:%M} 报出的统计表：{path}",
    )
    return 0


# ---------------------------------------------------------------- legality reviews


def _import_workbook(args: argparse.Namespace, service: Any) -> int:
    """A workbook in through ``service(session, actor, data, dry_run=, progress=)``, its report said."""
    from xihu_desk.services.context import cli_actor

    source = require_file(args.file, "文件")  # a folder, a device or an empty file is said as such
    _data, opened = open_data(args)
    progress = CountProgress()
    try:
        with unit(opened.db, service) as session:
            report = service(session, cli_actor(), source.read_bytes(), dry_run=args.dry_run, progress=progress)
    finally:
        progress.close()
    emit(args, report.as_json(), report.text())
    return 0


def _reviews_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_ledger

    return _import_workbook(args, review_ledger.import_ledger)


def _reviews_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_ledger

    return _export(
        args,
        review_ledger.export_ledger,
        today=clock.local_today(),
        kind="reviews",
        revealed="（证件号码未遮蔽，已记入审计日志）",
        masked="（形如身份证号的数字已遮蔽）",
    )


def _matters_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_matters

    return _import_workbook(args, review_matters.import_list)


def _matters_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_matters

    if args.reveal:
        raise UserError("会议议题和合同清单不含证件号码，不需要 --reveal。")
    _data, opened = open_data(args)
    check_target(args, args.output)
    data = run(opened.db, review_matters.export_list)
    path = write_output(args, args.output, data)
    emit(args, {"file": str(path), "kind": args.kind, "size": len(data)}, f"已导出：{path}")
    return 0


def _reviews_report(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_ledger

    _data, opened = open_data(args)
    data = run(opened.db, review_ledger.statistics_workbook, args.date_from, args.date_to, clock.local_today())
    path = write_output(args, args.output, data)
    emit(
        args,
        {"file": str(path), "kind": args.kind, "from": args.date_from.isoformat(), "to": args.date_to.isoformat()},
        f"已生成统计表：{path}",
    )
    return 0


# ---------------------------------------------------------------- mediators (roster and grading results)


def _mediators_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger
    from xihu_desk.services.context import cli_actor

    source = require_file(args.file, "文件")  # a folder, a device or an empty file is said as such
    _data, opened = open_data(args)
    with unit(opened.db, mediator_ledger.import_roster) as session:
        report = mediator_ledger.import_roster(session, cli_actor(), source.read_bytes(), dry_run=args.dry_run)
    emit(args, report.as_json(), report.text())
    return 0


def _mediators_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger

    return _export(
        args,
        mediator_ledger.export_roster,
        kind="mediators",
        revealed="（含完整身份证号，已记入审计日志）",
        masked="（身份证号已遮盖）",
    )


def _mediators_report(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger

    _data, opened = open_data(args)
    data = run(opened.db, mediator_ledger.results_workbook, args.date_from, args.date_to)
    path = write_output(args, args.output, data)
    emit(
        args,
        {"file": str(path), "kind": "mediators", "from": args.date_from.isoformat(), "to": args.date_to.isoformat()},
        f"已生成等级评定结果表：{path}",
    )
    return 0


COMMANDS = {("ledger", "import"): cmd_ledger_import, ("ledger", "export"): cmd_ledger_export, "report": cmd_report}
