"""Read filled forms back from scans and phone photos: find the page, straighten it, measure every box."""

import re
from dataclasses import dataclass, field

import cv2
import numpy as np
import zxingcpp

from accessible.paper import layout, markers

#: The straightened page is drawn at this many pixels per millimetre (about 200 dpi).
SCALE = 8
#: Share of dark pixels inside a box: below EMPTY it is empty, from TICKED up it is ticked, between uncertain.
EMPTY, TICKED = 0.02, 0.04
#: Where the black square of each printed marker lies inside its image (a one-cell white border around it).
_BLACK_FROM, _BLACK_TO = 1.75, 12.25
_PAGE_CODE = re.compile(r"(?:/p/|accessible:page:)([A-Za-z0-9_-]{6,32})$")


#: A scanner batch or a phone photo; anything bigger is refused before it is decoded.
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_PAGES = 200
MAX_PIXELS = 80_000_000


class BadScan(ValueError):
    """A file that is not a readable image or PDF; the message says what to send instead."""


class PageNotRecognised(ValueError):
    """An image that is not a readable accessible form; the message says what to do."""


@dataclass
class Mark:
    topic: int
    option: int | None
    value: str
    state: str
    fill: float

    def as_dict(self):
        return {"topic": self.topic, "option": self.option, "value": self.value, "state": self.state,
                "fill": round(self.fill, 3)}


@dataclass
class Reading:
    source: str
    page: str
    marks: list = field(default_factory=list)
    #: The straightened page (grey), for cropping write-in areas and questions for review.
    image: np.ndarray | None = None

    def as_dict(self):
        return {"source": self.source, "page": self.page, "marks": [m.as_dict() for m in self.marks]}


def _marker_points():
    """Return the page positions (mm) of the four corners of each marker's black square, by marker id."""
    points = {}
    for marker_id, (x, y) in zip(markers.CORNER_IDS, layout.marker_positions(), strict=True):
        a, b = x + _BLACK_FROM, x + _BLACK_TO
        c, d = y + _BLACK_FROM, y + _BLACK_TO
        points[marker_id] = [(a, c), (b, c), (b, d), (a, d)]  # ArUco order: TL, TR, BR, BL
    return points


def _detector():
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(markers.ARUCO_DICTIONARY), params)


def straighten(grey):
    """Return the page seen in *grey*, straightened to SCALE px/mm (any rotation, tilt or perspective)."""
    corners, ids, _ = _detector().detectMarkers(grey)
    known = _marker_points()
    source, target = [], []
    for quad, marker_id in zip(corners or [], [] if ids is None else ids.flatten(), strict=False):
        if int(marker_id) in known:
            source.extend(quad[0])
            target.extend((x * SCALE, y * SCALE) for x, y in known[int(marker_id)])
    if len(source) < 8:
        raise PageNotRecognised("The corner marks could not be found. Scan or photograph the whole page, flat and "
                                "in good light, with all four corners showing.")
    homography, _ = cv2.findHomography(np.float32(source), np.float32(target), cv2.RANSAC, 3.0)
    if homography is None:
        raise PageNotRecognised("The page is too bent or blurred to straighten. Scan it again, flat.")
    w, h = layout.PAGE_MM
    return cv2.warpPerspective(grey, homography, (w * SCALE, h * SCALE), flags=cv2.INTER_LINEAR,
                               borderValue=255)


def page_code(page, original):
    """Return the page identity from its QR code: the straightened corner first, the whole image as fallback."""
    w = layout.PAGE_MM[0]
    crop = page[10 * SCALE: 60 * SCALE, (w - 50) * SCALE: w * SCALE]
    for image in (crop, page, original):
        for result in zxingcpp.read_barcodes(image):
            match = _PAGE_CODE.search(result.text)
            if match:
                return match.group(1)
    raise PageNotRecognised("The page's code could not be read. Make sure the square code in the top right corner "
                            "is in the picture and sharp.")


def _dark(page):
    """Return a 0/1 map of ink, with an adaptive threshold so shadows and uneven light do not count as marks."""
    block = 25 * SCALE // 2 * 2 + 1
    return (cv2.adaptiveThreshold(page, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 18)
            .astype(np.float32))


def _px(mm):
    return int(round(mm * SCALE))


def _nudge(ink, box):
    """Return the box's (x, y) in mm moved by up to 2 mm to sit exactly on its printed outline."""
    best, where = -1.0, (box["x_mm"], box["y_mm"])
    w, h = box["w_mm"], box["h_mm"]
    border = 0.8
    for dy in np.arange(-2, 2.01, 0.25):
        for dx in np.arange(-2, 2.01, 0.25):
            x, y = box["x_mm"] + dx, box["y_mm"] + dy
            outer = ink[_px(y):_px(y + h), _px(x):_px(x + w)]
            inner = ink[_px(y + border):_px(y + h - border), _px(x + border):_px(x + w - border)]
            if outer.size == 0:
                continue
            score = (outer.sum() - inner.sum()) / max(1, outer.size - inner.size)
            if score > best:
                best, where = score, (x, y)
    return where


