"""subsidy --show-rules as text names the difficulty levels as people read them (简易, 一般 …),
not by the table's keys."""

from __future__ import annotations

from tests.test_cli import run
from tests.test_exchange import township  # noqa: F401 - fixture


def test_show_rules_text_names_difficulty_levels_in_chinese(township, capsys):  # noqa: F811
    code, out, err = run(capsys, "subsidy", "--show-rules", "--data-dir", str(township.data.root))
    assert code == 0, err
    base = next(line for line in out.splitlines() if "基础金额" in line)
    assert "简易 50 元" in base and "重特大 500 元" in base
    assert "simple" not in base and "very_major" not in base
