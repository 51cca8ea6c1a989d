"""Read filled forms back from scans and phone photos: find the page, straighten it, measure every box."""

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
import zxingcpp
from PIL import Image, UnidentifiedImageError

from accessible.i18n import Message
from accessible.paper import layout, markers
from accessible.scales import RATINGS

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
#: Refusals said in more than one place (each a Message's words, so a Welsh page says them in Welsh).
NOT_A_PAGE = "%(name)s is not a photo, a scan or a PDF. Send JPEG, PNG, TIFF or PDF files."
TOO_MANY_PAGES = "%(name)s has %(pages)s pages; send at most %(most)s at once."
CUT_SHORT = "%(name)s is damaged or cut short. Scan or photograph the page again."
#: The most pixels one page is ever decoded to (an A4 page scanned at 600 dpi is 35 million), whatever the file
#: says: a PDF page is drawn smaller, a big JPEG decoded at a half, quarter or eighth of its size, and any other
#: picture or TIFF page above it refused before it is decoded. One page then takes at most a few hundred MB.
MAX_PIXELS = 50_000_000
#: A PDF page is drawn at this many dots per inch, or fewer when that would go over MAX_PDF_PIXELS (A4 at 200 dpi
#: is 3.9 million; a phone photo saved as a PDF keeps its own detail; a page of 2.5 m square does not).
PDF_DPI = 200
MAX_PDF_PIXELS = 12_000_000


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
    #: Where the box was found on the straightened page (mm), after nudging it onto its printed outline.
    at: tuple | None = None
    #: Its only ink is a line straying in from outside it.
    stray: bool = False

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
    pixels_per_mm: float | None = None

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


#: Markers are looked for in a copy of the image at most this many pixels long (much faster on big photos);
#: their corners are then refined on the full image.
DETECT_PX = 1600


def _find_markers(grey):
    """Return (corners, ids) of the ArUco markers in *grey*, with sub-pixel corners at full resolution."""
    shrink = min(1.0, DETECT_PX / max(grey.shape))
    if shrink == 1.0:
        corners, ids, _ = _detector().detectMarkers(grey)
        return corners, ids
    small = cv2.resize(grey, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_LINEAR)
    corners, ids, _ = _detector().detectMarkers(small)
    if not corners:
        return corners, ids
    points = np.float32(np.concatenate([quad.reshape(-1, 2) for quad in corners]) / shrink)
    window = max(2, int(round(1.5 / shrink)))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.01)
    points = cv2.cornerSubPix(grey, points.reshape(-1, 1, 2), (window, window), (-1, -1), criteria)
    return [points[i * 4:(i + 1) * 4].reshape(1, 4, 2) for i in range(len(corners))], ids


def straighten(grey, with_corners=False):
    """Return the page seen in *grey*, straightened to SCALE px/mm (any rotation, tilt or perspective).

    With *with_corners*, return (page, the markers' corners found in *grey*).
    """
    corners, ids = _find_markers(grey)
    known = _marker_points()
    source, target = [], []
    for quad, marker_id in zip(corners or [], [] if ids is None else ids.flatten(), strict=False):
        if int(marker_id) in known:
            source.extend(quad[0])
            target.extend((x * SCALE, y * SCALE) for x, y in known[int(marker_id)])
    if len(source) < 8:
        raise PageNotRecognised("The corner marks could not be found. Scan or photograph the whole page, flat, sharp "
                                "and in good light, with all four corners showing.")
    homography, _ = cv2.findHomography(np.float32(source), np.float32(target), cv2.RANSAC, 3.0)
    if homography is None:
        raise PageNotRecognised("The page is too bent or blurred to straighten. Scan it again, flat.")
    w, h = layout.PAGE_MM
    page = cv2.warpPerspective(grey, homography, (w * SCALE, h * SCALE), flags=cv2.INTER_LINEAR, borderValue=255)
    if with_corners:
        return page, [quad for quad, i in zip(corners, ids.flatten(), strict=True) if int(i) in known]
    return page


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


#: How far a box may sit from where it was printed (mm), looked for in steps of a quarter millimetre.
NUDGE_MM, NUDGE_STEP_MM = 2, 0.25


