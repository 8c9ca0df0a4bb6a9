"""Command-line commands of this node's identity (design.md §10):

xihu-desk init --org CODE --level community|township|district [--parent CODE]
               --admin NAME [--admin-name 姓名] --password-file FILE
xihu-desk node show [--json] | node export-key -o FILE | node enrol FILE
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xihu_desk.cli.common import DataDir, UserError, emit, open_data, read_password_file, run, unit, write_output


def add_init_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = sub.add_parser("init", parents=[common], help="初始化本节点：数据库、身份、密钥、管理员")
    init.add_argument("--org", required=True, metavar="CODE", help="单位代码，如 330106002（北山街道）")
    init.add_argument("--level", required=True, choices=["community", "township", "district"])
    init.add_argument("--parent", metavar="CODE", help="上级单位代码（默认按层级推定）")
    init.add_argument("--admin", required=True, metavar="NAME", help="管理员用户名")
    init.add_argument("--admin-name", metavar="姓名", help="管理员姓名（默认同用户名）")
    init.add_argument("--password-file", required=True, metavar="FILE", help="含管理员密码的文件（第一行）")
    init.add_argument(
        "--recovery-key-file", metavar="FILE", help="数据库恢复密钥写入的文件（不能在数据目录中；不写则显示在屏幕上）"
    )
    init.add_argument(
        "--recovery-sheet", metavar="FILE.pdf", help="同时写出恢复密钥单（PDF，打印后锁入保险柜；不能在数据目录中）"
    )


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    node = sub.add_parser("node", parents=[common], help="本节点身份")
    node_sub = node.add_subparsers(dest="node_command", parser_class=parser_class, required=True)
    node_sub.add_parser("show", parents=[common], help="显示节点身份与密钥指纹")
    ek = node_sub.add_parser("export-key", parents=[common], help="导出本节点的公钥文件，交给上级或下级登记")
    ek.add_argument("-o", "--output", required=True, metavar="FILE")
    en = node_sub.add_parser("enrol", parents=[common], help="登记上级或下级单位的公钥文件")
    en.add_argument("file", metavar="FILE")
    rs = node_sub.add_parser(
        "recovery-sheet", parents=[common], help="按恢复密钥文件打印恢复密钥单（PDF；密钥须是本节点的）"
    )
    rs.add_argument("--recovery-key-file", required=True, metavar="FILE", help="恢复密钥文件（init 或 rekey 写出的）")
    rs.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="恢复密钥单（不能在数据目录中）")


def _node_text(info) -> str:
    parent = f"{info.parent_name}（{info.parent_code}）" if info.parent_code else "无"
    return (
        f"节点编号：{info.node_id}\n单位：{info.org_name}（{info.org_code}）\n层级：{info.level_label}\n"
        f"上级：{parent}\n密钥指纹：{info.key_fingerprint}"
    )


def cmd_init(args: argparse.Namespace) -> int:
    from xihu_desk.services import node

    from xihu_desk.domain import clock
    from xihu_desk.services import at_rest, recovery_sheet

    password = read_password_file(args.password_file)  # a BOM from Notepad is not part of it
    if args.recovery_key_file:  # refused before anything is made
        at_rest.recovery_target(DataDir(args.data_dir), args.recovery_key_file)
    if args.recovery_sheet:
        recovery_sheet.check_target(DataDir(args.data_dir).root, args.recovery_sheet)
    fresh = DataDir(args.data_dir)
    if not fresh.server and not fresh.database.exists():  # nothing made for a mistyped code
        node.refuse_unlisted(args.org, args.parent)
    data, opened = open_data(args, must_exist=False)
    info = run(
        opened.db,
        node.init_node,
        node.InitCommand(
            org_code=args.org,
            level=args.level,
            parent_code=args.parent,
            admin_username=args.admin,
            admin_password=password,
            admin_display_name=args.admin_name or "",
        ),
    )
    doc, text = info.as_json(), _node_text(info) + f"\n数据库：{_where(data)}"
    code = None if data.server else at_rest.take_recovery_code(data.root)
    if code and args.recovery_key_file:
        path = at_rest.write_recovery_file(data, args.recovery_key_file, code, info.org_name)
        doc["recovery_key_file"] = str(path)
        text += f"\n数据库已加密。恢复密钥已写入 {path}：请打印后锁入保险柜，然后把该文件从电脑上删除。"
    elif code and not args.recovery_sheet:
        doc["recovery_key"] = code
        text += f"\n数据库已加密。恢复密钥（只显示这一次，请抄下或打印后锁入保险柜）：{code}"
    if code and args.recovery_sheet:
        with unit(opened.db, recovery_sheet.write) as session:
            sheet = recovery_sheet.write(session, data.root, code, args.recovery_sheet, clock.local_today())
        doc["recovery_sheet"] = str(sheet)
        text += f"\n恢复密钥单已写入 {sheet}：请打印后签字密封、锁入保险柜，然后把该文件从电脑上删除。"
    elif args.recovery_sheet:
        text += "\n本节点没有恢复密钥（数据不在本机加密的数据库中），未写出恢复密钥单。"
    emit(args, doc, text)
    return 0


def _where(data: DataDir) -> str:
    """The SQLite file, or the server database as postgresql://user@host/db (never a password)."""
    from xihu_desk import dbserver

    server = data.server
    return f"{dbserver.display(server)}（{dbserver.SERVER_LABEL}）" if server else str(data.database)


