"""Draw what machines read on paper: ArUco corner markers and QR codes, as images for print templates."""

import base64
import io
from functools import lru_cache

import cv2
import qrcode
import qrcode.image.svg
from PIL import Image

#: 4×4-bit markers, ids 0..3 at the four corners (top-left, top-right, bottom-right, bottom-left).
ARUCO_DICTIONARY = cv2.aruco.DICT_4X4_50
CORNER_IDS = (0, 1, 2, 3)


@lru_cache(maxsize=8)
def aruco_png(marker_id, pixels=240):
    """Return an ArUco marker as PNG bytes with a white quiet zone (one cell wide)."""
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICTIONARY)
    marker = cv2.aruco.generateImageMarker(dictionary, marker_id, pixels)
    cell = pixels // 6
    framed = cv2.copyMakeBorder(marker, cell, cell, cell, cell, cv2.BORDER_CONSTANT, value=255)
    buffer = io.BytesIO()
    Image.fromarray(framed).save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(png):
    """Return PNG bytes as a data: URI for a print template."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_svg(text):
    """Return a QR code for *text* as an SVG data URI (vector: sharp at any print size)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