def _nudge(ink, box, integral=None):
    """Return the box's (x, y) in mm moved by up to 2 mm to sit exactly on its printed outline."""
    integral = cv2.integral(ink, sdepth=cv2.CV_64F) if integral is None else integral
    x0, y0, w, h = _px(box["x_mm"]), _px(box["y_mm"]), _px(box["w_mm"]), _px(box["h_mm"])
    border = _px(0.8)
    steps = np.arange(-_px(NUDGE_MM), _px(NUDGE_MM) + 1, max(1, _px(NUDGE_STEP_MM)))
    ys, xs = np.clip(y0 + steps, 0, None)[:, None], np.clip(x0 + steps, 0, None)[None, :]
    limit_y, limit_x = integral.shape[0] - 1, integral.shape[1] - 1

    def total(top, left, height, width):
        bottom, right = np.minimum(top + height, limit_y), np.minimum(left + width, limit_x)
        top, left = np.minimum(top, limit_y), np.minimum(left, limit_x)
        area = (bottom - top) * (right - left)
        return integral[bottom, right] - integral[top, right] - integral[bottom, left] + integral[top, left], area

    outer, outer_area = total(ys, xs, h, w)
    inner, inner_area = total(ys + border, xs + border, h - 2 * border, w - 2 * border)
    score = (outer - inner) / np.maximum(1, outer_area - inner_area)
    score = np.where(outer_area > 0, score, -1.0)
    dy, dx = np.unravel_index(int(np.argmax(score)), score.shape)
    return box["x_mm"] + steps[dx] / SCALE, box["y_mm"] + steps[dy] / SCALE


def _strip(ink, x0, y0, x1, y1):
    part = ink[_px(y0):_px(y1), _px(x0):_px(x1)]
    return float(part.mean()) if part.size else 0.0


@dataclass
class Measure:
    """What is inside and around one box: its fill, whether it was circled, whether its ink is a stray line."""

    fill: float
    at: tuple
    circled: bool = False
    stray: bool = False


def measure(ink, box, integral=None):
    """Measure one box: the inked share of its inside, a ring drawn round it, and ink that only strays in."""
    x, y = _nudge(ink, box, integral)
    w, h = box["w_mm"], box["h_mm"]
    inset = 1.8
    fill = _strip(ink, x + inset, y + inset, x + w - inset, y + h - inset)
    # A ring round the box shows on its left, right and bottom (the top may carry a printed face).
    circled = min(_strip(ink, x - 6, y, x - 2, y + h), _strip(ink, x + w + 2, y, x + w + 6, y + h),
                  _strip(ink, x, y + h + 2, x + w, y + h + 6)) >= AROUND
    # A line from a tick in the box beside it reaches only the near edge, coming in from outside.
    core = _strip(ink, x + 4.5, y + 4.5, x + w - 4.5, y + h - 4.5)
    from_left = _strip(ink, x + inset, y + inset, x + 3.5, y + h - inset) > 0.01 and \
        _strip(ink, x - 3, y, x - 1.2, y + h) > 0.01
    from_right = _strip(ink, x + w - 3.5, y + inset, x + w - inset, y + h - inset) > 0.01 and \
        _strip(ink, x + w + 1.2, y, x + w + 3, y + h) > 0.01
    stray = fill >= EMPTY and core < 0.01 and (from_left or from_right)
    return Measure(fill, (x, y), circled, stray)


#: Ink on three sides just outside an empty box: someone circled it. A person should look.
AROUND = 0.02


def state_of(fill, circled=False):
    """Return ticked, empty or uncertain for a box's fill (and whether it was circled)."""
    if fill >= TICKED:
        return "ticked"
    if fill < EMPTY:
        return "uncertain" if circled else "empty"
    return "uncertain"


def question_of(mark):
    """Return the question a mark answers: the topic, and for a rated row the option rated."""
    per_option = mark.value in RATINGS and mark.option is not None
    return mark.topic, mark.option if per_option else None


def _settle_strays(marks):
    """A short stray line from a clear tick into the next box of the same question is not a second answer."""
    by_question = {}
    for mark in marks:
        by_question.setdefault(question_of(mark), []).append(mark)
    for question in by_question.values():
        clear = [m for m in question if m.state == "ticked" and not m.stray]
        for mark in question:
            if mark.stray:
                mark.state = "empty" if len(clear) == 1 else "uncertain"


#: Below this many pixels per millimetre of paper (about 140 dpi) boxes cannot be measured safely.
MIN_PX_PER_MM = 5.5
#: Edges blurred wider than this (mm, as a Gaussian's sigma) smear a dot into a tick.
MAX_BLUR_MM = 0.44


