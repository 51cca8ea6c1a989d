"""Benchmark paper reading: filled forms photographed at angles, in shadow and noise: marks right, review, speed."""

import os
import platform
import random
import subprocess
import tempfile
import time
from pathlib import Path

import cv2

from accessible import printing
from accessible.paper import read
from tests.paper.test_read import DPI, mark, photograph  # the same ways of marking and photographing as the tests


def main(pages=60):
    options = [printing.PrintOption(i, label) for i, label in enumerate(["Fish pie", "Cawl", "Curry"], 1)]
    topic = printing.PrintTopic(1, "What would you like for lunch?", "choose", "choosing", options)
    result = printing.render_form(topic, [printing.PrintResident(n, f"Resident {n}") for n in range(pages)], "http://x")
    boxes = {p.page_id: p.boxes for p in result.pages}
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "forms.pdf"
        pdf.write_bytes(result.pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), f"{folder}/p"], check=True)
        samples = []
        for path, page in zip(sorted(Path(folder).glob("p-*.png")), result.pages, strict=True):
            image = cv2.imread(str(path))
            truth = []
            for box in page.boxes:
                if box["value"] == "write-in":
                    continue
                how = rng.choice(["tick", "cross", "filled", "pencil", None, None, None, None])
                if how:
                    mark(image, box, how)
                truth.append("ticked" if how else "empty")
            photo = photograph(image, upside_down=rng.random() < 0.3, tilt=rng.uniform(0.0, 0.08))
            samples.append((photo, truth))
    right = total = review = 0
    started = time.perf_counter()
    for photo, truth in samples:
        reading = read.read_page(photo, boxes.get)
        for mark_, expected in zip(reading.marks, truth, strict=True):
            total += 1
            right += mark_.state == expected
            review += mark_.state == "uncertain"
    elapsed = time.perf_counter() - started
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"{len(samples)} phone-photo pages (angles, upside down, shadow, noise, JPEG), {total} boxes")
    print(f"marks right: {right / total:.2%}; sent to review: {review / total:.2%}")
    print(f"speed: {len(samples) / elapsed:.1f} pages/s on one core")


if __name__ == "__main__":
    main()
