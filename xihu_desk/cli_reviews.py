"""Command-line commands of the legality-review log and of Excel ledgers and reports (design.md §10):

    xihu-desk review list [--year Y] [--status S] [--json] | review show NO [--json]
    xihu-desk ledger import FILE.xlsx --kind reviews [--dry-run] [--json]
    xihu-desk ledger export --kind reviews -o FILE.xlsx
    xihu-desk report reviews --from DATE --to DATE -o FILE.xlsx

cli.py adds these parsers and dispatches here. ``ledger`` and ``report`` take a kind; the kinds
other areas have not built yet are refused with one line (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from xihu_desk import cli_emit, cli_text
from xihu_desk.cli_output import write_output
from xihu_desk.domain.errors import UserError

LEDGER_KINDS = ("cases", "reviews", "mediators")
REPORT_KINDS = ("mediation", "reviews", "mediators")
STATUSES = ("waiting", "reviewing", "paused", "opinion", "returned", "archived", "open")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{text}") from None


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    review = sub.add_parser("review", parents=[common], help="合法性审查台账")
    review_sub = review.add_subparsers(dest="review_command", parser_class=parser_class, required=True)
    rl = review_sub.add_parser("list", parents=[common], help="审查事项列表")
    rl.add_argument("--year", type=cli_text.bounded_int(1949, 2100, "年度"), metavar="Y", help="送审年度")
    rl.add_argument("--status", choices=STATUSES, help="状态（open：待材料、审查中、补正中）")
    rl.add_argument("--overdue", action="store_true", help="只列出已超期的事项")
    rs = review_sub.add_parser("show", parents=[common], help="一个审查事项的全部内容")
    rs.add_argument("number", metavar="NO", help="审查编号（如 （2026）北山合审字第0001号）或 uuid")

    led = sub.add_parser("ledger", parents=[common], help="Excel 台账：导入原有台账、导出台账")
    led_sub = led.add_subparsers(dest="ledger_command", parser_class=parser_class, required=True)
    li = led_sub.add_parser("import", parents=[common], help="导入 Excel 台账（每一行都会导入、判为重复或列出问题）")
    li.add_argument("file", metavar="FILE.xlsx")
    li.add_argument("--kind", choices=LEDGER_KINDS, default="cases")
    li.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    li.add_argument("--problems", metavar="FILE.xlsx", help="把问题清单写成 Excel，改正后可再次导入（cases）")
    lx = led_sub.add_parser("export", parents=[common], help="导出 Excel 台账")
    lx.add_argument("--kind", choices=LEDGER_KINDS, required=True)
    lx.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    lx.add_argument("--reveal", action="store_true", help="含完整证件号码（须有查看完整证件号码的权限；记入审计日志）")

    rep = sub.add_parser("report", parents=[common], help="统计报表（Excel）")
    rep.add_argument("kind", choices=REPORT_KINDS)
    rep.add_argument("--from", dest="date_from", required=True, type=_date, metavar="DATE")
    rep.add_argument("--to", dest="date_to", required=True, type=_date, metavar="DATE")
    rep.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    scope = rep.add_mutually_exclusive_group()
    scope.add_argument("--org", metavar="CODE", help="只统计该街道（镇）的调委会（mediation）")
    scope.add_argument("--committee", metavar="NAME", help="只统计该调委会：全称、简称或 uuid（mediation）")


def _emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    cli_emit.emit(args, doc, text)  # ID numbers and birth dates masked unless --reveal


def _open(args: argparse.Namespace):  # noqa: ANN202
    from xihu_desk.cli import _open

    return _open(args)[1]


def _not_yet(kind: str) -> UserError:
    return UserError(f"“{kind}”的 Excel 台账和报表尚未提供，目前支持：台账 cases（案件）、reviews（合法性审查）；"
                     "统计表 mediation（人民调解）、reviews（合法性审查）。")




class _TerminalProgress:
    """A one-line progress count on a terminal (stderr); silent when piped."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        if self.on and total:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.on:
            print("\r", end="", file=sys.stderr, flush=True)


