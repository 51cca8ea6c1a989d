"""Benchmark how a resident's own form falls on A4 at every text size the needs form offers (16 to 40 pt).

For a five-option "choose one" topic (in English and for a Welsh-speaking resident), an eight-dish menu and a
five-option "rate each" topic, prints per size: the pages the form takes, the answers on each page, and the gap
between the words above the first answer and the answer itself (an empty band shows as a big gap); a page holding
one answer while another holds several is called out. Everything is read from the real PDF with pdfplumber, as the
tests do, not from the layout's own idea of it.

    PYTHONPATH=. .venv/bin/python bench/bench_form_pages.py [--sizes 16,24,32,40]
"""

import argparse
import io

import pdfplumber

from accessible import printing
from accessible.pictures import SVG_DIR

PT_PER_MM = 72 / 25.4
SIZES = range(16, 41)  # the resident needs form takes any whole size from 16 to 40 pt

DISHES = [("Fish pie", "1F967"), ("Shepherd's pie", "1F967"), ("Roast chicken", "1F357"), ("Cawl", "1F963"),
          ("Vegetable curry", "1F35B"), ("Macaroni cheese", "1F9C0"), ("Jacket potato with beans", "1F954"),
          ("Ham salad", "1F957")]


def _topic(kind, count, question):
    options = [printing.PrintOption(i, label, SVG_DIR / f"{symbol}.svg", label, True)
               for i, (label, symbol) in enumerate(DISHES[:count], 1)]
    return printing.PrintTopic(7, question, kind, "choosing", options, title="Menu", home="Tŷ Glas")


#: name → (topic, the resident's language: None for the topic's own, English)
TOPICS = {
    "choose one of 5": (_topic("choose", 5, "What would you like for Friday lunch?"), None),
    "choose one of 5, Welsh": (_topic("choose", 5, "What would you like for Friday lunch?"), "cy"),
    "menu of 8": (_topic("choose", 8, "Which dishes should be on next month's menu?"), None),
    "rate each of 5": (_topic("rate", 5, "How do you like each of these lunches?"), None),
}


def measure(topic, size, lang=None):
    """Return (pages, answers per page, gap in mm above the first answer) for one resident's form at *size*."""
    resident = printing.PrintResident(3, "Margaret Evans", "12", size, lang=lang)
    result = printing.render_form(topic, [resident], "http://care.local:5000")
    per_page = [len({b["option"] for b in p.boxes if b["value"] != "write-in"}) for p in result.pages]
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        page = pdf.pages[0]
        rows = [r for r in page.rects if abs(r["x0"] - printing.ROWS_X_MM * PT_PER_MM) < 2 and r["width"] > 60]
        first_row = min(r["top"] for r in rows)
        above = max(w["bottom"] for w in page.extract_words() if w["bottom"] < first_row)
        pdf_pages = len(pdf.pages)
    assert pdf_pages == len(result.pages)
    return pdf_pages, per_page, (first_row - above) / PT_PER_MM


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated text sizes in points (default: every size 16 to 40)")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")] if parser.parse_args().sizes else SIZES
    worst = {}
    for name, (topic, lang) in TOPICS.items():
        print(f"\n{name}: size → pages (answers on each page), gap above the first answer")
        for size in sizes:
            pages, per_page, gap = measure(topic, size, lang)
            lone = len(per_page) > 1 and min(per_page) == 1
            print(f"  {size:2d} pt: {pages} page{'s' if pages > 1 else ' '} {per_page!s:<14} gap {gap:4.1f} mm"
                  + ("  ONE ANSWER ALONE ON A PAGE" if lone else ""))
            worst[name] = max(worst.get(name, 0), pages)
    print("\nmost pages at any size: " + ", ".join(f"{name} {n}" for name, n in worst.items()))


if __name__ == "__main__":
    main()
