"""Every table of the application on one metadata: import this to have them all registered
(migrations' autogenerate, the model/migration comparison test, the benchmarks).

Model modules are found by name (``models.py`` and ``*_models.py`` in this package), so a new
area's tables are registered without editing this file.
"""

import importlib
import pkgutil
from pathlib import Path

from xihu_desk.store.base import Base

for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _info.name == "models" or _info.name.endswith("_models"):
        importlib.import_module(f"xihu_desk.store.{_info.name}")

metadata = Base.metadata
