"""Helpers the tests share: signing in and posting forms, reading pages, marking and scanning paper, browsers.

Fixtures live in the conftest files; everything else a test file borrows from another lives here, so test files
never import each other.
"""

import contextlib
import io
import os
import re
import subprocess
import uuid
import wave

import cv2
import numpy as np
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from accessible.models import Option

# Databases and the test client

PASSWORD = "a good long password"
#: Set by scripts/test for its second run: a PostgreSQL server on which every test gets a database of its own.
POSTGRES = os.environ.get("ACCESSIBLE_TEST_POSTGRES")
sqlite_only = pytest.mark.skipif(bool(POSTGRES), reason="about SQLite's own files and locking, or two data "
                                 "folders that would share the one PostgreSQL database of a test")


@contextlib.contextmanager
def postgres_database():
    """Create a fresh database on the test PostgreSQL server; yield its URL; drop it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    server = make_url(POSTGRES)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def csrf_token(client, url):
    """Return the CSRF token a form at *url* carries, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post(client, url, data, form_url=None):
    """Post a form the way a browser does: with the token from the page the form is on."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def make_cards(client, topic_id, data=None, form_url=None):
    """Make a topic's family cards as staff do: press the button, follow the job until it ends, open the PDF.

    Return the PDF's response, or the job's last status (a dict) if it ended without one.
    """
    import time

    started = post(client, f"/staff/topics/{topic_id}/cards", data or {},
                   form_url=form_url or f"/staff/topics/{topic_id}")
    assert started.status_code == 303, started.get_data(as_text=True)
    job_page = started.headers["Location"]
    for _ in range(1200):  # the job runs in the server's own thread; a generous bound, not a timing
        status = client.get(f"{job_page}/status").get_json()
        if status["state"] not in ("waiting", "running"):
            break
        time.sleep(0.1)
    return client.get(status["pdf"]) if status["pdf"] else status


def markup_stripped(response):
    """Return the page with its tags dropped but scripts and styles kept, spaces folded (to look for leaks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def text(response):
    """Return the page's text as a person reads it: tags dropped, spaces folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&").split())


# Paper: marking a printed page as people do, photographing and scanning it, uploading it

DPI = 200


def px(mm):
    return int(round(mm * DPI / 25.4))


def mark(image, box, how="tick", colour=(30, 30, 30)):
    """Mark a box the way people do, on the printed page image."""
    x, y, w, h = (box[k] for k in ("x_mm", "y_mm", "w_mm", "h_mm"))
    if how == "tick":
        cv2.line(image, (px(x + 3), px(y + 8)), (px(x + 6), px(y + 12)), colour, px(0.8))
        cv2.line(image, (px(x + 6), px(y + 12)), (px(x + 13), px(y + 2)), colour, px(0.8))
    elif how == "cross":
        cv2.line(image, (px(x + 2), px(y + 2)), (px(x + 13), px(y + 13)), colour, px(0.7))
        cv2.line(image, (px(x + 13), px(y + 2)), (px(x + 2), px(y + 13)), colour, px(0.7))
    elif how == "filled":
        cv2.rectangle(image, (px(x + 1), px(y + 1)), (px(x + w - 1), px(y + h - 1)), colour, -1)
    elif how == "dot":
        cv2.circle(image, (px(x + w / 2), px(y + h / 2)), px(0.8), colour, -1)
    elif how == "circle":  # a ring drawn round the box, not touching its inside
        cv2.ellipse(image, (px(x + w / 2), px(y + h / 2)), (px(w / 2 + 4), px(h / 2 + 3)), 0, 0, 360, colour, px(0.6))
    elif how == "pencil":  # a light, thin pencil tick
        cv2.line(image, (px(x + 3), px(y + 8)), (px(x + 6), px(y + 12)), (150, 150, 150), px(0.35))
        cv2.line(image, (px(x + 6), px(y + 12)), (px(x + 13), px(y + 2)), (150, 150, 150), px(0.35))
    elif how == "scribble":  # an answer crossed out hard, to change it
        for k in range(0, 14, 2):
            cv2.line(image, (px(x + 1), px(y + 1 + k)), (px(x + w - 1), px(y + 2 + k)), colour, px(0.9))
    return image


def photograph(image, upside_down=False, tilt=0.06):
    """Return the page as a phone would see it: turned, in perspective, with a shadow, noise and JPEG."""
    h, w = image.shape[:2]
    canvas = np.full((h + 400, w + 400, 3), 90, np.uint8)  # a table around the page
    canvas[200:200 + h, 200:200 + w] = image
    H, W = canvas.shape[:2]
    src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
    dst = np.float32([[W * tilt, H * 0.02], [W * (1 - tilt / 2), 0], [W, H * (1 - tilt)], [0, H]])
    warped = cv2.warpPerspective(canvas, cv2.getPerspectiveTransform(src, dst), (W, H), borderValue=(90, 90, 90))
    shadow = np.linspace(0.6, 1.0, W)[None, :, None]  # a shadow across the page
    noisy = np.clip(warped * shadow + np.random.default_rng(1).normal(0, 6, warped.shape), 0, 255).astype(np.uint8)
    if upside_down:
        noisy = cv2.rotate(noisy, cv2.ROTATE_180)
    ok, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def upload(client, files):
    """Upload files on the Filled forms page as a browser does (one request, every file in it)."""
    token = csrf_token(client, "/staff/paper")
    # Encoded here, in memory: the test client would spool a big body to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict([("csrf_token", token)] + [
        ("scans", FileStorage(io.BytesIO(data), name)) for name, data in files]))
    return client.post("/staff/paper", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def png(image):
    return cv2.imencode(".png", image)[1].tobytes()


def rasterise(pdf, folder, dpi=200):
    """Return every page of a PDF (bytes) as a scanner at *dpi* would see it."""
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(folder / "in.pdf"), str(folder / "scan")], check=True)
    return [cv2.imread(str(p)) for p in sorted(folder.glob("scan-*.png"))]


def topic_option(db, label):
    """Return the id of the option called *label*."""
    with db.read() as s:
        return s.scalars(select(Option.id).where(Option.label == label)).one()


# Printouts read back as a machine would

def raster(pdf_bytes, tmp_path, dpi=150):
    """Return every page of a PDF as an RGB numpy array, rendered by pdftoppm."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return [np.array(Image.open(p).convert("RGB")) for p in sorted(tmp_path.glob("page-*.png"))]


def qr_texts(image):
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


# Browser pages, through Playwright

def sign_in(page, base, username="manager", password="tea-and-biscuits"):
    """Sign in through the staff form, as a member of staff would."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/staff/**")


def axe_violations(page):
    """Return axe-core's violations for WCAG 2.x A/AA, WCAG 2.2 AA and AAA enhanced contrast."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "wcag2aaa"]}})
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


SMALL_TARGETS_JS = """(min) => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary'))
  .filter(el => el.offsetParent !== null && !el.closest('[hidden]'))
  .map(el => { const r = el.getBoundingClientRect(); const label = el.closest('label');
               const l = label ? label.getBoundingClientRect() : r;
               return {text: (el.textContent || el.name || el.id || '').trim().slice(0, 40),
                       w: Math.max(r.width, l.width), h: Math.max(r.height, l.height)}; })
  .filter(t => t.w < min || t.h < min)"""


def small_targets(page, minimum=44):
    """Return the controls smaller than minimum × minimum CSS px (a control's label counts as its target)."""
    return page.evaluate(SMALL_TARGETS_JS, minimum)


def horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


# Sound

def wav_bytes(samples, rate=16000, channels=1, width=2):
    """Return a WAV file holding float *samples* (frames x channels) as integer PCM."""
    data = np.asarray(samples, dtype=np.float64)
    if width == 1:
        raw = (np.clip(data, -1, 1) * 127 + 128).astype(np.uint8).tobytes()
    else:
        raw = (np.clip(data, -1, 1) * (2 ** (8 * width - 1) - 1)).astype(f"<i{width}").tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return out.getvalue()
