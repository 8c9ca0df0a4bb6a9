"""Composition root of the desktop program: logging, QApplication, translations, look, the crash
handler, the database (checked and migrated), then the screens (gui/controller.py).

``xihu-desk gui`` (cli.cmd_gui) and the ``xihu-desk-gui`` entry point both come here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from xihu_desk import APP_NAME, __version__, logsafe, startup_gc
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.paths import DataDir

log = logging.getLogger("xihu_desk")

LOG_FILE_NAME = "xihu-desk.log"
# The same ID is on the installer's shortcuts (packaging/xihu-desk.iss): Windows groups the
# taskbar button with the pinned shortcut. The desktop-file name does the same on Linux.
APP_USER_MODEL_ID = "XihuJustice.XihuDesk"
DESKTOP_FILE_NAME = "xihu-desk"
ALREADY_RUNNING = "西湖司法所工作台已经打开，已切换到打开的窗口。"
NO_DISPLAY = (
    "没有检测到图形显示环境（DISPLAY 和 WAYLAND_DISPLAY 均未设置），无法打开窗口。\n"
    "可用 xvfb-run 或在桌面环境中运行；命令行功能可用 xihu-desk --help 查看。"
)


def display_available() -> bool:
    """Qt aborts the process (rc 134) when Linux has no display; we say so in Chinese instead."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def setup_logging(data: DataDir) -> logging.Handler:
    """A rotating log in the data folder's logs/, where support staff will look for it, written
    without personal data (logsafe.py); a native crash's stack goes to logs/native-crash.log."""
    handler = logsafe.file_handler(data.logs / LOG_FILE_NAME)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    logsafe.protect(log)
    logsafe.enable_faulthandler(data.logs, "gui")
    return handler


def set_windows_app_id() -> bool:
    """Windows: the process's AppUserModelID, so its taskbar button is the shortcut's."""
    if sys.platform != "win32":
        return False
    import ctypes

    try:
        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_USER_MODEL_ID)
    except (AttributeError, OSError):
        return False
    return True


def log_file(data: DataDir) -> Path:
    return data.logs / LOG_FILE_NAME


def _report_first_window(app) -> None:
    """`--startup-check`: print which window the start reached and how long it took, then quit
    (the installers' smoke checks and the start-time measurement use it)."""
    import time

    shown = sorted({type(w).__name__ for w in app.topLevelWidgets() if w.isWindow() and w.isVisible()})
    print(f"startup-check: {', '.join(shown) or '-'} {time.process_time():.2f}s cpu", flush=True)
    app.exit(0 if shown else 1)


