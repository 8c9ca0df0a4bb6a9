"""数据交换: the exchange page (keys, bundles up and down, receipts, quarantine)."""
