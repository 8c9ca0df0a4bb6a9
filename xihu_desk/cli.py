"""The command line (design.md §10): a public contract, so commands and --json fields are only
ever added. Exit 0 on success, 1 with a one-line message on failure, 2 on wrong usage."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from xihu_desk import __version__, cli_committees, cli_emit, cli_exchange, cli_mediators, cli_print, cli_reviews, cli_text, cli_users, logsafe
from xihu_desk.cli_output import write_output
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # usage errors exit 2, as argparse does, in Chinese
        self.print_usage(sys.stderr)
        message = re.sub(r"\b\w+_command\b", "子命令", message)  # the dest names of nested commands
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name (design.md §10). Only the top
    level sets defaults: a subcommand's copy must not overwrite a value given before the command."""
    keep = {} if defaults else {"default": argparse.SUPPRESS}
    parser.add_argument("--data-dir", metavar="DIR", **({"default": None} | keep),
                        help="数据目录（默认为本机用户数据目录，或环境变量 XIHU_DESK_HOME）")
    parser.add_argument("--json", action="store_true", **({"default": False} | keep),
                        help="在标准输出打印一个 JSON 文档")


_EPILOG = ("全局选项 --data-dir、--json 可以写在命令之前或之后。\n"
           "输出一律为 UTF-8 编码（与控制台代码页无关）；Ctrl-C 取消时退出码为 130，不留下写了一半的文件。\n"
           "退出码：0 成功，1 失败（一行中文说明），2 用法错误。")


def _parser() -> argparse.ArgumentParser:
    cli_text.install()
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, defaults=False)

    p = _Parser(prog="xihu-desk", description="西湖司法所工作台", epilog=_EPILOG)
    _global_options(p, defaults=True)
    p.add_argument("--version", action="version", version=f"xihu-desk {__version__}", help="显示程序版本并退出")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, title="命令", metavar="命令")

    sub.add_parser("gui", parents=[common], help="打开程序（默认）")

    init = sub.add_parser("init", parents=[common], help="初始化本节点：数据库、身份、密钥、管理员")
    init.add_argument("--org", required=True, metavar="CODE", help="单位代码，如 330106002（北山街道）")
    init.add_argument("--level", required=True, choices=["community", "township", "district"])
    init.add_argument("--parent", metavar="CODE", help="上级单位代码（默认按层级推定）")
    init.add_argument("--admin", required=True, metavar="NAME", help="管理员用户名")
    init.add_argument("--admin-name", metavar="姓名", help="管理员姓名（默认同用户名）")
    init.add_argument("--password-file", required=True, metavar="FILE", help="含管理员密码的文件（第一行）")

    demo = sub.add_parser("demo", parents=[common], help="填入逼真的演示数据（每次运行都会追加）")
    demo.add_argument("--cases", type=cli_text.bounded_int(0, 100_000, "案件数"), default=200, metavar="N",
                      help="新增案件数（默认 200，最多 100000）")
    demo.add_argument("--seed", type=cli_text.bounded_int(0, 2**31 - 1, "种子"), default=1, metavar="S")

    sub.add_parser("check", parents=[common], help="完整性检查、数据库版本、审计链与备份")
    bk = sub.add_parser("backup", parents=[common], help="立即备份")
    bk.add_argument("-o", "--output", metavar="FILE", help="备份文件（默认写入数据目录的 backups/）")
    rs = sub.add_parser("restore", parents=[common],
                        help="从备份恢复（当前数据先自动备份；已损坏的数据库移到 backups/damaged-时间/ 保留）")
    rs.add_argument("file", metavar="FILE")
    rs.add_argument("--other-node", action="store_true",
                    help="管理员确认：把另一单位的备份恢复到本机，本机改用该单位的身份和密钥（记入审计日志）")

    case = sub.add_parser("case", parents=[common], help="人民调解案件")
    case_sub = case.add_subparsers(dest="case_command", parser_class=_Parser, required=True)
    cl = case_sub.add_parser("list", parents=[common], help="案件列表")
    cl.add_argument("--year", type=cli_text.bounded_int(1949, 2100, "年度"), metavar="Y")
    cl.add_argument("--status", choices=["accepted", "mediating", "closed", "filed"])
    cl.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")
    cs = case_sub.add_parser("show", parents=[common], help="一个案件的全部内容")
    cs.add_argument("case_no", metavar="CASE_NO", help="案件编号（如 （2026）北山人调字第0001号）或 uuid")
    cs.add_argument("--reveal", action="store_true", help="显示完整证件号码（记入审计日志）")

    node = sub.add_parser("node", parents=[common], help="本节点身份")
    node_sub = node.add_subparsers(dest="node_command", parser_class=_Parser, required=True)
    node_sub.add_parser("show", parents=[common], help="显示节点身份与密钥指纹")
    ek = node_sub.add_parser("export-key", parents=[common], help="导出本节点的公钥文件，交给上级或下级登记")
    ek.add_argument("-o", "--output", required=True, metavar="FILE")
    en = node_sub.add_parser("enrol", parents=[common], help="登记上级或下级单位的公钥文件")
    en.add_argument("file", metavar="FILE")

    bundle = sub.add_parser("bundle", parents=[common], help="数据包：向上级报送、导入下级数据、回执")
    bundle_sub = bundle.add_subparsers(dest="bundle_command", parser_class=_Parser, required=True)
    bx = bundle_sub.add_parser("export", parents=[common], help="生成给上级的下一个数据包")
    bx.add_argument("-o", "--output", metavar="DIR", default=".", help="写入的文件夹（默认当前文件夹）")
    bi = bundle_sub.add_parser("import", parents=[common], help="导入下级（或上级）的数据包，并在旁边写回执")
    bi.add_argument("file", metavar="FILE")
    bi.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    br = bundle_sub.add_parser("receipt", parents=[common], help="登记上级返回的回执")
    br.add_argument("file", metavar="FILE")
    cli_exchange.add_parsers(bundle_sub, common)  # bundle resolve-fork, bundle resync

    cli_reviews.add_parsers(sub, common, _Parser)  # review, ledger, report
    cli_print.add_parsers(sub, common, _Parser)  # print KIND CASE_NO, print verify CODE
    cli_mediators.add_parsers(sub, common, _Parser)  # mediator list, mediator evidence
    cli_committees.add_parsers(sub, common, _Parser)  # committee list, add, code (字号)
    cli_users.add_parsers(sub, common, _Parser)  # user list, reset-password, unlock
    return p


