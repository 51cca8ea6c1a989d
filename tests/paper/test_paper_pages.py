"""Staff upload filled forms on a page, and settle what the machine could not be sure of."""

import io
import re

import cv2
from sqlalchemy import select

from accessible.models import PaperCheck, Response
from tests.helpers import mark, text


def upload(client, files):
    page = client.get("/staff/paper").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/staff/paper", content_type="multipart/form-data",
                       data={"csrf_token": token, "scans": [(io.BytesIO(data), name) for name, data in files]})


def test_upload_reads_clear_answers_and_queues_the_rest_with_a_crop(staff_client, form, db, home):
    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[1], "cross")  # two answers: a person must look
    png = cv2.imencode(".png", image)[1].tobytes()
    page = text(upload(staff_client, [("page1.png", png), ("notes.txt", b"just some words")]))
    assert "page1.png: 0 answers recorded, 1 for you to look at" in page
    assert "notes.txt: notes.txt is not a photo, a scan or a PDF" in page
    assert "Why: more than one box is marked." in page
    with db.read() as s:
        item = s.scalars(select(PaperCheck)).one()
        crop_url, item_id, fish = f"/staff/paper/crops/{item.crop}", item.id, boxes[0]["option"]
    crop = staff_client.get(crop_url)
    assert crop.mimetype == "image/png" and len(crop.data) > 1000
    crop.close()
    form_page = staff_client.get("/staff/paper").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)
    staff_client.post(f"/staff/paper/checks/{item_id}", data={"csrf_token": token, "choice": str(fish)})
    assert "Nothing is waiting." in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        answer = s.scalars(select(Response)).one()
        assert (answer.person_id, answer.channel, answer.option_id) == (home["residents"][0], "paper", fish)


def test_handwriting_in_the_space_for_comments_is_typed_in_by_staff(staff_client, form, db, home):
    from accessible.models import Comment
    from accessible.printing import paper_layout
    from tests.helpers import px

    pdf, image, boxes = form
    mark(image, boxes[2])
    (space,) = [b for b in paper_layout(pdf)[0]["boxes"] if b["value"] == "write-in"]
    cv2.putText(image, "More cawl in winter please", (px(space["x_mm"] + 5), px(space["y_mm"] + 20)),
                cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, (40, 40, 40), 3)
    png = cv2.imencode(".png", image)[1].tobytes()
    page = text(upload(staff_client, [("p.png", png)]))
    assert "p.png: 1 answer recorded, 1 for you to look at" in page
    assert "something is written in the space for ideas and comments" in page
    with db.read() as s:
        item_id = s.scalars(select(PaperCheck.id)).one()
    form_page = staff_client.get("/staff/paper").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)
    staff_client.post(f"/staff/paper/checks/{item_id}", data={"csrf_token": token,
                                                              "text": "More cawl in winter please"})
    with db.read() as s:
        comment = s.scalars(select(Comment)).one()
        assert (comment.person_id, comment.text, comment.status) == (home["residents"][0],
                                                                     "More cawl in winter please", "approved")
