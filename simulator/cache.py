"""The app's run cache: summaries by content key, bounded in entries and in bytes.

One server process keeps the runs of every session, so a long workshop would fill its
memory if only the number of entries were bounded (a 20-year, 100-replication summary is
about ten times a default one). The least recently used entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from simulator.results import Summary


class RunCache:
    """Summaries by key, newest (most recently used) last, within ``max_entries`` and
    ``max_bytes`` (``Summary.nbytes``, its preview included). Safe to share between threads."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[Summary, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Summary | None:
        """The summary, now the most recently used; None when it is not kept."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, summary: Summary) -> None:
        """Keep ``summary``; drop the least recently used entries beyond the bounds (a single
        entry larger than ``max_bytes`` is not kept at all)."""
        size = summary.nbytes()
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (summary, size)
            self._bytes += size
            while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def nbytes(self) -> int:
        """Bytes of the summaries kept."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0
