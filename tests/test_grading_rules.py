"""Grading rules without a database: the shipped rule sets, evaluation naming every threshold
missed, the evidence's derived figures, cumulative service, who may apply."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from xihu_desk import paths
from xihu_desk.domain import grading
from xihu_desk.domain.grading import Evidence, RuleSet, RuleSetError, Threshold
from xihu_desk.store import grading_seed


def shipped() -> list[RuleSet]:
    doc = json.loads((paths.reference_dir() / "grading_rules.json").read_text(encoding="utf-8"))
    return [grading.parse_rule_set(s) for s in doc["sets"]]


def blank_evidence() -> Evidence:
    return grading.tally("m1", "周调解", "full_time", date(2024, 1, 1), date(2025, 12, 31), service_days=0,
                         per_year={}, cases_lead=0, cases_concluded=0, cases_succeeded=0, oral_agreements=0,
                         written_agreements=0, by_difficulty={}, confirmed_cases=0, followups=0, training_tenths=0,
                         training_sessions=0, awards=0, complaints=0, complaints_upheld=0, discipline=0, escalations=0)


def at(t: Threshold, value: Decimal) -> dict:
    """The evidence field that carries the threshold's metric, set to ``value`` (per cent for rates)."""
    return {t.metric: value / 100 if grading.METRICS[t.metric].rate else value}


def exactly_meeting(rules: RuleSet, level: str) -> Evidence:
    ev = blank_evidence()
    for t in (*rules.basic, *rules.level(level).thresholds):
        ev = replace(ev, **at(t, t.value))
    return ev


def level_cases() -> list[tuple[str, str]]:
    return [(r.code, lv.code) for r in shipped() for lv in r.levels]


def test_both_schemes_are_shipped_with_their_levels_highest_first() -> None:
    sets = {r.code: r for r in shipped()}
    assert [lv.name for lv in sets["zhejiang-2017"].levels] == ["特级", "一级", "二级", "三级"]
    assert [lv.name for lv in sets["national"].levels] == ["一级", "二级", "三级", "四级"]
    national = sets["national"]
    # No figure of either scheme has a source at hand (domain.md §4.1–4.2): every one is an example.
    fourth = {t.metric: t for t in national.level("4").thresholds}
    assert {m: (t.op, t.value, t.example) for m, t in fourth.items()} == {
        "years_of_service": ("min", 2, True), "cases_total": ("min", 50, True),
        "oral_share": ("max", 30, True), "success_rate": ("min", 85, True)}
    assert all(t.example for r in sets.values() for lv in r.levels for t in lv.thresholds)
    assert sets["zhejiang-2017"].has_examples() and national.notice_example
    assert all("invited" not in r.eligible for r in sets.values())


@pytest.mark.parametrize(("code", "level"), level_cases())
def test_meeting_every_threshold_passes_and_missing_any_one_names_it(code: str, level: str) -> None:
    rules = {r.code: r for r in shipped()}[code]
    ev = exactly_meeting(rules, level)
    assert grading.evaluate(rules, level, ev).passed
    for t in (*rules.basic, *rules.level(level).thresholds):
        step = Decimal("0.1") if t.metric in ("years_of_service", "training_hours", "cases_per_year") else Decimal(1)
        worse = t.value - step if t.op == "min" else t.value + step
        result = grading.evaluate(rules, level, replace(ev, **at(t, worse)))
        assert not result.passed
        assert [m.threshold for m in result.missed] == [t]
        assert result.missed_text()[0].startswith(t.text())


def test_every_miss_is_named_with_the_figure() -> None:
    rules = {r.code: r for r in shipped()}["national"]
    ev = replace(exactly_meeting(rules, "4"), years_of_service=Decimal("1.9"), success_rate=Decimal("0.8"),
                 oral_share=Decimal("0.35"), escalations=1)
    result = grading.evaluate(rules, "4", ev)
    assert result.missed_text() == [
        "无调解不当致纠纷激化（民转刑、越级上访等）记录：实际 1 次",
        "从事人民调解工作年限不低于 2 年：实际 1.9 年",
        "口头协议占比不超过 30%：实际 35%",
        "调解成功率不低于 85%：实际 80%",
    ]
    assert result.as_json()["missed"][3] == {"metric": "success_rate", "op": "min", "value": 85.0, "actual": 80.0,
                                             "example": True, "text": "调解成功率不低于 85%：实际 80%"}


def test_a_share_of_nothing() -> None:
    rules = {r.code: r for r in shipped()}["national"]
    ev = blank_evidence()
    assert ev.success_rate is None and ev.oral_share is None
    missed = {m.threshold.metric: m for m in grading.evaluate(rules, "4", ev).missed}
    assert "oral_share" not in missed  # no agreements: none of them oral
    assert missed["success_rate"].text() == "调解成功率不低于 85%：尚无可计算的数据"


def test_best_level_is_the_highest_passed() -> None:
    rules = {r.code: r for r in shipped()}["national"]
    assert grading.best_level(rules, exactly_meeting(rules, "3")).level == "3"
    assert grading.best_level(rules, blank_evidence()) is None


