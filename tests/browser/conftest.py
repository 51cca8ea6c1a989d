"""Browser fixtures: the production server on loopback with the demo home, and Debian's Chromium via Playwright."""

import contextlib
import shutil
import threading

import pytest

# The kiosk's browser tests still import these from here.
from tests.helpers import POSTGRES, axe_violations, horizontal_scroll, postgres_database, sign_in, small_targets  # noqa: F401

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium off the network (there is none) and quiet, as a kiosk in a care home would be.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """Serve a demo home with the production server on a free loopback port; yield (base URL, database)."""
    from accessible import serving
    from accessible.db import Database
    from accessible.demo import create_demo
    from web import create_app

    folder = tmp_path_factory.mktemp("browser-home")
    with contextlib.ExitStack() as stack:
        # On the PostgreSQL run the module's server gets a database of its own on that server.
        url = stack.enter_context(postgres_database()) if POSTGRES else None
        db = Database.for_data_dir(folder, url)
        db.upgrade()
        with db.write() as s:
            create_demo(s)
        app = create_app({"DATA_DIR": str(folder), "DATABASE_URL": url})
        # The browser clicks far faster than a person: the per-device request rate is a person's, so it is
        # raised here (tests/test_serving.py tests the limits themselves).
        limits = serving.Limits(threads=16, burst=10_000, per_second=1_000)
        server = serving.make_server(app, "127.0.0.1", 0, threads=16, limits=limits)
        server.prepare()
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.bind_addr[1]}", db
        server.stop()
        app.extensions["db"].dispose()
        db.dispose()


@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch(playwright, extra_args=()):
    """Start Debian's Chromium headless with the project's flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


@pytest.fixture(scope="module")
def browser(playwright_instance):
    b = launch(playwright_instance)
    yield b
    b.close()


TEXT_SPACING_JS = """() => {
  // WCAG 1.4.12 text spacing, applied through the CSSOM (the pages' CSP rightly refuses injected style sheets).
  for (const el of document.querySelectorAll('*')) {
    el.style.setProperty('line-height', '1.5', 'important');
    el.style.setProperty('letter-spacing', '0.12em', 'important');
    el.style.setProperty('word-spacing', '0.16em', 'important');
  }
  for (const p of document.querySelectorAll('p')) { p.style.setProperty('margin-bottom', '2em', 'important'); }
}"""


def clipped_text(page):
    """Return controls whose text no longer fits inside them (text cut off or spilling out)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('a, button, label, h1, h2, p'))
      .filter(el => el.offsetParent !== null && getComputedStyle(el).overflow === 'hidden' &&
                    (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      .map(el => el.textContent.trim().slice(0, 40))""")


UNREADABLE_CONTROLS_JS = """() => {
  // Contrast of each visible control's text against its own filled background (WCAG's formula).
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  return Array.from(document.querySelectorAll('a[href], button'))
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .map(el => { const s = getComputedStyle(el); return {el, color: s.color, bg: s.backgroundColor}; })
    .filter(x => rgb(x.bg).length < 4 || rgb(x.bg)[3] > 0)  // a filled background, not a transparent one
    .map(x => { const [a, b] = [lum(x.color), lum(x.bg)].sort((p, q) => q - p);
                return {text: x.el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)}; })
    .filter(x => x.ratio < 7)
    .map(x => `${x.text} (${x.ratio.toFixed(1)}:1)`);
}"""


def unreadable_controls(page):
    """Return buttons and links whose text is below 7:1 against their own background (axe can miss these)."""
    return page.evaluate(UNREADABLE_CONTROLS_JS)
