"""Byte checks for the quick pass, with numpy in a reused buffer (no GIL, bounded memory).

One read of a CSV gives its physical line count and whether it is "plain": no control byte
but LF, and no character that can make text non-NFC (``unicode_sets``). The quick pass then
needs no regular expression for control characters or normalisation on any cell.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.validators.unicode_sets import suspicious_ranges

if TYPE_CHECKING:
    import numpy as np

CHUNK = 4 * 1024 * 1024
_TAIL = 3  # bytes of a UTF-8 sequence that may continue into the next chunk
_INVALID = 0x110000  # index of the look-up table's "not a code point" entry


@cache
def _suspicious_table() -> np.ndarray:
    """Boolean look-up table indexed by code point: True where text may not be NFC."""
    import numpy as np

    table = np.zeros(_INVALID + 1, np.bool_)
    for first, last in suspicious_ranges():
        table[first : last + 1] = True
    table[_INVALID] = True
    return table


@cache
def _pair_table() -> np.ndarray:
    """Boolean look-up table indexed by (lead byte << 8 | next byte): True where a sequence so
    starting may encode a character of ``_suspicious_table`` (or is not valid UTF-8)."""
    import numpy as np

    table = _suspicious_table()
    pairs = np.ones((256, 256), np.bool_)
    for second in range(0x80, 0xC0):
        low = second & 0x3F
        for lead in range(0xCC, 0xE0):  # two bytes: the pair is the whole character
            pairs[lead, second] = table[((lead & 0x1F) << 6) | low]
        for lead in range(0xE0, 0xF0):  # three bytes: a block of 64 code points
            first = ((lead & 0x0F) << 12) | (low << 6)
            pairs[lead, second] = table[first : first + 64].any()
        for lead in range(0xF0, 0xF5):  # four bytes: a block of 4096 code points
            first = min(((lead & 0x07) << 18) | (low << 12), _INVALID)
            pairs[lead, second] = table[first : first + 4096].any()
    return pairs.reshape(-1)


def scan_bytes(path: Path) -> tuple[int, bool]:
    """(physical lines, plain) of PATH; a last line without LF counts as a line."""
    import numpy as np

    table = _suspicious_table()
    buffer = np.zeros(CHUNK + _TAIL + 4, np.uint8)  # + room for zero padding at the end
    newlines, last, plain, carried = 0, 10, True, _TAIL  # starts after 3 zero bytes
    with path.open("rb", buffering=0) as fh:
        while size := fh.readinto(buffer.data[carried : carried + CHUNK]):
            new = buffer[carried : carried + size]
            count = int(np.count_nonzero(new == 10))
            newlines += count
            last = int(new[-1])
            end = carried + size
            if plain:
                plain = int(np.count_nonzero(new < 32)) == count and not bool((new == 127).any())
                plain = plain and not _has_suspicious(buffer, end - _TAIL, table)
            buffer[:_TAIL] = buffer[end - _TAIL : end]
            carried = _TAIL
    if plain:  # the last bytes, padded with zeros
        buffer[_TAIL : _TAIL + 4] = 0
        plain = not _has_suspicious(buffer, _TAIL, table, start=0)
    return newlines + (last != 10), plain


def may_break_nfc(data: bytes) -> bool:
    """True when DATA (valid UTF-8) holds a character that can make text non-NFC."""
    import numpy as np

    padded = np.frombuffer(data + b"\0" * _TAIL, np.uint8)
    return _has_suspicious(padded, len(data), _suspicious_table())


def _has_suspicious(data: np.ndarray, stop: int, table: np.ndarray, start: int = 0) -> bool:
    """True when a UTF-8 sequence starting in DATA[START:STOP] may break NFC or is invalid.

    Code points below U+0300 never do, and their lead bytes are below 0xCC, as are all
    continuation bytes: only lead bytes from 0xCC up are decoded.
    """
    import numpy as np

    leads = np.flatnonzero(data[start:stop] >= 0xCC) + start
    if leads.size:  # most characters are settled by their first two bytes
        pairs = (data[leads].astype(np.uint16) << 8) | data[leads + 1]
        leads = leads[_pair_table()[pairs]]
    if leads.size == 0:
        return False
    b0 = data[leads].astype(np.uint32)
    b1, b2, b3 = (data[leads + i].astype(np.uint32) & 0x3F for i in (1, 2, 3))
    two = ((b0 & 0x1F) << 6) | b1
    three = ((b0 & 0x0F) << 12) | (b1 << 6) | b2
    four = np.minimum(((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, _INVALID)
    points = np.where(b0 < 0xE0, two, np.where(b0 < 0xF0, three, four))
    points[b0 >= 0xF8] = _INVALID
    return bool(table[points].any())