def pixels_per_mm(corners):
    """Return how many pixels of the image fall on one millimetre of paper, from the markers' printed size."""
    sides = [np.linalg.norm(quad[0][i] - quad[0][(i + 1) % 4]) for quad in corners for i in range(4)]
    return float(np.median(sides)) / (_BLACK_TO - _BLACK_FROM)


def blur_mm(page):
    """Return how blurred the straightened page is (mm), measured across the edges of the corner markers."""
    sigmas = []
    for x, y in layout.marker_positions():
        a, b, c, d = x + _BLACK_FROM, x + _BLACK_TO, y + _BLACK_FROM, y + _BLACK_TO
        rows = page[_px(c + 3):_px(d - 3)].astype(np.float32)
        cols = page[:, _px(a + 3):_px(b - 3)].astype(np.float32)
        profiles = [rows[:, _px(e - 1.5):_px(e + 1.5)].mean(axis=0) for e in (a, b)]
        profiles += [cols[_px(e - 1.5):_px(e + 1.5)].mean(axis=1) for e in (c, d)]
        for profile in profiles:
            if profile.size < 3:
                continue
            contrast, steepest = np.ptp(profile), np.abs(np.diff(profile)).max() * SCALE
            if contrast > 60 and steepest > 0:
                sigmas.append(contrast / (steepest * np.sqrt(2 * np.pi)))
    return float(np.median(sigmas)) if sigmas else 9.0


def read_page(image, boxes_for, source=""):
    """Read one page image (BGR or grey numpy array); *boxes_for(code)* gives that page's boxes or None.

    :raises PageNotRecognised: with a message for the person scanning: no markers, too small, too blurred,
        no readable code, or a page not known here.
    """
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    page, corners = straighten(grey, with_corners=True)
    density = pixels_per_mm(corners)
    if density < MIN_PX_PER_MM:
        raise PageNotRecognised(Message(
            "The picture is too small to read safely: about %(density)s pixels for each millimetre of paper, and at "
            "least 6 are needed. Scan at 150 dpi or more, or take the photo closer so the page fills it.",
            density=f"{density:.1f}"))
    if blur_mm(page) > MAX_BLUR_MM:
        raise PageNotRecognised("The picture is too blurred to read the boxes safely. Hold the phone still and "
                                "let it focus, or scan the page again.")
    code = page_code(page, grey)
    boxes = boxes_for(code)
    if boxes is None:
        raise PageNotRecognised(Message("Page %(code)s is not known here: it may be a copy of a form printed "
                                        "elsewhere.", code=code))
    ink = _dark(page)
    reading = Reading(source, code, image=page, pixels_per_mm=density)
    integral = cv2.integral(ink, sdepth=cv2.CV_64F)
    for box in boxes:
        if box["value"] == "write-in":
            continue
        found = measure(ink, box, integral)
        reading.marks.append(Mark(box["topic"], box["option"], box["value"], state_of(found.fill, found.circled),
                                  found.fill, at=found.at, stray=found.stray))
    _settle_strays(reading.marks)
    return reading


def has_writing(reading, box):
    """Return True when someone wrote in the write-in area (below the words printed over it)."""
    ink = _dark(reading.image)
    inside = ink[_px(box["y_mm"] + box.get("writing_mm", layout.WRITING_MM)):_px(box["y_mm"] + box["h_mm"] - 2),
                 _px(box["x_mm"] + 2):_px(box["x_mm"] + box["w_mm"] - 2)]
    return bool(inside.size) and float(inside.mean()) > 0.01


