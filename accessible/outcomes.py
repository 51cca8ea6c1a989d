"""Tell people what came of their say: each resident who took part hears the outcome once."""

from sqlalchemy import select

from accessible import wording
from accessible.models import Outcome, OutcomeNotice, Response, Topic


def you_said(session, topic, resident, lang=None):
    """Return the words of the resident's own latest answer while choosing (its option's in *lang*, where the
    topic is written in it), or None; see :func:`you_said_in` for the language they are in."""
    said = you_said_in(session, topic, resident, lang)
    return said and said[0]


def you_said_in(session, topic, resident, lang=None):
    """Return (words, their language) of the resident's own latest answer while choosing, as :func:`you_said`
    says them (the language None for "yes" or "no", said in the reader's), or None."""
    query = (select(Response).where(Response.topic_id == topic.id, Response.person_id == resident.id,
                                    Response.on_behalf_of_id.is_(None), Response.phase == "choosing")
             .order_by(Response.created_at.desc(), Response.id.desc()))
    answer = session.scalars(query).first()
    if answer is None:
        return None
    if answer.option is None:
        return answer.value, None
    said = wording.words(answer.option, lang or topic.language)
    return said.label, said.lang


def untold(session, resident):
    """Return the outcomes of topics the resident answered that they have not been told yet, oldest first."""
    told = select(OutcomeNotice.outcome_id).where(OutcomeNotice.resident_id == resident.id)
    answered = select(Response.topic_id).where(Response.person_id == resident.id, Response.on_behalf_of_id.is_(None))
    query = (select(Outcome).join(Topic, Outcome.topic_id == Topic.id)
             .where(Topic.home_id == resident.home_id, Topic.id.in_(answered), Outcome.id.not_in(told))
             .order_by(Outcome.decided_at, Outcome.id))
    return session.scalars(query).all()


def mark_told(session, outcome, resident):
    """Remember that the resident has heard this outcome."""
    exists = session.scalar(select(OutcomeNotice.id).where(OutcomeNotice.outcome_id == outcome.id,
                                                           OutcomeNotice.resident_id == resident.id))
    if exists is None:
        session.add(OutcomeNotice(outcome_id=outcome.id, resident_id=resident.id))