def cmd_node_show(args: argparse.Namespace) -> int:
    from xihu_desk.services import node

    _data, opened = open_data(args)
    with unit(opened.db, node.node_info) as session:
        info = node.node_info(session)
    emit(args, info.as_json(), _node_text(info))
    return 0


def cmd_node_export_key(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange

    _data, opened = open_data(args)
    doc = run(opened.db, exchange.export_key)
    target = write_output(args, args.output, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    emit(
        args,
        {"file": str(target), "fingerprint": doc["fingerprint"]},
        f"公钥文件已写入 {target}\n指纹：{doc['fingerprint']}\n请与对方电话核对指纹。",
    )
    return 0


def cmd_node_enrol(args: argparse.Namespace) -> int:
    from xihu_desk.services import exchange

    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserError(f"无法读取密钥文件：{args.file}") from None
    _data, opened = open_data(args)
    done = run(opened.db, exchange.enrol, doc)
    relation = "下级" if done.relation == "child" else "上级"
    emit(
        args,
        {
            "node_id": done.node_id,
            "org_name": done.org_name,
            "relation": done.relation,
            "fingerprint": done.fingerprint,
        },
        f"已登记{relation}单位 {done.org_name}\n指纹：{done.fingerprint}\n请与对方电话核对指纹。",
    )
    return 0


def cmd_node_recovery_sheet(args: argparse.Namespace) -> int:
    from xihu_desk.domain import clock
    from xihu_desk.services import recovery_sheet

    recovery_sheet.check_target(DataDir(args.data_dir).root, args.output)  # before the database is opened
    data, opened = open_data(args)
    with unit(opened.db, recovery_sheet.write_from_key_file) as session:
        path = recovery_sheet.write_from_key_file(
            session, data.root, args.recovery_key_file, args.output, clock.local_today()
        )
    text = f"恢复密钥单已写入 {path}：请打印后签字密封、锁入保险柜，然后把该文件从电脑上删除。"
    emit(args, {"recovery_sheet": str(path)}, text)
    return 0


COMMANDS = {
    "init": cmd_init,
    ("node", "show"): cmd_node_show,
    ("node", "export-key"): cmd_node_export_key,
    ("node", "enrol"): cmd_node_enrol,
    ("node", "recovery-sheet"): cmd_node_recovery_sheet,
}
