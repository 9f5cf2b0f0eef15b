"""The parallel map the core is given (issue 14): the core splits a piece of its work into
chunks and hands them to a `Mapper`; what runs them is the shell's choice.

    mapper.parts                      how many chunks a piece of work is worth (1: serial)
    mapper.map(fn, chunks) -> list    [fn(chunk) for chunk in chunks], in chunk order
    SERIAL                            the built-in behaviour: one process, in order
    spans(weights, parts) -> [range]  contiguous chunks of about equal weight

Functional core: no I/O, no processes. The shell's mapper (forkmap.ForkMapper) runs the
chunks in forked children; the core's results must not depend on which mapper runs them
(each chunk function is pure, and the chunks' results are joined in chunk order), so the
output is byte-identical whatever the mapper, the number of parts or the timing.

Why contiguous chunks of equal weight rather than every other item: each process then
reads one part of the heap (a forked child pays for every page it touches, see forkmap),
and a chunk's result can be one value for its whole run. Rejected: a mapper that pickles
`fn` and the chunks (concurrent.futures): a forked child inherits them, and the aligner's
state that a chunk function reads (tens of MB) would cost more to send than to use.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Callable, Protocol, Sequence, TypeVar

C = TypeVar("C")
R = TypeVar("R")


class Mapper(Protocol):
    parts: int  # chunks a piece of work is split into (1 .. a few: the cores used)

    def map(self, fn: Callable[[C], R], chunks: Sequence[C]) -> list[R]:
        """[fn(chunk) for chunk in chunks], in chunk order, by whatever means: fn and the
        chunks are values of this process, and fn must be pure (its result the only
        effect that counts)."""
        ...


class SerialMapper:
    """The built-in behaviour: every chunk here, in order (one chunk is asked for)."""

    parts = 1

    def map(self, fn: Callable[[C], R], chunks: Sequence[C]) -> list[R]:
        return [fn(chunk) for chunk in chunks]


SERIAL = SerialMapper()


def spans(weights: Sequence[float], parts: int) -> list[range]:
    """`parts` contiguous ranges covering range(len(weights)), in order, each of about the
    same total weight (an item's estimated cost, >= 0); fewer when there are fewer items,
    never an empty range (none at all for no items)."""
    n = len(weights)
    parts = max(1, min(parts, n))
    if parts == 1:
        return [range(n)] if n else []
    totals = list(accumulate(weights))
    whole = totals[-1]
    cuts = [0]
    for k in range(1, parts):
        # the first item whose running total reaches k/parts of the whole ends chunk k
        at = bisect_left(totals, whole * k / parts) + 1
        cuts.append(min(max(at, cuts[-1] + 1), n - (parts - k)))
    cuts.append(n)
    return [range(a, b) for a, b in zip(cuts, cuts[1:])]
