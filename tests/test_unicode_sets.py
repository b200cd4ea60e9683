"""The characters searched as "may not be NFC" cover every way text can fail NFC."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sticoop.validators import unicode_table
from sticoop.validators.unicode_sets import (
    compute_suspicious,
    suspicious_ranges,
    table_source,
)


def _suspicious(char: str) -> bool:
    cp = ord(char)
    return any(a <= cp <= b for a, b in suspicious_ranges())


@pytest.mark.skipif(
    unicodedata.unidata_version != unicode_table.UNICODE_VERSION,
    reason="the committed table is for another Unicode version (recomputed at run time)",
)
def test_committed_table_is_current():
    assert compute_suspicious() == unicode_table.SUSPICIOUS, (
        "regenerate: python -m sticoop.validators.unicode_sets > validators/unicode_table.py"
    )


def test_table_source_round_trips():
    namespace: dict = {}
    exec(table_source(), namespace)
    assert namespace["SUSPICIOUS"] == compute_suspicious()


def test_known_characters():
    assert _suspicious("\u0301")  # combining acute accent (Maybe)
    assert _suspicious("\u212b")  # angstrom sign: NFC turns it into U+00C5 (No)
    assert _suspicious("\u1161")  # Hangul vowel: composes with a preceding consonant
    assert not any(_suspicious(c) for c in "Hà Nội, Việt Nam — “Đổi mới” ✓ 中文 한국어")


# The suspicious code points excluded from the alphabet (not filtered out one draw at a time:
# the same characters, without hypothesis rejecting draws).
_plain = st.characters(
    codec="utf-8",
    exclude_characters="".join(chr(cp) for a, b in suspicious_ranges() for cp in range(a, b + 1)),
)


@settings(max_examples=3000)
@given(st.text(alphabet=_plain, max_size=12))
def test_text_without_suspicious_characters_is_nfc(text):
    assert unicodedata.is_normalized("NFC", text)


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_non_nfc_text_has_a_suspicious_character(text):
    if not unicodedata.is_normalized("NFC", text):
        assert any(_suspicious(c) for c in text)
