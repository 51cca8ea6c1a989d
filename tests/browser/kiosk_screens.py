"""Walk every kiosk screen a resident would see and find what lies outside the screen (used by tests and bench)."""

from urllib.parse import urljoin

from sqlalchemy import select

from accessible.models import Person

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
                      + ` (${Math.round(r.top)}-${Math.round(r.bottom)} of ${h})`);
}"""


def outside(page):
    """Return what a resident needs on this screen that lies outside the viewport (below the edge, mostly)."""
    return page.evaluate(OUTSIDE_JS, NEEDED)


def start_kiosk(page, base, db, name):
    """Start the kiosk for the resident *name* on this page, as staff do (sign in, then "Start the kiosk")."""
    with db.read() as s:
        resident_id = s.scalars(select(Person.id).where(Person.name == name)).one()
    page.goto(f"{base}/login")
    page.fill("#username", "manager")
    page.fill("#password", "tea-and-biscuits")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/**")
    page.goto(f"{base}/staff/residents/{resident_id}")
    page.click("text=Start the kiosk for")
    page.wait_for_url(f"{base}/kiosk/")
    return resident_id


def settle(page):
    """Wait until the kiosk has fitted this screen to the viewport (it may move to fewer options a screen)."""
    page.wait_for_selector("html[data-fit=done]", state="attached", timeout=15_000)


def screens(page, base, settled=settle):
    """Return every question screen (each page of options, each thing rated) and one "Is that right?" per topic.

    Starts from the kiosk's own list of the resident's open questions, and follows the paging links.
    """
    page.goto(f"{base}/kiosk/")
    settled(page)
    found, confirms = [], []
    for start in [urljoin(base, a) for a in page.eval_on_selector_all(
            ".topic-buttons a", "links => links.map(a => a.getAttribute('href'))")]:
        queue, first = [start], True
        while queue:
            url = queue.pop(0)
            page.goto(url)
            settled(page)
            if page.url in found:
                continue
            found.append(page.url)
            if first:
                card = page.locator("a.choice-card").first
                if card.count():
                    confirms.append(urljoin(base, card.get_attribute("href")))
                first = False
            for href in page.eval_on_selector_all(".paging a", "links => links.map(a => a.href)"):
                if href not in found and href not in queue:
                    queue.append(href)
    return found + confirms


def walk(page, base, db, names, viewports=VIEWPORTS, settled=settle):
    """Return (screens seen, [(resident, viewport, url, what lies outside)]) for every resident and viewport."""
    seen, problems = 0, []
    for name in names:
        start_kiosk(page, base, db, name)
        for width, height in viewports:
            page.set_viewport_size({"width": width, "height": height})
            for url in screens(page, base, settled):
                page.goto(url)
                settled(page)
                seen += 1
                missing = outside(page)
                if missing:
                    problems.append((name, f"{width}x{height}", page.url.removeprefix(base), missing))
    return seen, problems
