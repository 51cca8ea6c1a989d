"""People's data rights: one person's data on request, and a family member's data erased for good."""

from sqlalchemy import func, select, text

from accessible import comments, family_links, responses, rights, topics
from accessible.models import Comment, FamilyLink, Home, Option, Person, Response


def _setup(s, home):
    h = s.get(Home, home["home"])
    carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
    menu = topics.create_from_template(s, h, "menu")
    topics.move_to(s, menu, "ideas")
    topics.propose_idea(s, menu, "Cawl", carys)
    topics.move_to(s, menu, "choosing")
    responses.record(s, menu, margaret, "touch", option=menu.options[0])
    responses.record(s, menu, carys, "family-web", option=menu.options[1])
    responses.record(s, menu, carys, "family-web", option=menu.options[2], on_behalf_of=margaret)
    comments.add(s, menu, carys, "Mum would love Welsh cakes too.")
    family_links.issue(s, carys, margaret)
    return menu


def test_one_persons_data_holds_everything_tied_to_them(db, home):
    with db.write() as s:
        _setup(s, home)
        margaret = s.get(Person, home["residents"][0])
        data = rights.person_data(s, margaret)
    assert data["person"]["name"] == "Margaret Evans"
    assert data["communication_needs"]["text_size"] == 24
    assert {r["answer"] for r in data["responses"]} == {"Fish pie", "Roast chicken"}
    guess = next(r for r in data["responses"] if r["on_behalf_of"])
    assert guess["given_by"] == "Carys Evans"
    assert data["family"] == [{"id": home["family"], "name": "Carys Evans", "relation": "daughter"}]
    assert len(data["family_links"]) == 1
    assert any(e["action"] == "create" for e in data["record_views"])


def test_erasing_a_family_member_really_removes_their_data(db, home):
    with db.write() as s:
        _setup(s, home)
        carys = s.get(Person, home["family"])
        rights.erase_family_member(s, carys, s.get(Person, home["staff"]))
    with db.read() as s:
        assert s.get(Person, home["family"]) is None
        assert s.scalar(select(func.count()).select_from(Response).where(Response.person_id == home["family"])) == 0
        assert s.scalars(select(Comment)).all() == []
        assert s.scalars(select(FamilyLink)).all() == []
        assert "Cawl" not in [o.label for o in s.scalars(select(Option))]
        # The resident's own answer stays.
        assert s.scalar(select(func.count()).select_from(Response)) == 1
        # And nothing with the name is left anywhere in the database.
        for table in ("person", "comment", "option", "audit_event"):
            for row in s.execute(text(f"SELECT * FROM {table}")):
                assert "Carys" not in " ".join(str(v) for v in row)
