"""Command-line commands for a child whose bundles fork its line (after it restored a backup):

    xihu-desk bundle resolve-fork SENDER [--no-import] [--json]
                                        at the parent: accept the child's new line after the last
                                        bundle both lines share, and import the forked bundle
    xihu-desk bundle resync CHILD [-o DIR] [--json]
                                        at the parent: a receipt saying where it stands, for a child
                                        that restored a backup, to re-base before it exports again

(The child re-bases by taking that receipt, or the one written beside a refused forked bundle,
with ``xihu-desk bundle receipt FILE``.) cli.py adds these parsers under ``bundle`` and
dispatches here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xihu_desk import cli_emit
from xihu_desk.paths import DataDir


def add_parsers(bundle_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    rf = bundle_sub.add_parser("resolve-fork", parents=[common],
                               help="（上级管理员）接受下级在分叉后的新序列，并导入分叉的数据包")
    rf.add_argument("sender", metavar="SENDER", help="下级单位代码或节点编号")
    rf.add_argument("--no-import", action="store_true", help="只接受新序列，不立即导入分叉的数据包")
    rs = bundle_sub.add_parser("resync", parents=[common],
                               help="（上级）为恢复过备份的下级生成重新对齐回执，由下级用 bundle receipt 登记")
    rs.add_argument("child", metavar="CHILD", help="下级单位代码或节点编号")
    rs.add_argument("-o", "--output", metavar="DIR", default=".", help="写入的文件夹（默认当前文件夹）")


def _open(args: argparse.Namespace):  # noqa: ANN202
    from xihu_desk.domain.errors import UserError
    from xihu_desk.store import migrate

    data = DataDir(args.data_dir)
    if not data.database.exists():
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    return data, migrate.open_database(data).db


def cmd_resolve_fork(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.sync.container import BundleRefused

    data, db = _open(args)
    try:
        done = exchange.resolve_fork(db, cli_actor(), args.sender)
        doc: dict[str, Any] = {**done.as_json(), "import": None}
        lines = [f"已接受 {done.sender_name} 自第 {done.last_good + 1} 号起的新序列"
                 + (f"；原第 {'、'.join(map(str, done.superseded))} 号数据包作废（其记录保留）。" if done.superseded else "。")]
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
    cli_emit.emit(args, doc, "\n".join(lines))
    return code


def cmd_resync(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    _data, db = _open(args)
    try:
        target = exchange.resync_receipt(db, cli_actor(), args.child, Path(args.output))
    finally:
        db.dispose()
    cli_emit.emit(args, {"file": str(target)},
                  f"重新对齐回执已写入：{target}\n请交给该单位，用“登记回执”（xihu-desk bundle receipt）登记后再导出数据包。")
    return 0


COMMANDS = {("bundle", "resolve-fork"): cmd_resolve_fork, ("bundle", "resync"): cmd_resync}
