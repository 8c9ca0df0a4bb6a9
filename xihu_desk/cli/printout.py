"""Command-line printing of a case's documents, and checking a paper copy (design.md §10):

    xihu-desk print KIND CASE_NO -o FILE.pdf|FILE.docx [--draft] [--reveal] [--no-qr] [--json]
        the suffix chooses: .docx is an editable Word copy of the same document (same checks,
        ID numbers, draft marking and print record as the PDF)
        KIND: agreement, oral-agreement, application, register, notice, record, followup, closing,
        casefile (the whole 卷宗 in order), confirmation (司法确认申请书)
        --draft: 草稿 on every page, no 核验码, not recorded as printed; any state in which the
        document has something to show (the agreement before it is registered)
    xihu-desk print verify CODE [--json]      exit 0: the paper matches the record; 1: it does not

A document that cannot be printed yet exits 1 with one line that lists what is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from xihu_desk.cli.common import (
    PageProgress,
    check_target,
    emit,
    named_folder,
    open_data,
    outgoing,
    run,
    unit,
    write_output,
)
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.printcode import TITLES as KINDS


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, parser_class: type) -> None:
    pr = sub.add_parser("print", parents=[common], help="打印文书（PDF 或可编辑的 Word 文档）或核验纸质文书")
    pr_sub = pr.add_subparsers(dest="print_command", parser_class=parser_class, required=True, metavar="KIND")
    for kind, title in KINDS.items():
        k = pr_sub.add_parser(kind, parents=[common], help=title)
        k.add_argument("case_no", metavar="CASE_NO", help="案件编号（如 （2026）北山人调字第0001号）或 uuid")
        k.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE.pdf|FILE.docx",
            help="输出的文件：.pdf，或 .docx（可编辑的 Word 文档，内容与版式同 PDF）",
        )
        k.add_argument("--reveal", action="store_true", help="印出完整证件号码（记入审计日志）")
        k.add_argument("--no-qr", action="store_true", help="页脚不印二维码（仍印核验码）")
        k.add_argument(
            "--draft", action="store_true", help="草稿：每页印“草稿”，没有核验码，不登记为已打印（调解过程中即可打印）"
        )
    ro = pr_sub.add_parser("review-opinion", parents=[common], help="合法性审查意见书（审查事项）")
    ro.add_argument("number", metavar="NO", help="审查编号（如 （2026）北山合审字第0001号）或 uuid")
    ro.add_argument(
        "-o", "--output", required=True, metavar="FILE.pdf|FILE.docx", help="输出的文件：.pdf，或 .docx（可编辑）"
    )
    v = pr_sub.add_parser("verify", parents=[common], help="核验纸质文书：与案件登记是否一致")
    v.add_argument("code", metavar="CODE", help="页脚的核验码（24 位，连字符和大小写不限）")
    ty = pr_sub.add_parser("typical", parents=[common], help="典型案例（当事人信息已隐去，供案例汇编）")
    ty.add_argument("case_no", metavar="CASE_NO", help="已结案案件的编号或 uuid")
    ty.add_argument("-o", "--output", required=True, metavar="FILE.docx|FILE.pdf", help="输出的文件：.docx 或 .pdf")
    ty.add_argument("--analysis-file", metavar="FILE", help="先保存此文件（UTF-8 文本）作为案例评析，再生成")
    ty.add_argument("--title", help="与 --analysis-file 一起：案例标题（不给则按当事人和纠纷类型拟定）")


def _template_dir(data) -> Path | None:
    folder = data.root / "templates"
    return folder if folder.is_dir() else None


def cmd_print(args: argparse.Namespace) -> int:
    from xihu_desk.services import cases, printing
    from xihu_desk.services.context import cli_actor

    data, opened = open_data(args)
    target = Path(args.output)
    folder = named_folder(args.output)  # -o a folder: the document's own name in it (safe on NTFS)
    word = target.suffix.lower() == ".docx"  # the suffix chooses: an editable Word copy of the same document
    if folder is None and target.suffix.lower() not in (".pdf", ".docx"):
        target = target.with_name(target.name + ".pdf")
    check_target(args, folder / "x.pdf" if folder else target)
    progress = PageProgress(args.print_command == "casefile" and sys.stderr.isatty() and not args.json)
    with unit(opened.db, cases.find_case_uuid, printing.print_document) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        printed = printing.print_document(
            session,
            cli_actor(),
            args.print_command,
            uuid,
            reveal=args.reveal,
            qr=not args.no_qr,
            templates=_template_dir(data),
            on_page=progress.page,
            draft=args.draft,
            word=word,
        )
        if folder is not None:
            target = folder / printed.file_name
        # Written inside the unit of work: if the file cannot be written, the print is not audited.
        write_output(args, target, printed.docx or printed.pdf)
    progress.done()
    doc = {
        "file": str(target),
        "kind": printed.kind,
        "title": printed.title,
        "case_no": printed.case_no,
        "pages": None if word else printed.pages,
        "format": "docx" if word else "pdf",
        "code": printed.code or None,
        "version": printed.version,
        "draft": printed.draft,
        "missing": list(printed.missing),
    }
    size = "Word 可编辑文档" if word else f"{printed.pages} 页"
    if printed.draft:
        lacks = f"，尚缺：{'、'.join(printed.missing)}" if printed.missing else ""
        line = f"已生成 {printed.case_no} {printed.title}（草稿）：{target}（{size}，无核验码，不登记打印{lacks}）"
    else:
        line = f"已生成 {printed.case_no} {printed.title}：{target}（{size}，核验码 {printed.code}）"
    emit(args, doc, line)
    return 0


def cmd_review_opinion(args: argparse.Namespace) -> int:
    """print review-opinion NO -o FILE.pdf|FILE.docx: the 合法性审查意见书 of a review item."""
    from xihu_desk.services import review_opinion, reviews
    from xihu_desk.services.context import cli_actor

    data, opened = open_data(args)
    target = Path(args.output)
    word = target.suffix.lower() == ".docx"
    if target.suffix.lower() not in (".pdf", ".docx"):
        target = target.with_name(target.name + ".pdf")
    check_target(args, target)
    with unit(opened.db, reviews.find_review_uuid, review_opinion.print_opinion) as session:
        uuid = reviews.find_review_uuid(session, args.number)
        printed = review_opinion.print_opinion(session, cli_actor(), uuid, word=word, templates=_template_dir(data))
        write_output(args, target, printed.data)  # inside the unit: an unwritten file is not audited as printed
    doc = {
        "file": str(target),
        "kind": "review-opinion",
        "number": printed.number,
        "opinion_no": printed.opinion_no or None,
        "format": "docx" if word else "pdf",
        "pages": printed.pages,
    }
    size = "Word 可编辑文档" if word else f"{printed.pages} 页"
    emit(args, doc, f"已生成 {printed.number} 合法性审查意见书：{target}（{size}）")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from xihu_desk.services import printing

    _data, opened = open_data(args)
    result = run(opened.db, printing.verify, args.code)
    if args.json:
        print(json.dumps(outgoing(args, result.as_json()), ensure_ascii=False, indent=2))
    elif result.ok:
        print(outgoing(args, result.message))
    else:
        print(outgoing(args, result.message), file=sys.stderr)
    return 0 if result.ok else 1


def cmd_typical(args: argparse.Namespace) -> int:
    from xihu_desk.services import cases, typical_cases
    from xihu_desk.services.context import cli_actor

    _data, opened = open_data(args)
    target = Path(args.output)
    if target.suffix.lower() not in (".pdf", ".docx"):
        target = target.with_name(target.name + ".docx")
    check_target(args, target)
    analysis = None
    if args.analysis_file:
        try:
            analysis = Path(args.analysis_file).read_text(encoding="utf-8-sig")
        except (FileNotFoundError, IsADirectoryError):
            raise UserError(f"读不出案例评析文件 {args.analysis_file}：找不到该文件。") from None
        except (OSError, UnicodeDecodeError):
            raise UserError(f"读不出案例评析文件 {args.analysis_file}：请用 UTF-8 编码的文本文件。") from None
    word = target.suffix.lower() == ".docx"
    services = (cases.find_case_uuid, typical_cases.document) + ((typical_cases.save,) if analysis is not None else ())
    with unit(opened.db, *services) as session:
        uuid = cases.find_case_uuid(session, args.case_no)
        if analysis is not None:
            typical_cases.save(session, cli_actor(), uuid, analysis, args.title or "")
        up, data, pages = typical_cases.document(session, cli_actor(), uuid, word=word)
        write_output(args, target, data)
    doc = {
        "file": str(target),
        "case_no": up.case_no,
        "title": up.title,
        "format": "docx" if word else "pdf",
        "pages": pages,
        "analysis_written": up.analysis_written,
    }
    lacks = "" if up.analysis_written else "；案例评析尚未撰写（--analysis-file 文件）"
    emit(args, doc, f"已生成 {up.case_no} 的典型案例《{up.title}》（当事人信息已隐去）：{target}{lacks}")
    return 0


COMMANDS: dict[Any, Any] = (
    {("print", kind): cmd_print for kind in KINDS}
    | {("print", "verify"): cmd_verify}
    | {("print", "review-opinion"): cmd_review_opinion}
    | {("print", "typical"): cmd_typical}
)