def cmd_review_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_queries
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    f = review_queries.ReviewFilter(year=args.year, status=args.status or "", overdue=args.overdue,
                                    sort="number", descending=False)
    with opened.db.read() as session:
        items = review_queries.summaries(session, cli_actor(), f, date.today())
    lines = [f"共 {len(items)} 件"] + [
        f"{r['number']}\t{r['type']}\t{r['title']}\t{r['unit']}\t{r['status_label']}\t{r['due_on'] or ''}\t"
        + "；".join(r["warnings"]) for r in items]
    _emit(args, {"total": len(items), "reviews": items}, "\n".join(lines))
    return 0


def cmd_review_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_queries, reviews
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    with opened.db.read() as session:
        uuid = reviews.find_review_uuid(session, args.number)
        d = review_queries.review_detail(session, cli_actor(), uuid, date.today())
    lines = [f"{d['number']}  {d['title']}", f"类型：{d['type']}　送审单位：{d['unit']}　状态：{d['status_label']}",
             f"送审：{d['received_on'] or '不详'}　材料齐全：{d['complete_on'] or '未齐全'}　"
             f"期限：{d['due_on'] or '—'}（{d['total_days']} 个工作日）{('　' + d['clock']) if d['clock'] else ''}"]
    if d["opinion"]:
        o = d["opinion"]
        lines.append(f"审查意见：{o['number'] or '（无编号）'} {o['date'] or '日期不详'} {o['conclusion_label']}，{o['points']} 条")
    lines += [f"提示：{w}" for w in d["warnings"]]
    _emit(args, d, "\n".join(lines))
    return 0


def cmd_ledger_import(args: argparse.Namespace) -> int:
    if args.kind == "mediators":  # cli_mediators.py
        from xihu_desk import cli_mediators

        return cli_mediators.ledger_import(args)
    if args.kind == "cases":  # cli_stats.py
        from xihu_desk import cli_stats

        return cli_stats.ledger_import(args)
    if args.kind != "reviews":
        raise _not_yet(args.kind)
    from xihu_desk.services import review_ledger
    from xihu_desk.services.context import cli_actor

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    opened = _open(args)
    progress = _TerminalProgress()
    try:
        with opened.db.write() as session:
            report = review_ledger.import_ledger(session, cli_actor(), source.read_bytes(), dry_run=args.dry_run,
                                                 progress=progress)
    finally:
        progress.close()
    _emit(args, report.as_json(), report.text())
    return 0


def cmd_ledger_export(args: argparse.Namespace) -> int:
    if args.kind == "mediators":  # cli_mediators.py
        from xihu_desk import cli_mediators

        return cli_mediators.ledger_export(args)
    if args.kind == "cases":  # cli_stats.py
        from xihu_desk import cli_stats

        return cli_stats.ledger_export(args)
    if args.kind != "reviews":
        raise _not_yet(args.kind)
    from xihu_desk.services import review_ledger
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    reveal = bool(getattr(args, "reveal", False))
    with (opened.db.write() if reveal else opened.db.read()) as session:  # a reveal is audited
        data = review_ledger.export_ledger(session, cli_actor(), today=date.today(), reveal=reveal)
    path = write_output(args, args.output, data)
    _emit(args, {"file": str(path), "kind": args.kind, "size": len(data), "masked": not reveal},
          f"已导出：{path}" + ("（证件号码未遮蔽，已记入审计日志）" if reveal else "（形如身份证号的数字已遮蔽）"))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    if args.kind == "mediators":  # cli_mediators.py
        from xihu_desk import cli_mediators

        return cli_mediators.report(args)
    if args.kind == "mediation":  # cli_stats.py
        from xihu_desk import cli_stats

        return cli_stats.report_mediation(args)
    if args.kind != "reviews":
        raise _not_yet(args.kind)
    from xihu_desk.services import review_ledger
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    with opened.db.read() as session:
        data = review_ledger.statistics_workbook(session, cli_actor(), args.date_from, args.date_to, date.today())
    path = write_output(args, args.output, data)
    _emit(args, {"file": str(path), "kind": args.kind, "from": args.date_from.isoformat(),
                 "to": args.date_to.isoformat()}, f"已生成统计表：{path}")
    return 0


COMMANDS = {
    ("review", "list"): cmd_review_list, ("review", "show"): cmd_review_show,
    ("ledger", "import"): cmd_ledger_import, ("ledger", "export"): cmd_ledger_export, "report": cmd_report,
}
SUBCOMMANDS = {"review": "review_command", "ledger": "ledger_command"}
