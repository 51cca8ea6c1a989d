"""Topics from first ideas to review: stages, who proposed what, templates, personal topics."""

import pytest

from accessible import people, topics
from accessible.errors import Invalid
from accessible.models import Home, Person
from accessible.topic_templates import TEMPLATES


def _topic(s, home, **kwargs):
    h = s.get(Home, home["home"])
    return topics.create_topic(s, h, kwargs.pop("title", "Friday lunch"),
                               kwargs.pop("question", "What would you like for lunch on Friday?"), **kwargs)


def test_a_topic_moves_from_ideas_to_choosing_to_decided_to_review(db, home):
    with db.write() as s:
        staff = s.get(Person, home["staff"])
        topic = _topic(s, home, actor=staff)
        assert topic.stage == "draft"
        topics.move_to(s, topic, "ideas", actor=staff)
        margaret = s.get(Person, home["residents"][0])
        idea = topics.propose_idea(s, topic, "Welsh cakes", margaret, recorded_by=staff)
        topics.propose_idea(s, topic, "Fish pie", staff)
        # Every option keeps who had the idea, and who wrote it down for them.
        assert (idea.proposed_by.name, idea.recorded_by.name, idea.status) == ("Margaret Evans", "Sam Patel",
                                                                              "accepted")
        topics.move_to(s, topic, "choosing", actor=staff)
        with pytest.raises(Invalid, match="Write down what was decided"):
            topics.move_to(s, topic, "decided")
        topics.decide(s, topic, "Welsh cakes every Friday afternoon.", reason="Most people chose them.",
                      option=idea, actor=staff)
        assert topic.stage == "decided"
        assert topic.outcome.decision == "Welsh cakes every Friday afternoon."
        topics.move_to(s, topic, "reviewed", actor=staff)
        assert topic.stage == "reviewed"


def test_choosing_needs_options_first(db, home):
    with pytest.raises(Invalid, match="at least 2 options"), db.write() as s:
        topic = _topic(s, home, options=["Only one"])
        topics.move_to(s, topic, "choosing")


def test_stages_cannot_be_skipped(db, home):
    with pytest.raises(Invalid, match="cannot move"), db.write() as s:
        topic = _topic(s, home)
        topics.move_to(s, topic, "reviewed")


def test_a_family_idea_waits_for_staff_review(db, home):
    with db.write() as s:
        topic = _topic(s, home)
        topics.move_to(s, topic, "ideas")
        carys = s.get(Person, home["family"])
        idea = topics.propose_idea(s, topic, "Cawl", carys)
        assert idea.status == "pending"
        assert idea not in topic.accepted_options
        topics.moderate_idea(s, idea, accept=True, actor=s.get(Person, home["staff"]))
        assert idea in topic.accepted_options


def test_ideas_are_only_taken_while_collecting_them(db, home):
    with pytest.raises(Invalid, match="not collecting ideas"), db.write() as s:
        topic = _topic(s, home)
        topics.propose_idea(s, topic, "Cawl", s.get(Person, home["residents"][0]))


def test_duplicate_and_empty_options_are_refused(db, home):
    with db.write() as s:
        topic = _topic(s, home, options=["Tea"])
        with pytest.raises(Invalid, match="already"):
            topics.add_option(s, topic, " tea ")
        with pytest.raises(Invalid, match="Write the option"):
            topics.add_option(s, topic, "   ")


def test_bad_topics_are_refused_with_messages(db, home):
    with pytest.raises(Invalid) as caught, db.write() as s:
        _topic(s, home, title="", question=" ", kind="essay", ask_residents=False, ask_families=False,
               ask_staff=False)
    assert set(caught.value.problems) == {"title", "question", "kind", "ask"}


def test_a_personal_topic_is_seen_only_by_the_resident_their_family_and_staff(db, home):
    with db.write() as s:
        margaret, dafydd, _ = (s.get(Person, i) for i in home["residents"])
        goal = topics.create_from_template(s, s.get(Home, home["home"]), "care-goal", resident=margaret)
        carys, staff = s.get(Person, home["family"]), s.get(Person, home["staff"])
        assert [topics.can_see(p, goal) for p in (margaret, carys, staff, dafydd)] == [True, True, True, False]
        assert goal not in topics.topics(s, home["home"], viewer=dafydd)
        assert goal in topics.topics(s, home["home"], viewer=carys)


def test_co_owners_name_the_committee(db, home):
    with db.write() as s:
        topic = _topic(s, home)
        committee = [s.get(Person, home["residents"][0]), s.get(Person, home["family"]), s.get(Person, home["staff"])]
        topics.set_co_owners(s, topic, committee)
        assert sorted(p.kind for p in topic.co_owners) == ["family", "resident", "staff"]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_template_starts_a_topic_in_either_language(db, home, key, lang):
    with db.write() as s:
        h = s.get(Home, home["home"])
        resident = s.get(Person, home["residents"][0])
        topic = topics.create_from_template(s, h, key, resident=resident, language=lang)
        template = TEMPLATES[key]
        assert topic.question == template.question[lang]
        assert topic.kind == template.kind
        assert [o.label for o in topic.options] == [o.label[lang] for o in template.options]
        assert all(o.picture.startswith("openmoji:") and o.picture_alt for o in topic.options)
        topics.move_to(s, topic, template.start_stage)


def test_the_senses_framework_is_rated_on_six_senses(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "senses")
        assert topic.kind == "rate"
        assert len(topic.options) == 6
        alts = " ".join(o.picture_alt for o in topic.options)
        for sense in ("security", "continuity", "belonging", "purpose", "achievement", "significance"):
            assert sense in alts


def test_asked_people_follow_the_topic(db, home):
    with db.write() as s:
        topic = _topic(s, home, ask_families=False)
        asked = topics.asked_people(s, topic)
        assert len(asked["resident"]) == 3 and asked["family"] == [] and len(asked["staff"]) == 2
        assert people.people(s, home["home"], "family")  # there is family, just not asked