def measure(ink, box):
    """Return (inside, around): the inked share of the box's inside, and of a ring 2-6 mm outside it."""
    x, y = _nudge(ink, box)
    inset = 1.8
    inside = ink[_px(y + inset):_px(y + box["h_mm"] - inset), _px(x + inset):_px(x + box["w_mm"] - inset)]
    near = ink[_px(y - 6):_px(y + box["h_mm"] + 6), _px(x - 6):_px(x + box["w_mm"] + 6)]
    core = ink[_px(y - 2):_px(y + box["h_mm"] + 2), _px(x - 2):_px(x + box["w_mm"] + 2)]
    ring = (near.sum() - core.sum()) / max(1, near.size - core.size) if near.size else 0.0
    return (float(inside.mean()) if inside.size else 0.0), float(ring)


#: Ink in the ring around an empty box: someone circled it, or a line strayed in. A person should look.
AROUND = 0.02


def state_of(fill, around=0.0):
    """Return ticked, empty or uncertain for a box's fill (and the ink just around it)."""
    if fill >= TICKED:
        return "ticked"
    if fill < EMPTY:
        return "uncertain" if around >= AROUND else "empty"
    return "uncertain"


def read_page(image, boxes_for, source=""):
    """Read one page image (BGR or grey numpy array); *boxes_for(code)* gives that page's boxes or None."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    page = straighten(grey)
    code = page_code(page, grey)
    boxes = boxes_for(code)
    if boxes is None:
        raise PageNotRecognised(f"Page {code} is not known here: it may be a copy of a form printed elsewhere.")
    ink = _dark(page)
    reading = Reading(source, code, image=page)
    for box in boxes:
        if box["value"] == "write-in":
            continue
        fill, around = measure(ink, box)
        reading.marks.append(Mark(box["topic"], box["option"], box["value"], state_of(fill, around), fill))
    return reading


def write_in_crop(reading, box):
    """Return the straightened write-in area of a read page as PNG bytes, for staff to type in."""
    x, y, w, h = (_px(box[k]) for k in ("x_mm", "y_mm", "w_mm", "h_mm"))
    ok, png = cv2.imencode(".png", reading.image[y:y + h, x:x + w])
    return png.tobytes() if ok else b""


def has_writing(reading, box):
    """Return True when someone wrote in the write-in area."""
    ink = _dark(reading.image)
    inside = ink[_px(box["y_mm"] + 12):_px(box["y_mm"] + box["h_mm"] - 2),
                 _px(box["x_mm"] + 2):_px(box["x_mm"] + box["w_mm"] - 2)]
    return bool(inside.size) and float(inside.mean()) > 0.01


def page_images(source, name=None):
    """Yield (label, grey image) for every page of a photo, a multi-page TIFF or a PDF (a path or bytes).

    :raises BadScan: for a file that is too big, not an image or PDF, or cut short.
    """
    import io
    from pathlib import Path

    from PIL import Image, ImageSequence, UnidentifiedImageError

    data = source if isinstance(source, bytes | bytearray) else Path(source).read_bytes()
    name = name or str(source if not isinstance(source, bytes | bytearray) else "upload")
    if len(data) > MAX_FILE_BYTES:
        raise BadScan(f"{name} is too big ({len(data) // 2**20} MB); "
                      f"send at most {MAX_FILE_BYTES // 2**20} MB at once.")
    if data[:5] == b"%PDF-":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(bytes(data))
        except pypdfium2.PdfiumError:
            raise BadScan(f"{name} is not a readable PDF.") from None
        if len(document) > MAX_PAGES:
            raise BadScan(f"{name} has {len(document)} pages; send at most {MAX_PAGES} at once.")
        for number, page in enumerate(document, 1):
            yield f"{name}#page={number}", np.array(page.render(scale=200 / 72).to_pil().convert("L"))
        document.close()
        return
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.width * picture.height > MAX_PIXELS:
            raise BadScan(f"{name} has too many pixels ({picture.width} × {picture.height}).")
        frames = list(ImageSequence.Iterator(picture))[:MAX_PAGES]
        for number, frame in enumerate(frames, 1):
            label = f"{name}#page={number}" if len(frames) > 1 else name
            yield label, np.array(frame.convert("L"))
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise BadScan(f"{name} is not a photo, a scan or a PDF. Send JPEG, PNG, TIFF or PDF files.") from None
    except OSError:
        raise BadScan(f"{name} is damaged or cut short. Scan or photograph the page again.") from None
