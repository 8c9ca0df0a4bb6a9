"""The bundle protocol's rules (design.md §5), without a database session:

    container.py   the bundle file: framing, signed manifest, encrypted payload, safe unpacking
    manifest.py    what the manifest lists: members and their hashes, the file name
    sequences.py   sequence numbers: gaps as ranges, how far one may jump
    continuity.py  a bundle's place in its sender's line: new, already imported, fork, set aside
    lineage.py     the levels of the org tree and a child's forwarding claims judged
    payload.py     the records' attachment files, a record's label in a report
    receipts.py    the receipt: its document, signature and what it acknowledges
    report.py      what an import reports (ImportResult)
    keys.py        a node's key pairs and the key file exchanged at enrolment
    scratch.py     the scratch folder inside the data folder

The units of work that apply them are in services/exchange/.
"""
