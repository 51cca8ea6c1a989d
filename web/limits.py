"""Count attempts per key in a sliding window, to slow down guessing of tokens and passwords."""

import threading
import time
from collections import deque


class Limiter:
    """Allow at most *limit* failures per key within *seconds*; kept in memory, per server process."""

    def __init__(self, limit, seconds, clock=time.monotonic):
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._hits = {}
        self._lock = threading.Lock()

    def _recent(self, key, now):
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def blocked(self, key):
        """Return True when *key* has used up its failures for now."""
        with self._lock:
            hits = self._recent(key, self.clock())
            return hits is not None and len(hits) >= self.limit

    def fail(self, key):
        """Count one failure for *key*."""
        with self._lock:
            now = self.clock()
            hits = self._recent(key, now)
            if hits is None:
                hits = self._hits[key] = deque()
            hits.append(now)
            # Forget idle keys now and then so memory stays bounded under a flood of addresses.
            if len(self._hits) > 10_000:
                for k in list(self._hits):
                    self._recent(k, now)

    def count(self, key):
        """Return how many failures (or requests) *key* has in the window now."""
        with self._lock:
            hits = self._recent(key, self.clock())
            return len(hits) if hits else 0

    def reset(self, key):
        with self._lock:
            self._hits.pop(key, None)
