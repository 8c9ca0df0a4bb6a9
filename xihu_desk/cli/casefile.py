"""卷宗评查 on the command line (issue 20; design.md §10 adds):

    xihu-desk casefile score CASE_NO [--json]
        → {"case_no", "score", "max", "defects": [{"item", "points", "reason"}]}
    xihu-desk casefile review [--from DATE] [--to DATE] [-o FILE.xlsx] [--json]
        every case closed in the period, lowest score first (default: this year so far); -o writes
        the workbook of the annual check (评查结果, 扣分明细, 评查标准)

The criteria are resources/templates/casefile_review.toml, or the office's copy in the data
folder's templates/ (marked 示例 until the district sets its own).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from xihu_desk.cli.common import (
    CountProgress,
    check_target,
    emit,
    iso_date,
    open_data,
    output_file,
    run,
    unit,
    write_output,
)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    cf = sub.add_parser("casefile", parents=[common], help="卷宗评查：按评查标准给已结案案件的卷宗打分")
    cf_sub = cf.add_subparsers(dest="casefile_command", parser_class=parser_class, required=True)
    sc = cf_sub.add_parser("score", parents=[common], help="一件案件的得分和每一处扣分")
    sc.add_argument("case_no", metavar="CASE_NO", help="案件编号或 uuid")
    rv = cf_sub.add_parser("review", parents=[common], help="一段时间内结案的案件逐件评查，得分低的在前")
    rv.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="结案日期起（默认今年 1 月 1 日）")
    rv.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="结案日期止（默认今天）")
    rv.add_argument("-o", "--output", type=output_file(".xlsx"), metavar="FILE.xlsx", help="写出评查工作簿")


def _templates(data: Any) -> Path | None:
    folder = data.root / "templates"
    return folder if folder.is_dir() else None


def cmd_score(args: argparse.Namespace) -> int:
    from xihu_desk.services import casefile_review, cases

    data, opened = open_data(args)
    with unit(opened.db, cases.find_case_uuid, casefile_review.score_case) as session:
        from xihu_desk.services.context import cli_actor

        uuid = cases.find_case_uuid(session, args.case_no)
        score = casefile_review.score_case(session, cli_actor(), uuid, templates=_templates(data))
    lines = [f"{score.case_no} 卷宗评查得分 {score.score}/{score.max}"]
    lines += [f"  -{d.points} {d.item}：{d.reason}" for d in score.defects]
    emit(args, score.as_json(), "\n".join(lines))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from xihu_desk.domain import clock
    from xihu_desk.services import casefile_review

    data, opened = open_data(args)
    today = clock.local_today()
    date_to = args.date_to or today
    date_from = args.date_from or date(date_to.year, 1, 1)
    progress = CountProgress()
    if args.output:
        target = check_target(args, args.output)
        done, book = run(
            opened.db, casefile_review.workbook, date_from, date_to, templates=_templates(data), progress=progress
        )
        write_output(args, target, book)
    else:
        done = run(opened.db, casefile_review.review, date_from, date_to, templates=_templates(data), progress=progress)
    progress.close()
    doc = done.as_json() | ({"file": str(args.output)} if args.output else {})
    lines = [
        f"{date_from} 至 {date_to} 结案 {len(done.rows)} 件，平均 {doc['average'] or '—'} 分（满分 {done.criteria.max}）"
    ]
    lines += [f"  {r.score.score:>3}  {r.case_no}  {r.title}" for r in done.rows]
    if args.output:
        lines.append(f"已写出 {args.output}")
    emit(args, doc, "\n".join(lines))
    return 0


COMMANDS: dict[Any, Any] = {("casefile", "score"): cmd_score, ("casefile", "review"): cmd_review}
