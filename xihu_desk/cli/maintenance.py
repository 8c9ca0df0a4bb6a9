"""Command-line commands that look after the data folder as a whole (design.md §10), and ``gui``:

xihu-desk [gui]                                  open the program
xihu-desk demo [--cases N] [--seed S]            append realistic demonstration data
xihu-desk check                                  integrity, schema version, audit chain, backups
xihu-desk backup [-o FILE] | restore FILE [--other-node]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xihu_desk import startup_gc
from xihu_desk.cli.common import DataDir, UserError, bounded_int, emit, named_folder, open_data, run
from xihu_desk.cli.progress import StderrProgress


def add_gui_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sub.add_parser("gui", parents=[common], help="打开程序（默认）")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    demo = sub.add_parser("demo", parents=[common], help="填入逼真的演示数据（每次运行都会追加）")
    demo.add_argument(
        "--cases",
        type=bounded_int(0, 100_000, "案件数"),
        default=200,
        metavar="N",
        help="新增案件数（默认 200，最多 100000）",
    )
    demo.add_argument("--seed", type=bounded_int(0, 2**31 - 1, "种子"), default=1, metavar="S")

    sub.add_parser("check", parents=[common], help="完整性检查、数据库版本、审计链与备份")
    bk = sub.add_parser("backup", parents=[common], help="立即备份")
    bk.add_argument("-o", "--output", metavar="FILE", help="备份文件（默认写入数据目录的 backups/）")
    rs = sub.add_parser(
        "restore",
        parents=[common],
        help="从备份恢复（当前数据先自动备份；已损坏的数据库移到 backups/damaged-时间/ 保留）",
    )
    rs.add_argument("file", metavar="FILE")
    rs.add_argument(
        "--recovery-key-file", metavar="FILE", help="在另一台电脑上恢复加密的备份时：含该节点恢复密钥的文件"
    )
    rs.add_argument(
        "--other-node",
        action="store_true",
        help="管理员确认：把另一单位的备份恢复到本机，本机改用该单位的身份和密钥（记入审计日志）",
    )


def cmd_gui(args: argparse.Namespace) -> int:
    from xihu_desk import app

    return app.run(DataDir(args.data_dir))


def _check_damaged(args: argparse.Namespace, data: DataDir, health) -> int:
    """A damaged database: one line on stderr saying so and what to do (and the --json document)."""
    from xihu_desk.services import maintenance
    from xihu_desk.store import backup, migrate

    advice = maintenance.damage_advice(data, health)
    if args.json:
        newest = backup.newest_good(data.backups)
        print(
            json.dumps(
                {
                    "ok": False,
                    "damaged": True,
                    "message": advice,
                    "database": str(data.database),
                    "integrity": list(health.problems),
                    "schema_revision": health.revision,
                    "schema_head": migrate.head_revision(),
                    "newest_good_backup": str(newest.path) if newest else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    print(f"错误：{advice}", file=sys.stderr)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance

    data = DataDir(args.data_dir)
    if data.server:
        return _check_server(args)
    size = data.database.stat().st_size if data.database.is_file() else 0
    progress = StderrProgress(maintenance.check_estimate(data), "完整检查", size)
    health = maintenance.inspect(data, progress)  # before anything opens (let alone migrates) the file
    if health.creatable:
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    health.raise_if_unavailable()
    if health.damaged:
        return _check_damaged(args, data, health)
    data, opened = open_data(args)
    try:
        if opened.problems:  # damage inside a record that SQLite's checks cannot see
            return _check_damaged(args, data, opened.health)
        report = maintenance.check(data, opened.db, health, progress=progress)
    finally:
        opened.db.dispose()
    lines = [
        f"数据库：{report.database}（SQLite {report.sqlite_version}）",
        "完整性：正常" if not report.integrity else "完整性：发现问题\n  " + "\n  ".join(report.integrity[:10]),
        f"数据库版本：{report.schema_revision}（程序支持 {report.schema_head}）",
        f"参考数据版本：{report.reference_version}",
        (
            f"审计日志：{report.audit_events} 条，哈希链完整"
            if report.audit_first_broken is None
            else f"审计日志：哈希链断裂，首个问题在第 {report.audit_first_broken} 条：{report.audit_reason}"
        ),
        *([report.records.line()] if report.records is not None else []),
        f"备份：{len(report.backups)} 份"
        + (
            f"，最新 {report.backups[0].taken_at:%Y-%m-%d %H:%M}（{report.backups[0].path.name}）"
            if report.backups
            else "（尚无备份）"
        ),
    ]
    from xihu_desk.services import at_rest

    encryption = at_rest.status(data)
    lines.insert(1, encryption.line())
    emit(args, report.as_json() | encryption.as_json(), "\n".join(lines))
    if not report.ok:
        print("检查未通过。", file=sys.stderr)
        return 1
    return 0


def _check_server(args: argparse.Namespace) -> int:
    """check on a PostgreSQL server: the app's own checks (services/server_maintenance.py)."""
    from xihu_desk.services import server_maintenance

    data, opened = open_data(args)
    try:
        report = server_maintenance.check(data, opened.db)
    finally:
        opened.db.dispose()
    emit(args, {k: v for k, v in report.items() if k != "records_line"}, server_maintenance.check_text(report))
    if not report["ok"]:
        print("检查未通过。", file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance
    from xihu_desk.services.context import cli_actor

    data, opened = open_data(args)
    target = (named_folder(args.output) or Path(args.output)) if args.output else None  # "-o 新文件夹/" too
    if target is not None:
        _writable_folder(target)
    if data.server:  # pg_dump custom format, verified by listing it
        from xihu_desk.services import server_maintenance

        try:
            path = server_maintenance.backup_now(data, opened.db, cli_actor(), target)
        finally:
            opened.db.dispose()
        emit(args, {"file": str(path), "size": path.stat().st_size}, f"已备份并校验：{path}")
        return 0
    size = data.database.stat().st_size
    progress = StderrProgress(maintenance.backup_estimate(data), "备份", size)  # with the attachments to copy
    path = maintenance.backup_now(data, opened.db, cli_actor(), target, progress=progress)
    from xihu_desk.services import attachment_backup

    held = attachment_backup.held(path)  # the folder beside it
    doc = {"file": str(path), "size": path.stat().st_size, "attachments": held}
    emit(args, doc, f"已备份并校验：{path}\n{attachment_backup.held_line(held)}")
    return 0


def _writable_folder(target: Path) -> None:
    """-o's folder made when missing and tried with a scratch file first, so a read-only or
    missing one is said in Chinese before the copy starts (SQLite only says "unable to open")."""
    import tempfile

    from xihu_desk.store import write_errors

    folder = target if target.is_dir() else target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise write_errors.describe(target, exc) from None


def cmd_restore(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance
    from xihu_desk.services.context import cli_actor

    # The live database is not opened first: it may be damaged, empty or missing.
    data = DataDir(args.data_dir)
    startup_gc.release()  # no open_data here to end the start-up hold, and a restore can be long
    if data.server:  # into an empty server database only
        from xihu_desk.services import server_maintenance

        doc = server_maintenance.restore(data, cli_actor(), Path(args.file))
        emit(args, doc, f"已从 {doc['restored_from']} 恢复到 {doc['database']}。")
        return 0
    from xihu_desk.store import recovery_code

    key_file = getattr(args, "recovery_key_file", None)
    result = maintenance.restore(
        data,
        None,
        cli_actor(),
        Path(args.file),
        other_node=getattr(args, "other_node", False),
        recovery_code=recovery_code.read_file(key_file) if key_file else None,
    )
    result.db.dispose()
    emit(args, result.as_json(), result.text())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from xihu_desk.services import demo

    _data, opened = open_data(args)
    result = run(opened.db, demo.fill, demo.DemoCommand(seed=args.seed, cases=args.cases))
    emit(args, result.as_json(), result.text())
    return 0


COMMANDS = {"gui": cmd_gui, "demo": cmd_demo, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore}
