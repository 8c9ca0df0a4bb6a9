"""Moving data between nodes: keys now; bundles, receipts and enrolment build on them."""
