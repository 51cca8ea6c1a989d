"""Decode big pictures (scanned pages, photos) one at a time, on a thread that yields the processor to the rest."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

#: How much lower the decoding thread's priority is (Linux nice, per thread): pages wait, people do not.
NICER = 10


def _lower_priority():
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICER)
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: it still decodes one at a time


#: One scanned page or photo decoded takes up to a few hundred MB (see paper.read.MAX_PIXELS and
#: pictures.MAX_PIXELS); three at once took a server past 10 GB. One thread does them all, in turn.
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decoding", initializer=_lower_priority)


def run(function, *args, **kwargs):
    """Return *function(…)* run on the decoding thread, after any decoding asked for before it; raise what it raises.

    Never call it from inside *function* (it would wait for itself), nor while holding a database write lock.
    """
    return _worker.submit(function, *args, **kwargs).result()
