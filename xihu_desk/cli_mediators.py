"""Command-line commands of the mediator roster and grading (design.md §10):

    xihu-desk mediator list [--all] [--json]
    xihu-desk mediator evidence ID [--from DATE --to DATE] [--rule-set CODE] [--level CODE] [--json] [-o FILE.pdf]
    xihu-desk ledger import FILE.xlsx --kind mediators [--dry-run] [--json]     (dispatched from cli_reviews)
    xihu-desk ledger export --kind mediators -o FILE.xlsx
    xihu-desk report mediators --from DATE --to DATE -o FILE.xlsx

cli.py adds the ``mediator`` parsers and dispatches here; ``ledger`` and ``report`` come here for
the kind ``mediators``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from xihu_desk import cli_emit
from xihu_desk.cli_output import write_output
from xihu_desk.domain.errors import UserError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{text}") from None


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    med = sub.add_parser("mediator", parents=[common], help="人民调解员名册与等级评定")
    med_sub = med.add_subparsers(dest="mediator_command", parser_class=parser_class, required=True)
    ml = med_sub.add_parser("list", parents=[common], help="调解员名册")
    ml.add_argument("--all", action="store_true", help="包括已离任、解聘、罢免的调解员")
    me = med_sub.add_parser("evidence", parents=[common], help="一名调解员的等级评定材料（由案件和名册记录汇总）")
    me.add_argument("id", metavar="ID", help="调解员编号（mediator list 中的 id，或其末尾 8 位）、备案编号或姓名")
    me.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="统计期间开始（默认按评定标准：从业以来）")
    me.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="统计期间结束（默认今天）")
    me.add_argument("--rule-set", default="national", metavar="CODE", help="评定标准：national（默认）、zhejiang-2017 等")
    me.add_argument("--level", metavar="CODE", help="对照的等级代码（默认：已达到的最高等级）")
    me.add_argument("-o", "--output", metavar="FILE.pdf", help="同时写出人民调解员等级评定申请表（PDF）")


def _emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    cli_emit.emit(args, doc, text)  # ID numbers and birth dates masked unless --reveal


def _open(args: argparse.Namespace):  # noqa: ANN202
    from xihu_desk.cli import _open

    return _open(args)[1]


def cmd_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediators
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    with opened.db.read() as session:
        rows = mediators.roster(session, cli_actor(), mediators.RosterFilter(status="" if args.all else "serving"))
    lines = [f"共 {len(rows)} 人"] + [
        f"{r.uuid[-8:]}\t{r.name}\t{r.committee}\t{r.employment_label}\t{r.grade_label}"
        + ("" if r.status == "serving" else f"\t{r.status_label}") for r in rows]
    _emit(args, {"mediators": [r.as_json() for r in rows]}, "\n".join(lines))
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from xihu_desk.domain import grading as rules_domain
    from xihu_desk.services import grading, mediators
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    actor = cli_actor()
    today = date.today()
    with (opened.db.write() if args.output else opened.db.read()) as session:
        uuid = mediators.find_uuid(session, args.id)
        rules = grading.get_rules(session, args.rule_set)
        start, end = grading.default_window(session, rules, uuid, args.date_to or today)
        start = args.date_from or start
        end = args.date_to or end
        ev = grading.evidence(session, actor, uuid, start, end)
        level = args.level or None
        result = rules_domain.evaluate(rules, level, ev) if level else rules_domain.best_level(rules, ev)
        form = grading.evidence_form(session, actor, uuid, rules.code, level, start, end) if args.output else None
    doc = ev.as_json()
    doc["rule_set"] = rules.code
    doc["evaluation"] = result.as_json() if result else None
    m = rules_domain.METRICS
    lines = [f"{ev.name}（{rules_domain.EMPLOYMENT.get(ev.employment_type, '')}）  统计期间 {start} 至 {end}"]
    for key in ("years_of_service", "cases_total", "cases_per_year", "cases_succeeded", "success_rate", "oral_share",
                "difficult_cases", "confirmed_cases", "followups", "training_hours", "awards", "complaints",
                "complaints_upheld", "discipline", "escalations"):
        lines.append(f"  {m[key].label}：{rules_domain.shown(key, ev.value(key))}")
    if ev.per_year:
        lines.append("  各年度：" + "；".join(f"{y} 年 {n} 件" for y, n in ev.per_year.items()))
    if level:
        lines.append(f"对照{rules.name}{result.level_name}：" + ("各项条件均已达到" if result.passed else "未达到：")
                     + "".join(f"\n  · {t}" for t in result.missed_text()))
    else:
        lines.append(f"按{rules.name}，" + (f"已达到{result.level_name}的全部条件" if result else "尚未达到任何等级的全部条件"))
    if args.output:
        from xihu_desk.documents import mediator_application

        target = write_output(args, args.output, mediator_application.build(form))
        doc["file"] = str(target)
        lines.append(f"申请表已写入：{target}")
    _emit(args, doc, "\n".join(lines))
    return 0


# ---------------------------------------------------------------- ledger and report (kind mediators)




def ledger_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger
    from xihu_desk.services.context import cli_actor

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    opened = _open(args)
    with opened.db.write() as session:
        report = mediator_ledger.import_roster(session, cli_actor(), source.read_bytes(), dry_run=args.dry_run)
    _emit(args, report.as_json(), report.text())
    return 0


def ledger_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    reveal = bool(getattr(args, "reveal", False))
    with (opened.db.write() if reveal else opened.db.read()) as session:  # a reveal is audited
        data = mediator_ledger.export_roster(session, cli_actor(), reveal=reveal)
    path = write_output(args, args.output, data)
    _emit(args, {"file": str(path), "kind": "mediators", "size": len(data), "masked": not reveal},
          f"已导出：{path}" + ("（含完整身份证号，已记入审计日志）" if reveal else "（身份证号已遮盖）"))
    return 0


def report(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediator_ledger
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    with opened.db.read() as session:
        data = mediator_ledger.results_workbook(session, cli_actor(), args.date_from, args.date_to)
    path = write_output(args, args.output, data)
    _emit(args, {"file": str(path), "kind": "mediators", "from": args.date_from.isoformat(),
                 "to": args.date_to.isoformat()}, f"已生成等级评定结果表：{path}")
    return 0


COMMANDS = {("mediator", "list"): cmd_list, ("mediator", "evidence"): cmd_evidence}
SUBCOMMANDS = {"mediator": "mediator_command"}
