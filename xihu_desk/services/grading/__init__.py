"""人民调解员等级评定 (domain.md §4): the evidence counted from the cases and the roster's logs, the
rule sets, and the assessment (application → committee check → township pre-check → district
decision → 公示 → grade). Callers use the names below:

    counting.py      evidence, first_day, default_window, service_periods
    rulesets.py      rule_sets, get_rules, save_rule_set, rule_sets_document, take_rule_sets
    applications.py  apply, preview, list_applications, application_detail, results, mediator_preview
    workflow.py      record_step, set_grade
    printed.py       application_form / evidence_form and their PDFs
"""

from xihu_desk.services.grading.applications import (
    ApplicationRow,
    ApplyCommand,
    MediatorPreview,
    application_detail,
    apply,
    list_applications,
    mediator_preview,
    preview,
    results,
)
from xihu_desk.services.grading.counting import default_window, evidence, first_day, service_periods
from xihu_desk.services.grading.printed import application_form, application_pdf, evidence_form, evidence_pdf
from xihu_desk.services.grading.rulesets import (
    RuleSetRow,
    get_rules,
    rule_sets,
    rule_sets_document,
    save_rule_set,
    take_rule_sets,
)
from xihu_desk.services.grading.workflow import StepCommand, record_step, set_grade

__all__ = [
    "ApplicationRow",
    "ApplyCommand",
    "MediatorPreview",
    "RuleSetRow",
    "StepCommand",
    "application_detail",
    "application_form",
    "application_pdf",
    "apply",
    "default_window",
    "evidence",
    "evidence_form",
    "evidence_pdf",
    "first_day",
    "get_rules",
    "list_applications",
    "mediator_preview",
    "preview",
    "record_step",
    "results",
    "rule_sets",
    "rule_sets_document",
    "save_rule_set",
    "service_periods",
    "set_grade",
    "take_rule_sets",
]
