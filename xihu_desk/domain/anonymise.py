"""Anonymising a case for the district's typical-case collection (《矛盾纠纷调解典型案例汇编》).

Every party, representative and agent gets one pseudonym, used wherever the name appears: a person
is their surname and 某 (王某), an organisation 某 and its kind (某公司, 某社区居委会); two of the same
get 甲, 乙, 丙 … (王某甲, 王某乙). ID numbers, credit codes, phone numbers and addresses go; exact
days go (2026年3月20日 → 2026年3月某日); case and agreement numbers go. Mediators and the committee
are named: the collection credits them.

``Pseudonyms.leaks`` lists what of the case is still in a text, so a write-up is refused rather
than printed with a name left in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "申屠",
        "太史",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "钟离",
        "赫连",
        "万俟",
        "第五",
        "梁丘",
        "左丘",
        "东郭",
        "南门",
    ]
)
ORDINALS = "甲乙丙丁戊己庚辛壬癸"
# An organisation's pseudonym by the end of its name (longest first); anything else is 某单位.
ORG_KINDS = (
    ("居民委员会", "某社区居委会"),
    ("村民委员会", "某村委会"),
    ("股份经济合作社", "某经济合作社"),
    ("合作社", "某合作社"),
    ("公司", "某公司"),
    ("事务所", "某事务所"),
    ("医院", "某医院"),
    ("学校", "某学校"),
    ("幼儿园", "某幼儿园"),
    ("酒店", "某酒店"),
    ("超市", "某超市"),
    ("餐厅", "某餐厅"),
    ("饭店", "某饭店"),
    ("商行", "某商行"),
    ("店", "某店"),
    ("厂", "某厂"),
)
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10})(?![0-9A-Za-z])"
)
PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")
CASE_NO = re.compile(r"[（(]\d{4}[）)][^（）()\s，。、]{0,16}?字?第\d+号")
_CN_DIGITS = "〇零一二三四五六七八九十"
DAY = re.compile(rf"(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})月(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})日")
ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)")
# Where an address stops being a place everyone knows: after the county (区/县) or, lacking one, the city.
_COARSE = re.compile(r"^(?:[^省市区县]{2,7}(?:省|自治区))?(?:[^省市区县]{1,7}市)?(?:[^省市区县]{1,7}[区县])?")
ID_GONE = "（证件号码略）"
PHONE_GONE = "（电话略）"
PLACE_GONE = "某处"


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def org_pseudonym(name: str) -> str:
    for ending, pseudonym in ORG_KINDS:
        if name.rstrip("）)").endswith(ending) or ending in name[-8:]:
            return pseudonym
    return "某单位"


def coarse_place(address: str) -> str:
    """The county (or city) an address is in, and 某处: 杭州市西湖区文三路478号 → 杭州市西湖区某处."""
    head = _COARSE.match(address.strip())
    prefix = head.group(0) if head else ""
    return (prefix if len(prefix) >= 3 else "") + PLACE_GONE


@dataclass
class Pseudonyms:
    """The case's people and organisations and what each becomes; ``apply`` rewrites a text."""

    names: dict[str, str] = field(default_factory=dict)  # real name → pseudonym
    numbers: set[str] = field(default_factory=set)  # ID numbers and credit codes of the case
    phones: set[str] = field(default_factory=set)
    addresses: dict[str, str] = field(default_factory=dict)  # address → coarse place
    persons: set[str] = field(default_factory=set)
    _taken: dict[str, list[str]] = field(default_factory=dict)  # pseudonym → the names holding it

    def add_person(self, name: str | None) -> None:
        if name and len(name.strip()) >= 2:
            self.persons.add(name.strip())
        self._add(name, lambda n: surname(n) + "某")

    def add_org(self, name: str | None) -> None:
        self._add(name, org_pseudonym)

    def _add(self, name: str | None, make: Any) -> None:
        name = (name or "").strip()
        if len(name) < 2 or name in self.names:
            return
        base = make(name)
        holders = self._taken.setdefault(base, [])
        holders.append(name)
        if len(holders) == 1:
            self.names[name] = base
            return
        # A second of the same: each holder takes a letter in the order first met (王某甲, 王某乙).
        for i, holder in enumerate(holders):
            self.names[holder] = base + ORDINALS[i % len(ORDINALS)] + ("" if i < len(ORDINALS) else str(i))

    def add_party(self, p: dict[str, Any]) -> None:
        (self.add_person if p.get("kind") == "person" else self.add_org)(p.get("name"))
        for key in ("legal_rep", "guardian", "agent_name"):
            self.add_person(p.get(key))
        rep = p.get("legal_representative") or {}
        self.add_person(rep.get("name"))
        for number in (p.get("id_number"), p.get("credit_code"), rep.get("id_number")):
            if number and "*" not in number:
                self.numbers.add(number.strip())
        for phone in (p.get("phone"), p.get("agent_phone"), rep.get("phone")):
            if phone and phone.strip():
                self.phones.add(phone.strip())
        for key in ("address", "service_address"):
            address = (p.get(key) or "").strip()
            if len(address) >= 4:
                self.addresses[address] = coarse_place(address)

    def _replacements(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = list(self.addresses.items())
        pairs += [(n, ID_GONE) for n in self.numbers] + [(p, PHONE_GONE) for p in self.phones]
        pairs += list(self.names.items())
        for name in self.persons:
            # A person named by the given name alone (建国 for 王建国): two characters or more only,
            # since one character is too often an ordinary word.
            given = name[len(surname(name)) :]
            if len(given) >= 2 and len(name) <= 4:
                pairs.append((given, self.names[name]))
        return sorted(pairs, key=lambda pr: -len(pr[0]))  # longest first: 王建国 before 建国

    def apply(self, text: str | None) -> str:
        text = text or ""
        for real, fake in self._replacements():
            text = text.replace(real, fake)
        text = CASE_NO.sub("", text)
        text = ID_NUMBER.sub(ID_GONE, text)
        text = PHONE.sub(PHONE_GONE, text)
        text = ISO_DAY.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月某日", text)
        return DAY.sub(lambda m: f"{int(m.group(1)) if m.group(1).isdigit() else m.group(1)}月某日", text)

    def leaks(self, text: str) -> list[str]:
        """What of the case's people is still in ``text``: names, numbers, phones, addresses."""
        found = [n for n in self.names if n in text]
        found += [n for n in self.numbers if n in text]
        found += [p for p in self.phones if len(p) >= 7 and p in text]
        found += [a for a in self.addresses if a in text]
        return found


def of_parties(parties: Iterable[dict[str, Any]]) -> Pseudonyms:
    """Pseudonyms for a case's parties, applicants first so 甲 goes to the first applicant."""
    order = {"applicant": 0, "respondent": 1, "third": 2}
    out = Pseudonyms()
    for p in sorted(parties, key=lambda p: order.get(p.get("role", ""), 3)):
        out.add_party(p)
    return out
