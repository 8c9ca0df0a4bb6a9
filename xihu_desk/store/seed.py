"""Reference data from db/reference, loaded idempotently and only when its version changed."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk import paths
from xihu_desk.store.models import Meta, OrgUnit


def _load(name: str) -> dict:
    return json.loads((paths.reference_dir() / f"{name}.json").read_text(encoding="utf-8"))


def reference_version(session: Session, kind: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == f"reference.{kind}"))


def seed_org_units(session: Session) -> bool:
    """Upsert the org-unit list; units that left the list are kept, marked retired."""
    data = _load("org_units")
    if reference_version(session, "org_units") == data["version"]:
        return False
    existing = {u.code: u for u in session.scalars(select(OrgUnit))}
    listed = set()
    for item in data["units"]:
        unit = existing.get(item["code"]) or OrgUnit(code=item["code"])
        unit.name = item["name"]
        unit.short_name = item.get("short", item["name"])
        unit.kind = item["kind"]
        unit.parent_code = item["parent"]
        unit.code_year = data["version"]
        unit.retired = False
        session.add(unit)
        listed.add(item["code"])
    for code, unit in existing.items():
        if code not in listed:
            unit.retired = True
    session.merge(Meta(key="reference.org_units", value=data["version"]))
    return True


def seed_all(session: Session) -> list[str]:
    """Returns the kinds of reference data that were (re)loaded."""
    loaded = []
    if seed_org_units(session):
        loaded.append("org_units")
    return loaded
