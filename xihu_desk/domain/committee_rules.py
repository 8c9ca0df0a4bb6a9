"""What a people's-mediation committee is made of (人民调解法 Arts 8–9, 34; domain.md §1.1, §3.4):
its kind, the roles of its people, and the composition rules the law sets, checked on the
members serving on a given day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The organisation kinds of issue 18 / domain.md §3.4, in the order the statistics list them.
ORG_KINDS = {
    "community": "村（社区）调委会",
    "street": "街道（镇）调委会",
    "enterprise": "企事业单位调委会",
    "sector": "行业性专业性调委会",
    "stationed": "派驻调解室",
    "studio": "个人调解工作室",
    "npo": "民非调解组织",
}
# The existing committee.kind (which also shapes its 字号) -> its organisation kind, for a
# committee whose particulars have not been entered yet.
FROM_COMMITTEE_KIND = {"community": "community", "village": "community", "street": "street", "town": "street"}

# Art 8: a committee of 3 to 9 members (主任, 副主任 where needed, 委员), women among them, and in
# multi-ethnic areas a member of a smaller ethnic group. Art 34 sets street/township committees
# and those of social organisations up "by reference", so the sector committees are held to it
# too. Studios, stationed rooms and private non-enterprise bodies are not committees under Art 8.
RULED_KINDS = frozenset({"community", "street", "enterprise", "sector"})

ROLES = {"chair": "主任", "vice_chair": "副主任", "member": "委员", "mediator": "调解员"}
# How a case moved between committees (services/escalation.py, store: case_escalation.kind)
MOVES = {"escalate": "提级/移交", "co_mediate": "联合调解"}
COMMITTEE_ROLES = frozenset({"chair", "vice_chair", "member"})  # 调解员 are appointed, not members
MIN_MEMBERS, MAX_MEMBERS = 3, 9
TERM_YEARS = 3  # Art 9: members serve three-year terms


def org_kind_of(committee_kind: str) -> str:
    return FROM_COMMITTEE_KIND.get(committee_kind, "sector")


@dataclass(frozen=True)
class Seat:
    """One person serving on the day checked."""

    name: str
    role: str
    gender: str  # 男, 女 or ""
    ethnic_minority: bool


def serving(term_start: date, term_end: date | None, on: date) -> bool:
    return term_start <= on and (term_end is None or term_end >= on)


def warnings(org_kind: str, multi_ethnic: bool, seats: Iterable[Seat]) -> list[str]:
    """What the law asks that the committee's members on the day do not meet; [] when all is met
    or the law does not ask it of this kind."""
    if org_kind not in RULED_KINDS:
        return []
    members = [s for s in seats if s.role in COMMITTEE_ROLES]
    if not members:
        return ["尚未登记委员会组成人员，无法核对人民调解法第八条的要求（委员三至九人、设主任、应有妇女成员）"]
    out = []
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        out.append(f"委员会由 {MIN_MEMBERS} 至 {MAX_MEMBERS} 人组成（人民调解法第八条），现有 {len(members)} 人")
    chairs = sum(1 for s in members if s.role == "chair")
    if chairs != 1:
        out.append("委员会应设主任一人（人民调解法第八条）" + ("，现未设" if not chairs else f"，现有 {chairs} 人"))
    if not any(s.gender == "女" for s in members):
        out.append("委员会中应当有妇女成员（人民调解法第八条），现无女性委员")
    if multi_ethnic and not any(s.ethnic_minority for s in members):
        out.append("多民族居住地区的委员会中应当有人数较少民族的成员（人民调解法第八条），现无")
    return out
