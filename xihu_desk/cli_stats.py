"""Command-line commands of the case ledger and the mediation statistics (design.md §10):

    xihu-desk ledger import FILE.xlsx --kind cases [--dry-run] [--json] [--problems FILE.xlsx]
    xihu-desk ledger export --kind cases -o FILE.xlsx [--reveal]
    xihu-desk report mediation --from DATE --to DATE -o FILE.xlsx [--org CODE | --committee NAME]

The parsers live in cli_reviews.py (``ledger`` and ``report`` take a kind); its commands hand the
kinds built here to these functions.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from xihu_desk.cli_output import write_output
from xihu_desk.cli_reviews import _emit, _open, _TerminalProgress
from xihu_desk.domain.errors import UserError


def ledger_import(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_ledger
    from xihu_desk.services.context import cli_actor

    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    opened = _open(args)
    progress = _TerminalProgress()
    try:
        with opened.db.write() as session:
            report = case_ledger.import_ledger(session, cli_actor(), source, file_name=source.name,
                                               dry_run=args.dry_run, progress=progress)
    finally:
        progress.close()
    doc = report.as_json()
    text = report.text()
    problems = getattr(args, "problems", None)
    if problems and report.problems:
        path = write_output(args, problems, case_ledger.problems_workbook(report, source.name))
        doc["problems_file"] = str(path)
        text += f"\n问题清单已写入：{path}"
    _emit(args, doc, text)
    return 0


def ledger_export(args: argparse.Namespace) -> int:
    from xihu_desk.services import case_ledger
    from xihu_desk.services.context import cli_actor

    opened = _open(args)
    reveal = bool(getattr(args, "reveal", False))
    with opened.db.write() as session:  # the export of personal data is audited
        data = case_ledger.export_ledger(session, cli_actor(), reveal=reveal)
    path = write_output(args, args.output, data)
    _emit(args, {"file": str(path), "kind": args.kind, "size": len(data), "masked": not reveal},
          f"已导出：{path}" + ("（含完整证件号码，已记入审计日志）" if reveal else "（证件号码已遮蔽）"))
    return 0


def report_mediation(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from xihu_desk.reports import mediation_stats as layouts
    from xihu_desk.services import mediation_stats
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store.models import Committee

    opened = _open(args)
    from xihu_desk.paths import DataDir

    layout = layouts.load_layout(DataDir(args.data_dir).root / "templates")
    with opened.db.read() as session:
        committee_uuid = ""
        name = getattr(args, "committee", None)
        if name:
            found = list(session.scalars(select(Committee.uuid).where(
                (Committee.name == name) | (Committee.short_name == name) | (Committee.uuid == name),
                Committee.deleted.is_(False))))
            if len(found) != 1:
                raise UserError(f"找不到调委会“{name}”（请写全称、简称或 uuid）。" if not found else
                                f"有多个调委会叫“{name}”，请写全称或 uuid。")
            committee_uuid = found[0]
        query = mediation_stats.StatsQuery(args.date_from, args.date_to, org_code=getattr(args, "org", None) or "",
                                           committee_uuid=committee_uuid)
        stats = mediation_stats.compute(session, cli_actor(), query, layout)
    data = layouts.workbook(stats, layout)
    path = write_output(args, args.output, data)
    total = stats.total
    missing = [b.sender for b in stats.cover.bundles or [] if b.missing or not b.sequences]
    _emit(args, {"file": str(path), "kind": args.kind, "from": args.date_from.isoformat(), "to": args.date_to.isoformat(),
                 "scope": stats.cover.scope, "accepted": total["accepted"], "succeeded": total["succeeded"],
                 "bundles_missing": missing},
          f"已生成统计表：{path}\n{stats.cover.scope}：受理 {total['accepted']} 件，调解成功 {total['succeeded']} 件"
          + (f"\n注意：{stats.cover.source_line()}" if missing else ""))
    return 0
