"""Command-line commands of the mediator roster and grading (design.md §10):

    xihu-desk mediator list [--all] [--json]
    xihu-desk mediator evidence ID [--from DATE --to DATE] [--rule-set CODE] [--level CODE] [--json] [-o FILE.pdf]

The Excel roster and the grading results (``ledger`` and ``report`` of the kind ``mediators``) are
in ledger.py.
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import emit, iso_date, open_data, output_file, run, unit, write_output
from xihu_desk.domain import clock
from xihu_desk.domain.grading import DEFAULT_RULE_SET


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    med = sub.add_parser("mediator", parents=[common], help="人民调解员名册与等级评定")
    med_sub = med.add_subparsers(dest="mediator_command", parser_class=parser_class, required=True)
    ml = med_sub.add_parser("list", parents=[common], help="调解员名册")
    ml.add_argument("--all", action="store_true", help="包括已离任、解聘、罢免的调解员")
    me = med_sub.add_parser("evidence", parents=[common], help="一名调解员的等级评定材料（由案件和名册记录汇总）")
    me.add_argument("id", metavar="ID", help="调解员编号（mediator list 中的 id，或其末尾 8 位）、备案编号或姓名")
    me.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="DATE", help="统计期间开始（默认按评定标准：从业以来）"
    )
    me.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="统计期间结束（默认今天）")
    me.add_argument(
        "--rule-set",
        default=DEFAULT_RULE_SET,
        metavar="CODE",
        help=f"评定标准：{DEFAULT_RULE_SET}（浙江省办法，默认）、national（全国一级至四级）等",
    )
    me.add_argument("--level", metavar="CODE", help="对照的等级代码（默认：已达到的最高等级）")
    me.add_argument(
        "-o", "--output", type=output_file(".pdf"), metavar="FILE.pdf", help="同时写出人民调解员等级评定申请表（PDF）"
    )


def cmd_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediators

    _data, opened = open_data(args)
    rows = run(opened.db, mediators.roster, mediators.RosterFilter(status="" if args.all else "serving"))
    lines = [f"共 {len(rows)} 人"] + [
        f"{r.uuid[-8:]}\t{r.name}\t{r.committee}\t{r.employment_label}\t{r.grade_label}"
        + ("" if r.status == "serving" else f"\t{r.status_label}")
        for r in rows
    ]
    emit(args, {"mediators": [r.as_json() for r in rows]}, "\n".join(lines))
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from xihu_desk.documents import mediator_application
    from xihu_desk.domain import grading as rules_domain
    from xihu_desk.services import grading, mediators
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    actor = cli_actor()
    today = clock.local_today()
    used = (mediators.find_uuid, grading.get_rules, grading.default_window, grading.evidence)
    with unit(opened.db, *used, *([grading.evidence_form] if args.output else [])) as session:
        uuid = mediators.find_uuid(session, args.id)
        rules = grading.get_rules(session, args.rule_set)
        start, end = grading.default_window(session, rules, uuid, args.date_to or today)
        start = args.date_from or start
        end = args.date_to or end
        ev = grading.evidence(session, actor, uuid, start, end)
        level = args.level or None
        result = rules_domain.evaluate(rules, level, ev) if level else rules_domain.best_level(rules, ev)
        form = grading.evidence_form(session, actor, uuid, rules.code, level, start, end) if args.output else None
        # written inside the unit: a form that could not be written is not recorded as made
        target = write_output(args, args.output, mediator_application.build(form)) if form is not None else None
    doc = ev.as_json()
    doc["rule_set"] = rules.code
    doc["evaluation"] = result.as_json() if result else None
    m = rules_domain.METRICS
    lines = [f"{ev.name}（{rules_domain.EMPLOYMENT.get(ev.employment_type, '')}）  统计期间 {start} 至 {end}"]
    for key in m:  # every figure, in the order the rules list them
        lines.append(f"  {m[key].label}：{rules_domain.shown(key, ev.value(key))}")
    if ev.per_year:
        lines.append("  各年度：" + "；".join(f"{y} 年 {n} 件" for y, n in ev.per_year.items()))
    if level and result:
        lines.append(
            f"对照{rules.name}{result.level_name}："
            + ("各项条件均已达到" if result.passed else "未达到：")
            + "".join(f"\n  · {t}" for t in result.missed_text())
        )
    else:
        lines.append(
            f"按{rules.name}，" + (f"已达到{result.level_name}的全部条件" if result else "尚未达到任何等级的全部条件")
        )
    if target is not None:
        doc["file"] = str(target)
        lines.append(f"申请表已写入：{target}")
    emit(args, doc, "\n".join(lines))
    return 0


COMMANDS = {("mediator", "list"): cmd_list, ("mediator", "evidence"): cmd_evidence}
