"""Residents, their communication needs, families and staff accounts."""

import pytest
from sqlalchemy import select

from accessible import people
from accessible.errors import Invalid
from accessible.models import Home, Person


def test_a_resident_has_communication_needs_with_sensible_defaults(db, home):
    with db.read() as s:
        eileen = people.get_person(s, home["home"], home["residents"][2], "resident")
        assert eileen.needs.text_size == 18
        assert eileen.needs.options_per_screen == 4
        assert eileen.needs.modes == ["touch", "voice"]
        margaret = people.get_person(s, home["home"], home["residents"][0])
        assert (margaret.needs.text_size, margaret.needs.contrast) == (24, "high")


@pytest.mark.parametrize(
    ("needs", "field"),
    [
        ({"options_per_screen": 5}, "options_per_screen"),
        ({"text_size": "huge"}, "text_size"),
        ({"speech_rate": 20}, "speech_rate"),
        ({"language": "fr"}, "language"),
        ({"input_modes": "telepathy"}, "input_modes"),
        ({"input_modes": []}, "input_modes"),
        ({"review_date": "next week"}, "review_date"),
        ({"contrast": "neon"}, "contrast"),
    ],
)
def test_bad_needs_are_refused_with_a_message(db, home, needs, field):
    with pytest.raises(Invalid) as caught, db.write() as s:
        people.add_resident(s, s.get(Home, home["home"]), "Joan Davies", **needs)
    assert field in caught.value.problems
    with db.read() as s:
        assert s.scalar(select(Person).where(Person.name == "Joan Davies")) is None


def test_family_members_link_to_residents_of_their_own_home_only(db, home):
    with db.write() as s:
        other = people.create_home(s, "Another home")
        stranger = people.add_resident(s, other, "Someone Else")
        carys = s.get(Person, home["family"])
        assert [r.name for r in carys.residents] == ["Margaret Evans"]
        with pytest.raises(Invalid):
            people.link_family(carys, stranger)


def test_staff_passwords_are_argon2id_and_checked(db, home):
    with db.write() as s:
        sam = s.get(Person, home["staff"])
        assert sam.password_hash.startswith("$argon2id$")
        assert people.authenticate(s, "sam", "a good long password").id == sam.id
        assert people.authenticate(s, "SAM ", "a good long password").id == sam.id
        assert people.authenticate(s, "sam", "wrong password") is None
        assert people.authenticate(s, "nobody", "a good long password") is None


def test_a_duplicate_login_or_a_short_password_is_refused(db, home):
    with pytest.raises(Invalid) as caught, db.write() as s:
        people.add_staff(s, s.get(Home, home["home"]), "sam", "another long password")
    assert "taken" in caught.value.problems["username"]
    with pytest.raises(Invalid) as caught, db.write() as s:
        people.add_staff(s, s.get(Home, home["home"]), "newbie", "short")
    assert "10 characters" in caught.value.problems["password"]


def test_changing_a_password_ends_existing_sessions(db, home):
    with db.write() as s:
        sam = s.get(Person, home["staff"])
        before = sam.session_version
        people.set_password(s, sam, "a brand new password")
        assert sam.session_version == before + 1
        assert people.authenticate(s, "sam", "a brand new password") is not None
