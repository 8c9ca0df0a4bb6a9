"""Which 字号 are taken on this node: every committee's (deleted ones too, their case numbers
stay) and those the reference list keeps for a named committee. Used when a committee is added
(services/committees.py) and when one arrives in a bundle (store/aggregates.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import committee_codes as rules
from xihu_desk.store.committee_models import RefCommitteeCode
from xihu_desk.store.models import Committee, OrgUnit


class CodeBook:
    """The 字号 in use here, read once; ``take`` adds those written since (a bundle's batch)."""

    def __init__(self, session: Session) -> None:
        self.used: dict[str, tuple[str, str]] = {}  # 字号 -> (committee uuid, name)
        self.current: dict[str, str] = {}  # committee uuid -> its 字号 here
        for uuid, name, code in session.execute(select(Committee.uuid, Committee.name, Committee.short_name)):
            self.used.setdefault(code, (uuid, name))
            self.current[uuid] = code
        self.reserved: dict[str, tuple[str, str]] = {}  # 字号 -> (org code, committee name) it is kept for
        self.former: set[str] = set()  # kept because a committee used it before (retired from the list)
        self.known: dict[tuple[str, str], str] = {}  # the listed 字号 of a committee (not a former one)
        for r in session.scalars(select(RefCommitteeCode)):
            self.reserved[r.code] = (r.org_code, r.name)
            if r.retired:
                self.former.add(r.code)
            else:
                self.known[(r.org_code, r.name)] = r.code
        self._session = session

    def taken(self, code: str) -> bool:
        return code in self.used or code in self.reserved

    def clash(self, code: str, name: str, org_code: str, uuid: str = "") -> str | None:
        """Why ``code`` cannot be the 字号 of this committee, naming the other one; None if it can."""
        problem = rules.problem(code)
        if problem:
            return problem
        holder = self.used.get(code)
        if holder is not None and holder[0] != uuid:
            return f"字号“{code}”已由“{holder[1]}”使用，两个调委会会发出相同的案件编号"
        kept = self.reserved.get(code)
        if kept is not None and (kept[0], kept[1]) != (org_code, name.strip()):
            if code in self.former:
                return f"字号“{code}”是“{kept[1]}”以前的字号，可能已用在案件编号中"
            return f"字号“{code}”在调委会字号表中留给“{kept[1]}”，两个调委会会发出相同的案件编号"
        return None

    def suggestion(self, name: str, org_code: str, kind: str) -> str:
        """The reference list's 字号 for this committee if it has one and it is free, else the default."""
        name = name.strip()
        listed = self.known.get((org_code, name))
        if listed and listed not in self.used:
            return listed
        unit = self._session.get(OrgUnit, org_code)
        return rules.default_code(name, unit.name if unit else "", unit.short_name if unit else "", kind, self.taken)

    def take(self, code: str, uuid: str, name: str) -> None:
        self.used.setdefault(code, (uuid, name))
        self.current[uuid] = code

    def admit(self, values: dict[str, Any]) -> None:
        """A committee arriving in a bundle: refused (BadRecord, so the import quarantines that
        record and goes on) when its 字号 clashes; a 字号 that does not change is let through. When
        its owner changed it, the former 字号 stays kept for it here too."""
        from xihu_desk.store.aggregates import BadRecord

        code, uuid = values["short_name"], values["uuid"]
        before = self.current.get(uuid)
        if before != code:
            why = self.clash(code, values["name"], values["org_code"], uuid)
            if why:
                raise BadRecord(f"{why}；请发送单位为该调委会另定字号后重新报送")
            if before is not None and before not in self.reserved:  # its owner changed it: keep the old one
                self._session.add(
                    RefCommitteeCode(
                        code=before, org_code=values["org_code"], name=values["name"], confirmed=False, retired=True
                    )
                )
                self.reserved[before] = (values["org_code"], values["name"])
                self.former.add(before)
        self.take(code, uuid, values["name"])
