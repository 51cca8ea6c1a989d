"""Count kiosk screens where something a resident needs lies outside the screen, for every demo resident.

Real Chromium (Playwright, Debian's chromium) on the demo home served by waitress; each resident's open
questions, every page of options, every thing rated and one "Is that right?" per question, at 1024x768,
768x1024, 1366x768 and 390x844. ``--before`` measures code without the kiosk's fitting (no waiting for it).
"""

import argparse
import collections
import logging
import tempfile
import threading

from playwright.sync_api import sync_playwright
from sqlalchemy import select

from accessible.db import Database
from accessible.demo import RESIDENTS, create_demo
from accessible.models import CommunicationNeeds
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.kiosk_screens import VIEWPORTS, settle, walk
from web import create_app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="do not wait for the kiosk to fit a screen")
    parser.add_argument("--text-size", type=int, help="give every resident this text size (16 to 40 points)")
    parser.add_argument("--verbose", action="store_true", help="list every screen with something outside")
    args = parser.parse_args()
    import waitress

    logging.getLogger("waitress").setLevel(logging.ERROR)  # "task queue depth" while Chromium loads speech

    with tempfile.TemporaryDirectory() as folder:
        db = Database.for_data_dir(folder)
        db.upgrade()
        with db.write() as s:
            create_demo(s)
            if args.text_size:
                for needs in s.scalars(select(CommunicationNeeds)):
                    needs.text_size = args.text_size
        app = create_app({"DATA_DIR": folder})
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        settled = (lambda page: page.wait_for_load_state("load")) if args.before else settle
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            records = walk(page, base, db, [name for name, *_ in RESIDENTS], settled=settled)
            browser.close()
        server.close()
    problems = [r for r in records if r[3]]
    by_viewport = collections.Counter(size for _name, size, _url, _what, _how in problems)
    print(f"screens with something a resident needs outside the screen: {len(problems)} of {len(records)}")
    for width, height in VIEWPORTS:
        print(f"  {width}x{height}: {by_viewport.get(f'{width}x{height}', 0)}")
    if not args.before:
        print(f"fitted by fewer options a screen: {sum(how['fewer'] for *_rest, how in records)}")
        for width, height in VIEWPORTS:
            smaller = [how["words"] for _name, size, _url, _what, how in records
                       if how["words"] < 0.999 and size == f"{width}x{height}"]
            print(f"  words made smaller at {width}x{height}: {len(smaller)} screens"
                  + (f", the smallest {min(smaller):.0%} of the resident's size" if smaller else ""))
    if args.verbose:
        for problem in problems:
            print(*problem[:4])


if __name__ == "__main__":
    main()
