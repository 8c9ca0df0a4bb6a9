"""Realistic made-up data for demonstrations, tests and benchmarks.

Deterministic for a seed; each run adds to what is there (names already present are skipped).
Names come from Faker zh_CN; ID numbers are built with valid check characters; addresses use
real Xihu road names with made-up numbers. Demo accounts get random passwords, printed once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from xihu_desk.domain.roles import Perm, Role
from xihu_desk.services import audit, committees, mediators, node, users
from xihu_desk.services.context import Actor
from xihu_desk.services.units import writes
from xihu_desk.store.models import Committee, OrgUnit, User

XIHU_ROADS = (
    "文三路",
    "文二西路",
    "文一西路",
    "天目山路",
    "古墩路",
    "学院路",
    "教工路",
    "保俶路",
    "曙光路",
    "西溪路",
    "留下街",
    "转塘街",
    "之江路",
    "紫金港路",
    "三墩路",
    "振华路",
    "莫干山路",
    "余杭塘路",
    "丰潭路",
    "紫荆花路",
    "古翠路",
    "申花路",
    "双浦路",
    "灵隐路",
    "杨公堤",
    "五常大道",
)
COMMUNITY_WORDS = (
    "桂花",
    "紫荆",
    "梅苑",
    "竹园",
    "松木场",
    "青芝坞",
    "金祝",
    "嘉绿",
    "文鼎",
    "益乐",
    "古荡湾",
    "骆家庄",
    "新金都",
    "翠苑一区",
    "翠苑二区",
    "学院",
    "星洲",
    "华星",
    "庆丰",
    "三坝",
    "屏峰",
    "留下",
    "杨家牌楼",
    "龙坞",
    "何家埭",
    "北山",
    "玉泉",
    "曙光",
    "求是",
    "西溪花园",
)
# Birthplace codes for made-up ID numbers: Hangzhou's districts and a few counties elsewhere.
ADDRESS_CODES = (
    "330106",
    "330105",
    "330102",
    "330108",
    "330110",
    "330122",
    "330183",
    "330602",
    "331002",
    "340102",
    "362502",
    "410102",
    "510104",
    "430102",
)


def id_number(rng: random.Random, born_from: int = 1950, born_to: int = 2004) -> str:
    birth = date(born_from, 1, 1) + timedelta(days=rng.randrange((born_to - born_from) * 365))
    body = f"{rng.choice(ADDRESS_CODES)}{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check character


def xihu_address(rng: random.Random) -> str:
    return (
        f"浙江省杭州市西湖区{rng.choice(XIHU_ROADS)}{rng.randrange(1, 900)}号"
        f"{rng.randrange(1, 30)}幢{rng.randrange(1, 7)}{rng.randrange(1, 4):02d}室"
    )


@dataclass(frozen=True)
class DemoCommand:
    seed: int = 1
    committees: int = 6
    mediators: int = 8  # accounts
    cases: int = 200
    today: date | None = None  # the demo's "today": data is deterministic for a seed and a day


@dataclass
class DemoResult:
    committees: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, name, role, password
    cases: int = 0
    reviews: int = 0

    def as_json(self) -> dict:
        return {
            "cases": self.cases,
            "reviews": self.reviews,
            "committees": self.committees,
            "users": [{"username": u, "name": n, "role": r, "password": p} for u, n, r, p in self.accounts],
        }

    def text(self) -> str:
        lines = [f"新增案件 {self.cases} 件，调委会 {len(self.committees)} 个，演示账户 {len(self.accounts)} 个。"]
        if self.accounts:
            lines.append("演示账户的初始密码只显示这一次：")
            lines += [f"  {u}\t{n}\t{r}\t{p}" for u, n, r, p in self.accounts]
        return "\n".join(lines)


def _password(rng: random.Random) -> str:
    # Random per run (never a default password); shape satisfies the password rule.
    return f"Xd{secrets.token_hex(3)}-{rng.randrange(1000, 9999)}"


TRADE_COMMITTEES = (
    "物业纠纷",
    "婚姻家庭纠纷",
    "劳动争议",
    "道路交通事故纠纷",
    "医疗纠纷",
    "消费纠纷",
    "商事纠纷",
    "征迁纠纷",
)


@writes
def fill(session: Session, actor: Actor, cmd: DemoCommand) -> DemoResult:
    actor.require(Perm.MANAGE_USERS)
    rng = random.Random(cmd.seed)
    fake = Faker("zh_CN")
    fake.seed_instance(cmd.seed)
    info = node.node_info(session)
    org = session.get(OrgUnit, info.org_code)
    assert org is not None
    result = DemoResult()
    # Community committees under this office (the district: under random streets and towns).
    units = (
        [org]
        if org.kind != "district"
        else list(session.scalars(select(OrgUnit).where(OrgUnit.kind != "district", OrgUnit.retired.is_(False))))
    )
    existing = set(session.scalars(select(Committee.name)))
    # Each named after a community (village) of its own street or town (db/reference/communities.json).
    from xihu_desk.services.demo_mediation import communities

    # A township takes every other community of its street and a community point the rest, so
    # that the demo committees of an office and of its points never share a name or a 字号.
    def ours(i: int) -> bool:
        return info.level == "district" or (i % 2 == 0) == (info.level == "township")

    places = [(unit, place) for unit in units for i, place in enumerate(communities(unit.code)) if ours(i)]
    rng.shuffle(places)
    # A street with few listed communities is topped up with the trade committees a street sets up
    # (行业性、专业性调委会), so a demo gets the committees it asked for without inventing places.
    trades = [(unit, field) for unit in units for i, field in enumerate(TRADE_COMMITTEES) if ours(i)]
    for unit, place in places + trades:
        if len(result.committees) >= cmd.committees:
            break
        name = f"{unit.name}{place}人民调解委员会"
        if name in existing:
            continue
        # No 字号 given: the default from the name (北山街道北山社区 → 北山社区), unique in the district.
        kind = "other" if place in TRADE_COMMITTEES else "village" if place.endswith("村") else "community"
        committees.create_committee(session, actor, committees.CommitteeCommand(name, "", unit.code, kind))
        result.committees.append(name)
    taken = set(session.scalars(select(User.username)))
    roles = [Role.MEDIATOR] * max(1, cmd.mediators - 2) + [Role.REVIEWER, Role.HEAD]
    mediator_accounts: list[tuple[int, users.UserRow]] = []
    for role in roles[: cmd.mediators]:
        name = fake.name()
        username = f"{role.value[:3]}{rng.randrange(100, 999)}"
        if username in taken:
            continue
        taken.add(username)
        password = _password(rng)
        row = users.create_user(session, actor, users.UserCommand(username, name, role.value, password))
        result.accounts.append((username, name, role.label, password))
        if role is Role.MEDIATOR:
            mediator_accounts.append((len(result.accounts) - 1, row))
    if cmd.cases and org.kind != "district":  # the district receives cases in bundles, it does not mediate
        from xihu_desk.services import demo_cases

        result.cases = demo_cases.make_cases(session, actor, rng, fake, cmd.cases, cmd.today or actor.today)
        from xihu_desk.services import demo_platform  # 平台案件编号 on most cases: its own generator

        demo_platform.fill(session, actor, cmd.seed, cmd.today or actor.today)
    if info.level == "township":  # legality review is the office's work (services/demo_reviews.py)
        from xihu_desk.services import demo_reviews

        result.reviews = demo_reviews.make_reviews(session, actor, rng, cmd.today or actor.today)
    if org.kind != "district":  # the roster's profiles, trainings, awards, grades (services/demo_mediators.py)
        from xihu_desk.services import demo_mediators

        demo_mediators.fill_roster(session, actor, rng, fake, cmd.today or actor.today)
        from xihu_desk.services import demo_screening  # 矛盾纠纷排查, from its own generator

        demo_screening.make_screening(session, actor, cmd.seed, cmd.today or actor.today)
        from xihu_desk.services import demo_committees  # particulars, members, escalated cases: own Random

        demo_committees.fill(session, actor, cmd.today or actor.today)
        from xihu_desk.services import demo_subsidy  # 在编 mediators left out of 以案定补: own Random

        demo_subsidy.fill(session, actor, cmd.seed)
    _link_accounts(session, actor, result, mediator_accounts)
    audit.record(
        session,
        actor,
        "demo.fill",
        "node",
        info.node_id,
        summary=f"生成演示数据（种子 {cmd.seed}）：案件 {result.cases} 件，调委会 {len(result.committees)} 个，账户 {len(result.accounts)} 个",
    )
    return result


def _link_accounts(
    session: Session, actor: Actor, result: DemoResult, accounts: list[tuple[int, users.UserRow]]
) -> None:
    """A mediator's account is a person on the roster: each new mediator account takes the name of
    an unlinked roster entry of this node's committees and is linked to it (我的案件 then works)."""
    own = {c.uuid for c in committees.list_committees(session, own_only=True)}
    linked = set(session.scalars(select(User.mediator_uuid).where(User.mediator_uuid.is_not(None))))
    free = [m for m in mediators.list_mediators(session) if m.committee_uuid in own and m.uuid not in linked]
    for (index, row), m in zip(accounts, free, strict=False):
        users.update_user(
            session,
            actor,
            row.uuid,
            users.UserCommand(row.username, m.name, row.role, committee_uuid=m.committee_uuid, mediator_uuid=m.uuid),
        )
        username, _name, label, password = result.accounts[index]
        result.accounts[index] = (username, m.name, label, password)
