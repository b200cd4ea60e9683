"""Safe names: what may become a file name, a zip member or a folder from untrusted input."""

from __future__ import annotations

MAX_NAME = 128
_ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def unsafe_name_reason(name: str) -> str | None:
    """Why NAME cannot be used as one path component (None when it can).

    A safe name is 1-128 characters of ASCII letters, digits, '.', '_' and '-', and does not
    start with '.' or '-' (no hidden files, no option-like names, no '..').
    """
    if not isinstance(name, str) or not name:
        return "it is empty"
    if len(name) > MAX_NAME:
        return f"longer than {MAX_NAME} characters"
    if name[0] in ".-":
        return "it starts with '.' or '-'"
    bad = sorted(set(name) - _ALLOWED)
    if bad:
        shown = "".join(bad)[:10]
        return f"only letters, digits, '.', '_' and '-' are allowed (found {shown!r})"
    return None