def _emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    cli_emit.emit(args, doc, text)  # ID numbers and birth dates masked unless --reveal


def _open(args: argparse.Namespace, *, must_exist: bool = True):  # noqa: ANN202
    from xihu_desk.store import dbfile, migrate

    data = DataDir(args.data_dir)
    # only a -wal left where the database was is damage (open_database says so), not "no database"
    if must_exist and not data.database.exists() and not dbfile.wal_left(data.database):
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    return data, migrate.open_database(data)


def cmd_init(args: argparse.Namespace) -> int:
    from xihu_desk.services import node
    from xihu_desk.services.context import cli_actor

    password = cli_users.read_password_file(args.password_file)  # a BOM from Notepad is not part of it
    data, opened = _open(args, must_exist=False)
    with opened.db.write() as session:
        info = node.init_node(session, cli_actor(), node.InitCommand(
            org_code=args.org, level=args.level, parent_code=args.parent,
            admin_username=args.admin, admin_password=password, admin_display_name=args.admin_name or ""))
    _emit(args, info.as_json(), _node_text(info) + f"\n数据库：{data.database}")
    return 0


def _node_text(info) -> str:  # noqa: ANN001
    parent = f"{info.parent_name}（{info.parent_code}）" if info.parent_code else "无"
    return (f"节点编号：{info.node_id}\n单位：{info.org_name}（{info.org_code}）\n层级：{info.level_label}\n"
            f"上级：{parent}\n密钥指纹：{info.key_fingerprint}")


def cmd_node_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import node

    _data, opened = _open(args)
    with opened.db.read() as session:
        info = node.node_info(session)
    _emit(args, info.as_json(), _node_text(info))
    return 0


