"""What the exchange results say to a person: counts, gaps, problems, as short HTML for labels.

Everything the user reads goes through ``translate("exchange", ...)``; record labels and reasons
come from the services, already in Chinese, and are escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from html import escape

from PySide6.QtCore import QCoreApplication

from xihu_desk.gui import theme
from xihu_desk.services.exchange import ExportResult, ImportResult, ReceiptResult

if TYPE_CHECKING:  # annotations only: the module is moving from domain/ to sync/
    from xihu_desk.sync.sequences import Span

translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls
SHOWN_PROBLEMS = 50  # the rest are in the quarantine list and the receipt


def kind_label(kind: str) -> str:
    return {
        "committee": translate("exchange", "调委会"),
        "mediator": translate("exchange", "调解员"),
        "case": translate("exchange", "案件"),
        "attachments": translate("exchange", "附件"),
        "correction": translate("exchange", "补正要求"),
        "reference": translate("exchange", "参考数据"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {
        "accepted": translate("exchange", "新增或更新"),
        "duplicate": translate("exchange", "重复"),
        "stale": translate("exchange", "过期"),
        "refused": translate("exchange", "拒绝"),
        "quarantined": translate("exchange", "隔离"),
    }.get(status, status)


def direction_label(direction: str) -> str:
    return {"out": translate("exchange", "报送时自检"), "in": translate("exchange", "接收时")}.get(direction, direction)


def numbers(values: Iterable[int | Span]) -> str:  # a Span prints as 3 or 3–5
    return "、".join(str(n) for n in values)


def gaps_text(gaps: list[Span]) -> str:
    return translate("exchange", "缺第 {numbers} 号").format(numbers=numbers(gaps)) if gaps else ""


def _p(text: str, colour: str = "", bold: bool = False) -> str:
    style = f" style='color:{colour}'" if colour else ""
    body = f"<b>{escape(text)}</b>" if bold else escape(text)
    return f"<p{style}>{body}</p>"


def _list(lines: list[str], colour: str = "") -> str:
    style = f" style='color:{colour}'" if colour else ""
    return f"<ul{style}>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def counts_line(counts: dict[str, int]) -> str:
    return "，".join(f"{kind_label(k)} {v}" for k, v in counts.items())


def import_counts_line(counts: dict[str, int]) -> str:
    return "，".join(
        translate("exchange", "{status} {n} 条").format(status=status_label(s), n=counts.get(s, 0))
        for s in ("accepted", "duplicate", "stale", "refused", "quarantined")
    )


def import_html(result: ImportResult) -> str:
    """The dry run, the import and the repeat import share one layout; only the heading differs."""
    heading = {
        "dry-run": translate("exchange", "试导入结果（尚未写入任何数据）"),
        "applied": translate("exchange", "已导入"),
        "already-imported": translate("exchange", "该数据包此前已导入，这次没有重复写入"),
    }.get(result.result, result.result)
    parts = [
        _p(heading, bold=True),
        _p(
            translate("exchange", "来自：{sender}　第 {sequence} 号数据包").format(
                sender=result.sender_name, sequence=result.sequence
            )
        ),
        _p(import_counts_line(result.counts)),
    ]
    if result.gaps:
        parts.append(
            _p(
                translate(
                    "exchange",
                    "注意：尚未收到该单位的第 {numbers} 号数据包。缺的内容会随该单位以后的数据包补齐，可以先导入本包。",
                ).format(numbers=numbers(result.gaps)),
                theme.DANGER,
            )
        )
    for warning in result.warnings:
        parts.append(_p(warning, theme.DANGER))
    if result.problems:
        lines = [
            f"{p['label']}（{status_label(p['status'])}）：{p['reason']}" for p in result.problems[:SHOWN_PROBLEMS]
        ]
        if len(result.problems) > SHOWN_PROBLEMS:
            lines.append(
                translate("exchange", "……另有 {n} 条，见隔离清单和回执").format(n=len(result.problems) - SHOWN_PROBLEMS)
            )
        parts.append(_p(translate("exchange", "有问题的记录（其余记录不受影响）：")))
        parts.append(_list(lines, theme.DANGER))
    return "".join(parts)


def export_html(result: ExportResult, downward: bool = False) -> str:
    heading = (
        translate("exchange", "已生成第 {sequence} 号下发数据包，发给 {name}")
        if downward
        else translate("exchange", "已生成第 {sequence} 号数据包，报送 {name}")
    )
    parts = [
        _p(heading.format(sequence=result.sequence, name=result.destination_name), bold=True),
        _p(translate("exchange", "内容：{counts}").format(counts=counts_line(result.counts))),
        _p(translate("exchange", "文件：{file}").format(file=result.file)),
    ]
    if result.quarantined:
        parts.append(
            _p(
                translate(
                    "exchange",
                    "以下 {n} 条记录自检未通过，没有放进数据包，已列入隔离清单；改正后会随下一个数据包报送：",
                ).format(n=len(result.quarantined)),
                theme.DANGER,
            )
        )
        parts.append(
            _list([f"{kind_label(k)} {label}：{reason}" for k, label, reason in result.quarantined], theme.DANGER)
        )
    hint = (
        translate("exchange", "请把文件交给该单位；对方导入后会给一份回执，拿回后用“登记回执…”登记。")
        if downward
        else translate("exchange", "请把文件交给上级；上级导入后会给一份回执，拿回后用“登记回执…”登记。")
    )
    parts.append(_p(hint, theme.MUTED))
    return "".join(parts)


def receipt_html(result: ReceiptResult) -> str:
    parts = [
        _p(
            translate("exchange", "已登记 {name} 对第 {sequence} 号数据包的回执").format(
                name=result.destination_name, sequence=result.sequence
            ),
            bold=True,
        ),
        _p(translate("exchange", "对方确认收到 {n} 条记录，这些记录以后不再重复报送。").format(n=result.acknowledged)),
    ]
    if result.not_taken:
        parts.append(
            _p(
                translate("exchange", "对方未接收 {n} 条，会随下一个数据包重新报送：").format(n=len(result.not_taken)),
                theme.DANGER,
            )
        )
        lines = [
            f"{kind_label(r['kind'])} {r['uuid'][:8]}…（{status_label(r['status'])}）：{r['reason']}"
            for r in result.not_taken[:SHOWN_PROBLEMS]
        ]
        parts.append(_list(lines, theme.DANGER))
    else:
        parts.append(_p(translate("exchange", "对方全部接收。"), theme.SUCCESS))
    if result.rebase is not None:  # the parent said where it stands: we continue from there
        parts.append(_p(translate("exchange", "已按上级的回执重新对齐"), bold=True))
        parts.append(_list(result.rebase.text().splitlines()))
    return "".join(parts)


def paragraph(line: str) -> str:
    return _p(line)


def error_html(message: str) -> str:
    return _p(message, theme.DANGER)


def refused_html(message: str) -> str:
    return (
        _p(translate("exchange", "拒绝导入"), theme.DANGER, bold=True)
        + _p(message, theme.DANGER)
        + _p(translate("exchange", "没有写入任何数据。请向报送单位核实，必要时请对方重新生成数据包。"), theme.MUTED)
    )
