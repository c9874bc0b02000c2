"""A stored assessment made consistent with its ad's redacted text.

When raw text is retired (retention) or a contact erased, the ad keeps its redacted text and its
assessment must keep pointing at it: every ``{"start", "end", "text"}`` piece (red-flag evidence,
places, salary) is moved onto the redacted text and its ``text`` re-read from there, so the pages'
highlights stay on the right words; contact values become keyed hashes; top terms that contain a
masked word are masked too (a name can be an n-gram).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from screener.redact._core import Redaction, move_span

__all__ = ["redact_assessment"]

MASKED_TERM = "[disamarkan]"
_WORD = re.compile(r"\w+")


def redact_assessment(
    assessment: dict[str, Any], original: str, redaction: Redaction, hash_value: Callable[[str], str]
) -> dict[str, Any]:
    """A copy of ``assessment`` (made on ``original``) that fits ``redaction.text``.

    ``hash_value`` turns a contact value into what is kept instead (a keyed hash).
    """
    masked_words = {
        w.lower() for _, start, end in redaction.masked for w in _WORD.findall(original[start:end])
    }

    def walk(node: Any, key: str | None) -> Any:
        if isinstance(node, list):
            return [walk(item, key) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v, k) for k, v in node.items()}
        if key == "contacts" and "value" in out:
            out["value"] = hash_value(str(out["value"]))
        if isinstance(out.get("start"), int) and isinstance(out.get("end"), int):
            start, end = move_span(redaction, out["start"], out["end"])
            out["start"], out["end"] = start, end
            if isinstance(out.get("text"), str):
                out["text"] = redaction.text[start:end]
        term = out.get("term")
        if key == "top_terms" and isinstance(term, str) and masked_words & set(_WORD.findall(term.lower())):
            out["term"] = MASKED_TERM
        return out

    result: dict[str, Any] = walk(assessment, None)
    return result
