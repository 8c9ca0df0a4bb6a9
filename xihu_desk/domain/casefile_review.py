"""卷宗评查: scoring a closed case's file against the district's criteria (issue 20, domain.md §2.2
and the review practice it cites). The criteria are data (resources/templates/casefile_review.toml,
an office's own copy in the data folder's templates/ wins); what each criterion checks is here,
by its key. Every point lost is named: what is missing or late and, where it is a paper of the
file, its number in the 卷内目录.

A criterion loses ``per_defect`` points for each thing found (all of its points when it does not
say), never more than its points; what is found after that is still listed, at 0 points.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from xihu_desk.domain.errors import UserError

FILE_NAME = "casefile_review.toml"


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    points: int
    per_defect: int
    days: int = 0


@dataclass(frozen=True)
class Criteria:
    version: str
    sample: bool  # 示例: the shipped set, not yet the district's own
    items: tuple[Criterion, ...]

    @property
    def max(self) -> int:
        return sum(c.points for c in self.items)


@dataclass(frozen=True)
class Defect:
    item: str
    points: int
    reason: str


@dataclass(frozen=True)
class Score:
    case_no: str
    score: int
    max: int
    defects: list[Defect] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "case_no": self.case_no,
            "score": self.score,
            "max": self.max,
            "defects": [{"item": d.item, "points": d.points, "reason": d.reason} for d in self.defects],
        }


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _item(case: dict[str, Any], number: int) -> dict[str, Any]:
    return next((i for i in case["filing"]["contents"] if i["number"] == number), {})


def _missing(case: dict[str, Any], number: int, what: str = "") -> list[str]:
    item = _item(case, number)
    if item.get("required") and not item.get("present"):
        return [f"缺少{what or item['name']}（卷内目录第{number}项）"]
    return []


def _intake(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    return _missing(case, 1)


def _notice(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    if not _item(case, 2).get("required"):
        return []
    told = _iso(case.get("notice_given_on"))
    if told is None:
        return ["未告知当事人权利义务（卷内目录第2项）"]
    held = sorted(r["held_at"][:10] for r in case["records"])
    if held and date.fromisoformat(held[0]) < told:
        return [f"权利义务告知（{told}）晚于首次调查或调解（{held[0]}）"]
    return []


def _id_proofs(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    return _missing(case, 3)


def _records(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    out = _missing(case, 7, "人民调解记录")
    for i, r in enumerate(sorted(case["records"], key=lambda r: r["held_at"]), start=1):
        what = f"第{i}份{'调解' if r['kind'] == 'mediation' else '调查'}记录（{r['held_at'][:10]}）"
        if not (r.get("recorder") or "").strip():
            out.append(f"{what}未写记录人")
        if not (r.get("participants") or r.get("subject") or "").strip():
            out.append(f"{what}未写参加人或被调查人")
        if not (r.get("body") or "").strip():
            out.append(f"{what}没有记录内容")
        if r["kind"] == "mediation" and not r.get("notice_announced"):
            out.append(f"{what}未记载告知当事人权利义务")
    return out


def _agreement(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    a = case.get("agreement")
    if case.get("outcome") != "succeeded":
        out = [] if (case.get("failure_reason") or "").strip() else ["未写明调解不成功或终止调解的原因"]
        if not case.get("routes_told") and not case.get("told_routes"):
            out.append("未记载告知当事人通过其他途径维护权利")
        return out
    if a is None:
        return ["调解成功但没有登记调解协议（卷内目录第8项）"]
    out = []
    if not [x for x in a.get("clauses") or [] if str(x).strip()]:
        out.append("协议没有具体内容")
    if a["form"] == "oral":
        if not (a.get("registrar") or "").strip():
            out.append("口头协议登记表未写登记人")
        return out
    if not a.get("effective_on"):
        out.append("协议未写生效日期")
    if not a.get("performed_on_the_spot"):
        if not (a.get("performance_method") or "").strip():
            out.append("协议未写明履行方式")
        if not a.get("performance_deadline"):
            out.append("协议未写明履行期限")
    if len(case["parties"]) < 2:
        out.append("协议当事人不足两方")
    return out


def _on_time(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    limit = _iso(case.get("extended_to")) or _iso(case.get("due_on"))
    closed = _iso(case.get("closed_on")) or _iso(case.get("outcome_on"))
    if limit and closed and closed > limit:
        return [f"超过调解期限结案（期限 {limit}，结案 {closed}）"]
    return []


def _followup(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    a = case.get("agreement")
    if case.get("outcome") != "succeeded" or a is None or a.get("performed_on_the_spot"):
        return []
    start = _iso(a.get("effective_on")) or _iso(case.get("outcome_on"))
    if start is None:
        return []
    due = start + timedelta(days=c.days)
    visits = sorted(f["visited_on"] for f in case["followups"] if f.get("visited_on"))
    if visits and date.fromisoformat(visits[0]) > due:
        return [f"首次回访（{visits[0]}）晚于协议生效后{c.days}日（{due}）"]
    if not visits and today > due:
        return [f"协议生效后{c.days}日内未回访（应于 {due} 前，卷内目录第10项）"]
    return []


def _materials(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    # 1, 2, 3, 7 and 8 are scored by their own criteria above
    return [
        f"缺少{i['name']}（卷内目录第{i['number']}项）"
        for i in case["filing"]["contents"]
        if i["required"] and not i["present"] and i["number"] not in (1, 2, 3, 7, 8)
    ]


def _filed(case: dict[str, Any], c: Criterion, today: date) -> list[str]:
    closed = _iso(case.get("closed_on"))
    if closed is None:
        return []
    due = closed + timedelta(days=c.days)
    filed = _iso(case["filing"].get("filed_on"))
    if filed is not None and filed > due:
        return [f"立卷归档（{filed}）超过结案后{c.days}日（{due}）"]
    if filed is None and today > due:
        return [f"结案后{c.days}日内未立卷归档（应于 {due} 前）"]
    return []


CHECKS: dict[str, Callable[[dict[str, Any], Criterion, date], list[str]]] = {
    "intake": _intake,
    "notice": _notice,
    "id_proofs": _id_proofs,
    "records": _records,
    "agreement": _agreement,
    "on_time": _on_time,
    "followup": _followup,
    "materials": _materials,
    "filed": _filed,
}


def load(folder: Path | None = None) -> Criteria:
    """The office's criteria (``folder``/casefile_review.toml) or the shipped ones; a wrong file is a
    message naming what is wrong, never a half-read set."""
    from xihu_desk.paths import resources_dir

    shipped = resources_dir() / "templates" / FILE_NAME
    path = folder / FILE_NAME if folder is not None and (folder / FILE_NAME).is_file() else shipped
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"卷宗评查标准文件 {path} 无法读取：{exc}") from exc
    items = []
    for n, raw in enumerate(data.get("item") or [], start=1):
        key = str(raw.get("key", ""))
        if key not in CHECKS:
            raise UserError(f"卷宗评查标准第{n}项的 key“{key}”不认识，可用的有：{'、'.join(CHECKS)}。")
        points, per, days = raw.get("points"), raw.get("per_defect", raw.get("points")), raw.get("days", 0)
        if not all(isinstance(v, int) and v >= 0 for v in (points, per, days)) or not points:
            raise UserError(f"卷宗评查标准第{n}项（{raw.get('name', key)}）的分值或期限应为正整数。")
        items.append(Criterion(key, str(raw.get("name") or key), points, per, days))
    if not items:
        raise UserError(f"卷宗评查标准文件 {path} 中没有评查项目。")
    return Criteria(str(data.get("version", "")), bool(data.get("sample", False)), tuple(items))


def score(case: dict[str, Any], criteria: Criteria, today: date) -> Score:
    """The file's score and every defect with the points it cost (``case`` as case_detail gives it)."""
    defects: list[Defect] = []
    lost = 0
    for c in criteria.items:
        left = c.points
        for reason in CHECKS[c.key](case, c, today):
            cost = min(left, c.per_defect)
            left -= cost
            defects.append(Defect(c.name, cost, reason if cost else reason + "（本项已扣完）"))
        lost += c.points - left
    return Score(case["case_no"], criteria.max - lost, criteria.max, defects)
