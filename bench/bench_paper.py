"""Benchmark paper reading: forms filled in every way people do, scanned at 150-300 dpi or photographed, then read.

Figures: pages identified, boxes right among those the reader decided (ticked or empty), boxes sent to review,
and pages read per second (decoding the uploaded image included) on one core and on two.

Run: PYTHONPATH=. .venv/bin/python bench/bench_paper.py [pages]
"""

import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np

import tests.helpers as drawing  # the same ways of marking and photographing as the tests
import tests.paper.test_read as marking
from accessible import printing
from accessible.paper import read

#: Forms are rendered and marked at this resolution, then scanned down to 150-300 dpi.
MASTER_DPI = 300
#: How people answer one question, and how often (the rest of the time they leave it blank).
KINDS = [("tick", 34), ("cross", 18), ("filled", 8), ("pencil", 14), ("circle", 2), ("stray", 5),
         ("correction", 4), (None, 15)]


def _forms(pages):
    options = [printing.PrintOption(i, label) for i, label in enumerate(["Fish pie", "Cawl", "Curry"], 1)]
    people = [printing.PrintResident(n, f"Resident {n}") for n in range(pages // 2)]
    made = []
    for kind in ("choose", "rate"):
        topic = printing.PrintTopic(1 if kind == "choose" else 2, "What would you like for lunch?", kind,
                                    "choosing", options)
        made.append(printing.render_form(topic, people, "http://x"))
    return made


def _fill(image, boxes, rng):
    """Answer each question of a page the way a person might; return each box's true state, by box."""
    truth = {id(b): "empty" for b in boxes}
    questions = {}
    for box in boxes:
        questions.setdefault((box["option"] if box["value"] in ("like", "unsure", "dislike") else None), []).append(box)
    used = Counter()
    for row in questions.values():
        how = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        if how == "stray" and len(row) < 2:
            how = "tick"  # a line strays into the box beside it: only rated rows have one
        if how is None:
            continue
        used[how] += 1
        pick = rng.randrange(len(row))
        if how == "stray":
            pick = rng.randrange(len(row) - 1)
            marking.stray(image, row[pick], row[pick + 1], rng.uniform(0.5, 5), seed=rng.randrange(999))
        elif how == "correction":  # one box scribbled out, another ticked: both carry ink, a person decides
            other = (pick + 1) % len(row)
            drawing.mark(image, row[other], "scribble")
            truth[id(row[other])] = "ticked"
            drawing.mark(image, row[pick], "tick")
        else:
            drawing.mark(image, row[pick], how)
        truth[id(row[pick])] = "ticked"
    return [truth[id(b)] for b in boxes], used


def _scan(image, dpi, rng):
    """A flatbed scan at *dpi*: a slight skew, off-white paper, a little blur, JPEG."""
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-2, 2), 1.0)
    image = cv2.warpAffine(image, turn, (w, h), borderValue=(235, 235, 235))
    image = (image.astype(np.float32) * rng.uniform(0.88, 1.0)).astype(np.uint8)
    return cv2.resize(image, None, fx=dpi / MASTER_DPI, fy=dpi / MASTER_DPI, interpolation=cv2.INTER_AREA)


def _degrade(image, rng):
    """Return (how, dpi, blur in mm, JPEG bytes) of a page as a scanner or a phone would send it."""
    dpi = rng.uniform(150, 300)
    blur = rng.uniform(0, 0.25)
    if rng.random() < 0.5:
        how, seen = "scan", _scan(image, dpi, rng)
    else:
        how = "photo"
        small = cv2.resize(image, None, fx=dpi / MASTER_DPI, fy=dpi / MASTER_DPI, interpolation=cv2.INTER_AREA)
        seen = drawing.photograph(small, upside_down=rng.random() < 0.3, tilt=rng.uniform(0.0, 0.08))
    if blur > 0.02:
        seen = cv2.GaussianBlur(seen, (0, 0), blur * dpi / 25.4)
    return how, dpi, blur, cv2.imencode(".jpg", seen, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 92)])[1].tobytes()


_BOXES = {}


