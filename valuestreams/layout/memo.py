"""Bounded memos of the layout's pure stages, shared by every map this process draws.

Most editor writes (a rename, a changed field, a label) leave card sizes and the
map's topology alone, yet every write lays out and draws the whole map again.
The stages that cost most (a card's geometry, the connector routes, the cells)
are pure functions of small inputs, so they are remembered on those inputs: an
unchanged card comes back as the very same `BoxGeometry` object, which also lets
the SVG renderer find its markup by identity instead of hashing the geometry.

Every memo is an LRU with a fixed bound (the process serves many maps) and keys
by value, never by identity, so the output stays the same whatever is
remembered: same inputs, byte-identical drawing. `clear_all` empties them all
(tests and the benchmarks' cold runs).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Memo", "clear_all", "token"]

_V = TypeVar("_V")

_ALL: list[Memo[object]] = []


class Memo(Generic[_V]):
    """A least-recently-used map from a hashable key to a computed value, at most
    ``size`` entries."""

    __slots__ = ("_data", "size")

    def __init__(self, size: int) -> None:
        self._data: OrderedDict[Hashable, _V] = OrderedDict()
        self.size = size
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, compute: Callable[[], _V]) -> _V:
        """The value remembered for ``key``, else ``compute()`` remembered."""
        data = self._data
        value = data.get(key, _MISSING)
        if value is _MISSING:
            value = data[key] = compute()
            while len(data) > self.size:
                try:
                    data.popitem(last=False)
                except KeyError:  # another thread emptied it meanwhile
                    break
        else:
            # Not contextlib.suppress: this runs for every card of every drawing.
            try:  # noqa: SIM105
                data.move_to_end(key)
            except KeyError:  # another thread evicted it meanwhile: still a right value
                pass
        return value  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        """Forget everything."""
        self._data.clear()


_MISSING = object()

#: Small integers standing for the context of a drawing (sizes, language, mode):
#: keys carry the integer, so a key's hash does not hash the whole context again
#: for each of a thousand cards.
_TOKENS: dict[Hashable, int] = {}
_TOKENS_LOCK = threading.Lock()
#: Never reused, even after `clear_all`: a key made just before a clear cannot
#: name a context met after it.
_NUMBERS = itertools.count()


def token(context: Hashable) -> int:
    """A small integer that stands for ``context`` (equal contexts, equal integers)."""
    found = _TOKENS.get(context)
    if found is None:
        # Under a lock: two threads must never give two contexts the same number.
        with _TOKENS_LOCK:
            found = _TOKENS.get(context)
            if found is None:
                if len(_TOKENS) >= 1_000:
                    # Contexts are few (languages × sizes × modes): a process that met
                    # a thousand starts over; keys with old numbers are never met again.
                    _TOKENS.clear()
                found = _TOKENS[context] = next(_NUMBERS)
    return found


def clear_all() -> None:
    """Empty every layout memo and the context tokens (as after a restart)."""
    for memo in _ALL:
        memo.clear()
    _TOKENS.clear()
