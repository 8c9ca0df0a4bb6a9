"""统计报表: the statistics page, its charts, and the wizard that takes in an office's old ledger."""