def test_derived_figures() -> None:
    ev = grading.tally("m", "周", "part_time", date(2024, 1, 1), date(2025, 12, 31), service_days=731,
                       per_year={2024: 20, 2025: 15}, cases_lead=30, cases_concluded=30, cases_succeeded=26,
                       oral_agreements=7, written_agreements=19, by_difficulty={"simple": 10, "complex": 3, "major": 1,
                                                                                "ordinary": 21, "very_major": 0},
                       confirmed_cases=2, followups=12, training_tenths=125, training_sessions=4, awards=1,
                       complaints=2, complaints_upheld=0, discipline=0, escalations=0)
    assert ev.cases_total == 35 and ev.years_of_service == Decimal("2.0") and ev.cases_per_year == Decimal("17.5")
    assert ev.success_rate == Decimal("0.8667") and ev.oral_share == Decimal("0.2")
    assert ev.difficult_cases == 4 and ev.by_difficulty == {"simple": 10, "complex": 3, "major": 1, "ordinary": 21}
    assert ev.training_hours == Decimal("12.5")
    doc = ev.as_json()
    assert {k: doc[k] for k in ("mediator", "from", "to", "years_of_service", "cases_total", "cases_succeeded",
                                "success_rate", "oral_share", "followups", "training_hours", "complaints")} == {
        "mediator": "m", "from": "2024-01-01", "to": "2025-12-31", "years_of_service": 2.0, "cases_total": 35,
        "cases_succeeded": 26, "success_rate": 0.8667, "oral_share": 0.2, "followups": 12, "training_hours": 12.5,
        "complaints": 2}
    assert Evidence.from_json(json.loads(json.dumps(doc))) == ev
    assert grading.shown("success_rate", ev.success_rate) == "86.67%"
    assert grading.shown("training_hours", ev.training_hours) == "12.5 学时"


def test_service_adds_up_over_appointments_and_counts_overlaps_once() -> None:
    assert grading.merged_days([(date(2020, 1, 1), date(2020, 12, 31))]) == 366
    assert grading.merged_days([(date(2020, 1, 1), date(2020, 1, 10)), (date(2020, 1, 5), date(2020, 1, 20)),
                                (date(2021, 1, 1), date(2021, 1, 1))]) == 21
    assert grading.service_years(730) == Decimal("1.9")  # rounded down: not two full years yet
    assert grading.service_years(731) == Decimal("2.0")


def test_invited_mediators_may_not_apply() -> None:
    rules = shipped()[0]
    assert "特邀调解员不能申请" in grading.can_apply("invited", rules)
    assert grading.can_apply("part_time", rules) is None
    assert "只有专职调解员" in grading.can_apply("part_time", replace(rules, eligible=("full_time",)))


@pytest.mark.parametrize(("change", "message"), [
    ({"levels": []}, "至少需要一个等级"),
    ({"effective_on": "2017-13-01"}, "施行日期"),
    ({"basic": [{"metric": "years", "min": 1}]}, "未知的指标“years”"),
    ({"basic": [{"metric": "success_rate", "min": 101}]}, "超出范围"),
    ({"basic": [{"metric": "awards", "min": 1, "max": 3}]}, "min（不低于）或 max（不超过）之一"),
    ({"notice_days": 0}, "公示天数"),
    ({"eligible": ["volunteer"]}, "eligible"),
])
def test_a_bad_rule_set_is_refused_with_the_place_named(change: dict, message: str) -> None:
    doc = {**shipped()[0].as_json(), **change}
    with pytest.raises(RuleSetError) as info:
        grading.parse_rule_set(doc)
    assert message in info.value.message


def test_round_trip_of_the_document() -> None:
    for rules in shipped():
        assert grading.parse_rule_set(json.loads(json.dumps(rules.as_json(), ensure_ascii=False))) == rules


def test_zhejiang_is_the_default_and_no_other_province_is_quoted() -> None:
    """A Hangzhou office grades under Zhejiang's scheme unless it chooses otherwise; no text of the
    shipped sets names another province's rules as their basis (issue 14)."""
    doc = grading_seed.load_document()
    assert doc["default"] == grading.DEFAULT_RULE_SET == "zhejiang-2017"
    assert {r.code for r in shipped()} >= {grading.DEFAULT_RULE_SET}
    text = json.dumps(doc, ensure_ascii=False)
    for province in ("广东", "潮安", "山东", "湖北", "河南", "深圳"):
        assert province not in text


def test_examples_are_said_once_not_after_every_figure() -> None:
    rules = {r.code: r for r in shipped()}["zhejiang-2017"]
    listed = (*rules.basic, *rules.level("3").thresholds)
    assert not any("示例" in t.text() for t in listed)
    note = grading.examples_note(listed)
    assert note.count("示例") == 1 and note.startswith("其中") and "调解成功率" in note
    assert "人民调解法第十五条" not in note and "因第十五条行为受处理" not in note  # sourced: not an example
    every = grading.examples_note(rules.level("3").thresholds)
    assert every.startswith("以上各项条件") and every.count("示例") == 1
    assert grading.examples_note(rules.basic[:2]) == ""
