"""The kiosk hears every answer of the question by voice, not only those on the screen showing."""

import io
import re
import subprocess

import pytest
from sqlalchemy import select

from accessible import topics
from accessible.models import Home, Option, Person
from tests.helpers import post, text


@pytest.mark.slow
def test_an_answer_on_another_screen_is_heard_and_confirmed_on_its_own_screen(staff_client, home, db):
    with db.write() as s:
        menu = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        topics.move_to(s, menu, "choosing")
        s.get(Person, home["residents"][2]).needs.options_per_screen = 1  # one answer a screen
        menu_id = menu.id
        curry = s.scalars(select(Option).where(Option.topic_id == menu_id,
                                               Option.label == "Vegetable curry")).one()
        curry_id, page_of_curry = curry.id, menu.accepted_options.index(curry) + 1
    assert page_of_curry > 1
    post(staff_client, f"/kiosk/start/{home['residents'][2]}", {}, form_url=f"/staff/residents/{home['residents'][2]}")
    first_screen = staff_client.get(f"/kiosk/topics/{menu_id}")
    assert "Vegetable curry" not in text(first_screen)
    token = re.search(r'data-csrf="([^"]+)"', first_screen.get_data(as_text=True)).group(1)
    said = subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "140", "--stdout", "vegetable curry please"],
                          check=True, capture_output=True).stdout
    heard = staff_client.post(f"/kiosk/topics/{menu_id}/listen", data={"audio": (io.BytesIO(said), "s.wav")},
                              headers={"X-CSRFToken": token}, content_type="multipart/form-data").get_json()
    assert heard["engine"] == "whisper"
    assert heard["key"] == curry_id
    confirm = staff_client.get(heard["confirm_url"])
    assert "You chose Vegetable curry" in text(confirm)
    # "No" goes back to the screen that shows the curry, not the first one.
    assert f"?page={page_of_curry}" in confirm.get_data(as_text=True)
