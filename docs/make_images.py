"""Make the README's pictures: the kiosk at phone and tablet sizes, a family phone, and printables' first pages."""

import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select

from accessible import printouts, serving
from accessible.db import Database
from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME, create_demo
from accessible.models import Person, Topic
from web import create_app

OUT = Path(__file__).resolve().parent / "images"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main():
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Database.for_data_dir(folder)
        db.upgrade()
        with db.write() as s:
            create_demo(s)
        server = serving.make_server(create_app({"DATA_DIR": folder}), "127.0.0.1", 0)
        server.prepare()
        threading.Thread(target=server.serve, daemon=True).start()
        base = f"http://127.0.0.1:{server.bind_addr[1]}"
        with db.write() as s:
            menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
            peggy = s.scalars(select(Person).where(Person.name == "Margaret Evans")).one()
            menu_id, peggy_id = menu.id, peggy.id
            cards = printouts.render(s, menu, "cards", folder, base, resident=peggy)
            form = printouts.render(s, menu, "form", folder, base, resident=peggy)
            visiting = s.scalars(select(Topic).where(Topic.title == "Visiting hours")).one()
            poster = printouts.render(s, visiting, "poster", folder, base)
        for name, result in [("card-sheet", cards), ("form", form), ("poster", poster)]:
            pdf = Path(folder) / f"{name}.pdf"
            pdf.write_bytes(result.pdf)
            subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(OUT / f"print-{name}")], check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for label, size in [("tablet", {"width": 1024, "height": 768}), ("phone", {"width": 390, "height": 844})]:
                page = browser.new_page(viewport=size)
                page.goto(f"{base}/login")
                page.fill("#username", DEMO_USERNAME)
                page.fill("#password", DEMO_PASSWORD)
                page.click("button[type=submit]")
                page.goto(f"{base}/staff/residents/{peggy_id}")
                page.click("text=Start the kiosk for")
                page.goto(f"{base}/kiosk/topics/{menu_id}")
                page.screenshot(path=OUT / f"kiosk-{label}.png")
                page.close()
            page = browser.new_page(viewport={"width": 1024, "height": 900})
            page.goto(f"{base}/login")
            page.fill("#username", DEMO_USERNAME)
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/staff/topics/{menu_id}/results")
            page.screenshot(path=OUT / "staff-results.png")
            browser.close()
        server.stop()
        db.dispose()
    print("\n".join(str(p.relative_to(OUT.parent.parent)) for p in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    sys.exit(main())
