"""Command-line commands of the legality-review log (design.md §10):

    xihu-desk review list [--year Y] [--status S] [--overdue] [--json] | review show NO [--json]

The review ledger and statistics (``ledger`` and ``report`` of the kind ``reviews``) are in ledger.py.
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import bounded_int, emit, open_data, run, unit
from xihu_desk.domain import clock

STATUSES = ("waiting", "reviewing", "paused", "opinion", "returned", "archived", "open")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    review = sub.add_parser("review", parents=[common], help="合法性审查台账")
    review_sub = review.add_subparsers(dest="review_command", parser_class=parser_class, required=True)
    rl = review_sub.add_parser("list", parents=[common], help="审查事项列表")
    rl.add_argument("--year", type=bounded_int(1949, 2100, "年度"), metavar="Y", help="送审年度")
    rl.add_argument("--status", choices=STATUSES, help="状态（open：待材料、审查中、补正中）")
    rl.add_argument("--overdue", action="store_true", help="只列出已超期的事项")
    rs = review_sub.add_parser("show", parents=[common], help="一个审查事项的全部内容")
    rs.add_argument("number", metavar="NO", help="审查编号（如 （2026）北山合审字第0001号）或 uuid")


def cmd_review_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_queries

    _data, opened = open_data(args)
    f = review_queries.ReviewFilter(
        year=args.year, status=args.status or "", overdue=args.overdue, sort="number", descending=False
    )
    items = run(opened.db, review_queries.summaries, f, clock.local_today())
    lines = [f"共 {len(items)} 件"] + [
        f"{r['number']}\t{r['type']}\t{r['title']}\t{r['unit']}\t{r['status_label']}\t{r['due_on'] or ''}\t"
        + "；".join(r["warnings"])
        for r in items
    ]
    emit(args, {"total": len(items), "reviews": items}, "\n".join(lines))
    return 0


def cmd_review_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import review_queries, reviews
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, reviews.find_review_uuid, review_queries.review_detail) as session:
        uuid = reviews.find_review_uuid(session, args.number)
        d = review_queries.review_detail(session, cli_actor(), uuid, clock.local_today())
    lines = [
        f"{d['number']}  {d['title']}",
        f"类型：{d['type']}　送审单位：{d['unit']}　状态：{d['status_label']}",
        f"送审：{d['received_on'] or '不详'}　材料齐全：{d['complete_on'] or '未齐全'}　"
        f"期限：{d['due_on'] or '—'}（{d['total_days']} 个工作日）{('　' + d['clock']) if d['clock'] else ''}",
    ]
    if d["opinion"]:
        o = d["opinion"]
        lines.append(
            f"审查意见：{o['number'] or '（无编号）'} {o['date'] or '日期不详'} {o['conclusion_label']}，{o['points']} 条"
        )
    lines.append(
        "审查要点："
        + "；".join(
            f"{c['label']} {c['answer_label'] or '未填'}" + (f"（{c['note']}）" if c["note"] else "")
            for c in d["checklist"]
        )
    )
    lines += [f"提示：{w}" for w in d["warnings"]]
    emit(args, d, "\n".join(lines))
    return 0


COMMANDS = {("review", "list"): cmd_review_list, ("review", "show"): cmd_review_show}