def _data(source, name):
    data = source if isinstance(source, bytes | bytearray) else Path(source).read_bytes()
    name = name or str(source if not isinstance(source, bytes | bytearray) else "upload")
    if len(data) > MAX_FILE_BYTES:
        raise BadScan(Message("%(name)s is too big (%(size)s MB); send at most %(most)s MB at once.", name=name,
                              size=len(data) // 2**20, most=MAX_FILE_BYTES // 2**20))
    return data, name


def media_type(source, name=None):
    """Return the media type and page count of a photo, TIFF or PDF (a path or bytes), reading no pixels.

    :raises BadScan: for a file that is too big, not an image or PDF, or has too many pages.
    """
    data, name = _data(source, name)
    if data[:5] == b"%PDF-":
        try:
            document = pypdfium2.PdfDocument(bytes(data))
        except pypdfium2.PdfiumError:
            raise BadScan(Message("%(name)s is not a readable PDF.", name=name)) from None
        pages = len(document)
        document.close()
        kind = "application/pdf"
    else:
        try:
            picture = Image.open(io.BytesIO(data))
            kind = Image.MIME.get(picture.format or "", "")
            pages = getattr(picture, "n_frames", 1)
        except (UnidentifiedImageError, Image.DecompressionBombError):
            raise BadScan(Message(NOT_A_PAGE, name=name)) from None
        except OSError:
            raise BadScan(Message(CUT_SHORT, name=name)) from None
        if kind not in ("image/jpeg", "image/png", "image/tiff", "image/webp", "image/bmp", "image/gif"):
            raise BadScan(Message(NOT_A_PAGE, name=name))
    if pages > MAX_PAGES:
        raise BadScan(Message(TOO_MANY_PAGES, name=name, pages=pages, most=MAX_PAGES))
    return kind, pages


def page_images(source, name=None, only=None):
    """Yield (label, grey image) for every page of a photo, a multi-page TIFF or a PDF (a path or bytes).

    With *only* (a page number from 1), yield just that page.

    :raises BadScan: for a file that is too big, not an image or PDF, or cut short.
    """
    data, name = _data(source, name)
    if data[:5] == b"%PDF-":
        try:
            document = pypdfium2.PdfDocument(bytes(data))
        except pypdfium2.PdfiumError:
            raise BadScan(Message("%(name)s is not a readable PDF.", name=name)) from None
        if len(document) > MAX_PAGES:
            raise BadScan(Message(TOO_MANY_PAGES, name=name, pages=len(document), most=MAX_PAGES))
        numbers = [only] if only else range(1, len(document) + 1)
        for number in numbers:
            if not 1 <= number <= len(document):
                raise BadScan(Message("%(name)s has no page %(page)s.", name=name, page=number))
            yield f"{name}#page={number}", _draw(document[number - 1])
        document.close()
        return
    try:
        picture = Image.open(io.BytesIO(data))
        frames = getattr(picture, "n_frames", 1)
        if only and not 1 <= only <= frames:
            raise BadScan(Message("%(name)s has no page %(page)s.", name=name, page=only))
        numbers = [only] if only else range(1, min(frames, MAX_PAGES) + 1)
        for number in numbers:
            picture.seek(number - 1)  # reads the page's size, not its pixels
            label = f"{name}#page={number}" if frames > 1 else name
            yield label, _decode(picture, label)
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise BadScan(Message(NOT_A_PAGE, name=name)) from None
    except OSError:
        raise BadScan(Message(CUT_SHORT, name=name)) from None


def _draw(page):
    """Return a PDF page drawn in grey at PDF_DPI, or at fewer dots per inch when the page is huge."""
    width, height = page.get_size()  # points
    scale = min(PDF_DPI / 72, (MAX_PDF_PIXELS / max(1.0, width * height)) ** 0.5)
    while math.ceil(width * scale) * math.ceil(height * scale) > MAX_PDF_PIXELS:  # pdfium rounds up
        scale *= 0.999
    # In colour: pdfium's grey mode decodes a page's pictures at their full size first, which costs far more.
    bitmap = page.render(scale=scale)
    try:
        return np.array(bitmap.to_pil().convert("L"))
    finally:
        bitmap.close()


def _decode(picture, label):
    """Return the current frame of *picture* in grey, never decoding more than MAX_PIXELS.

    :raises BadScan: for a frame bigger than that which cannot be decoded smaller (anything but JPEG).
    """
    width, height = picture.size
    if width * height > MAX_PIXELS and picture.format == "JPEG":
        shrink = 2
        while width * height / shrink**2 > MAX_PIXELS and shrink < 8:
            shrink *= 2
        picture.draft("L", (width // shrink, height // shrink))  # JPEG decodes straight to a smaller size
        width, height = picture.size
    if width * height > MAX_PIXELS:
        raise BadScan(Message("%(name)s has far too many pixels (%(width)s × %(height)s); a page scanned at 300 dpi "
                              "has about 9 million. Scan it again at 300 dpi, or send a smaller photo.", name=label,
                              width=picture.size[0], height=picture.size[1]))
    return np.array(picture.convert("L"))
