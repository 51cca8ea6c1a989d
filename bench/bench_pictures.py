"""Benchmark symbol search over the whole OpenMoji library: time per query, first use and warm."""

import os
import platform
import statistics
import time

from accessible import pictures

WORDS = ["tea", "coffee", "fish pie", "roast chicken", "cake", "bingo", "garden", "church", "hairdresser", "music",
         "dog", "cat", "happy", "sad", "bath", "bed", "lounge", "walking", "knitting", "seaside", "umbrella",
         "penguin", "birthday", "soup", "bread", "te", "pysgod", "gardd", "cup of tea", "person walking"]


def main():
    started = time.perf_counter()
    pictures.search("tea")
    first = (time.perf_counter() - started) * 1000
    times, repeats = [], []
    for _ in range(20):
        for word in WORDS:
            lang = "cy" if word in ("te", "pysgod", "gardd") else "en"
            pictures._search.cache_clear()  # time the search itself, not the memo of staff pages' repeats
            t = time.perf_counter()
            pictures.search(word, lang=lang)
            times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            pictures.search(word, lang=lang)
            repeats.append((time.perf_counter() - t) * 1000)
    times.sort()
    symbols = len(pictures._library()[0])
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"symbols indexed: {symbols}")
    print(f"first search (builds the index): {first:.0f} ms")
    print(f"search over the whole library: median {statistics.median(times):.1f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms ({len(times)} queries)")
    print(f"the same search again (memoised): median {statistics.median(repeats) * 1000:.0f} µs")


if __name__ == "__main__":
    main()
