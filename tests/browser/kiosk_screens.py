"""Walk every kiosk screen a resident would see and find what lies outside the screen (used by tests and bench);
speak to the kiosk through Chromium's fake microphone."""

import subprocess
import wave
from urllib.parse import urljoin

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from accessible.models import Person
from tests.browser.conftest import sign_in

#: The screens the kiosk is held to: two tablets either way up, an ordinary PC and a phone.
VIEWPORTS = [(1024, 768), (768, 1024), (1366, 768), (390, 844)]

#: What a resident needs on the screen: the question, every answer, the thing being rated, paging, speech and
#: voice controls, "Is that right?" with both answers.
NEEDED = ("h1, .big-text, .choice-card, .rated img, .paging a, .speech-controls button, [data-speak], "
          "[data-needed]")

OUTSIDE_JS = """(needed) => {
  const w = document.documentElement.clientWidth, h = window.innerHeight;
  return Array.from(document.querySelectorAll(needed))
    .filter(el => el.getClientRects().length && !el.closest('[hidden]'))
    .map(el => ({el, r: el.getBoundingClientRect()}))
    .filter(({r}) => r.bottom > h + 1 || r.right > w + 1 || r.top < -1 || r.left < -1)
    .map(({el, r}) => `${(el.textContent || el.alt || el.className).trim().replace(/\\s+/g, ' ').slice(0, 40)}`
                      + ` (${Math.round(r.top)}-${Math.round(r.bottom)} of ${h})`)
    .concat(Array.from(document.querySelectorAll('.choice-label')).filter(label => {
      const l = label.getBoundingClientRect(), c = label.parentNode.getBoundingClientRect();
      return l.left < c.left || l.right > c.right;  // a word spilling over its card's edge
    }).map(label => `${label.textContent.trim()} spills over its card`));
}"""


def outside(page):
    """Return what a resident needs on this screen that lies outside the viewport (below the edge, mostly)."""
    return page.evaluate(OUTSIDE_JS, NEEDED)


def start_kiosk(page, base, db, name):
    """Start the kiosk for the resident *name* on this page, as staff do (sign in, then "Start the kiosk")."""
    with db.read() as s:
        resident_id = s.scalars(select(Person.id).where(Person.name == name)).one()
    sign_in(page, base)
    page.goto(f"{base}/staff/residents/{resident_id}")
    page.click("text=Start the kiosk for")
    page.wait_for_url(f"{base}/kiosk/")
    return resident_id


def settle(page):
    """Wait until the kiosk has fitted this screen to the viewport (it may move to fewer options a screen)."""
    page.wait_for_selector("html[data-fit=done]", state="attached", timeout=15_000)


def open_screen(page, url):
    """Open a kiosk screen as a resident's tablet does and wait until it fits the viewport.

    A screen that cannot fit moves itself to fewer options as it loads (location.replace): waiting for the
    first page's load would see that move as an aborted navigation, so this waits for the fitted screen.
    """
    page.goto(url, wait_until="commit")
    settle(page)
    page.wait_for_load_state()


FITTED_JS = """() => {
  const root = document.documentElement;
  const own = parseFloat(getComputedStyle(root).getPropertyValue('--text-pt') || 18) * 1.3333;
  return {words: root.style.fontSize ? parseFloat(root.style.fontSize) / own : 1,
          fewer: new URLSearchParams(location.search).has('per'),
          cards: document.querySelectorAll('.choices .choice-card').length};
}"""


def screens(page, base, settled=settle, confirms=2):
    """Yield each screen the resident's open questions show, as the page shows it (fitted, when *settled* waits).

    Every page of options, the first two things rated, and "Is that right?" for the first *confirms* questions:
    starts from the kiosk's own list of the resident's open questions and follows the paging links.
    """
    page.goto(f"{base}/kiosk/", wait_until="domcontentloaded")
    settled(page)
    starts = [urljoin(base, a) for a in page.eval_on_selector_all(
        ".topic-buttons a", "links => links.map(a => a.getAttribute('href'))")]
    seen = set()
    for n, start in enumerate(starts):
        queue, rated, links = [start], False, {}
        while queue:
            page.goto(queue.pop(0), wait_until="domcontentloaded")
            settled(page)
            if page.url in seen:
                continue
            seen.add(page.url)
            links = page.evaluate(LINKS_JS) if not links else links
            yield page
            if "/rate/" in page.url and rated:
                continue  # two things rated show every kind of rating screen (the second has both ways on)
            rated = rated or "/rate/" in page.url
            queue += [h for h in page.eval_on_selector_all(".paging a", "links => links.map(a => a.href)")
                      if h not in seen and h not in queue]
        if n < confirms and links.get("card"):
            page.goto(links["card"], wait_until="domcontentloaded")
            settled(page)
            yield page


LINKS_JS = "() => ({card: document.querySelector('a.choice-card') && document.querySelector('a.choice-card').href})"


def walk(page, base, db, names, viewports=VIEWPORTS, settled=settle):
    """Walk every resident's screens at every viewport; return one record a screen.

    Each record: (resident, viewport, address, what lies outside the screen, how it was fitted: the words' size
    as a share of the resident's own, whether fewer options than the needs say are shown, the answer cards shown).
    """
    records = []
    for name in names:
        start_kiosk(page, base, db, name)
        for width, height in viewports:
            page.set_viewport_size({"width": width, "height": height})
            for shown in screens(page, base, settled):
                records.append((name, f"{width}x{height}", shown.url.removeprefix(base), outside(shown),
                                shown.evaluate(FITTED_JS)))
    return records


def speech_file(tmp_path, text, voice):
    """Say *text* with espeak-ng into a WAV with quiet before and after, as a microphone would hear it."""
    raw = tmp_path / "raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(raw), text], check=True)
    with wave.open(str(raw)) as w:
        rate, samples = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    quiet = np.zeros(int(rate * 0.6), dtype=np.int16)
    out = tmp_path / "said.wav"
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate([quiet, samples, quiet, quiet, quiet, quiet]).tobytes())
    return out


def say(page, then_url):
    """Press Speak, as a resident does, until the page moves on to *then_url*: a second try after a miss.

    Chromium's fake microphone loops the file from wherever it happens to be when recording starts, and
    on a busy machine it can drop audio; a resident who was not caught simply says it again.
    """
    for attempt in range(2):
        page.click("[data-speak]")
        try:
            page.wait_for_url(then_url, timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == 1:
                raise
            page.wait_for_selector("[data-speak]:not([disabled])", timeout=10_000)  # asked to say it again


def scan_to(page, label, limit=200):
    """Wait, like a switch user, until the lit option is *label*, then press the one switch (space)."""
    for _ in range(limit):
        if label in (page.evaluate("document.body.dataset.scanLit") or ""):
            page.keyboard.press(" ")
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"{label} was never lit")