def _unreadable(sample, n):
    """Return a page made too small (60-120 dpi) or too blurred (0.7 mm) to read safely, as JPEG."""
    *_, dpi, _blur, data = sample
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if n % 2:
        image = cv2.resize(image, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    else:
        image = cv2.GaussianBlur(image, (0, 0), 0.7 * dpi / 25.4)
    return cv2.imencode(".jpg", image)[1].tobytes()


def _read(job):
    """Decode one uploaded page and read it; return (page code or error, states)."""
    image = cv2.imdecode(np.frombuffer(job, np.uint8), cv2.IMREAD_GRAYSCALE)  # the reader works in grey
    try:
        reading = read.read_page(image, _BOXES.get)
    except read.PageNotRecognised as e:
        return str(e), []
    return reading.page, [m.state for m in reading.marks]


def _init(boxes):
    cv2.setNumThreads(1)  # one process, one core: OpenCV would otherwise spread over both
    _BOXES.update(boxes)


def main(pages=120):
    rng = random.Random(7)
    results = _forms(pages)
    boxes = {p.page_id: [b for b in p.boxes if b["value"] != "write-in"] for r in results for p in r.pages}
    samples, used = [], Counter()
    # The marks are drawn at the master resolution. (Set on the module whose px() draws them: set on test_read,
    # after the helpers moved to tests/helpers.py, it drew every mark at 2/3 of its place and size, and this
    # benchmark read 72 % of boxes "right" for a while without anything in the product having changed.)
    drawing.DPI = MASTER_DPI
    with tempfile.TemporaryDirectory() as folder:
        for n, result in enumerate(results):
            pdf = Path(folder) / f"forms{n}.pdf"
            pdf.write_bytes(result.pdf)
            subprocess.run(["pdftoppm", "-r", str(MASTER_DPI), "-png", str(pdf), f"{folder}/f{n}"], check=True)
            for path, page in zip(sorted(Path(folder).glob(f"f{n}-*.png")), result.pages, strict=True):
                image = cv2.imread(str(path))
                truth, kinds = _fill(image, boxes[page.page_id], rng)
                used.update(kinds)
                samples.append((page.page_id, truth, *_degrade(image, rng)))
    jobs = [data for *_, data in samples]
    bad = [_unreadable(sample, n) for n, sample in enumerate(samples[:12])]
    _init(boxes)
    started = time.perf_counter()
    outcomes = [_read(job) for job in jobs]
    one_core = len(jobs) / (time.perf_counter() - started)
    with Pool(2, initializer=_init, initargs=(boxes,)) as pool:
        started = time.perf_counter()
        pool.map(_read, jobs, chunksize=4)
        two_cores = len(jobs) / (time.perf_counter() - started)

    identified = decided = right = review = total = 0
    by = Counter()
    errors = Counter()
    for (code, truth, how, dpi, _blur, _), (found, states) in zip(samples, outcomes, strict=True):
        if found != code:
            errors[found[:60]] += 1
            by[(how, "lost")] += 1
            continue
        identified += 1
        for state, expected in zip(states, truth, strict=True):
            total += 1
            if state == "uncertain":
                review += 1
                continue
            decided += 1
            right += state == expected
            by[(how, "wrong")] += state != expected
            by[("low dpi" if dpi < 200 else "high dpi", "wrong")] += state != expected
    dpis = [dpi for *_, dpi, _, _ in samples]
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {sys.version.split()[0]}, OpenCV {cv2.__version__}; shared with other work, so speeds are noisy")
    print(f"{len(samples)} pages ({sum(1 for s in samples if s[2] == 'scan')} scans, "
          f"{sum(1 for s in samples if s[2] == 'photo')} phone photos; choose-one and rate-each forms), "
          f"{min(dpis):.0f}-{max(dpis):.0f} dpi, blur up to 0.25 mm, JPEG 70-92")
    print("answers drawn: " + ", ".join(f"{k} {v}" for k, v in sorted(used.items())))
    print(f"pages identified: {identified}/{len(samples)} ({identified / len(samples):.1%})")
    print(f"boxes right, of those decided: {right}/{decided} ({right / max(1, decided):.2%}); "
          f"wrong on scans {by[('scan', 'wrong')]}, on photos {by[('photo', 'wrong')]}; "
          f"below 200 dpi {by[('low dpi', 'wrong')]}, 200 dpi and above {by[('high dpi', 'wrong')]}")
    print(f"boxes sent to review: {review}/{total} ({review / max(1, total):.2%})")
    print(f"speed: {one_core:.1f} pages/s on one core, {two_cores:.1f} pages/s on two (JPEG decode included)")
    refused = Counter(re.sub(r"about [0-9.]+", "about N", _read(job)[0].split(". ")[0]) for job in bad)
    print(f"bad pages (60-120 dpi, or blurred 0.7 mm) refused with a message, nothing read: "
          f"{sum(n for r, n in refused.items() if r not in boxes)}/{len(bad)} ("
          + "; ".join(f"{n}× {r}" for r, n in refused.items()) + ")")
    for message, count in errors.items():
        print(f"  not identified ({count}): {message}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 120)
