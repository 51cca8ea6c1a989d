"""Box geometry of printed answer pages, in millimetres from the page's top-left corner."""

import json
from pathlib import Path

import pypdfium2

LAYOUT_ATTACHMENT = "accessible-layout.json"

# A4 answer page, in mm. Everything a machine reads sits at fixed places, so geometry is known exactly.
PAGE_MM = (210, 297)
MARKER_MM = 14  # marker with its white quiet zone
MARKER_INSET_MM = 6
QR_MM = 30
ROW_TOP_MM = 100
ROW_MM = 46
ROWS_PER_PAGE = 3
BOX_MM = 15
BOX_X_MM = 168
RATE_BOX_X_MM = (118, 143, 168)
WRITE_IN = (22, 0, 166, 26)  # x, y (filled in per page), w, h: clear of the corner markers
#: Where the writing starts in a write-in area, in mm below its top: under the words printed over it. A page's
#: write-in box says so as "writing_mm" (bigger print, bigger words); a page without it has one line of 16 pt.
WRITING_MM = 12


def marker_positions():
    """Return the top-left corner (x, y) in mm of each corner marker: TL, TR, BR, BL."""
    w, h = PAGE_MM
    far_x, far_y = w - MARKER_INSET_MM - MARKER_MM, h - MARKER_INSET_MM - MARKER_MM
    return [(MARKER_INSET_MM, MARKER_INSET_MM), (far_x, MARKER_INSET_MM), (far_x, far_y), (MARKER_INSET_MM, far_y)]


def row_top(index):
    """Return the top in mm of answer row *index* on its page."""
    return ROW_TOP_MM + index * ROW_MM


def box(x, y, topic, option, value, w=BOX_MM, h=BOX_MM):
    return {"x_mm": round(x, 2), "y_mm": round(y, 2), "w_mm": w, "h_mm": h, "topic": topic, "option": option,
            "value": value}


def read_layout(pdf):
    """Return the per-page layout stored inside a PDF made by accessible (path or bytes), or []."""
    data = pdf if isinstance(pdf, bytes | bytearray) else Path(pdf).read_bytes()
    try:
        document = pypdfium2.PdfDocument(bytes(data))
    except pypdfium2.PdfiumError as e:
        raise ValueError(f"That file is not a readable PDF ({e}).") from None
    try:
        for index in range(document.count_attachments()):
            attachment = document.get_attachment(index)
            if attachment.get_name() == LAYOUT_ATTACHMENT:
                return json.loads(bytes(attachment.get_data()))
        return []
    finally:
        document.close()
