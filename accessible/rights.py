"""People's data rights: everything held about one person, on request; a family member's data erased."""

from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select, update

from accessible import audit
from accessible.errors import Invalid
from accessible.models import (
    AuditEvent,
    Comment,
    FamilyLink,
    Option,
    PaperCheck,
    Person,
    Response,
    TalkRequest,
    family_of,
    topic_owner,
)


def _when(value):
    return value.isoformat() if value else None


def person_data(session, person):
    """Return everything tied to *person* as plain data: details, needs, answers, comments, ideas, links."""
    answers = session.scalars(
        select(Response).where(or_(Response.person_id == person.id, Response.on_behalf_of_id == person.id))
        .order_by(Response.created_at)
    ).all()
    needs = person.needs
    data = {
        "person": {"id": person.id, "kind": person.kind, "name": person.name, "preferred_name": person.preferred_name,
                   "room": person.room, "relation": person.relation, "username": person.username,
                   "created_at": _when(person.created_at)},
        "communication_needs": None if needs is None else {
            "text_size": needs.text_size, "contrast": needs.contrast, "picture_style": needs.picture_style,
            "options_per_screen": needs.options_per_screen, "speech_rate": needs.speech_rate, "voice": needs.voice,
            "scan_seconds": needs.scan_seconds,
            "language": needs.language, "input_modes": needs.modes, "notes": needs.notes,
            "review_date": _when(needs.review_date),
        },
        "family": [{"id": f.id, "name": f.name, "relation": f.relation} for f in person.family],
        "residents": [{"id": r.id, "name": r.name} for r in person.residents],
        "responses": [{
            "topic": r.topic.title, "question": r.topic.question, "answer": r.option.label if r.option else r.value,
            "language": r.topic.language,  # of the topic's words: its title, question and options
            "value": r.value, "phase": r.phase, "channel": r.channel, "time": _when(r.created_at),
            "given_by": r.person.name, "on_behalf_of": r.on_behalf_of.name if r.on_behalf_of else None,
            "assisted_by": r.assisted_by.name if r.assisted_by else None, "confidence": r.confidence,
        } for r in answers],
        "comments": [{"topic": c.topic_id, "text": c.text, "status": c.status, "time": _when(c.created_at)}
                     for c in session.scalars(select(Comment).where(Comment.person_id == person.id))],
        "ideas": [{"topic": o.topic_id, "label": o.label, "language": o.topic.language, "status": o.status,
                   "time": _when(o.created_at),
                   "channel": o.channel, "heard": o.heard, "recording": o.recording is not None}
                  for o in session.scalars(select(Option).where(Option.proposed_by_id == person.id))],
        "asked_to_talk": [{"topic": t.topic_id, "about": t.about, "time": _when(t.created_at),
                           "talked": _when(t.done_at)}
                          for t in session.scalars(select(TalkRequest).where(TalkRequest.person_id == person.id))],
        "family_links": [{"resident": k.resident_id, "created_at": _when(k.created_at),
                          "expires_at": _when(k.expires_at), "revoked_at": _when(k.revoked_at)}
                         for k in session.scalars(select(FamilyLink).where(
                             or_(FamilyLink.family_id == person.id, FamilyLink.resident_id == person.id)))],
        "photos": [p for o in session.scalars(select(Option).where(Option.proposed_by_id == person.id))
                   for p in (o.picture, o.second_picture) if p and p.startswith("photo:")],
        "record_views": [{"action": e.action, "record": e.record_type, "time": _when(e.at),
                          "by": e.actor.name if e.actor else None}
                         for e in session.scalars(select(AuditEvent).where(AuditEvent.resident_id == person.id)
                                                  .order_by(AuditEvent.at))],
    }
    return data


@dataclass
class Erased:
    """What became of an erased family member's ideas."""

    #: Their ideas never accepted (waiting for review, or hidden), deleted with them.
    ideas_deleted: int = 0
    #: Their accepted options, kept in their topics without saying who proposed them.
    options_kept: int = 0
    #: The recordings of their deleted ideas (names in the data folder), to delete from disk once this is saved.
    recordings: list[str] = field(default_factory=list)


def erase_family_member(session, family, actor):
    """Erase a family member's contributions and details for good: answers, guesses, comments, ideas, links.

    Return what became of their ideas (:class:`Erased`).
    """
    if family.kind != "family":
        raise Invalid({"person": "Only a family member's data is erased this way."})
    person_id = family.id
    session.execute(delete(Response).where(Response.person_id == person_id))
    session.execute(delete(Comment).where(Comment.person_id == person_id))
    # An accepted option belongs to the topic now: it may be printed on cards, menus and forms still to come
    # back, and people may have chosen it. It stays, and no longer says who proposed it. An idea never accepted
    # that nobody answered is theirs alone, and goes with them.
    answered = set(session.scalars(select(Response.option_id).where(Response.option_id.is_not(None))))
    answered |= set(session.scalars(select(PaperCheck.option_id).where(PaperCheck.option_id.is_not(None))))
    erased = Erased()
    for option in session.scalars(select(Option).where(Option.proposed_by_id == person_id)).all():
        if option.status != "accepted" and option.id not in answered:
            audit.record(session, actor, "delete", option, detail="idea not accepted, erased with who proposed it")
            if option.recording:
                erased.recordings.append(option.recording)
            session.delete(option)
            erased.ideas_deleted += 1
        else:
            option.proposed_by_id = None
            audit.record(session, actor, "update", option,
                         detail="who proposed it was erased; the option stays in its topic")
            erased.options_kept += 1
    session.flush()
    session.execute(delete(FamilyLink).where(FamilyLink.family_id == person_id))
    session.execute(delete(family_of).where(family_of.c.family_id == person_id))
    session.execute(delete(topic_owner).where(topic_owner.c.person_id == person_id))
    session.execute(update(AuditEvent).where(AuditEvent.actor_id == person_id).values(actor_id=None))
    session.expunge(family)
    session.execute(delete(Person).where(Person.id == person_id))
    session.add(AuditEvent(home_id=actor.home_id, actor_id=actor.id, action="erase", record_type="Person",
                           record_id=person_id, detail=f"family member erased; {erased.ideas_deleted} of their ideas "
                                                       f"not accepted deleted, {erased.options_kept} of their options "
                                                       f"kept without their name"))
    return erased
