"""Command-line commands of the encrypted database (issue 21, design.md §10):

xihu-desk rekey --recovery-key-file FILE          a new recovery key (admin, audited)
xihu-desk unlock --recovery-key-file FILE         seal the key again for this account
xihu-desk encrypt [--recovery-key-file FILE] [--remove-plain-backups]
                                                  turn a plain node into an encrypted one
"""

from __future__ import annotations

import argparse

from xihu_desk import startup_gc

from xihu_desk.cli.common import DataDir, UserError, emit, open_data


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    rk = sub.add_parser("rekey", parents=[common], help="更换数据库恢复密钥（管理员，记入审计日志）")
    rk.add_argument(
        "--recovery-key-file", required=True, metavar="FILE", help="新恢复密钥写入的文件（不能在数据目录中）"
    )
    ul = sub.add_parser("unlock", parents=[common], help="本账户找不到数据库密钥时，用恢复密钥重新打开本节点")
    ul.add_argument("--recovery-key-file", required=True, metavar="FILE", help="含恢复密钥的文件")
    en = sub.add_parser("encrypt", parents=[common], help="把未加密的数据库转换为加密数据库（先自动备份）")
    en.add_argument("--recovery-key-file", metavar="FILE", help="恢复密钥写入的文件（不写则显示在屏幕上）")
    en.add_argument(
        "--remove-plain-backups", action="store_true", help="删除 backups/ 中未加密的旧备份（须已有加密的备份）"
    )


def _data(args: argparse.Namespace) -> DataDir:
    data = DataDir(args.data_dir)
    if not data.server and not data.database.exists():
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    return data


def cmd_rekey(args: argparse.Namespace) -> int:
    from xihu_desk.services import at_rest
    from xihu_desk.services.context import cli_actor

    data, opened = open_data(args)
    path = at_rest.replace_recovery_key(data, opened.db, cli_actor(), args.recovery_key_file)
    emit(
        args,
        {"recovery_key_file": str(path), "replaced": True},
        f"已更换恢复密钥，新的恢复密钥在 {path}。请打印后锁入保险柜，销毁旧的恢复密钥单；"
        "更换前的备份在其他电脑上仍要用旧的恢复密钥恢复。",
    )
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from xihu_desk.services import at_rest
    from xihu_desk.store import recovery_code

    data = _data(args)
    startup_gc.release()  # opens no database through open_data, which would end the start-up hold
    status = at_rest.unlock(data, recovery_code.read_file(args.recovery_key_file))
    emit(args, status.as_json(), f"已用恢复密钥重新保存本节点的数据库密钥。{status.line()}")
    return 0


def cmd_encrypt(args: argparse.Namespace) -> int:
    from xihu_desk.cli.progress import StderrProgress
    from xihu_desk.services import at_rest, encrypt_node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store.progress import backup_seconds

    data = _data(args)
    if args.remove_plain_backups and data.server is None and at_rest.status(data).encrypted:
        removed = at_rest.remove_plain_backups(data, cli_actor())
        emit(args, {"removed_plain_backups": [str(p) for p in removed]}, f"已删除 {len(removed)} 份未加密的备份。")
        return 0
    at_rest.require_sqlite(data)  # a PostgreSQL node has no file to convert: said before any size is read
    if args.recovery_key_file:  # refused before anything changes
        at_rest.recovery_target(data, args.recovery_key_file)
    size = data.database.stat().st_size
    progress = StderrProgress(2 * backup_seconds(size), "加密转换", size)
    data, opened = open_data(args)
    result = encrypt_node.encrypt(data, opened.db, cli_actor(), progress=progress)
    lines = [result.text()]
    doc = result.as_json()
    if args.recovery_key_file:
        path = at_rest.write_recovery_file(data, args.recovery_key_file, result.recovery_code)
        doc["recovery_key_file"] = str(path)
        lines.append(f"恢复密钥已写入 {path}：请打印后锁入保险柜，然后把该文件从电脑上删除。")
    else:
        doc["recovery_key"] = result.recovery_code
        lines.append(f"恢复密钥（只显示这一次，请抄下或打印后锁入保险柜）：{result.recovery_code}")
    emit(args, doc, "\n".join(lines))
    return 0


COMMANDS = {"rekey": cmd_rekey, "unlock": cmd_unlock, "encrypt": cmd_encrypt}