def _check_damaged(args: argparse.Namespace, data: DataDir, health) -> int:  # noqa: ANN001
    """A damaged database: one line on stderr saying so and what to do (and the --json document)."""
    from xihu_desk.services import maintenance
    from xihu_desk.store import backup, migrate

    advice = maintenance.damage_advice(data, health)
    if args.json:
        newest = backup.newest_good(data.backups)
        print(json.dumps({
            "ok": False, "damaged": True, "message": advice, "database": str(data.database),
            "integrity": list(health.problems), "schema_revision": health.revision,
            "schema_head": migrate.head_revision(),
            "newest_good_backup": str(newest.path) if newest else None,
        }, ensure_ascii=False, indent=2))
    print(f"错误：{advice}", file=sys.stderr)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance

    data = DataDir(args.data_dir)
    health = maintenance.inspect(data)  # before anything opens (let alone migrates) the file
    if health.creatable:
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    if health.state == "unavailable":
        raise health.error
    if health.damaged:
        return _check_damaged(args, data, health)
    data, opened = _open(args)
    try:
        if opened.problems:  # damage inside a record that SQLite's checks cannot see
            return _check_damaged(args, data, opened.health)
        report = maintenance.check(data, opened.db, health)
    finally:
        opened.db.dispose()
    lines = [
        f"数据库：{report.database}（SQLite {report.sqlite_version}）",
        "完整性：正常" if not report.integrity else "完整性：发现问题\n  " + "\n  ".join(report.integrity[:10]),
        f"数据库版本：{report.schema_revision}（程序支持 {report.schema_head}）",
        f"参考数据版本：{report.reference_version}",
        (f"审计日志：{report.audit_events} 条，哈希链完整" if report.audit_first_broken is None
         else f"审计日志：哈希链断裂，首个问题在第 {report.audit_first_broken} 条：{report.audit_reason}"),
        *([report.records.line()] if report.records is not None else []),
        f"备份：{len(report.backups)} 份" + (f"，最新 {report.backups[0].taken_at:%Y-%m-%d %H:%M}（{report.backups[0].path.name}）" if report.backups else "（尚无备份）"),
    ]
    _emit(args, report.as_json(), "\n".join(lines))
    if not report.ok:
        print("检查未通过。", file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance
    from xihu_desk.services.context import cli_actor

    data, opened = _open(args)
    target = Path(args.output) if args.output else None
    path = maintenance.backup_now(data, opened.db, cli_actor(), target)
    _emit(args, {"file": str(path), "size": path.stat().st_size}, f"已备份并校验：{path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from xihu_desk.services import maintenance
    from xihu_desk.services.context import cli_actor

    # The live database is not opened first: it may be damaged, empty or missing.
    data = DataDir(args.data_dir)
    result = maintenance.restore(data, None, cli_actor(), Path(args.file),
                                 other_node=getattr(args, "other_node", False))
    result.db.dispose()
    _emit(args, result.as_json(), result.text())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from xihu_desk.services import demo
    from xihu_desk.services.context import cli_actor

    _data, opened = _open(args)
    with opened.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=args.seed, cases=args.cases))
    _emit(args, result.as_json(), result.text())
    return 0


def cmd_case_list(args: argparse.Namespace) -> int:
    from datetime import date

    from xihu_desk.services import case_queries
    from xihu_desk.services.context import cli_actor

    _data, opened = _open(args)
    actor, today = cli_actor(), date.today()
    f = case_queries.CaseFilter(year=args.year, status=args.status or "", sort="case_no", descending=False)
    with (opened.db.write() if args.reveal else opened.db.read()) as session:
        total = case_queries.count_cases(session, actor, f, today)
        # Streamed page by page so memory stays flat however many cases there are.
        if args.json:
            sys.stdout.write(f'{{"total": {total}, "cases": [')
        else:
            print(f"共 {total} 件")
        first = True
        for offset in range(0, total, 500):
            for doc in case_queries.case_summaries(session, actor, f, today, offset, 500, reveal=args.reveal, total=total):
                doc = cli_emit.outgoing(args, doc)  # ID numbers masked unless --reveal
                if args.json:
                    sys.stdout.write(("" if first else ",") + "\n" + json.dumps(doc, ensure_ascii=False))
                else:
                    names = "、".join(p["name"] for p in doc["parties"])
                    print(f"{doc['case_no']}\t{doc['accepted_on']}\t{doc['dispute_type']}\t{doc['status']}\t{names}")
                first = False
        if args.json:
            sys.stdout.write("\n]}\n")
    return 0


