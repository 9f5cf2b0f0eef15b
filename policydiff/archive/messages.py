"""The structured commit messages that policydiff writes, and the one reader of them.

    policydiff add W@V                         | policydiff replace W@V (correction)
                                               |
    title: <one line>                          | Corrects the version added in <sha>.
    doc-no: <one line>          (optional)     |
    has-text: true|false                       | title: ...
    source-sha256: <64 hex>     (optional)     |
    text-sha256: <64 hex>       (optional)
    policydiff-txn: <32 hex>    (since the crash-safe transaction; older commits lack it)

    policydiff rm W@V            removes: <sha of the commit that added it>, force: true|false
    policydiff edit W@V          edit: <why the body was corrected by hand>, text-sha256: ...

Every value is one line: the CLI refuses control characters in single-line fields, and
`compose` escapes any that still come (a title extracted from a document) with
controls.escape_line, so no value can start a line of its own (a forged ``repeals:``).
`parse` accepts a message only when *every* line fits this grammar: a commit whose message
was written by hand, or that policydiff did not write, is None (rejected: reading
``key: value`` lines wherever they appear, which a newline in a title could forge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..controls import escape_line

OPS = ("add", "replace", "rm", "edit")
_SUBJECT = re.compile(r"policydiff (add|replace|rm|edit) ([a-z0-9][a-z0-9-]*)@([^\s@]+)( \(correction\))?")
_CORRECTS = re.compile(r"Corrects the version added in ([0-9a-f]{40})\.")
_HEX = {"source-sha256": 64, "text-sha256": 64, "policydiff-txn": 32, "removes": 40}
_KEYS = ("title", "doc-no", "has-text", "source-sha256", "text-sha256", "edit", "removes", "force",
         "dependents", "policydiff-txn")
_BOOL_KEYS = ("has-text", "force")


@dataclass(frozen=True)
class Message:
    op: str  # add | replace | rm | edit
    work: str
    version: str
    fields: dict[str, str] = field(default_factory=dict)
    corrects: str | None = None  # replace: the commit it corrects

    @property
    def ref(self) -> str:
        return f"{self.work}@{self.version}"


def compose(op: str, ref: str, fields: list[tuple[str, str | None]], corrects: str | None = None) -> str:
    """The message for one write. `fields` in order; None values are left out."""
    assert op in OPS
    subject = f"policydiff {op} {ref}" + (" (correction)" if op == "replace" else "")
    lines = [subject, ""]
    if corrects:
        lines += [f"Corrects the version added in {corrects}.", ""]
    for key, value in fields:
        assert key in _KEYS, key
        if value is not None:
            lines.append(f"{key}: {escape_line(value)}")
    return "\n".join(lines) + "\n"


def parse(message: str) -> Message | None:
    """The message as policydiff wrote it, or None when any line does not fit the grammar."""
    lines = message.rstrip("\n").split("\n")
    subject = _SUBJECT.fullmatch(lines[0]) if lines else None
    if subject is None or (subject.group(1) == "replace") != bool(subject.group(4)):
        return None
    op, work, version = subject.group(1), subject.group(2), subject.group(3)
    rest = lines[1:]
    corrects = None
    if len(rest) >= 2 and rest[0] == "" and _CORRECTS.fullmatch(rest[1]):
        corrects = _CORRECTS.fullmatch(rest[1]).group(1)
        rest = rest[2:]
    if not rest or rest[0] != "":
        return None
    fields: dict[str, str] = {}
    for line in rest[1:]:
        key, sep, value = line.partition(": ")
        if not sep and line.endswith(":"):  # git strips the trailing space of "title: "
            key, sep, value = line[:-1], ":", ""
        if not sep or key not in _KEYS or key in fields:
            return None
        if key in _HEX and not re.fullmatch(f"[0-9a-f]{{{_HEX[key]}}}", value):
            return None
        if key in _BOOL_KEYS and value not in ("true", "false"):
            return None
        fields[key] = value
    if op in ("add", "replace") and ("title" not in fields or "has-text" not in fields):
        return None
    if op == "replace" and corrects is None:
        return None
    if op == "edit" and "edit" not in fields:
        return None
    return Message(op=op, work=work, version=version, fields=fields, corrects=corrects)
