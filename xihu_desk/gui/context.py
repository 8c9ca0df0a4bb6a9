"""What every window needs: the data folder, the runner (which holds the current database) and the
test seams for timers."""

from __future__ import annotations

from dataclasses import dataclass

from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.store.uow import Database


@dataclass
class AppContext:
    data: DataDir
    runner: Runner
    # Tests shorten the idle lock and the backup timer; None means "from the node's settings".
    idle_timeout_ms: int | None = None
    backup_interval_ms: int | None = None

    @property
    def db(self) -> Database:
        return self.runner.db
