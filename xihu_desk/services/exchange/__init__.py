"""Moving data between nodes (design.md §5): the units of work of enrolment, export, import,
receipts, forks and the downward bundle. The bundle protocol's rules (manifest, sequence and
gaps, a bundle's place in the sender's line, forwarding claims, receipts) are in sync/; what
travels is in store/aggregates.py. Callers use the names below:

    enrolment.py   export_key, enrol, peers
    exporting.py   export_bundle
    importing.py   import_bundle (dry_run=True reports without committing), preview_import,
                   resolve_fork_and_import
    receipts.py    take_receipt, resync_receipt
    fork_line.py   forks, resolve_fork, restore_notice
    rebase.py      re-basing on the parent's receipt (taken by take_receipt)
    downward.py    return_for_correction, corrections, resolve_correction
    overview.py    overview, pending_counts, quarantine_list, cases_by_owner
    authority.py   whose records a sender may deliver
"""

from xihu_desk.services.exchange.downward import corrections, resolve_correction, return_for_correction
from xihu_desk.services.exchange.enrolment import Enrolled, PeerRow, enrol, export_key, peers
from xihu_desk.services.exchange.exporting import ExportResult, export_bundle
from xihu_desk.services.exchange.fork_line import (
    ForkRefused,
    ForkResolution,
    ForkRow,
    forks,
    resolve_fork,
    restore_notice,
)
from xihu_desk.services.exchange.importing import import_bundle, preview_import, resolve_fork_and_import
from xihu_desk.services.exchange.overview import cases_by_owner, overview, pending_counts, quarantine_list
from xihu_desk.services.exchange.rebase import Rebase
from xihu_desk.services.exchange.receipts import ReceiptResult, resync_receipt, take_receipt
from xihu_desk.sync.report import STATUSES, ImportResult

__all__ = [
    "STATUSES",
    "Enrolled",
    "ExportResult",
    "ForkRefused",
    "ForkResolution",
    "ForkRow",
    "ImportResult",
    "PeerRow",
    "Rebase",
    "ReceiptResult",
    "cases_by_owner",
    "corrections",
    "enrol",
    "export_bundle",
    "export_key",
    "forks",
    "import_bundle",
    "overview",
    "peers",
    "pending_counts",
    "preview_import",
    "quarantine_list",
    "resolve_correction",
    "resolve_fork",
    "resolve_fork_and_import",
    "restore_notice",
    "resync_receipt",
    "return_for_correction",
    "take_receipt",
]