def cmd_case_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_queries, cases
    from xihu_desk.services.context import cli_actor

    _data, opened = _open(args)
    with (opened.db.write() if args.reveal else opened.db.read()) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        doc = case_queries.case_detail(session, cli_actor(), uuid, reveal=args.reveal)
    text = [f"{doc['case_no']}  {doc['title']}", f"调委会：{doc['committee']}", f"受理：{doc['accepted_on']}  状态：{doc['status_label']}",
            "当事人：" + "；".join(f"{p['role_label']} {p['name']} {p['id_number']}" for p in doc["parties"]),
            "调解员：" + "、".join(doc["mediators"])]
    if doc["filing"]["missing"]:
        text.append("归档尚缺：" + "、".join(doc["filing"]["missing"]))
    _emit(args, doc, "\n".join(text))
    return 0


def cmd_node_export_key(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    _data, opened = _open(args)
    with opened.db.read() as session:
        doc = exchange.export_key(session, cli_actor())
    target = write_output(args, args.output, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    _emit(args, {"file": str(target), "fingerprint": doc["fingerprint"]},
          f"公钥文件已写入 {target}\n指纹：{doc['fingerprint']}\n请与对方电话核对指纹。")
    return 0


def cmd_node_enrol(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserError(f"无法读取密钥文件：{args.file}") from None
    _data, opened = _open(args)
    with opened.db.write() as session:
        done = exchange.enrol(session, cli_actor(), doc)
    relation = "下级" if done.relation == "child" else "上级"
    _emit(args, {"node_id": done.node_id, "org_name": done.org_name, "relation": done.relation,
                 "fingerprint": done.fingerprint},
          f"已登记{relation}单位 {done.org_name}\n指纹：{done.fingerprint}\n请与对方电话核对指纹。")
    return 0


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    data, opened = _open(args)
    result = exchange.export_bundle(data, opened.db, cli_actor(), Path(args.output))
    lines = [f"已生成第 {result.sequence} 号数据包（给 {result.destination_name}）：{result.file}",
             "内容：" + "，".join(f"{k} {v}" for k, v in result.counts.items())]
    lines += [f"未导出（已列入隔离清单）：{label}：{reason}" for _k, label, reason in result.quarantined]
    lines += [f"注意：{w}" for w in result.warnings]
    _emit(args, result.as_json(), "\n".join(lines))
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.sync.container import BundleRefused

    data, opened = _open(args)
    try:
        result = exchange.import_bundle(data, opened.db, cli_actor(), Path(args.file), dry_run=args.dry_run)
    except BundleRefused as exc:
        doc = {"result": "refused", "sender": None, "sequence": None,
               "counts": {s: 0 for s in exchange.STATUSES}, "gaps": [], "gap_ranges": [], "gaps_missing": 0,
               "receipt": str(exc.receipt) if getattr(exc, "receipt", None) else None, "reason": exc.message}
        if args.json:
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        print(f"错误：拒绝导入：{exc.message}", file=sys.stderr)
        return 1
    _emit(args, result.as_json(), result.text())
    return 0


def cmd_bundle_receipt(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor

    _data, opened = _open(args)
    result = exchange.take_receipt(opened.db, cli_actor(), Path(args.file))
    text = f"{result.destination_name} 已确认第 {result.sequence} 号数据包中的 {result.acknowledged} 条记录。"
    if result.not_taken:
        text += f"\n未被接收 {len(result.not_taken)} 条，将在下一个数据包中重新报送或需要更正。"
    if result.rebase is not None:
        text += "\n" + result.rebase.text()
    _emit(args, result.as_json(), text)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from xihu_desk import app

    return app.run(DataDir(args.data_dir))


COMMANDS = {
    "gui": cmd_gui, "init": cmd_init, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
    "demo": cmd_demo, ("node", "show"): cmd_node_show, ("case", "list"): cmd_case_list,
    ("case", "show"): cmd_case_show, ("node", "export-key"): cmd_node_export_key, ("node", "enrol"): cmd_node_enrol,
    ("bundle", "export"): cmd_bundle_export, ("bundle", "import"): cmd_bundle_import,
    ("bundle", "receipt"): cmd_bundle_receipt, **cli_reviews.COMMANDS, **cli_print.COMMANDS,
    **cli_mediators.COMMANDS, **cli_committees.COMMANDS, **cli_users.COMMANDS, **cli_exchange.COMMANDS,
}


def _utf8_streams() -> None:
    """UTF-8 whatever the console's code page: a redirected `case list` on a GBK Windows console
    must not stop halfway at a name outside GBK (刘䶮)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # replaced by a test or an embedding host
            pass


_CLI_LOG = "xihu-desk-cli.log"


def _cli_logging(data: DataDir) -> None:
    """The program's own warnings go to logs/ (never to stderr, which carries the one-line
    message and nothing else); with no data folder yet they are dropped."""
    logger = logging.getLogger("xihu_desk")
    for handler in [h for h in logger.handlers if getattr(h, "xihu_cli", False)]:
        logger.removeHandler(handler)
        handler.close()
    handler: logging.Handler = (logsafe.file_handler(data.logs / _CLI_LOG, delay=True) if data.root.is_dir()
                                else logging.NullHandler())
    handler.xihu_cli = True  # type: ignore[attr-defined]
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    try:
        args = _parser().parse_args(argv)
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    command = args.command or "gui"
    data = DataDir(args.data_dir)
    logsafe.enable_faulthandler_cli(data.root, data.logs)  # a native crash leaves its stack in logs/
    _cli_logging(data)
    sub = {"node": "node_command", "case": "case_command", "bundle": "bundle_command", **cli_reviews.SUBCOMMANDS,
           **cli_print.SUBCOMMANDS, **cli_mediators.SUBCOMMANDS, **cli_committees.SUBCOMMANDS,
           **cli_users.SUBCOMMANDS}.get(command)
    key = (command, getattr(args, sub)) if sub else command
    try:
        return COMMANDS[key](args)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # every write is one transaction and every -o file is replaced whole
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): nothing to report
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug: keep the details in the log, give the user one line
        full = _disk_full(exc, args)  # a file written outside the database on a full disk: not a bug
        if full is not None:
            print(f"错误：{full.message}", file=sys.stderr)
            return 1
        log = _log_crash(args)
        where = f"详情已写入 {log}" if log else "详情无法写入日志（磁盘已满或没有权限）"
        print(f"内部错误，操作未完成（已保存的数据不受影响）。{where}", file=sys.stderr)
        return 1


def _log_crash(args: argparse.Namespace) -> Path | None:
    """Write the traceback to the data folder's log (else the temp folder); None when neither can
    be written (a full disk): the user still gets one line, never a second traceback."""
    import tempfile

    entry = logsafe.crash_entry(sys.argv, sys.exc_info()[1])  # no personal data (logsafe.py)
    for where in (lambda: DataDir(args.data_dir).logs, lambda: Path(tempfile.gettempdir())):
        try:
            folder = where()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / _CLI_LOG
            with path.open("a", encoding="utf-8") as f:
                f.write(entry)
            return path
        except OSError:
            continue
    return None


def _disk_full(exc: BaseException, args: argparse.Namespace) -> UserError | None:
    """A full disk anywhere in ``exc`` (a file written outside the database): the one message."""
    from xihu_desk.store import dbfile

    try:
        folder = DataDir(args.data_dir).root
    except Exception:  # noqa: BLE001 - no usable data folder: name no folder
        folder = None
    return dbfile.disk_full_error(exc, folder)
