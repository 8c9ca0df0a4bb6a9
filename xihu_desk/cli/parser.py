"""The parser of the command line (design.md §10), assembled in one place from the command modules,
and argparse in Chinese: its own headings and usage errors go through gettext, so the command line
swaps in a small catalogue instead of printing English next to Chinese help texts."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from xihu_desk import __version__
from xihu_desk.cli import (
    at_rest,
    bundle,
    case,
    casefile,
    committee,
    ledger,
    maintenance,
    mediator,
    node,
    printout,
    review,
    subsidy,
    user,
)
from xihu_desk.cli import reconcile
from xihu_desk.cli import screening
from xihu_desk.cli import transfer

_TEXTS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "subcommands": "命令",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "参数 %r 不接受值",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
_PLURALS = {"expected %s argument": "需要 %s 个值", "expected %s arguments": "需要 %s 个值"}


def _text(message: str) -> str:
    return _TEXTS.get(message, message)


def _plural(singular: str, plural: str, n: int) -> str:
    return _PLURALS.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install() -> None:
    """Point argparse's message lookups at the Chinese catalogue (idempotent)."""
    # argparse looks its messages up through these module globals; typeshed does not declare them.
    argparse._ = _text  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # usage errors exit 2, as argparse does, in Chinese
        self.print_usage(sys.stderr)
        message = re.sub(r"\b\w+_command\b", "子命令", message)  # the dest names of nested commands
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name (design.md §10). Only the top
    level sets defaults: a subcommand's copy must not overwrite a value given before the command."""
    keep: dict[str, Any] = {} if defaults else {"default": argparse.SUPPRESS}
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        **({"default": None} | keep),
        help="数据目录（默认为本机用户数据目录，或环境变量 XIHU_DESK_HOME）",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        **({"default": None} | keep),
        help="使用单位的 PostgreSQL 数据库（如 postgresql://xihu@192.168.1.10/xihu，不含密码；或环境变量 XIHU_DESK_DATABASE）",
    )
    parser.add_argument(
        "--database-password-file",
        metavar="FILE",
        **({"default": None} | keep),
        help="数据库密码文件（第一行为密码）；也可用环境变量 PGPASSWORD、PGPASSFILE 或系统密钥环",
    )
    parser.add_argument(
        "--json", action="store_true", **({"default": False} | keep), help="在标准输出打印一个 JSON 文档"
    )


_EPILOG = (
    "全局选项 --data-dir、--database、--database-password-file、--json 可以写在命令之前或之后。\n"
    "输出一律为 UTF-8 编码（与控制台代码页无关）；Ctrl-C 取消时退出码为 130，不留下写了一半的文件。\n"
    "退出码：0 成功，1 失败（一行中文说明），2 用法错误。"
)

# The command modules, each with its COMMANDS (the dispatch table is their union, cli/__init__.py).
MODULES = (
    maintenance,
    at_rest,
    node,
    case,
    bundle,
    review,
    ledger,
    printout,
    mediator,
    committee,
    user,
    screening,
    transfer,
    reconcile,
    casefile,
    subsidy,
)


def build() -> argparse.ArgumentParser:
    """The whole parser. A command with subcommands keeps them under the dest ``<command>_command``
    (cli/__init__.py dispatches on it). Commands appear in --help in the order added here."""
    install()
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, defaults=False)

    p = _Parser(prog="xihu-desk", description="西湖司法所工作台", epilog=_EPILOG)
    _global_options(p, defaults=True)
    p.add_argument("--version", action="version", version=f"xihu-desk {__version__}", help="显示程序版本并退出")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, title="命令", metavar="命令")

    maintenance.add_gui_parser(sub, common)  # gui
    node.add_init_parser(sub, common)  # init
    maintenance.add_parsers(sub, common)  # demo, check, backup, restore
    at_rest.add_parsers(sub, common)  # rekey, unlock, encrypt (the encrypted database)
    case.add_parsers(sub, common, _Parser)  # case list, show
    node.add_parsers(sub, common, _Parser)  # node show, export-key, enrol
    bundle.add_parsers(sub, common, _Parser)  # bundle export, import, receipt, resolve-fork, resync
    review.add_parsers(sub, common, _Parser)  # review list, show
    ledger.add_parsers(sub, common, _Parser)  # ledger import, export; report KIND
    printout.add_parsers(sub, common, _Parser)  # print KIND CASE_NO, print verify CODE
    mediator.add_parsers(sub, common, _Parser)  # mediator list, evidence
    committee.add_parsers(sub, common, _Parser)  # committee list, add, code (字号)
    screening.add_parsers(sub, common, _Parser)  # screening list, add, zero, to-case, close, ledger
    transfer.add_parsers(sub, common, _Parser)  # transfer list, accept, refuse (移送)
    reconcile.add_parsers(sub, common, _Parser)  # reconcile (provincial platform)
    casefile.add_parsers(sub, common, _Parser)  # casefile score, review (卷宗评查)
    subsidy.add_parsers(sub, common, _Parser)  # subsidy (以案定补)
    user.add_parsers(sub, common, _Parser)  # user list, reset-password, unlock
    return p
