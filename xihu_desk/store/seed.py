"""Reference data from db/reference, loaded idempotently and only when its version changed."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xihu_desk import paths
from xihu_desk.domain import committee_codes, workdays
from xihu_desk.store.case_models import RefCode
from xihu_desk.store.committee_models import RefCommitteeCode
from xihu_desk.store.grading_seed import seed_grading_rules
from xihu_desk.store.models import Meta, OrgUnit
from xihu_desk.store.review_models import RefWorkday, RefWorkdayYear


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


def seed_committee_codes(session: Session) -> bool:
    """Upsert the known committees' 字号; a 字号 that left the list stays kept (retired), since
    case numbers were issued with it."""
    data = _load("committee_codes")
    if reference_version(session, "committee_codes") == data["version"]:
        return False
    existing = {r.code: r for r in session.scalars(select(RefCommitteeCode))}
    listed = set()
    for item in data["committees"]:
        code = committee_codes.normalise(item["code"])
        problem = committee_codes.problem(code)
        if problem:
            raise ValueError(f"committee_codes.json: {problem}")
        if code in listed:
            raise ValueError(f"committee_codes.json: 字号“{code}”重复")
        row = existing.get(code) or RefCommitteeCode(code=code)
        row.org_code, row.name = item["org"], item["name"].strip()
        row.confirmed, row.retired = bool(item.get("confirmed", False)), False
        session.add(row)
        listed.add(code)
    for code, row in existing.items():
        if code not in listed:
            row.retired = True
    session.merge(Meta(key="reference.committee_codes", value=data["version"]))
    return True


def seed_codes(session: Session) -> bool:
    """Upsert the code lists; codes that left a list stay, marked retired, for old records."""
    data = _load("codes")
    if reference_version(session, "codes") == data["version"]:
        return False
    apply_codes(session, data["lists"], data["version"])
    return True


def apply_codes(session: Session, lists: dict[str, list[tuple[str, str]]], version: str) -> None:
    """Make the code lists these (the shipped file, or the district's sent down in a bundle):
    new and changed codes upserted in order; a code no longer listed stays, retired."""
    existing = {(c.list_name, c.code): c for c in session.scalars(select(RefCode))}
    listed = set()
    for list_name, items in lists.items():
        for position, (code, label) in enumerate(items):
            row = existing.get((list_name, code)) or RefCode(list_name=list_name, code=code)
            row.label, row.position, row.retired = label, position, False
            session.add(row)
            listed.add((list_name, code))
    for key, row in existing.items():
        if key not in listed:
            row.retired = True
    session.merge(Meta(key="reference.codes", value=version))


def apply_workdays(session: Session, doc: dict) -> list[int]:
    """Load a working-day calendar update (workdays.parse_update's format): each year it lists is
    replaced whole; other years stay. Returns the years loaded. Raises ValueError on bad data."""
    days, notes, years = workdays.parse_update(doc)
    version = str(doc.get("version", ""))
    for year in years:
        session.execute(
            delete(RefWorkday).where(RefWorkday.day >= date(year, 1, 1), RefWorkday.day <= date(year, 12, 31))
        )
        session.merge(RefWorkdayYear(year=year, version=version))
    session.flush()
    for day, working in sorted(days.items()):
        session.add(RefWorkday(day=day, workday=working, note=notes.get(day, "")[:40]))
    session.merge(Meta(key="reference.workdays", value=version))
    session.flush()
    return sorted(years)


def seed_workdays(session: Session) -> bool:
    """The district's calendar update shipped in db/reference/workdays.json (optional)."""
    if not (paths.reference_dir() / "workdays.json").exists():
        return False
    data = _load("workdays")
    if reference_version(session, "workdays") == data["version"]:
        return False
    apply_workdays(session, data)
    return True


def seed_all(session: Session) -> list[str]:
    """Returns the kinds of reference data that were (re)loaded."""
    loaded = []
    if seed_org_units(session):
        loaded.append("org_units")
    if seed_codes(session):
        loaded.append("codes")
    if seed_workdays(session):
        loaded.append("workdays")
    if seed_grading_rules(session):
        loaded.append("grading_rules")
    if seed_committee_codes(session):
        loaded.append("committee_codes")
    return loaded
