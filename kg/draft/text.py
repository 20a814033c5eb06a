"""Checks on a report before drafting: one clear line for each kind of bad input.

>>> check_text(b"")
Traceback (most recent call last):
...
kg.base.errors.DataError: report: the report is empty: nothing to draft
>>> parse_issued("31 May 2017").isoformat()
'2017-05-31'
"""

from __future__ import annotations

import datetime as dt
import re

from kg.base.errors import DataError

#: the largest report drafted at once (about 300,000 words); split longer texts
MAX_BYTES = 2_000_000
_ENGLISH = {
    "the", "of", "and", "to", "in", "a", "is", "was", "that", "for", "on", "by", "with", "as", "at", "from", "it",
    "were", "are", "its", "has", "have", "had", "be", "been", "this", "which", "an", "their", "his", "he", "they",
    "not", "or", "but", "who", "will", "after", "also", "into", "against", "during", "said",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def check_text(raw: bytes, *, path: str = "report") -> str:
    """The report's text, or a DataError saying in one line why it cannot be drafted."""
    if len(raw) > MAX_BYTES:
        raise DataError(
            f"the report is {len(raw) / 1e6:.1f} MB; kg draft reads reports up to {MAX_BYTES / 1e6:.0f} MB: split it",
            path=path,
        )
    if not raw.strip():
        raise DataError("the report is empty: nothing to draft", path=path)
    if b"\x00" in raw[:65536]:
        raise DataError("the report is a binary file, not text: give a plain-text (UTF-8) report", path=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(
            f"the report is not UTF-8 text (bad byte at offset {err.start}): convert it, e.g. iconv -t UTF-8",
            path=path,
        ) from None
    if text.startswith("\ufeff"):
        raise DataError("the report starts with a byte-order mark: save it as UTF-8 without BOM", path=path)
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536):
        raise DataError("the report is a binary file, not text: give a plain-text (UTF-8) report", path=path)
    words = [w.lower() for w in _WORD.findall(text[:200_000])]
    if len(words) >= 12:
        english = sum(w in _ENGLISH for w in words) / len(words)
        latin = sum(w.isascii() for w in words) / len(words)
        if english < 0.08 or latin < 0.7:
            raise DataError(
                f"the report does not look like English ({english:.0%} English function words): kg draft reads English only",
                path=path,
            )
    return text


def parse_issued(value: str | dt.date) -> dt.date:
    """The report's date from ISO or written forms ("2017-05-31", "31 May 2017", "May 31, 2017")."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if re.search(r"\d{4}", text) and re.search(r"[A-Za-z]{3,}", text):
        import dateparser

        parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
        if parsed is not None:
            return parsed.date()
    raise DataError(f"report date {text!r} does not parse: write it as YYYY-MM-DD, e.g. 2017-05-31", field="issued")
