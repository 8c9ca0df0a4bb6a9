"""Command-line accounts (design.md §10). Whoever can run the command line on the data folder acts
with the rights of the account that owns it (cli:<account> in the audit log), so an administrator
who has forgotten the password, or locked the only administrator account, gets back in here:

    xihu-desk user list [--json]
    xihu-desk user reset-password USERNAME --password-file FILE   sets a new password and unlocks
    xihu-desk user unlock USERNAME
    xihu-desk user link USERNAME --mediator ID   the account's person on the roster (调解员名册)
    xihu-desk user unlink USERNAME

The new password is read with ``common.read_password_file``, as ``init`` reads the administrator's.
"""

from __future__ import annotations

import argparse

from xihu_desk.cli.common import UserError, emit, open_data, read_password_file, run, unit


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    user = sub.add_parser("user", parents=[common], help="账户：列出、重设密码、解锁（以数据目录所属账户的权限）")
    user_sub = user.add_subparsers(dest="user_command", parser_class=parser_class, required=True)
    user_sub.add_parser("list", parents=[common], help="全部账户：用户名、姓名、角色、是否停用或锁定")
    rp = user_sub.add_parser("reset-password", parents=[common], help="为账户设置新密码并解除锁定（记入审计日志）")
    rp.add_argument("username", metavar="USERNAME", help="用户名")
    rp.add_argument("--password-file", required=True, metavar="FILE", help="含新密码的文件（第一行）")
    ul = user_sub.add_parser("unlock", parents=[common], help="解除账户的登录锁定（记入审计日志）")
    ul.add_argument("username", metavar="USERNAME", help="用户名")
    ln = user_sub.add_parser(
        "link", parents=[common], help="把账户关联到调解员名册中的本人（首页“我的案件”，受理时默认选本人和所在调委会）"
    )
    ln.add_argument("username", metavar="USERNAME", help="用户名")
    ln.add_argument(
        "--mediator", required=True, metavar="ID", help="调解员的编号、登记号或姓名（见 xihu-desk mediator list）"
    )
    un = user_sub.add_parser("unlink", parents=[common], help="取消账户与调解员名册的关联")
    un.add_argument("username", metavar="USERNAME", help="用户名")


def cmd_user_list(args: argparse.Namespace) -> int:
    from xihu_desk.services import users

    _data, opened = open_data(args)
    rows = run(opened.db, users.list_users)
    docs = [
        {
            "username": r.username,
            "display_name": r.display_name,
            "role": r.role,
            "role_label": r.role_label,
            "active": r.active,
            "locked": r.locked,
            "last_login_at": r.last_login_at or None,
            "mediator": {"id": r.mediator_uuid, "name": r.mediator_name} if r.mediator_uuid else None,
        }
        for r in rows
    ]
    lines = [f"共 {len(rows)} 个账户"]
    for r in rows:
        state = "已停用" if not r.active else ("已锁定" if r.locked else "正常")
        roster = f"\t名册：{r.mediator_name}" if r.mediator_uuid else ""
        lines.append(
            f"{r.username}\t{r.display_name}\t{r.role_label}\t{state}\t上次登录 {r.last_login_at or '从未'}{roster}"
        )
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
    emit(
        args,
        {"username": args.username.strip(), "password_set": True, "unlocked": True},
        f"已为账户 {args.username.strip()} 设置新密码并解除锁定（已记入审计日志）。请删除密码文件 {args.password_file}。",
    )
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from xihu_desk.services import users
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    with unit(opened.db, users.find_uuid, users.unlock) as session:
        users.unlock(session, cli_actor(), users.find_uuid(session, args.username))
    emit(
        args,
        {"username": args.username.strip(), "unlocked": True},
        f"已解除账户 {args.username.strip()} 的锁定（已记入审计日志）。",
    )
    return 0


def cmd_user_link(args: argparse.Namespace) -> int:
    from xihu_desk.services import mediators, users
    from xihu_desk.services.context import cli_actor

    if args.user_command == "link" and not (args.mediator or "").strip():  # an empty script variable
        raise UserError(
            "请用 --mediator 写明调解员编号（可用 xihu-desk mediator list 查看）；取消关联请用 xihu-desk user unlink。"
        )
    _data, opened = open_data(args)
    with unit(opened.db, users.find_uuid, mediators.find_uuid, users.link_roster) as session:
        uuid = users.find_uuid(session, args.username)
        mediator = mediators.find_uuid(session, args.mediator) if getattr(args, "mediator", None) else None
        row = users.link_roster(session, cli_actor(), uuid, mediator)
    doc = {
        "username": row.username,
        "mediator": {"id": row.mediator_uuid, "name": row.mediator_name} if row.mediator_uuid else None,
    }
    line = (
        f"账户 {row.username} 已关联调解员名册中的“{row.mediator_name}”（已记入审计日志）。"
        if row.mediator_uuid
        else f"账户 {row.username} 已取消与调解员名册的关联（已记入审计日志）。"
    )
    emit(args, doc, line)
    return 0


COMMANDS = {
    ("user", "list"): cmd_user_list,
    ("user", "reset-password"): cmd_user_reset_password,
    ("user", "unlock"): cmd_user_unlock,
    ("user", "link"): cmd_user_link,
    ("user", "unlink"): cmd_user_link,
}
