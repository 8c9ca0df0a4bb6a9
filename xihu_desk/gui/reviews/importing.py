"""Taking a workbook into the reviews area, the one way imports flow (design.md §3): a trial import
first (nothing kept), the counts asked about, then the import; the result said, and its problem
rows offered as a workbook to correct and bring in again. The register (审查台账) and the office's
list of meeting items and contracts (议题和合同清单) both come in this way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from xihu_desk.gui import messages, ops
from xihu_desk.gui.kit import write_file
from xihu_desk.services import review_ledger


def tr(text: str) -> str:
    return QCoreApplication.translate("ReviewImport", text)


def start(page: Any, service: Callable[..., Any], *, title: str, noun: str, then: Callable[[Any], None]) -> None:
    """Ask for the file (``page.choose_open_file``), try it, ask, import; ``then(report)`` before
    the result is shown. ``noun``: 台账 or 清单, in the progress labels and the question."""
    path = page.choose_open_file(page, title, "")
    if not path:
        return
    data = Path(path).read_bytes() if Path(path).is_file() else b""
    if not data:
        messages.error(page, tr("无法读取文件：{p}").format(p=path))
        return

    def done(report: review_ledger.ImportReport) -> None:
        then(report)
        _show(page, path, report)

    def confirm(report: review_ledger.ImportReport) -> None:
        if not report.imported:
            done(report)
            return
        question = tr(
            "试导入 {name}：共 {rows} 行，可导入 {ok} 行，重复 {dup} 行，有问题未能导入 {bad} 行。\n\n确定导入这 {ok} 行吗？"
        ).format(name=Path(path).name, rows=report.rows, ok=report.imported, dup=report.duplicates, bad=report.refused)
        if messages.confirm(page, question, tr("导入{noun}").format(noun=noun)):
            ops.write(page.ctx, page.actor, service, data, with_progress=True, parent=page, on_ok=done,
                      label=tr("正在导入{noun}…").format(noun=noun))  # fmt: skip

    ops.write(page.ctx, page.actor, service, data, dry_run=True, with_progress=True, parent=page, on_ok=confirm,
              label=tr("正在检查{noun}…").format(noun=noun))  # fmt: skip


def _show(page: Any, path: str, report: review_ledger.ImportReport) -> None:
    lines = report.text().splitlines()
    text = "\n".join(lines[:14]) + (
        tr("\n……（共 {n} 条问题）").format(n=len(report.problems)) if len(lines) > 14 else ""
    )
    if report.problems and messages.confirm(
        page, text + tr("\n\n是否把问题清单保存为 Excel，便于修改后再导入？"), tr("导入结果")
    ):
        target = page.choose_save_file(page, tr("保存问题清单"), Path(path).stem + "_问题清单.xlsx")
        if target:
            write_file(target, review_ledger.problems_workbook(report, Path(path).name))
            messages.info(page, tr("问题清单已保存：{p}").format(p=target))
    else:
        messages.info(page, text, tr("导入结果"))
