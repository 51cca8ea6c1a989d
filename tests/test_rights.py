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
        # Cawl was still waiting for staff, never an option anyone could choose: her idea alone, it goes with her.
        # (An accepted option stays, without her name: see the next test.)
        assert "Cawl" not in [o.label for o in s.scalars(select(Option))]
        # The resident's own answer stays.
        assert s.scalar(select(func.count()).select_from(Response)) == 1
        # And nothing with the name is left anywhere in the database.
        for table in ("person", "comment", "option", "audit_event"):
            for row in s.execute(text(f"SELECT * FROM {table}")):
                assert "Carys" not in " ".join(str(v) for v in row)


def test_erasing_a_family_member_keeps_their_accepted_options_and_a_form_printed_with_one_still_reads(
        staff_client, db, home, tmp_path):
    from accessible import printouts
    from accessible.models import AuditEvent
    from tests.helpers import mark, png, post, rasterise, text, upload

    with db.write() as s:
        h, carys = s.get(Home, home["home"]), s.get(Person, home["family"])
        margaret = s.get(Person, home["residents"][0])
        lunch = topics.create_topic(s, h, "Lunch", "What would you like for lunch?", options=["Fish pie"])
        topics.move_to(s, lunch, "ideas")
        accepted = topics.propose_idea(s, lunch, "Bara brith", carys)
        topics.moderate_idea(s, accepted, True)
        topics.propose_idea(s, lunch, "Cawl", carys)  # still waiting for staff: hers alone
        topics.move_to(s, lunch, "choosing")
        form = printouts.render(s, lunch, "form", None, "http://localhost", resident=margaret)
        accepted_id = accepted.id
    (sheet,) = rasterise(form.pdf, tmp_path)
    mark(sheet, next(b for b in form.pages[0].boxes if b["option"] == accepted_id))
    post(staff_client, f"/staff/records/people/{home['family']}/erase", {"confirm_name": "Carys Evans"},
         form_url="/staff/records/")
    assert "Carys Evans's answers, comments and links have been erased for good. Their idea not accepted into a " \
           "topic was erased too. The option they proposed stays in its topic, as people may have chosen it or have " \
           "it on paper, but no longer says who proposed it." in text(staff_client.get("/staff/records/"))
    with db.read() as s:
        kept = s.get(Option, accepted_id)
        assert (kept.label, kept.status, kept.proposed_by_id) == ("Bara brith", "accepted", None)
        assert "Cawl" not in [o.label for o in s.scalars(select(Option))]
        said = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.record_type == "Option",
                                                                     AuditEvent.action != "create"))]
        assert said[-2:] == ["who proposed it was erased; the option stays in its topic",
                        "idea not accepted, erased with who proposed it"]
    # Margaret's form, printed before, ticked on the option after: it reads, and her answer counts.
    assert "margaret.png: 1 answer recorded." in text(upload(staff_client, [("margaret.png", png(sheet))]))
    with db.read() as s:
        answers = [(r.person_id, r.option_id) for r in s.scalars(select(Response))]
        assert answers == [(home["residents"][0], accepted_id)]
