"""排查 area: screening rounds and 零报告, the disputes they found, the 重点矛盾纠纷 ledger, 信息员."""
