"""Messages for a terminal: one line, of bounded length, whatever a user gave.

    one_line(message)        # newlines folded, at most MAX_MESSAGE characters
    shown(value)             # repr of a value, cut short when long
    first_line(exc)          # the first line of an exception's message, cut short

An error message may quote what the user wrote (a value of 20 MB, a path of 10,000
characters, text with line breaks); these keep every ``error:`` line one line and short.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_MESSAGE", "MAX_SHOWN", "first_line", "one_line", "shown"]

MAX_MESSAGE = 2000
"""Longest message printed, in characters."""

MAX_SHOWN = 120
"""Longest quoted value inside a message, in characters."""


def one_line(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` on one line (line breaks as `` | ``), cut to ``limit`` characters."""
    text = " | ".join(part.strip() for part in str(message).splitlines() if part.strip())
    return text if len(text) <= limit else text[: limit - 25] + f"... ({len(text)} chars)"


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters with a note of the full length."""
    long_text = isinstance(value, str) and len(value) > 4 * limit
    if long_text:
        value = value[: 4 * limit]  # never build the repr of a huge string
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int over 4,300 digits, a deep structure
        text = f"<{type(value).__name__}>"
    if len(text) > limit or long_text:
        return text[: limit - 3] + ("... (long text)" if long_text else "... (long value)")
    return text


def first_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an error's message (its type when empty), at most ``limit`` chars."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
