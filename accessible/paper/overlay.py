"""Draw a reading over the part of the page it came from: words and line styles, not colour alone."""

import cv2

from accessible.paper.read import SCALE

#: How each state is drawn: words, colour (BGR, each at least 4.5:1 on white), line width (px) and dashes.
STYLES = {
    "ticked": ("TICKED", (0, 110, 0), 5, False),
    "empty": ("EMPTY", (90, 90, 90), 2, False),
    "uncertain": ("UNCLEAR", (0, 60, 200), 4, True),
}
#: The question's band is cut from this far in from the left and right edges of the page (mm).
MARGIN_MM = 12


def _px(mm):
    return int(round(mm * SCALE))


def _dashed_rectangle(image, a, b, colour, width, dash=14):
    (x0, y0), (x1, y1) = a, b
    for (p, q) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(abs(q[0] - p[0]), abs(q[1] - p[1]))
        for start in range(0, length, dash * 2):
            end = min(length, start + dash)
            s = (p[0] + (q[0] - p[0]) * start // length, p[1] + (q[1] - p[1]) * start // length)
            e = (p[0] + (q[0] - p[0]) * end // length, p[1] + (q[1] - p[1]) * end // length)
            cv2.line(image, s, e, colour, width)


def _label(image, text, centre, y, colour):
    """Write *text* centred on *centre* at height *y* (px) in *colour* on a white ground, legible over ink."""
    font, scale, weight = cv2.FONT_HERSHEY_DUPLEX, 1.0, 2
    (w, h), base = cv2.getTextSize(text, font, scale, weight)
    x = max(0, min(centre - w // 2, image.shape[1] - w - 4))
    cv2.rectangle(image, (x - 3, y - h - 4), (x + w + 3, y + base + 2), (255, 255, 255), -1)
    cv2.putText(image, text, (x, y), font, scale, colour, weight, cv2.LINE_AA)


def question_png(reading, marks, top_mm, bottom_mm):
    """Return PNG bytes of the page between two heights with each box of *marks* outlined and labelled."""
    if reading.image is None:
        return None
    top, bottom = max(0, top_mm), min(reading.image.shape[0] / SCALE, bottom_mm)
    band = cv2.cvtColor(reading.image[_px(top):_px(bottom)], cv2.COLOR_GRAY2BGR)
    for mark in marks:
        if mark.at is None:
            continue
        text, colour, width, dashed = STYLES[mark.state]
        x, y = mark.at
        size = 15  # the printed box, mm; outlines sit just outside it so the ink inside stays visible
        a = (_px(x - 1.5), _px(y - top - 1.5))
        b = (_px(x + size + 1.5), _px(y - top + size + 1.5))
        if dashed:
            _dashed_rectangle(band, a, b, colour, width)
        else:
            cv2.rectangle(band, a, b, colour, width)
        _label(band, text, (a[0] + b[0]) // 2, b[1] + 34, colour)
    band = band[:, _px(MARGIN_MM):band.shape[1] - _px(MARGIN_MM)]
    ok, png = cv2.imencode(".png", band)
    return png.tobytes() if ok else None


def area_png(reading, box):
    """Return PNG bytes of one area of the straightened page (a write-in space), as it was written."""
    x, y, w, h = (_px(box[k]) for k in ("x_mm", "y_mm", "w_mm", "h_mm"))
    ok, png = cv2.imencode(".png", reading.image[max(0, y - 16):y + h + 16, x:x + w])
    return png.tobytes() if ok else None
