"""Benchmark printing: pages per second for personalised forms for 50 residents in one PDF, and one card sheet."""

import os
import platform
import time

from accessible import printing
from accessible.pictures import SVG_DIR


def main():
    options = [printing.PrintOption(i, label, SVG_DIR / f"{symbol}.svg", label, True) for i, (label, symbol) in
               enumerate([("Fish pie", "1F967"), ("Shepherd's pie", "1F967"), ("Roast chicken", "1F357"),
                          ("Vegetable curry", "1F35B")], 1)]
    topic = printing.PrintTopic(1, "What would you like for Friday lunch next week?", "choose", "choosing", options,
                                title="Next week's menu", home="Tŷ Glas")
    residents = [printing.PrintResident(n, f"Resident Number {n}", str(n), 16 + n % 8,
                                        f"http://care.local:5000/f/{'x' * 43}") for n in range(1, 51)]
    printing.render_form(topic, residents[:1], "http://care.local:5000")  # fonts and images loaded once
    t = time.perf_counter()
    forms = printing.render_form(topic, residents, "http://care.local:5000")
    elapsed = time.perf_counter() - t
    t = time.perf_counter()
    printing.render_cards(topic, residents[:1])
    sheet = time.perf_counter() - t
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"50 personalised forms: {len(forms.pages)} pages in {elapsed:.2f} s = {len(forms.pages) / elapsed:.1f} "
          f"pages/s ({len(forms.pdf) // 1024} KiB)")
    print(f"one card sheet (4 cards with QR codes): {sheet * 1000:.0f} ms")


if __name__ == "__main__":
    main()
