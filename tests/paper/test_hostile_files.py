"""Files made to exhaust the server's memory: a giant PDF page, a hidden giant TIFF page, a huge photo."""

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image

from accessible.paper import read
from tests.helpers import csrf_token

#: The server's memory may never pass this, whatever it is sent (DESIGN: no input file takes more than 1 GB).
ONE_GB = 1024**3


def giant_page_pdf(width_pt=7000, height_pt=7000):
    """Return a 300-byte PDF whose one blank page is *width_pt* × *height_pt* points (7000 pt is 2.5 m)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt} {height_pt}] >>".encode()]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def tiff_hiding_a_giant_page(side=13000):
    """Return a TIFF whose first page is 100 × 100 and whose second is *side* × *side* (deflated: a few hundred KB)."""
    buffer = io.BytesIO()
    Image.new("L", (100, 100), 255).save(buffer, format="TIFF", save_all=True, compression="tiff_deflate",
                                         append_images=[Image.new("L", (side, side), 255)])
    return buffer.getvalue()


def _upload_and_read(client, name, data):
    token = csrf_token(client, "/staff/paper")
    kept = client.post("/staff/paper/uploads", data={"csrf_token": token, "scan": (io.BytesIO(data), name)}).json
    return [client.post(f"/staff/paper/uploads/{kept['upload']}/pages/{n}", data={"csrf_token": token}).json
            for n in range(1, kept["pages"] + 1)]


def test_a_giant_pdf_page_is_drawn_no_bigger_than_the_cap_and_staff_are_told_it_is_no_form(staff_client):
    assert len(giant_page_pdf()) < 400
    (label, image), = read.page_images(giant_page_pdf(), "giant.pdf")
    assert image.size <= read.MAX_PDF_PIXELS and image.shape[0] == image.shape[1]
    result, = _upload_and_read(staff_client, "giant.pdf", giant_page_pdf())
    assert result["message"] == ("giant.pdf#page=1: The corner marks could not be found. Scan or photograph the whole "
                                 "page, flat, sharp and in good light, with all four corners showing.")
    # Staff can still look at the page as it came: drawn small, not at 200 dpi (19,445 pixels square).
    shown = Image.open(io.BytesIO(staff_client.get("/staff/paper/uploads/1/pages/1.png").data))
    assert shown.width * shown.height <= read.MAX_PDF_PIXELS


def test_a_tiff_hiding_a_giant_second_page_is_refused_there_with_a_message_before_it_is_decoded(staff_client):
    first, second = _upload_and_read(staff_client, "pile.tif", tiff_hiding_a_giant_page())
    assert first["message"].startswith("pile.tif#page=1: The corner marks could not be found.")
    assert second["message"] == (
        "pile.tif#page=2: pile.tif#page=2 has far too many pixels (13000 × 13000); a page scanned at 300 dpi has "
        "about 9 million. Scan it again at 300 dpi, or send a smaller photo.")


def test_a_huge_jpeg_is_decoded_at_a_fraction_of_its_size_and_a_huge_png_refused():
    photo = io.BytesIO()
    Image.new("L", (10000, 8000), 255).save(photo, format="JPEG", quality=50)
    (_, image), = read.page_images(photo.getvalue(), "photo.jpg")
    assert image.shape == (4000, 5000)  # decoded at half size, straight from the JPEG
    scan = io.BytesIO()
    Image.new("1", (10000, 8000), 1).save(scan, format="PNG")
    try:
        next(read.page_images(scan.getvalue(), "scan.png"))
        raise AssertionError("a 80-megapixel PNG was decoded")
    except read.BadScan as e:
        assert str(e).startswith("scan.png has far too many pixels (10000 × 8000)")


#: Run in a server process of its own, so its peak memory is its own: a home, a member of staff, and three
#: reads of the giant page at once, plus a view of it, plus the hidden giant TIFF page, plus a huge photo.
_ATTACK = textwrap.dedent('''
    import io, json, re, sys, threading
    from accessible import people, topics
    from accessible.db import Database
    from web import create_app

    data, giant, tiff, photo = sys.argv[1], *(open(p, "rb").read() for p in sys.argv[2:5])
    db = Database.for_data_dir(data)
    db.upgrade()
    with db.write() as s:
        home = people.create_home(s, "Ty Test")
        people.add_staff(s, home, "sam", "a good long password", name="Sam Patel", role="manager")
        topic = topics.create_topic(s, home, "Lunch", "Fish or soup?", options=["Fish", "Soup"])
        ids = topic.id, topic.options[0].id
    app = create_app({"DATA_DIR": data})

    def signed_in():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
        client.post("/login", data={"username": "sam", "password": "a good long password", "csrf_token": token})
        page = client.get(f"/staff/topics/{ids[0]}").get_data(as_text=True)
        return client, re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    messages = []

    def attack(name, body):
        client, token = signed_in()
        kept = client.post("/staff/paper/uploads", data={"csrf_token": token, "scan": (io.BytesIO(body), name)}).json
        for n in range(1, kept["pages"] + 1):
            messages.append(client.post(f"/staff/paper/uploads/{kept['upload']}/pages/{n}",
                                        data={"csrf_token": token}).json["message"])
        client.get(f"/staff/paper/uploads/{kept['upload']}/pages/{kept['pages']}.png")

    def photograph():
        client, token = signed_in()
        answer = client.post(f"/staff/topics/{ids[0]}/options/{ids[1]}/picture",
                             data={"csrf_token": token, "alt_text": "A big photo",
                                   "photo": (io.BytesIO(photo), "a.jpg")})
        messages.append(answer.status_code)

    threads = [threading.Thread(target=attack, args=(f"giant{i}.pdf", giant)) for i in range(3)]
    threads += [threading.Thread(target=attack, args=("pile.tif", tiff)), threading.Thread(target=photograph)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The process's own high-water mark: getrusage's ru_maxrss would carry over the test runner's size from
    # before exec (Linux keeps it across exec), which is not this server's.
    peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(json.dumps({"peak": peak, "messages": messages}))
''')


def test_three_giant_pages_a_hidden_giant_tiff_page_and_a_huge_photo_at_once_stay_under_one_gigabyte(tmp_path):
    photo = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (500, 1600), np.uint8)).resize((16000, 5000)) \
        .save(photo, format="JPEG", quality=60)
    files = {"giant.pdf": giant_page_pdf(), "pile.tif": tiff_hiding_a_giant_page(), "photo.jpg": photo.getvalue()}
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    folder = tmp_path / "home"
    folder.mkdir()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _ATTACK, str(folder), *(str(tmp_path / n) for n in files)],
                          capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert sum("The corner marks could not be found" in str(m) for m in found["messages"]) == 4, \
        (found["messages"], done.stderr[-3000:])
    assert any("pile.tif#page=2 has far too many pixels" in str(m) for m in found["messages"])
    assert 302 in found["messages"], found["messages"]  # the 80-megapixel photo was taken, at a sensible size
    assert found["peak"] < ONE_GB, f"the server reached {found['peak'] / 2**20:.0f} MB"
