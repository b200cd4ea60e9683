"""Text helpers for contributions: accent-insensitive keys, slugs, URL keys, cell values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit

MAX_ID = 80
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Small words left out of ids built from titles.
STOP_WORDS = frozenset(
    ("a", "an", "and", "at", "between", "by", "for", "from", "in", "into", "of", "on", "or")
    + ("s", "the", "to", "with")
)


def _ascii_lower(text: str) -> str:
    """Lower-case ASCII approximation: accents dropped, đ -> d (NFKD, combining marks removed)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """Matching key: accents, case, spaces and punctuation ignored ('Việt Nam' == 'vietnam')."""
    return _NON_ALNUM.sub("", _ascii_lower(text))


def slug_words(text: str, drop_stop_words: bool = False) -> list[str]:
    """The lower-case ASCII words of TEXT."""
    words = [w for w in _NON_ALNUM.split(_ascii_lower(text)) if w]
    if drop_stop_words:
        words = [w for w in words if w not in STOP_WORDS]
    return words


def slugify(text: str, drop_stop_words: bool = False) -> str:
    """An id fragment: lower-case ASCII words joined by hyphens."""
    return "-".join(slug_words(text, drop_stop_words))


def join_id(*parts: str) -> str:
    """Join non-empty slug PARTS with hyphens and cut the result to MAX_ID at a hyphen."""
    slug = "-".join(p for p in parts if p)
    if len(slug) <= MAX_ID:
        return slug
    cut = slug[: MAX_ID + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:MAX_ID]


def url_key(url: str) -> str:
    """Comparison key of a URL: scheme and 'www.' ignored, host lower-cased, no fragment,
    no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


class NotScalar(ValueError):
    """A YAML value that cannot be a single cell (a list or a mapping)."""


def cell(value: object) -> str:
    """The CSV cell for a YAML scalar: NFC text without edge whitespace, 'true'/'false' for
    booleans, ISO dates; '' for a missing value. Lists and mappings raise NotScalar."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        raise NotScalar("a date and time: give a date YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    raise NotScalar("a list or mapping where a single value is expected")
