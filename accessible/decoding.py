"""Let one big picture (a scanned page, a photo) be decoded at a time, so several at once never exhaust memory."""

import threading

#: One scanned page or photo decoded takes up to a few hundred MB (see paper.read.MAX_PIXELS and
#: pictures.MAX_PIXELS); three at once took a server past 10 GB. Others wait their turn, a second or so each.
#: Hold it only around decoding and reading pixels, never while waiting for a database write.
one_at_a_time = threading.BoundedSemaphore(1)
