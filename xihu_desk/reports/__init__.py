"""Excel workbooks: statistics, ledgers out and legacy ledgers in (openpyxl; no Qt, no SQL)."""
