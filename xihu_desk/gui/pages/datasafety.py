"""数据安全: the database's encryption (pages/datasafety_keys.py), the integrity check, backup
now, the list of backups and restore (from the list or from a file, with the recovery key when
the backup was made on another PC).

A restore replaces the database under the running program, so afterwards the session ends and
the user signs in again on the restored data (the controller reopens everything).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk import __version__
from xihu_desk.gui import messages, ops, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.fmt import size_text
from xihu_desk.gui.pages.datasafety_keys import EncryptionGroup, restore_from
from xihu_desk.gui.widgets import label
from xihu_desk.paths import DataDir
from xihu_desk.services import maintenance, settings
from xihu_desk.services.context import Actor


class _Estimated:
    """The backup's progress with its time estimate after each stage's text."""

    def __init__(self, progress: Any, note: str) -> None:
        self.progress, self.note, self.stage = progress, note, ""

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        if stage is not None:
            self.stage = stage
        self.progress.step(done=done, stage=self.stage + self.note, total=total)


def _estimated_backup(data: DataDir, db: Any, actor: Actor, note: str, progress: Any) -> Path:
    """On the DB thread: the estimate (``note`` has "{t}" for it), then the backup itself."""
    estimated = _Estimated(progress, note.format(t=maintenance.duration_text(maintenance.backup_estimate(data))))
    estimated.step()
    return maintenance.backup_now(data, db, actor, progress=estimated)


class _BackupTable(QTableWidget):
    """Asks for no more height than its minimum: it takes what the page has left, and the page
    (in a scroll area) scrolls only when even that does not fit (large text)."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class DataSafetyTab(QWidget):
    changed = Signal(str)  # a line for the status bar
    database_replaced = Signal(object)  # maintenance.RestoreResult after a restore

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.server = ctx.data.server  # an office's PostgreSQL database instead of the file
        self.backups: list[maintenance.BackupInfo] = []
        # scrolls when the text is large (150 %) rather than pushing the window past the screen
        box = QVBoxLayout(screenfit.scrolling_body(self))
        box.setContentsMargins(12, 12, 12, 12)
        box.setSpacing(12)

        self.encryption: EncryptionGroup | None = None
        if not self.server:  # a server's disks and dumps are encrypted by the server's keepers
            self.encryption = EncryptionGroup(ctx, actor, self)
            self.encryption.changed.connect(self.changed)
            box.addWidget(self.encryption)

        check_group = QGroupBox(self.tr("完整性检查"))
        check_box = QVBoxLayout(check_group)
        check_box.addWidget(
            label(
                self.tr(
                    "检查数据库版本是否与程序一致、审计日志的哈希链是否完整、案件记录是否与程序写入时一致。"
                    "检查只读取数据，不做修改。"
                )
                if self.server
                else self.tr(
                    "检查数据库文件是否完好、数据库版本是否与程序一致、审计日志的哈希链是否完整。检查只读取数据，不做修改。"
                ),
                "muted",
                wrap=True,
            )
        )
        row = QHBoxLayout()
        self.check_button = QPushButton(theme.icon("mdi6.shield-check-outline"), self.tr("立即检查"))
        row.addWidget(self.check_button)
        row.addStretch(1)
        check_box.addLayout(row)
        self.check_result = QLabel()
        self.check_result.setObjectName("checkResult")
        self.check_result.setTextFormat(Qt.TextFormat.RichText)
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        check_box.addWidget(self.check_result)
        box.addWidget(check_group)

        backup_group = QGroupBox(self.tr("备份与恢复"))
        backup_box = QVBoxLayout(backup_group)
        self.policy = label("", "muted", wrap=True)
        backup_box.addWidget(self.policy)
        row = QHBoxLayout()
        self.backup_button = QPushButton(theme.icon("mdi6.content-save-move-outline"), self.tr("立即备份"))
        self.restore_button = QPushButton(theme.icon("mdi6.backup-restore"), self.tr("恢复所选备份…"))
        self.restore_file_button = QPushButton(theme.icon("mdi6.file-restore-outline"), self.tr("从文件恢复…"))
        self.restore_file_button.setToolTip(self.tr("恢复 U 盘上或其他电脑制作的备份（需要该节点的恢复密钥）"))
        self.restore_file_button.setVisible(not self.server)
        self.folder_button = QPushButton(theme.icon("mdi6.folder-open-outline"), self.tr("打开备份文件夹"))
        for button in (self.backup_button, self.restore_button, self.restore_file_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        backup_box.addLayout(row)
        self.table = _BackupTable(0, 4)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("类型"), self.tr("大小"), self.tr("文件")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(self.fontMetrics().height() * 6)  # a few rows at least
        backup_box.addWidget(self.table, 1)
        self.empty_note = label(self.tr("还没有备份。"), "muted")
        backup_box.addWidget(self.empty_note)
        box.addWidget(backup_group, 1)

        self.check_button.clicked.connect(self.run_check)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_file)
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.data.backups)))
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self.encryption is not None:
            self.encryption.refresh()
        if self.server:
            self.policy.setText(
                self.tr(
                    "本单位的数据库在单位服务器上，工作台不自动备份它：请信息管理员在服务器上每天夜里运行一次 "
                    "xihu-desk backup。这里可随时手动备份（pg_dump 格式，写完即校验），备份保存在本机：{folder}"
                ).format(folder=self.ctx.data.backups)
            )
        else:
            self._file_policy()
        self._list_backups()

    def _file_policy(self) -> None:
        interval = ops.session_read(self.ctx, settings.get, "backup_interval_minutes")
        self.policy.setText(
            self.tr(
                "有改动时每 {n} 分钟自动备份一次。保留最近 24 小时内的全部备份，以及最近 12 天、10 周、9 个月各一份。"
                "备份保存在本机的数据目录中：{folder}"
            ).format(n=interval, folder=self.ctx.data.backups)
        )

    def _list_backups(self) -> None:
        self.backups = maintenance.list_backups(self.ctx.data)
        self.table.setRowCount(len(self.backups))
        for i, b in enumerate(self.backups):
            cells = (b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.reason_label, size_text(b.size), b.path.name)
            for column, text in enumerate(cells):
                self.table.setItem(i, column, QTableWidgetItem(text))
        self.empty_note.setVisible(not self.backups)
        if self.backups:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> maintenance.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        blocked = self.ctx.db.write_blocked is not None
        self.restore_button.setEnabled(self.selected() is not None)
        self.backup_button.setEnabled(not blocked)
        self.backup_button.setToolTip(self.tr("数据库已禁止写入，请先从备份恢复。") if blocked else "")

    # -- operations (all on the DB thread) ---------------------------------------------------------

    def run_check(self) -> None:
        """On the DB thread with a progress dialog that says how long it will take; 取消 stops it."""
        seconds = maintenance.check_estimate(self.ctx.data)
        label = self.tr("正在检查数据库（预计{t}）…").format(t=maintenance.duration_text(seconds))
        ops.call(
            self.ctx,
            self.actor,
            lambda data, database, _actor, progress: maintenance.check(data, database, progress=progress),
            with_data=True,
            with_progress=True,
            label=label,
            parent=self,
            on_ok=self._show_report,
        )

    def _show_report(self, report: maintenance.CheckReport) -> None:
        ok, bad = theme.SUCCESS, theme.DANGER

        def line(good: bool, text: str) -> str:
            return f"<div style='color:{ok if good else bad}'>{'✓' if good else '✗'} {escape(text)}</div>"

        lines = [
            line(
                not report.integrity,
                self.tr("数据库由单位服务器保管（PostgreSQL 的预写日志保护数据页）")
                if self.server
                else self.tr("数据库文件完好")
                if not report.integrity
                else self.tr("数据库文件有问题：{p}").format(p="；".join(report.integrity[:3])),
            ),
            line(report.schema_revision == report.schema_head, self.version_text(report)),
            line(
                report.audit_first_broken is None,
                self.tr("审计日志 {n} 条，哈希链完整").format(n=report.audit_events)
                if report.audit_first_broken is None
                else self.tr("审计日志哈希链断裂：{r}").format(r=report.audit_reason),
            ),
            *(
                [
                    line(
                        report.records.ok,
                        self.tr("案件记录 {n} 件，与程序写入时一致").format(n=report.records.cases)
                        if report.records.ok
                        else self.tr("案件记录有问题：{what}").format(
                            what=report.records.line().removeprefix("案件记录：")
                        ),
                    )
                ]
                if report.records is not None
                else []
            ),
            line(
                bool(report.backups),
                self.tr("已有 {n} 份备份").format(n=len(report.backups))
                if report.backups
                else self.tr("尚无备份，建议立即备份"),
            ),
        ]
        verdict = self.tr("检查通过。") if report.ok else self.tr("检查未通过，请联系技术支持，或从完好的备份恢复。")
        self.check_result.setText(
            f"<p><b>{escape(verdict)}</b></p>"
            + "".join(lines)
            + f"<div style='color:{theme.MUTED}'>{escape(self._engine_text(report))}"
            f" · {escape(self.tr('参考数据'))} {escape(report.reference_version or '—')}</div>"
        )
        # the migration heads are for technical support only: in the tooltip, not in the line
        self.check_result.setToolTip(
            self.tr("数据库结构版本：{r}\n本程序的结构版本：{h}").format(
                r=report.schema_revision or "—", h=report.schema_head
            )
        )
        self.changed.emit(verdict)

    def _engine_text(self, report: maintenance.CheckReport) -> str:
        """SQLite's version, or the server's (its CheckReport names PostgreSQL and its version)."""
        if self.server:
            return self.tr("单位服务器，{version}").format(version=report.sqlite_version)
        return f"SQLite {report.sqlite_version}"

    def version_text(self, report: maintenance.CheckReport) -> str:
        """The program's version and whether the database's structure is the one it writes."""
        state = (
            self.tr("最新") if report.schema_revision == report.schema_head else self.tr("需要升级（请重新打开程序）")
        )
        return self.tr("程序版本 {v}，数据库结构：{state}").format(v=__version__, state=state)

    def backup_now(self) -> None:
        # The estimate counts the attachment files in the database (0.18 s at 20,000): it is
        # worked out on the DB thread with the backup, and the dialog shows it once known.
        ops.call(
            self.ctx,
            self.actor,
            _estimated_backup,
            self.tr("（预计{t}）"),
            with_data=True,
            with_progress=True,
            label=self.tr("正在备份…"),
            parent=self,
            on_ok=self._backed_up,
        )

    def _backed_up(self, path) -> None:
        self.refresh()
        self.changed.emit(self.tr("已备份并校验：{name}").format(name=path.name))
        messages.info(self, self.tr("已备份并校验通过：\n{path}").format(path=path))

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if self.server:  # never over the database other desks work in: what the IT person does
            messages.info(
                self,
                self.tr(
                    "单位服务器上的数据库不能在工作台中直接恢复（其他工作台可能正在使用它）。"
                    "请信息管理员新建一个空数据库，运行 xihu-desk --database 新数据库地址 restore 备份文件，"
                    "再把各工作台的数据库地址改为新数据库。\n\n所选备份：{path}"
                ).format(path=chosen.path),
                self.tr("从备份恢复"),
            )
            return
        taken = self.tr(" {at} 的备份（{reason}）").format(
            at=chosen.taken_at.strftime("%Y-%m-%d %H:%M:%S"), reason=chosen.reason_label
        )
        restore_from(self, self.ctx, self.actor, chosen.path, taken, self.database_replaced.emit)

    def restore_file(self) -> None:
        """A backup outside the list: on a USB stick, or made on another PC (its recovery key)."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), folder, self.tr("备份文件 (*.sqlite3 *.db);;所有文件 (*)")
        )
        if path:
            self.restore_path(Path(path))

    def restore_path(self, path: Path) -> None:
        taken = self.tr("备份文件 {name} ").format(name=path.name)
        restore_from(self, self.ctx, self.actor, path, taken, self.database_replaced.emit)
