"""Keep rendered speech on disk, keyed by what was said and how, within a size limit."""

import hashlib
import json
import os
import threading
from pathlib import Path


class SpeechCache:
    """WAV files under one folder, the least recently heard removed first when it grows past *max_bytes*."""

    def __init__(self, folder, max_bytes=200 * 1024 * 1024):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._total = sum(p.stat().st_size for p in self.folder.glob("*/*.wav"))

    def path_for(self, text, voice, rate, lang):
        """Return where the WAV for this text, voice, rate and language lives (whether or not it exists yet)."""
        key = hashlib.sha256(json.dumps([text, voice, rate, lang], ensure_ascii=False).encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, path):
        """Return *path* if it is cached (marking it as just heard), else None."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def added(self, path):
        """Count a file just written into the cache, and make room if the cache is now too big."""
        with self._lock:
            self._total += path.stat().st_size
            if self._total <= self.max_bytes:
                return
            files = sorted(self.folder.glob("*/*.wav"), key=lambda p: p.stat().st_mtime)
            self._total = sum(p.stat().st_size for p in files)
            for old in files:
                if self._total <= self.max_bytes * 0.9:
                    break
                if old == path:
                    continue
                size = old.stat().st_size
                old.unlink(missing_ok=True)
                self._total -= size

    @property
    def size(self):
        return self._total
