"""Is the reference data shipped in db/reference already loaded? One query of the ``meta`` table
against the versions in the files, so a start whose reference data is current neither takes the
write lock nor imports the seeding code and the models it needs (issue 15). ``seed.seed_all``
makes the same comparison kind by kind when this says a load is due.

No SQLAlchemy and no models here: only the files and a plain query."""

from __future__ import annotations

import json
from typing import Any

from xihu_desk import paths

# The kinds seed.seed_all loads, each compared with the meta row "reference.<kind>".
KINDS = ("org_units", "codes", "workdays", "grading_rules", "committee_codes")
OPTIONAL = frozenset({"workdays", "grading_rules"})  # seeding skips these when the file is absent

# No LIKE 'reference.%': psycopg reads a % in driver-level SQL as a placeholder (PostgreSQL desks).
QUERY = "SELECT key, value FROM meta WHERE substr(key, 1, 10) = 'reference.'"


def shipped() -> dict[str, Any]:
    """kind -> the version of the file this program ships."""
    versions = {}
    for kind in KINDS:
        path = paths.reference_dir() / f"{kind}.json"
        if kind in OPTIONAL and not path.exists():
            continue
        versions[kind] = json.loads(path.read_text(encoding="utf-8"))["version"]
    return versions


def stored(rows: Any) -> dict[str, str]:
    """kind -> the version recorded in the database, from the rows of ``QUERY``."""
    return {key.removeprefix("reference."): value for key, value in rows}


def due(loaded: dict[str, str]) -> list[str]:
    """The kinds whose shipped version is not the one loaded (empty: nothing to seed)."""
    return [kind for kind, version in shipped().items() if loaded.get(kind) != version]
