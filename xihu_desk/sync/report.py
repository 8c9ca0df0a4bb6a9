"""What importing a bundle reports: the outcome, counts per status, gaps in the sender's line,
warnings and the problems per record, and the per-record lines its receipt carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xihu_desk.sync import sequences

STATUSES = ("accepted", "duplicate", "stale", "refused", "quarantined")


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass
class ImportResult:
    result: str  # applied, already-imported, refused, dry-run
    sender: str
    sender_name: str
    sequence: int
    counts: dict[str, int]
    gaps: list[sequences.Span]
    receipt: Path | None
    reason: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: list[list[Any]] = field(default_factory=list)  # [kind, uuid, version, status, reason] for the receipt

    def as_json(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "sender": self.sender,
            "sender_name": self.sender_name,
            "sequence": self.sequence,
            "counts": self.counts,
            **sequences.as_json(self.gaps),
            "receipt": str(self.receipt) if self.receipt else None,
            "reason": self.reason,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    def text(self) -> str:
        if self.result == "refused":
            return f"拒绝导入：{self.reason}"
        head = {
            "applied": "已导入",
            "already-imported": "该数据包此前已导入，未重复写入",
            "dry-run": "试导入（未写入）",
        }[self.result]
        c = self.counts
        lines = [
            f"{head}：{self.sender_name} 第 {self.sequence} 号数据包",
            f"新增或更新 {c['accepted']} 条，重复 {c['duplicate']} 条，过期 {c['stale']} 条，"
            f"拒绝 {c['refused']} 条，隔离 {c['quarantined']} 条",
        ]
        if self.gaps:
            lines.append(
                "注意：缺少该单位的第 " + "、".join(map(str, self.gaps)) + " 号数据包（其内容会随后续数据包补齐）"
            )
        lines += self.warnings
        for p in self.problems[:20]:
            lines.append(f"  {p['label']}：{p['reason']}")
        if self.receipt:
            lines.append(f"回执已写入：{self.receipt}")
        return "\n".join(lines)
