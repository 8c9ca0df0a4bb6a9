"""Command-line accounts (design.md §10). Whoever can run the command line on the data folder acts
with the rights of the account that owns it (cli:<account> in the audit log), so an administrator
who has forgotten the password, or locked the only administrator account, gets back in here:

    xihu-desk user list [--json]
    xihu-desk user reset-password USERNAME --password-file FILE   sets a new password and unlocks
    xihu-desk user unlock USERNAME

The new password is read with ``common.read_password_file``, as ``init`` reads the administrator's.
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import emit, open_data, read_password_file, run, unit


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    user = sub.add_parser("user", parents=[common], help="账户：列出、重设密码、解锁（以数据目录所属账户的权限）")
    user_sub = user.add_subparsers(dest="user_command", parser_class=parser_class, required=True)
    user_sub.add_parser("list", parents=[common], help="全部账户：用户名、姓名、角色、是否停用或锁定")
    rp = user_sub.add_parser("reset-password", parents=[common], help="为账户设置新密码并解除锁定（记入审计日志）")
    rp.add_argument("username", metavar="USERNAME", help="用户名")
    rp.add_argument("--password-file", required=True, metavar="FILE", help="含新密码的文件（第一行）")
    ul = user_sub.add_parser("unlock", parents=[common], help="解除账户的登录锁定（记入审计日志）")
    ul.add_argument("username", metavar="USERNAME", help="用户名")


def cmd_user_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import users

    _data, opened = open_data(args)
    rows = run(opened.db, users.list_users)
    docs = [{"username": r.username, "display_name": r.display_name, "role": r.role, "role_label": r.role_label,
             "active": r.active, "locked": r.locked, "last_login_at": r.last_login_at or None} for r in rows]
    lines = [f"共 {len(rows)} 个账户"]
    for r in rows:
        state = "已停用" if not r.active else ("已锁定" if r.locked else "正常")
        lines.append(f"{r.username}\t{r.display_name}\t{r.role_label}\t{state}\t上次登录 {r.last_login_at or '从未'}")
    emit(args, {"total": len(rows), "users": docs}, "\n".join(lines))
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    from xihu_desk.services import users
    from xihu_desk.services.context import cli_actor

    password = read_password_file(args.password_file)  # before opening anything
    _data, opened = open_data(args)
    with unit(opened.db, users.find_uuid, users.set_password) as session:
        uuid = users.find_uuid(session, args.username)
        users.set_password(session, cli_actor(), uuid, password)
    emit(args, {"username": args.username.strip(), "password_set": True, "unlocked": True},
         f"已为账户 {args.username.strip()} 设置新密码并解除锁定（已记入审计日志）。请删除密码文件 {args.password_file}。")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from xihu_desk.services import users
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, users.find_uuid, users.unlock) as session:
        users.unlock(session, cli_actor(), users.find_uuid(session, args.username))
    emit(args, {"username": args.username.strip(), "unlocked": True},
         f"已解除账户 {args.username.strip()} 的锁定（已记入审计日志）。")
    return 0


COMMANDS = {("user", "list"): cmd_user_list, ("user", "reset-password"): cmd_user_reset_password,
            ("user", "unlock"): cmd_user_unlock}
