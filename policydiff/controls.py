"""Control characters: one rule for what may not be in a single-line value, and one helper
that makes any text safe to print to a terminal or write to a file.

A policy text or a metadata value may hold C0 controls (U+0000-U+001F), DEL (U+007F) or C1
controls (U+0080-U+009F): ESC starts the terminal escape sequences that set a window
title (OSC 0), plant a hyperlink (OSC 8) or rewrite the screen (CSI), and U+009B is CSI on
its own. The archive keeps such text exactly (it is evidence); everything that *shows* it
escapes it with `escape_controls`, and a value that must fit on one line (a title, a 文号,
an issuer, a note: they go into front matter lines and commit message lines) is refused
by `control_problem`.

The escape is the JSON form ``\\u001b``: visible, unambiguous about which character it
was, and inside a JSON string exactly the same value (so `show --format json` stays a
lossless, valid document). Rejected: stripping (an auditor would not see that the text
holds a control) and caret notation ``^[`` (not valid JSON, ambiguous with a literal ^).

Pure functions: no I/O (functional core).
"""

from __future__ import annotations

import re
import unicodedata

from .lazyre import LazyPattern  # compiled at first use: most values hold no control character (issue 14)

# C0 except tab and newline, DEL, C1. Tab and newline are layout, not control sequences.
_SHOWN_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In a single-line value: every control (tab and newline too), and the Unicode line and
# paragraph separators, which some readers take for a new line.
_LINE_BREAKERS = LazyPattern("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    return "\\u%04x" % ord(match.group())


def escape_controls(text: str) -> str:
    """Text safe for a terminal or a file: controls other than tab and newline become
    ``\\uXXXX``; everything else is kept as is. Idempotent.

    >>> escape_controls("标题\\x1b]0;pwned\\x07 ok\\tand\\nmore")
    '标题\\\\u001b]0;pwned\\\\u0007 ok\\tand\\nmore'
    >>> escape_controls("\\x9b31m")
    '\\\\u009b31m'
    """
    return _SHOWN_CONTROLS.sub(_escape, text)


# UTF-8 bytes that can belong to a shown control: the C0 and DEL bytes themselves (a byte
# below 0x80 is always the ASCII character it codes, never part of a longer sequence) and
# 0xC2, the lead byte of U+0080-U+00BF, which holds the C1 controls U+0080-U+009F. Mapped
# to 0x00 (itself flagged), everything else to 0x01: one bytes.translate plus one memchr.
_FLAGS_CONTROL_BYTES = bytes(
    0 if (byte < 0x20 and byte not in (0x09, 0x0A)) or byte in (0x7F, 0xC2) else 1 for byte in range(256))


def escape_controls_encoded(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """``escape_controls(text).encode(encoding, errors)``, cheaper for long texts that
    hold no control (issue 14: a diff's 10 M-character JSON, whose writers already escape
    every C0 control, 13 ms of regex became ~4 ms): encode first, then look for the
    bytes above in one pass; only when one occurs (a control, or a harmless U+00A0-U+00BF
    such as · or §) is the text escaped by the regex and encoded again.
    Only for UTF-8 (other encodings may code a control in a multi-byte sequence).
    Rejected: str.find per control character (33 scans, ~18 ms); a bytes regex (~19 ms);
    bytes.translate with delete and comparing lengths (needs a newline count, ~7 ms)."""
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ValueError(f"escape_controls_encoded: UTF-8 only, not {encoding}")
    data = text.encode("utf-8", errors)
    if _may_hold_control(data):
        return escape_controls(text).encode("utf-8", errors)
    return data


def escape_controls_utf8(data: bytes) -> bytes:
    """`escape_controls` on UTF-8 bytes (e.g. orjson's JSON, never decoded on its way to
    stdout: issue 14): the same bytes back when no control can be in them, else decoded,
    escaped and encoded again (surrogateescape both ways: bytes that are no UTF-8 stay as
    they were)."""
    if _may_hold_control(data):
        return escape_controls(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
    return data


def _may_hold_control(data: bytes) -> bool:
    return b"\x00" in data.translate(_FLAGS_CONTROL_BYTES)


def escape_line(text: str) -> str:
    """One line for a commit message or a log line: every control, tab and newline
    included, and U+2028/U+2029 become ``\\uXXXX``.

    >>> escape_line("a\\nrepeals: [x]")
    'a\\\\u000arepeals: [x]'
    """
    return _LINE_BREAKERS.sub(_escape, text)


def control_problem(value: str) -> str | None:
    """Why `value` cannot be a single-line field (the first control character, named and
    placed), or None when it can.

    >>> control_problem("示例市办法")
    >>> control_problem("title\\nrepeals: [x]")
    'contains a control character (U+000A LINE FEED) at character 6'
    """
    match = _LINE_BREAKERS.search(value)
    if match is None:
        return None
    char = match.group()
    name = unicodedata.name(char, None) or _C0_NAMES.get(ord(char), "control")
    return f"contains a control character (U+{ord(char):04X} {name}) at character {match.start() + 1}"


# unicodedata has no names for most controls; these are the ones people meet.
_C0_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
             0x0B: "VERTICAL TAB", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
             0x7F: "DELETE", 0x85: "NEXT LINE", 0x9B: "CONTROL SEQUENCE INTRODUCER",
             0x9D: "OPERATING SYSTEM COMMAND"}
