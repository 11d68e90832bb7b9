"""A process's store of recent results, bounded by what they weigh, oldest out first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

_V = TypeVar("_V")


class WeighedStore(Generic[_V]):
    """Values by key, the least recently used out first once their weights sum over a limit.

    What a web process keeps between requests without serialising it: analyses
    (weighed in estimated bytes) and the editor's recent drawings (in checksums).
    `limit` is a number or, for a setting, a function read at each write. The
    value just written always stays, whatever it weighs: a caller that must not
    keep something heavier than the limit checks before. Thread-safe.
    """

    def __init__(self, limit: int | Callable[[], int]) -> None:
        self._limit = limit
        self._data: OrderedDict[Hashable, tuple[_V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        """What the kept values weigh together."""
        return self._weight

    def get(self, key: Hashable, *, touch: bool = False) -> _V | None:
        """The value kept under `key` (None if none); `touch` makes it the most recent."""
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and touch:
                self._data.move_to_end(key)
        return None if entry is None else entry[0]

    def put(self, key: Hashable, value: _V, weight: int) -> None:
        """Keep `value` under `key` as the most recent; drop the oldest while over the limit."""
        limit = self._limit() if callable(self._limit) else self._limit
        with self._lock:
            old = self._data.pop(key, None)
            self._weight += weight - (old[1] if old is not None else 0)
            self._data[key] = (value, weight)
            while self._weight > limit and len(self._data) > 1:
                _key, (_value, dropped) = self._data.popitem(last=False)
                self._weight -= dropped

    def pop(self, key: Hashable) -> None:
        """Drop what is kept under `key`, if anything."""
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._weight -= old[1]

    def clear(self) -> None:
        """Drop everything, as a restart does."""
        with self._lock:
            self._data.clear()
            self._weight = 0
