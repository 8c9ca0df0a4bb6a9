"""Areas that later issues build: a page that says what the area will hold, with no made-up data."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from xihu_desk.gui.widgets import icon_label, label


translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls


@dataclass(frozen=True)
class AreaPlan:
    title: str
    icon: str
    summary: str
    items: tuple[str, ...]


def plans() -> dict[str, AreaPlan]:
    return {
        "cases": AreaPlan(
            translate("upcoming", "案件"),
            "mdi6.folder-account-outline",
            translate(
                "upcoming",
                "人民调解案件从受理到立卷归档：当事人、调查与调解记录、调解结果、书面或口头协议、回访、司法确认，"
                "以及卷宗的整理与打印。",
            ),
            (
                translate("upcoming", "受理登记：申请或依职权受理，当事人信息与纠纷类型"),
                translate("upcoming", "调查记录、调解记录，调解期限按工作日提醒"),
                translate("upcoming", "人民调解协议书与口头协议登记，打印为 PDF"),
                translate("upcoming", "回访记录、司法确认情况、结案与立卷归档"),
            ),
        ),
        "mediators": AreaPlan(
            translate("upcoming", "调解员"),
            "mdi6.account-tie-outline",
            translate("upcoming", "调解员名册：所属调委会、专兼职情况、培训记录，以及依据办案情况计算的等级评定材料。"),
            (
                translate("upcoming", "调解员基本信息与聘任、解聘"),
                translate("upcoming", "培训与学习记录"),
                translate("upcoming", "人民调解员等级评定：由案件数据自动汇总办案数量与质量"),
            ),
        ),
        "reviews": AreaPlan(
            translate("upcoming", "合法性审查"),
            "mdi6.file-document-check-outline",
            translate(
                "upcoming",
                "乡镇（街道）合法性审查台账：行政规范性文件、重大行政决策、行政执法决定和行政协议的送审、"
                "审查意见与采纳情况，按工作日计算审查期限。",
            ),
            (
                translate("upcoming", "送审登记与材料清单"),
                translate("upcoming", "审查意见书与采纳反馈"),
                translate("upcoming", "到期提醒与台账导出"),
            ),
        ),
        "reports": AreaPlan(
            translate("upcoming", "统计报表"),
            "mdi6.chart-box-outline",
            translate("upcoming", "按月、季、年生成区司法局要求的人民调解统计报表和各类台账，导出为 Excel 并可打印。"),
            (
                translate("upcoming", "人民调解工作统计表（按纠纷类型、案件来源等）"),
                translate("upcoming", "案件台账、合法性审查台账导出"),
                translate("upcoming", "导入原有的 Excel 台账"),
            ),
        ),
        "exchange": AreaPlan(
            translate("upcoming", "数据交换"),
            "mdi6.swap-vertical-bold",
            translate(
                "upcoming",
                "与上下级节点交换数据：社区（村）调解点 → 街道（镇）司法所 → 区司法局。数据包经签名和加密，"
                "用 U 盘或共享文件夹传递；导入时核对来源并生成回执，不重复、不遗漏。",
            ),
            (
                translate("upcoming", "导出数据包（签名、加密）"),
                translate("upcoming", "导入下级报送的数据包并核对密钥指纹"),
                translate("upcoming", "回执与交换记录"),
            ),
        ),
    }


class UpcomingPage(QWidget):
    def __init__(self, plan: AreaPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 24, 28, 24)
        outer.setSpacing(14)
        head = QHBoxLayout()
        head.addWidget(icon_label(plan.icon, 44))
        head.addWidget(label(plan.title, "title"), 1)
        outer.addLayout(head)
        card = QFrame()
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(10)
        summary = label(plan.summary, wrap=True)
        summary.setObjectName("areaSummary")
        box.addWidget(summary)
        box.addSpacing(4)
        box.addWidget(label(self.tr("此区域提供："), "subtitle"))
        for item in plan.items:
            box.addWidget(label(f"•　{item}", wrap=True))
        box.addSpacing(8)
        note = label(
            self.tr(
                "当前账户的角色不使用此区域（管理与业务分离）。如需使用，请管理员在“系统设置 → 用户管理”中调整角色。"
            ),
            "muted",
            wrap=True,
        )
        note.setObjectName("roleNote")
        box.addWidget(note)
        outer.addWidget(card)
        outer.addStretch(1)
