"""quickscan's numpy byte checks agree with a plain Python reading of the same bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sticoop.validators import quickscan
from sticoop.validators.unicode_sets import suspicious_ranges


def _reference(data: bytes) -> tuple[int, bool]:
    lines = data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
    text = data.decode("utf-8")
    control = any((ord(c) < 32 and c != "\n") or c == "\x7f" for c in text)
    suspicious = any(a <= ord(c) <= b for c in text for a, b in suspicious_ranges())
    return lines, not control and not suspicious


@pytest.mark.parametrize(
    "text",
    [
        "id,name\nhanoi,Hà Nội\n",
        "id,name\nx,Việt Nam — “Đổi mới”\n",
        "id,name\nx,no final newline",
        "id,name\nx,tab\there\n",
        "id,name\r\nx,crlf\r\n",
        "id,name\nx,e\u0301\n",  # decomposed é
        "id,name\nx,\u212b\n",  # angstrom sign
        "id,name\nx,\U0001d165 music\n",  # combining (4-byte)
        "id,name\nx,emoji \U0001f600 ok\n",
        "id,name\nx,del\x7f\n",
        "id,name\n\nx,blank line above\n",
    ],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 4096])
def test_examples(tmp_path, monkeypatch, text, chunk):
    monkeypatch.setattr(quickscan, "CHUNK", chunk)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    assert quickscan.scan_bytes(path) == _reference(text.encode())


def test_invalid_lead_bytes_are_not_plain(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id\n\xf8\x88\x80\x80\n")
    assert quickscan.scan_bytes(path) == (2, False)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.integers(min_value=1, max_value=9),
)
def test_agrees_with_python(tmp_path_factory, text, chunk):
    path = tmp_path_factory.mktemp("scan") / "t.csv"
    path.write_bytes(text.encode())
    original = quickscan.CHUNK
    quickscan.CHUNK = chunk
    try:
        assert quickscan.scan_bytes(path) == _reference(text.encode())
    finally:
        quickscan.CHUNK = original


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_may_break_nfc_covers_every_non_nfc_text(text):
    import unicodedata

    if not unicodedata.is_normalized("NFC", text):
        assert quickscan.may_break_nfc(text.encode())


def test_pair_table_keeps_every_suspicious_character():
    """The two-byte pre-filter never drops a character the full table marks (checked for all)."""
    import numpy as np

    table, pairs = quickscan._suspicious_table(), quickscan._pair_table()
    points = np.flatnonzero(table[: quickscan._INVALID])
    points = points[(points >= 0x300) & ((points < 0xD800) | (points > 0xDFFF))]
    encoded = [chr(p).encode("utf-8") for p in points.tolist()]
    index = np.array([b[0] << 8 | b[1] for b in encoded])
    assert len(index) > 1000, "the suspicious set should hold thousands of characters"
    assert bool(pairs[index].all())
    for char in "ệдש":  # letters with lead bytes from 0xCC up, settled by the pre-filter
        first, second = char.encode("utf-8")[:2]
        assert not pairs[first << 8 | second], char
