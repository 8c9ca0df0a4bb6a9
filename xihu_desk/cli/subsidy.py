"""以案定补 on the command line (issue 20; design.md §10 adds):

xihu-desk subsidy --from DATE --to DATE [-o FILE.xlsx] [--pdf FILE.pdf] [--approve] [--json]
    → {"from", "to", "rules_version", "mediators": [{"id", "name", "committee", "cases", "amount",
       "items": [{"case_no", "amount", "reason"}]}], "total", "excluded": [{"name", "reason"}],
       "held": [{"case_no", "reason"}]}
    --approve: 所长审核通过, closing the period (its lines never change again; later corrections
    show as adjustments in a later period)
xihu-desk subsidy --load-rules FILE.toml   a new version of the rule table (sent down in bundles)
xihu-desk subsidy --show-rules [--json]     the versions kept and the newest table
    → {"versions": [{"version", "valid_from", "sample", "in_force", …}], "rules": {…the table…},
       "editable", "read_only_reason"}
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xihu_desk.cli.common import check_target, emit, iso_date, open_data, output_file, run, unit, write_output
from xihu_desk.domain.errors import UserError


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    p = sub.add_parser("subsidy", parents=[common], help="以案定补：按规则表计算期间内结案案件的调解员补贴")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="结案日期起")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="结案日期止")
    p.add_argument(
        "-o",
        "--output",
        type=output_file(".xlsx"),
        metavar="FILE.xlsx",
        help="写出发放表工作簿（发放表、明细、暂缓与不发放、规则）",
    )
    p.add_argument("--pdf", type=output_file(".pdf"), metavar="FILE.pdf", help="写出供签字的发放表（PDF）")
    p.add_argument("--approve", action="store_true", help="所长审核通过并关闭该期间（之后的更正在下一期调整）")
    p.add_argument("--load-rules", metavar="FILE.toml", help="导入新版本的补贴规则表（区司法局；随数据包下发）")
    p.add_argument("--show-rules", action="store_true", help="列出已有的补贴规则版本和最新一版的内容")


def cmd_subsidy(args: argparse.Namespace) -> int:
    from xihu_desk.services import subsidy
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    if args.show_rules:
        return _show_rules(args, opened)
    if args.load_rules:
        try:
            text = Path(args.load_rules).read_text(encoding="utf-8-sig")
        except (FileNotFoundError, IsADirectoryError):
            raise UserError(f"读不出补贴规则文件 {args.load_rules}：找不到该文件。") from None
        except UnicodeDecodeError:
            raise UserError(
                f"补贴规则文件不是 UTF-8 编码：{args.load_rules}。请用记事本“另存为”，编码选 UTF-8 后再试。"
            ) from None
        except OSError as exc:
            raise UserError(
                f"读不出补贴规则文件 {args.load_rules}（{exc.strerror or exc}），请检查文件后重试。"
            ) from None
        table = run(opened.db, subsidy.load_rules, text)
        doc = {"rules_version": table.version, "valid_from": table.valid_from.isoformat(), "sample": table.sample}
        emit(
            args, doc, f"已导入补贴规则 {table.version}（自 {table.valid_from} 起适用），下次向下级发数据包时一并下发。"
        )
        return 0
    if args.date_from is None or args.date_to is None:
        raise UserError("请用 --from 和 --to 给出补贴期间（结案日期），如 --from 2026-07-01 --to 2026-09-30。")
    for path in (args.output, args.pdf):
        if path:
            check_target(args, path)
    services: tuple[Any, ...] = (subsidy.sheet, subsidy.workbook, subsidy.pdf) + (
        (subsidy.approve,) if args.approve else ()
    )
    with unit(opened.db, *services) as session:
        actor = cli_actor()
        if args.approve:
            subsidy.approve(session, actor, args.date_from, args.date_to)
        done = subsidy.sheet(session, actor, args.date_from, args.date_to)
        if args.output:
            write_output(args, args.output, subsidy.workbook(session, actor, args.date_from, args.date_to)[1])
        if args.pdf:
            write_output(args, args.pdf, subsidy.pdf(session, actor, args.date_from, args.date_to)[1])
    doc = done.as_json()
    state = "已审核通过" if done.closed else "未审核"
    lines = [
        f"{args.date_from} 至 {args.date_to} 以案定补（规则 {done.rules.version}，{state}）：{len(done.mediators)} 人，合计 {doc['total']:g} 元"
    ]
    lines += [f"  {m['name']}（{m['committee']}）{m['cases']} 件 {m['amount']:g} 元" for m in doc["mediators"]]
    lines += [f"  暂缓：{h['case_no']} {h['reason']}" for h in doc["held"]]
    lines += [f"  不发放：{e['name']} {e['reason']}" for e in doc["excluded"]]
    emit(args, doc, "\n".join(lines))
    return 0


def _show_rules(args: argparse.Namespace, opened: Any) -> int:
    import json

    from xihu_desk.domain import subsidy as rules
    from xihu_desk.services import subsidy_rules_form

    got = run(opened.db, subsidy_rules_form.rules_for_editing)
    table = json.loads(json.dumps(got["doc"], ensure_ascii=False, default=str))
    doc = {
        "versions": got["versions"],
        "rules": table,
        "editable": got["editable"],
        "read_only_reason": got["read_only_reason"],
    }
    r = got["rules"]
    lines = [f"补贴规则 {len(got['versions'])} 个版本"] + [
        f"  {v['version']}\t自 {v['valid_from']}"
        + ("\t现行" if v["in_force"] else "")
        + ("\t示例" if v["sample"] else "")
        for v in got["versions"]
    ]
    lines.append(f"最新一版 {r.version}（自 {r.valid_from} 起{'，示例' if r.sample else ''}）：")
    named = rules.DIFFICULTY_LABELS
    lines.append("  基础金额：" + "、".join(f"{named.get(k, k)} {v / 100:g} 元" for k, v in r.base.items()))
    lines.append(
        f"  加发：书面协议 {r.written_bonus / 100:g} 元、司法确认 {r.confirmation_bonus / 100:g} 元、"
        f"提级或联合调解 {r.escalated_bonus / 100:g} 元；每人每期上限 {r.cap / 100:g} 元"
    )
    if got["read_only_reason"]:
        lines.append(got["read_only_reason"])
    emit(args, doc, "\n".join(lines))
    return 0


COMMANDS: dict[Any, Any] = {"subsidy": cmd_subsidy}
