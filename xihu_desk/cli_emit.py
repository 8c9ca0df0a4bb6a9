"""What the command line prints (stdout): every document and line a command emits passes through ``emit``
(or ``outgoing`` for a streamed one), which masks ID-shaped numbers and birth dates in it
(domain/idnumber.scrub) unless the command was asked with ``--reveal`` — and a command that takes
``--reveal`` gets the full numbers only from a service that checked the role and audited it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from xihu_desk.domain import idnumber


def revealed(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "reveal", False))


def outgoing(args: argparse.Namespace, doc: Any) -> Any:
    """``doc`` as it may be printed for this command."""
    return idnumber.scrub(doc, reveal=revealed(args))


def emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    """One JSON document (``--json``) or the text, on standard output."""
    if getattr(args, "json", False):
        print(json.dumps(outgoing(args, doc), ensure_ascii=False, indent=2))
    else:
        print(outgoing(args, text))
