"""Command-line commands of the bundles exchanged with the parent and the children (design.md §10):

    xihu-desk bundle export [-o DIR] [--json]          the next bundle for the parent
    xihu-desk bundle import FILE [--dry-run] [--json]  import a bundle, the receipt written beside it
    xihu-desk bundle receipt FILE                      take a receipt (or a re-basing receipt)

and for a child whose bundles fork its line (after it restored a backup):

    xihu-desk bundle resolve-fork SENDER [--no-import] [--json]
                                        at the parent: accept the child's new line after the last
                                        bundle both lines share, and import the forked bundle
    xihu-desk bundle resync CHILD [-o DIR] [--json]
                                        at the parent: a receipt saying where it stands, for a child
                                        that restored a backup, to re-base before it exports again

(The child re-bases by taking that receipt, or the one written beside a refused forked bundle,
with ``xihu-desk bundle receipt FILE``.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from xihu_desk.cli.common import emit, open_data, outgoing, plain


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    bundle = sub.add_parser("bundle", parents=[common], help="数据包：向上级报送、导入下级数据、回执")
    bundle_sub = bundle.add_subparsers(dest="bundle_command", parser_class=parser_class, required=True)
    bx = bundle_sub.add_parser("export", parents=[common], help="生成给上级的下一个数据包")
    bx.add_argument("-o", "--output", metavar="DIR", default=".", help="写入的文件夹（默认当前文件夹）")
    bx.add_argument(
        "--to",
        metavar="CHILD",
        help="（上级）给下级单位的数据包：退回补正、移送决定和移送的案件、参考数据；写下级的单位代码或节点编号",
    )
    bi = bundle_sub.add_parser("import", parents=[common], help="导入下级（或上级）的数据包，并在旁边写回执")
    bi.add_argument("file", metavar="FILE")
    bi.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    br = bundle_sub.add_parser("receipt", parents=[common], help="登记上级返回的回执")
    br.add_argument("file", metavar="FILE")
    rf = bundle_sub.add_parser(
        "resolve-fork", parents=[common], help="（上级管理员）接受下级在分叉后的新序列，并导入分叉的数据包"
    )
    rf.add_argument("sender", metavar="SENDER", help="下级单位代码或节点编号")
    rf.add_argument("--no-import", action="store_true", help="只接受新序列，不立即导入分叉的数据包")
    rs = bundle_sub.add_parser(
        "resync", parents=[common], help="（上级）为恢复过备份的下级生成重新对齐回执，由下级用 bundle receipt 登记"
    )
    rs.add_argument("child", metavar="CHILD", help="下级单位代码或节点编号")
    rs.add_argument("-o", "--output", metavar="DIR", default=".", help="写入的文件夹（默认当前文件夹）")


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    data, opened = open_data(args)
    result = exchange.export_bundle(data, opened.db, cli_actor(), Path(args.output), to=args.to)
    lines = [
        f"已生成第 {result.sequence} 号数据包（给 {result.destination_name}）：{result.file}",
        "内容：" + "，".join(f"{k} {v}" for k, v in result.counts.items()),
    ]
    lines += [f"未导出（已列入隔离清单）：{label}：{reason}" for _k, label, reason in result.quarantined]
    lines += [f"注意：{w}" for w in result.warnings]
    emit(args, result.as_json(), "\n".join(lines))
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.services.exchange.fork_line import ForkRefused
    from xihu_desk.sync.container import BundleRefused

    data, opened = open_data(args)
    try:
        result = exchange.import_bundle(data, opened.db, cli_actor(), Path(args.file), dry_run=args.dry_run)
    except BundleRefused as exc:
        receipt = exc.receipt if isinstance(exc, ForkRefused) else None  # a forked line is answered with one
        doc: dict[str, Any] = {
            "result": "refused",
            "sender": None,
            "sequence": None,
            "counts": {s: 0 for s in exchange.STATUSES},
            "gaps": [],
            "gap_ranges": [],
            "gaps_missing": 0,
            "receipt": str(receipt) if receipt else None,
            "reason": exc.message,
        }
        if args.json:
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        print(f"错误：拒绝导入：{plain(outgoing(args, exc.message))}", file=sys.stderr)
        return 1
    emit(args, result.as_json(), result.text())
    return 0


def cmd_bundle_receipt(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    result = exchange.take_receipt(opened.db, cli_actor(), Path(args.file))
    text = f"{result.destination_name} 已确认第 {result.sequence} 号数据包中的 {result.acknowledged} 条记录。"
    if result.not_taken:
        text += f"\n未被接收 {len(result.not_taken)} 条，将在下一个数据包中重新报送或需要更正。"
    if result.rebase is not None:
        text += "\n" + result.rebase.text()
    emit(args, result.as_json(), text)
    return 0


def cmd_resolve_fork(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.sync.container import BundleRefused

    data, opened = open_data(args)
    db = opened.db
    try:
        done = exchange.resolve_fork(db, cli_actor(), args.sender)
        doc: dict[str, Any] = {**done.as_json(), "import": None}
        lines = [
            f"已接受 {done.sender_name} 自第 {done.last_good + 1} 号起的新序列"
            + (
                f"；原第 {'、'.join(map(str, done.superseded))} 号数据包作废（其记录保留）。"
                if done.superseded
                else "。"
            )
        ]
        code = 0
        if done.file is None:
            lines.append("分叉的数据包文件已不在原处：请用 xihu-desk bundle import 导入对方的数据包。")
        elif not args.no_import:
            try:
                result = exchange.import_bundle(data, db, cli_actor(), done.file)
                doc["import"] = result.as_json()
                lines.append(result.text())
            except BundleRefused as exc:
                doc["import"] = {"result": "refused", "reason": exc.message}
                lines.append(f"导入 {done.file.name} 被拒绝：{exc.message}")
                code = 1
        else:
            lines.append(f"请导入对方的数据包：xihu-desk bundle import {done.file}")
    finally:
        db.dispose()
    emit(args, doc, "\n".join(lines))
    return code


def cmd_resync(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    db = opened.db
    try:
        target = exchange.resync_receipt(db, cli_actor(), args.child, Path(args.output))
    finally:
        db.dispose()
    emit(
        args,
        {"file": str(target)},
        f"重新对齐回执已写入：{target}\n请交给该单位，用“登记回执”（xihu-desk bundle receipt）登记后再导出数据包。",
    )
    return 0


COMMANDS = {
    ("bundle", "export"): cmd_bundle_export,
    ("bundle", "import"): cmd_bundle_import,
    ("bundle", "receipt"): cmd_bundle_receipt,
    ("bundle", "resolve-fork"): cmd_resolve_fork,
    ("bundle", "resync"): cmd_resync,
}