def run(data: DataDir, argv: list[str] | None = None, startup_check: bool = False) -> int:
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    try:
        data.ensure()
    except OSError as exc:
        print(f"无法创建数据目录 {data.root}：{exc}", file=sys.stderr)
        return 1
    setup_logging(data)
    log.info("启动 %s %s，数据目录 %s", APP_NAME, __version__, data.root)

    set_windows_app_id()
    # The database layer (SQLAlchemy) before Qt: once PySide6 is loaded, its import hook reads the
    # source of every module imported after it, which costs SQLAlchemy's ~200 modules a tenth of a
    # second on the way to the login window (issue 15).
    from xihu_desk.store import migrate

    _load_keyring_backend(data)
    # Qt is imported only now, so the no-display check above runs without loading it.
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from xihu_desk.gui import crash, gcguard, i18n, messages, prefs, single_instance, theme
    from xihu_desk.gui.controller import AppController

    if QApplication.instance() is None:
        # QtPdf (the print preview) loads later; Qt 6.8 wants this set before the application.
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    existing = QApplication.instance()  # typed as QCoreApplication; a test's qapp is a QApplication
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # Linux: the window belongs to xihu-desk.desktop
    guard = single_instance.claim(app, data.root)
    if guard is None:
        log.info("程序已在运行，已切换到它的窗口")
        print(ALREADY_RUNNING, file=sys.stderr)
        return 0
    app.setOrganizationName(prefs.ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("西湖司法所工作台")
    app.setApplicationVersion(__version__)
    # Windows come and go (wizard, login, main window, back to login); the controller decides
    # when the program ends.
    app.setQuitOnLastWindowClosed(False)
    i18n.install(app)  # the translators are children of the application, kept alive by it
    theme.apply(app, prefs.text_scale())
    gcguard.install(app)  # the garbage collector must not destroy Qt objects on the runner's thread
    app.setWindowIcon(theme.start_icon())  # drawn beforehand: no icon fonts before the login window
    crash.set_log_file(log_file(data))
    crash.install()

    try:
        opened = open_or_unlock(data, (lambda: _report_first_window(app)) if startup_check else None)
    except StorageError as exc:
        log.error("无法打开数据库：%s", exc.message)
        messages.error(None, exc.message, "无法打开数据库")
        return 1
    if opened is None:  # 退出 on the unlock screen: nothing was changed
        log.info("未输入恢复密钥，退出")
        return 0
    if opened.migrated_from is not None:
        log.info("数据库已从 %s 升级，升级前备份：%s", opened.migrated_from, opened.backup)
    if opened.problems:
        log.error("数据库完整性检查未通过：%s", "; ".join(opened.problems[:5]))
    if opened.removed_partials:
        log.info("已删除上次中断时留下的未完成文件：%s", ", ".join(p.name for p in opened.removed_partials))

    _encrypt_old_attachments(data, opened)
    _sweep_scratch(data)  # a killed bundle job's decrypted payload does not wait for the next bundle
    _clear_view_copies()  # those a viewer still held open when the program last ended
    controller = AppController(data, opened)
    watch = _integrity_watch(data, controller)  # the daily full check, once the first window is up
    controller.start()
    # the first window is up: what start-up made lives as long as the program and is never walked
    # again; collection stays with gcguard's timer on the GUI thread (startup_gc.py)
    startup_gc.release()
    QTimer.singleShot(WATCH_DELAY_MS, watch.start)
    if startup_check:
        QTimer.singleShot(0, lambda: _report_first_window(app))
    try:
        code = app.exec()
    finally:
        controller.shutdown()
        _clear_view_copies()
        migrate.end_sessions()  # a clean exit: the next start skips the integrity check
        log.info("退出")
    return code


def _load_keyring_backend(data: DataDir) -> None:
    """A database key sealed in the system keyring is read before the login window (which names
    the unit from the database). keyring's modules load here, before Qt: PySide6's import hook
    would make them cost twice as much (measured: 0.06 s here, 0.14 s after Qt; issue 15)."""
    import importlib

    from xihu_desk.store import db_key

    try:
        marker = None if data.server else db_key.read_marker(data.root)
    except StorageError:  # said where the key is read, with what to do
        return
    if marker is None or marker.sealed != "keyring":
        return
    module = marker.backend.partition(":")[0]
    try:  # only keyring's own modules, as store/db_key.py reads them
        importlib.import_module(module if module.startswith("keyring.backends.") else "keyring")
    except Exception:  # not importable here: the key's reading says what went wrong
        log.info("未能预先加载系统密钥环模块 %s", module or "keyring")


def open_or_unlock(data: DataDir, shown: Callable[[], None] | None = None):
    """The node's database (store/migrate.open_database), after the unlock screen when this
    account cannot open the encrypted file (gui/unlock_screen.py); None when the user chose 退出
    there. A file the sealed key does not open looks damaged to the start: the screen is offered
    first, and declining it goes on to the offer of a backup. ``shown`` is called once the screen
    is up (``--startup-check`` reports it and ends, rather than wait for a key)."""
    from xihu_desk.store import db_key, migrate

    try:
        opened = migrate.open_database(data)
    except db_key.KeyUnavailable as exc:
        log.warning("本账户找不到数据库密钥：%s", exc.message)
        from xihu_desk.gui import unlock_screen

        if not unlock_screen.ask(data, unlock_screen.LOST, shown):
            return None
        return migrate.open_database(data)
    if _key_refused(data, opened):
        from xihu_desk.gui import unlock_screen

        if unlock_screen.ask(data, unlock_screen.REFUSED, shown):
            opened.db.dispose()
            return migrate.open_database(data)
    return opened


def _key_refused(data: DataDir, opened) -> bool:
    """An encrypted file that no key sealed here opens (or a file overwritten with other bytes:
    the two look alike, so the recovery key is asked for before a backup is offered)."""
    from xihu_desk.store import db_key, dbfile, sqlfile

    health = opened.health
    return (
        not data.server
        and health is not None
        and health.state == "damaged"
        and health.revision is None
        and list(health.problems) == [dbfile.NOT_SQLITE_HEADER]
        and sqlfile.is_encrypted(data.database)
        and db_key.read_marker(data.root) is not None
    )


def _encrypt_old_attachments(data: DataDir, opened) -> None:
    """Once after the upgrade to encrypted attachments: the plain files an older version left
    (services/attachments.py); a failure is logged and the program opens all the same."""
    from xihu_desk.services import attachment_mark

    if opened.damaged or not attachment_mark.may_hold_plain(data.root):  # nothing to do: load nothing
        return
    from xihu_desk.gui.busy_note import BusyNote
    from xihu_desk.services import attachments

    note = BusyNote("西湖司法所工作台")  # shown only when there are many (the service reports every 50)

    def say(line: str) -> None:
        log.info("%s", line)
        note(line)

    try:
        done = attachments.encrypt_on_open(data.root, opened.db, say)
    except (OSError, UserError) as exc:
        log.error("加密旧附件未完成：%s", exc)
        return
    finally:
        note.close()
    if done:
        log.info("已加密旧版本保存的附件 %d 个", done)


def _sweep_scratch(data: DataDir) -> None:
    from xihu_desk.sync import scratch

    try:
        removed = scratch.sweep(data.root)
    except OSError as exc:
        log.warning("未能清理数据包临时文件夹：%s", exc)
        return
    if removed:
        log.info("已删除上次中断的数据包临时文件夹 %d 个", removed)


def _clear_view_copies() -> None:
    """The plain copies of attachments opened for viewing do not outlive the program."""
    from xihu_desk.services import view_copies  # files only: no crypto before the login window

    removed = view_copies.clear_view_copies()
    if removed:
        log.info("已删除查看附件时留下的临时副本 %d 个", removed)


# The daily check starts this long after the first window, so it never delays that window; writes
# (the sign-in's too) wait for its verdict, so it starts soon.
WATCH_DELAY_MS = 500


def _integrity_watch(data: DataDir, controller):
    """The daily ``quick_check`` in a background thread (services/integrity_watch.py); when it
    fails, writes are already refused and the user is told how to restore."""
    from PySide6.QtCore import QObject, Signal

    from xihu_desk.domain import clock
    from xihu_desk.gui import messages
    from xihu_desk.services import integrity_watch

    # from now on no write lands before today's check has passed (it may find damage that start-up
    # could not see: the file's size and time unchanged since the last clean exit)
    gate = integrity_watch.hold_writes(data, controller.ctx.db, clock.local_today())

    class Watch(QObject):
        finished = Signal(object)  # dbfile.Health, posted from the checking thread

        def start(self) -> None:
            self.finished.connect(self._report)
            integrity_watch.start_daily(data, controller.ctx.db, clock.local_today(), self.finished.emit, gate)

        def _report(self, health) -> None:
            if health.damaged:
                messages.warning(
                    None,
                    self.tr(
                        "后台完整性检查发现数据库已损坏，程序已转为只读：可以查看，不能保存。\n\n"
                        "请在“系统设置 → 数据安全”中从最新的完好备份恢复，或用命令 xihu-desk restore 恢复。"
                    ),
                    self.tr("数据库已损坏"),
                )

    watch = Watch()
    watch.setParent(controller)
    return watch


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the program's own process: no collection while it starts (startup_gc.py)
        startup_gc.hold()
    parser = argparse.ArgumentParser(prog="xihu-desk-gui", description="西湖司法所工作台")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="数据目录（默认为本机用户数据目录，或环境变量 XIHU_DESK_HOME）"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--startup-check", action="store_true", help="打开第一个窗口后即退出，并显示窗口名称（安装检查用）"
    )
    args = parser.parse_args(argv)
    return run(DataDir(args.data_dir), startup_check=args.startup_check)


if __name__ == "__main__":
    raise SystemExit(main())
