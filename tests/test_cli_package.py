"""The command line as a package (xihu_desk/cli/): one module per command group, the helpers they
share defined once in common.py, no database access of its own, no import cycles, and a dispatch
table that is the union of the modules' tables and answers every command the parser accepts."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import xihu_desk
from xihu_desk import cli
from xihu_desk.cli import parser

CLI = Path(xihu_desk.__file__).parent / "cli"
SHARED = {"__init__", "parser", "common", "output", "progress"}


def _modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(CLI.glob("*.py"))}


def _cli_imports(tree: ast.Module) -> set[str]:
    """The modules of xihu_desk/cli/ that ``tree`` imports (anywhere, also inside functions)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("xihu_desk.cli."):
                found.add(node.module.split(".")[2])
            elif node.module == "xihu_desk.cli":
                found |= {a.name for a in node.names} & (set(_modules()) | {"__init__"}) or {"__init__"}
            elif node.module == "xihu_desk":
                found |= {a.name for a in node.names if a.name.startswith("cli")}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] if a.name.count(".") >= 2 else "__init__"
                      for a in node.names if a.name.startswith("xihu_desk.cli")}
    return found


def test_the_old_flat_modules_are_gone():
    flat = sorted(p.name for p in CLI.parent.glob("cli*.py"))
    assert flat == []


def test_no_sql_in_the_command_line():
    offenders = []
    for path in CLI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\bsqlalchemy\b", r"\bselect\(", r"\.execute\(", r"\.scalars?\(", r"session\.get\(",
                        r"xihu_desk\.store\.models", r"\bsessionmaker\b"):
            if re.search(pattern, text):
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []


def test_shared_helpers_are_defined_once_in_common():
    helpers = {"_emit", "emit", "_open", "open_data", "outgoing", "write_output", "check_target", "bounded_int",
               "iso_date", "_date", "read_password_file", "CountProgress", "PageProgress", "_Progress",
               "_TerminalProgress"}
    where: dict[str, list[str]] = {}
    for name, tree in _modules().items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in helpers:
                where.setdefault(node.name, []).append(name)
    assert all(len(places) == 1 for places in where.values()), where
    assert {h for h, places in where.items() if places != ["common"]} == {"write_output", "check_target"}
    assert where["write_output"] == ["output"]


def test_command_modules_import_only_the_shared_helpers():
    """A command module imports common (and through it output), never another command module or
    the package itself: the circle of cli.py and the cli_*.py files is gone."""
    modules = _modules()
    for name, tree in modules.items():
        imported = _cli_imports(tree)
        if name in ("output", "progress"):
            assert imported == set(), (name, imported)
        elif name == "common":  # the shared helpers: common gathers output's and progress's
            assert imported <= {"output", "progress"}, (name, imported)
        elif name not in ("__init__", "parser"):
            assert imported <= {"common", "progress"}, (name, imported)
    assert _cli_imports(modules["parser"]) <= set(modules) - {"__init__"}


def test_every_command_of_the_parser_is_dispatched_and_no_module_overlaps():
    leaves = set()

    def walk(p: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            leaves.add(words[0] if len(words) == 1 else words)
        for action in subs:
            for word, child in action.choices.items():
                walk(child, (*words, word))

    walk(cli._parser(), ())
    assert leaves == set(cli.COMMANDS)
    assert sum(len(m.COMMANDS) for m in parser.MODULES) == len(cli.COMMANDS)
    assert sorted(m.__name__.rsplit(".", 1)[1] for m in parser.MODULES) == sorted(set(_modules()) - SHARED)


def test_the_entry_points_still_reach_main():
    import tomllib

    project = tomllib.loads((CLI.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["scripts"]["xihu-desk"]
    module, _, function = target.partition(":")
    assert (module, function) == ("xihu_desk.cli", "main") and cli.main.__module__ == "xihu_desk.cli"
    assert "from xihu_desk.cli import main" in (CLI.parent / "__main__.py").read_text(encoding="utf-8")


def test_report_mediation_names_a_committee_it_cannot_find(data_dir, capsys, tmp_path):
    """The committee of a statistics table is looked up by the service (committees.find_statistics_scope)."""
    from xihu_desk.services import committees
    from xihu_desk.store import migrate

    target = tmp_path / "统计表.xlsx"
    code = cli.main(["report", "mediation", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(target),
                     "--committee", "无此调委会", "--data-dir", str(data_dir.root)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "") and err == "错误：找不到调委会“无此调委会”（请写全称、简称或 uuid）。\n"
    assert not target.exists()
    opened = migrate.open_database(data_dir)
    try:
        with opened.db.read() as session:
            own = committees.list_committees(session, own_only=True)[0]
            assert committees.find_statistics_scope(session, own.short_name) == own.uuid
            assert committees.find_statistics_scope(session, own.name) == own.uuid
    finally:
        opened.db.dispose()
