"""What the command line prints on standard output: every document and text a command emits passes
through ``emit`` (or ``outgoing`` for a streamed one), which masks ID-shaped numbers and birth dates
in it (domain/idnumber.scrub) unless the command was asked with ``--reveal`` -- and a command that
takes ``--reveal`` gets the full numbers only from a service that checked the role and audited it.
Text for the terminal also loses its control characters (``plain``)."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from xihu_desk.domain import idnumber


def revealed(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "reveal", False))


def outgoing(args: argparse.Namespace, doc: Any) -> Any:
    """``doc`` as it may be printed for this command."""
    return idnumber.scrub(doc, reveal=revealed(args))


# Control characters other than newline and tab would reach the terminal raw (ESC sequences, a
# carriage return that overwrites the line); JSON escapes them itself.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Text for the terminal: control characters dropped."""
    return _CONTROL.sub("", text)


def emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    """One JSON document (``--json``) or the text, on standard output."""
    if getattr(args, "json", False):
        print(json.dumps(outgoing(args, doc), ensure_ascii=False, indent=2))
    else:
        print(plain(outgoing(args, text)))
