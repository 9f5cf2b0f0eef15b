"""One exception family. The CLI turns any PolicyDiffError into a one-line `Error: ...`
on stderr and exit code 2 (see cli.main); anything else is a bug and keeps its traceback.

Messages say what is wrong *and* what to do about it."""


class PolicyDiffError(Exception):
    """Base of every error a user can cause (bad input, unknown ref, ...)."""

    exit_code = 2


class BadInputError(PolicyDiffError):
    """An input file or value cannot be used: empty, binary, undecodable, malformed."""


class UnknownRefError(PolicyDiffError):
    """A ref, 文号 or title that matches nothing in the archive."""


class AmbiguousRefError(PolicyDiffError):
    """A query that matches several documents; the message lists the candidates."""


class DuplicateVersionError(PolicyDiffError):
    """`add` of a WORK@VERSION that is already archived (use --replace to correct it)."""


class MissingTextError(PolicyDiffError):
    """A version recorded without text was asked for something that needs its text."""


class ArchiveError(PolicyDiffError):
    """The archive is missing, not a git work tree, locked too long, or inconsistent."""
