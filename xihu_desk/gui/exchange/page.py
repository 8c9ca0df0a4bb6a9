"""数据交换: the page — this node's key card, the tabs (报送上级, 接收下级数据, 隔离清单, 退回补正 and, for
the district, 各单位案件) and what they show, read again after every operation.

The operations live beside it: keys.py (export this node's key, enrol the other office's),
bundles.py (bundles out and in, receipts), corrections.py and forks.py (their tabs' actions).
File pickers and the file manager are behind ``self.files`` (files.FileDialogs), replaced in tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange import text
from xihu_desk.gui.exchange.bundles import DOWN, UP, BundleExchange
from xihu_desk.gui.exchange.corrections import CorrectionsTab
from xihu_desk.gui.exchange.transfers import TransfersTab
from xihu_desk.gui.exchange.dialogs import FingerprintDialog, ImportDialog, fingerprint_label, fingerprint_text
from xihu_desk.gui.exchange.files import FileDialogs
from xihu_desk.gui.exchange.forks import ForkPanel
from xihu_desk.gui.exchange.keys import KeyExchange
from xihu_desk.gui.exchange.parts import ResultBox, captioned, fill
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.widgets import icon_label, label, readonly_table
from xihu_desk.services import exchange, node
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange import Enrolled, PeerRow

__all__ = ["DOWN", "UP", "ExchangePage"]


class ExchangePage(QWidget):
    def __init__(
        self, ctx: AppContext, actor: Actor, files: FileDialogs | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.files = files or FileDialogs(self)
        self.peers: list[PeerRow] = []
        self.shown_children: list[PeerRow] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(10)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(icon_label("mdi6.swap-vertical-bold", 36))
        head.addWidget(label(self.tr("数据交换"), "title"))
        summary = label(
            self.tr(
                "社区（村）调解点 → 街道（镇）司法所 → 区司法局：数据包经签名和加密，用 U 盘或共享文件夹"
                "传递；导入前核对来源，导入后写回执，不重复、不遗漏。"
            ),
            "muted",
            wrap=True,
        )
        summary.setObjectName("areaSummary")  # the same place the other areas describe themselves
        head.addWidget(summary, 1)
        box.addLayout(head)
        self.allowed = actor.can(Perm.EXCHANGE)
        if not self.allowed:
            note = label(
                self.tr(
                    "数据交换（报送、导入数据包和登记密钥）由所长或系统管理员操作。"
                    "您的角色没有这项权限；如需报送数据，请联系本单位的所长。"
                ),
                wrap=True,
            )
            note.setObjectName("noPermission")
            box.addWidget(note)
            box.addStretch(1)
            return
        self.info = ops.session_read(ctx, node.node_info)
        self.keys = KeyExchange(ctx, actor, self.info, self, lambda: self.files)
        self.keys.enrolled.connect(self._enrolled)
        self.bundles = BundleExchange(ctx, actor, self, lambda: self.files, self._show_result)
        self.bundles.changed.connect(self.refresh)
        self.level = Level(self.info.level)
        self.has_parent_side = self.level is not Level.DISTRICT
        self.has_child_side = self.level is not Level.COMMUNITY
        box.addWidget(self._node_panel())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("exchangeTabs")
        self.up_tab = self._up_tab() if self.has_parent_side else None
        self.down_tab = self._down_tab() if self.has_child_side else None
        if self.up_tab is not None:
            self.tabs.addTab(self.up_tab, theme.icon("mdi6.upload-outline"), self.tr("报送上级"))
        if self.down_tab is not None:
            self.tabs.addTab(self.down_tab, theme.icon("mdi6.download-outline"), self.tr("接收下级数据"))
        self.quarantine_tab = self._quarantine_tab()
        self.tabs.addTab(self.quarantine_tab, theme.icon("mdi6.alert-octagon-outline"), self.tr("隔离清单"))
        self.corrections_tab = CorrectionsTab(ctx, actor, self.info, self.has_parent_side, self.has_child_side)
        self.corrections_tab.changed.connect(self.refresh)
        self.tabs.addTab(self.corrections_tab, theme.icon("mdi6.file-undo-outline"), self.tr("退回补正"))
        # 移送 between offices (gui/exchange/transfers.py): decided at the district, seen by the offices
        self.transfers_tab = (
            TransfersTab(ctx, actor, self.level is Level.DISTRICT) if self.level is not Level.COMMUNITY else None
        )
        if self.transfers_tab is not None:
            self.transfers_tab.changed.connect(self.refresh)
            self.tabs.addTab(self.transfers_tab, theme.icon("mdi6.swap-horizontal-bold"), self.tr("移送申请"))
        self.owners_tab = self._owners_tab() if self.level is Level.DISTRICT else None
        if self.owners_tab is not None:
            self.tabs.addTab(self.owners_tab, theme.icon("mdi6.domain"), self.tr("各单位案件"))
        box.addWidget(self.tabs, 1)

    # -- layout -----------------------------------------------------------------------------------

    def _node_panel(self) -> QFrame:
        card = QFrame()
        card.setProperty("kind", "card")
        outer = QVBoxLayout(card)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.setSpacing(4)
        row = QHBoxLayout()
        outer.addLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.node_org = label(f"{self.info.org_name}（{self.info.org_code}）")
        self.node_org.setObjectName("nodeOrg")
        self.node_level = label(self.info.level_label)
        self.node_level.setObjectName("nodeLevel")
        self.node_fingerprint = fingerprint_label(self.info.key_fingerprint)
        self.node_fingerprint.setObjectName("nodeFingerprint")
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(label(self.tr("本节点"), "subtitle"))
        left.addLayout(
            captioned(
                [
                    (self.tr("单位："), self.node_org),
                    (self.tr("层级："), self.node_level),
                    (self.tr("公钥指纹："), self.node_fingerprint),
                ]
            )
        )
        row.addLayout(left)
        # The two key buttons one above the other at the right, the help under the card's whole width:
        # side by side they made the page wider than 1366×768 at 150 % leaves beside the navigation
        # (the window grew past the screen's edge).
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        self.export_key_button = QPushButton(theme.icon("mdi6.key-arrow-right"), self.tr("导出本节点公钥…"))
        self.export_key_button.setObjectName("exportKeyButton")
        self.enrol_button = QPushButton(theme.icon("mdi6.key-plus"), self.tr("登记对方公钥…"))
        self.enrol_button.setObjectName("enrolKeyButton")
        buttons.addWidget(self.export_key_button)
        buttons.addWidget(self.enrol_button)
        buttons.addStretch(1)
        row.addStretch(1)
        row.addLayout(buttons)
        outer.addWidget(
            label(
                self.tr(
                    "与上级或下级交换数据前，双方各导出本节点公钥交给对方，再登记对方的公钥；登记时电话逐组核对指纹。"
                    "公钥文件不含案件数据。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.export_key_button.clicked.connect(self.export_key)
        self.enrol_button.clicked.connect(self.enrol_key)
        self._write_button(self.enrol_button)
        return card

    def _write_button(self, button: QPushButton) -> None:
        """A button whose operation writes: off, with the reason, when the database refuses writes."""
        if self.ctx.db.write_blocked is not None:
            button.setEnabled(False)
            button.setToolTip(self.tr("数据库已禁止写入，请先在“系统设置 → 数据安全”中从备份恢复。"))

    def _up_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(10)
        self.parent_name = label("", wrap=True)
        self.parent_name.setObjectName("parentName")
        self.parent_fingerprint = fingerprint_label()
        self.parent_fingerprint.setObjectName("parentFingerprint")
        self.pending = label("", wrap=True)
        self.pending.setObjectName("pendingCounts")
        box.addLayout(
            captioned(
                [
                    (self.tr("上级单位："), self.parent_name),
                    (self.tr("上级公钥指纹："), self.parent_fingerprint),
                    (self.tr("待报送："), self.pending),
                ]
            )
        )
        self.restore_note = label("", wrap=True)  # after a restore: how to re-base before reporting
        self.restore_note.setObjectName("restoreNotice")
        self.restore_note.setStyleSheet(f"color: {theme.DANGER};")
        self.restore_note.setVisible(False)
        box.addWidget(self.restore_note)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(theme.icon("mdi6.package-up", "#ffffff"), self.tr("生成数据包…"))
        self.export_button.setObjectName("exportBundleButton")
        self.export_button.setProperty("kind", "primary")
        self.export_button.setToolTip(
            self.tr("把上级尚未确认收到的全部记录写成一个数据包，保存到所选文件夹（例如 U 盘）")
        )
        self.receipt_button = QPushButton(theme.icon("mdi6.receipt-text-check-outline"), self.tr("登记回执…"))
        self.receipt_button.setObjectName("takeReceiptButton")
        self.receipt_button.setToolTip(self.tr("登记上级导入后交回的回执：已确认的记录以后不再重复报送"))
        self.import_down_button = QPushButton(theme.icon("mdi6.package-down"), self.tr("导入上级下发的数据包…"))
        self.import_down_button.setObjectName("importFromParentButton")
        self.import_down_button.setToolTip(self.tr("上级下发的补正要求和参考数据"))
        for button in (self.export_button, self.receipt_button, self.import_down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        hint = label(
            self.tr(
                "每次报送：生成数据包，保存到 U 盘交给上级 → 上级导入后交回回执 → 在这里登记回执。"
                "没有回执确认的记录会在下一个数据包里再发一次，数据包丢了也不会漏报。"
            ),
            "muted",
            wrap=True,
        )
        box.addWidget(hint)
        self.up_box = ResultBox(self.tr("最近一次操作"), "upResult", self._show_folder, hint)
        self.up_result = self.up_box.text
        box.addWidget(self.up_box, 1)
        box.addStretch(0)  # takes the room while the result box is hidden
        self.export_button.clicked.connect(self.export_bundle)
        self.receipt_button.clicked.connect(lambda: self.take_receipt(UP))
        self.import_down_button.clicked.connect(lambda: self.import_bundle(UP))
        return tab

    def _down_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(8)
        self.children_table = readonly_table(
            [
                self.tr("下级单位"),
                self.tr("层级"),
                self.tr("公钥指纹"),
                self.tr("登记时间"),
                self.tr("最后收到"),
                self.tr("缺号"),
            ],
            "childrenTable",
        )
        box.addWidget(self.children_table, 1)
        self.no_children = label(
            self.tr("尚未登记下级单位。请下级把公钥文件交来，用上方的“登记对方公钥…”登记。"), "muted", wrap=True
        )
        self.no_children.setObjectName("noChildren")
        box.addWidget(self.no_children)
        self.fork_panel = ForkPanel(self.ctx, self.actor, lambda: self.files)
        self.fork_panel.changed.connect(self.refresh)
        box.addWidget(self.fork_panel)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(theme.icon("mdi6.package-down", "#ffffff"), self.tr("导入数据包…"))
        self.import_button.setObjectName("importBundleButton")
        self.import_button.setProperty("kind", "primary")
        self.import_button.setToolTip(self.tr("先试导入、看清摘要，再确认写入；导入后在数据包旁写回执"))
        self.export_down_button = QPushButton(theme.icon("mdi6.package-up"), self.tr("生成下发数据包…"))
        self.export_down_button.setObjectName("exportDownButton")
        self.down_receipt_button = QPushButton(theme.icon("mdi6.receipt-text-check-outline"), self.tr("登记回执…"))
        self.down_receipt_button.setObjectName("takeDownReceiptButton")
        self.down_receipt_button.setToolTip(self.tr("登记下级导入下发数据包后交回的回执"))
        for button in (self.import_button, self.export_down_button, self.down_receipt_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        hint = label(
            self.tr(
                "导入时先试导入，看清摘要（新增、重复、缺号、有问题的记录）再确认写入；导入后在数据包旁边写一份回执，"
                "请交回报送单位。同一个数据包导入两次不会重复写入。"
            ),
            "muted",
            wrap=True,
        )
        box.addWidget(hint)
        self.down_box = ResultBox(self.tr("最近一次操作"), "downResult", self._show_folder, hint)
        self.down_result = self.down_box.text
        box.addWidget(self.down_box, 2)  # the summary needs more room than a few rows of offices
        box.addStretch(0)
        self.import_button.clicked.connect(lambda: self.import_bundle(DOWN))
        self.export_down_button.clicked.connect(self.export_downward)
        self.down_receipt_button.clicked.connect(lambda: self.take_receipt(DOWN))
        self.children_table.itemSelectionChanged.connect(self._update_down_buttons)
        return tab

    def _quarantine_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(14, 12, 14, 12)
        box.addWidget(
            label(
                self.tr(
                    "报送前自检未通过的记录不放进数据包，接收时有问题的记录单独隔离，其余记录照常处理。"
                    "本单位的记录改正后会随下一个数据包报送；下级的记录请通知该单位改正后重新报送。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.quarantine_table = readonly_table(
            [self.tr("环节"), self.tr("类别"), self.tr("记录"), self.tr("时间"), self.tr("原因")], "quarantineTable"
        )
        box.addWidget(self.quarantine_table, 1)
        self.quarantine_empty = label(self.tr("隔离清单为空。"), "muted")
        self.quarantine_empty.setObjectName("quarantineEmpty")
        box.addWidget(self.quarantine_empty)
        box.addStretch(0)
        return tab

    def _owners_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(14, 12, 14, 12)
        box.addWidget(
            label(
                self.tr(
                    "本库中的案件按管理单位统计（含本单位自己的案件）。各单位最后收到的数据包和缺号见“接收下级数据”。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.owners_table = readonly_table([self.tr("管理单位"), self.tr("案件数")], "ownersTable")
        header = self.owners_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.owners_table, 1)
        return tab

    # -- reading ----------------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.allowed:
            self.refresh()

    def refresh(self) -> None:
        chosen = self.selected_child() if self.down_tab is not None else None
        seen = ops.read(
            self.ctx,
            self.actor,
            exchange.overview,
            parent_side=self.has_parent_side,
            child_side=self.down_tab is not None,
            owners=self.owners_tab is not None,
            transfers=self.transfers_tab is not None,
        )
        self.peers, pending, restored = seen["peers"], seen["pending"], seen["restored"]
        quarantined, corrections, owners, forks = (
            seen["quarantined"],
            seen["corrections"],
            seen["owners"],
            seen["forks"],
        )
        if self.up_tab is not None:
            self._show_parent(pending)
            self.restore_note.setText(restored)
            self.restore_note.setVisible(bool(restored))
        if self.down_tab is not None:
            self._show_children(chosen.node_id if chosen else None)
            self.fork_panel.show_rows(forks)
        rows = [
            (
                text.direction_label(q["direction"]),
                text.kind_label(q["kind"]),
                q["label"],
                local_time(q["at"]),
                q["reason"],
            )
            for q in quarantined
        ]
        fill(self.quarantine_table, rows)
        self.quarantine_table.setVisible(bool(rows))
        self.quarantine_empty.setVisible(not rows)
        self._tab_count(self.quarantine_tab, self.tr("隔离清单"), len(rows))
        self.corrections_tab.show_rows(corrections)
        self._tab_count(self.corrections_tab, self.tr("退回补正"), self.corrections_tab.open_count())
        if self.transfers_tab is not None:
            self.transfers_tab.show_first(seen["transfers"])
            self._tab_count(self.transfers_tab, self.tr("移送申请"), self.transfers_tab.pending_count())
        if self.owners_tab is not None:
            fill(self.owners_table, [(name, str(n)) for name, n in sorted(owners, key=lambda o: (-o[1], o[0]))])
            for r in range(self.owners_table.rowCount()):
                count = self.owners_table.item(r, 1)
                if count is not None:
                    count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _tab_count(self, tab: QWidget, title: str, n: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(tab), self.tr("{title}（{n}）").format(title=title, n=n) if n else title)

    def parent_peer(self) -> PeerRow | None:
        return next((p for p in self.peers if p.relation == "parent"), None)

    def child_peers(self) -> list[PeerRow]:  # not children(): that is QObject's
        return [p for p in self.peers if p.relation == "child"]

    def _show_parent(self, pending: dict[str, int]) -> None:
        parent = self.parent_peer()
        if parent is None:
            self.parent_name.setText(
                self.tr("尚未登记。请向上级索取公钥文件，用上方的“登记对方公钥…”登记，并把本节点的公钥文件交给上级。")
            )
            self.parent_fingerprint.setText("—")
            self.pending.setText("—")
        else:
            self.parent_name.setText(
                self.tr("{org}（{level}，{at} 登记）").format(
                    org=parent.org_name, level=Level(parent.level).label, at=local_time(parent.enrolled_at)
                )
            )
            self.parent_fingerprint.setText(fingerprint_text(parent.fingerprint))
            total = sum(pending.values())
            self.pending.setText(
                self.tr("{counts}（共 {n} 条尚未得到上级回执确认）").format(
                    counts=text.counts_line({k: v for k, v in pending.items() if v}), n=total
                )
                if total
                else self.tr("没有待报送的记录（上级已全部确认）")
            )
        for button in (self.export_button, self.receipt_button, self.import_down_button):
            button.setEnabled(parent is not None)
            self._write_button(button)

    def _show_children(self, chosen_id: str | None) -> None:
        children = self.child_peers()
        self.shown_children = children
        self.children_table.setRowCount(len(children))
        red = QColor(theme.DANGER)
        for r, child in enumerate(children):
            groups = child.fingerprint.split()
            cells = (
                child.org_name,
                Level(child.level).label,
                " ".join(groups[:4]) + " …",
                local_time(child.enrolled_at),
                self.tr("第 {n} 号").format(n=child.last_sequence) if child.last_sequence else self.tr("尚未收到"),
                text.gaps_text(child.gaps) or self.tr("无"),
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c == 2:
                    item.setToolTip(child.fingerprint)
                if c == 5 and child.gaps:
                    item.setForeground(red)
                    item.setToolTip(self.tr("这些序号的数据包没有收到；其内容会随该单位以后的数据包补齐。"))
                self.children_table.setItem(r, c, item)
        self.children_table.setVisible(bool(children))
        self.no_children.setVisible(not children)
        # The user's choice survives a refresh; nothing is chosen for them (a selected row would hide the red gaps).
        keep = next((r for r, c in enumerate(children) if c.node_id == chosen_id), -1)
        if keep >= 0:
            self.children_table.selectRow(keep)
        self._update_down_buttons()

    def selected_child(self) -> PeerRow | None:
        rows = self.children_table.selectionModel().selectedRows()
        shown = self.shown_children  # the rows as the table shows them, not as just read
        return shown[rows[0].row()] if rows and rows[0].row() < len(shown) else None

    def _update_down_buttons(self) -> None:
        has_children = bool(self.child_peers())
        chosen = self.selected_child()
        self.export_down_button.setEnabled(chosen is not None)
        self.export_down_button.setToolTip(
            self.tr("给 {org}：退回补正的要求和本单位的参考数据").format(org=chosen.org_name)
            if chosen
            else self.tr("先在上表中选择一个下级单位")
        )
        for button in (self.import_button, self.down_receipt_button):
            button.setEnabled(has_children)
        for button in (self.import_button, self.export_down_button, self.down_receipt_button):
            self._write_button(button)

    def _box(self, side: str) -> ResultBox:
        box = self.up_box if side == UP else self.down_box
        tab = self.up_tab if side == UP else self.down_tab
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
        return box

    def _show_folder(self, folder: Path | None) -> None:
        if folder:
            self.files.show_folder(folder)

    # -- operations (gui/exchange/keys.py and bundles.py) ------------------------------------------

    @property
    def enrol_dialog(self) -> FingerprintDialog | None:
        return self.keys.enrol_dialog

    @property
    def import_dialog(self) -> ImportDialog | None:
        return self.bundles.import_dialog

    def export_key(self) -> None:
        self.keys.export_key()

    def enrol_key(self) -> None:
        self.keys.enrol_key()

    def _enrolled(self, done: Enrolled) -> None:
        self.refresh()
        relation = self.tr("下级单位") if done.relation == "child" else self.tr("上级单位")
        tab = self.down_tab if done.relation == "child" else self.up_tab
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
        messages.info(
            self, self.tr("已登记{relation}：{org}").format(relation=relation, org=done.org_name), self.tr("登记完成")
        )

    def export_bundle(self) -> None:
        self.bundles.export(UP, None)

    def export_downward(self) -> None:
        child = self.selected_child()
        if child is not None:
            self.bundles.export(DOWN, child.node_id)

    def take_receipt(self, side: str = UP) -> None:
        self.bundles.take_receipt(side)

    def import_bundle(self, side: str = DOWN) -> None:
        self.bundles.import_bundle(side)

    def _show_result(self, side: str, html: str, folder: Path | None, folder_text: str) -> None:
        self._box(side).show_result(html, folder, folder_text)
