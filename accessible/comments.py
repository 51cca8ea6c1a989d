"""Keep free-text comments on topics; a family member's comment waits for staff to moderate it."""

from sqlalchemy import select

from accessible import audit
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import Comment, Topic
from accessible.topics import can_see

MAX_LENGTH = 2000


def add(session, topic, person, text):
    """Add a comment; staff comments join the record at once, family comments wait for moderation."""
    # Browsers send a line break as "\r\n" but count it as one character against maxlength, as we do.
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise Invalid({"text": "Write your comment first."})
    if len(text) > MAX_LENGTH:
        raise Invalid({"text": Message("A comment can be %(n)s characters at most.", n=MAX_LENGTH)})
    if not can_see(person, topic):
        raise Invalid({"topic": "That topic is not open to you."})
    comment = Comment(topic_id=topic.id, person_id=person.id, text=text,
                      status="approved" if person.kind == "staff" else "pending")
    session.add(comment)
    session.flush()
    audit.record(session, person, "create", comment, resident=topic.resident_id)
    return comment


def moderate(session, comment, approve, actor):
    """Approve a waiting comment, or hide it."""
    comment.status = "approved" if approve else "hidden"
    comment.reviewed_by_id = actor.id
    audit.record(session, actor, "update", comment, detail=comment.status)


def pending(session, home_id):
    """Return the comments waiting for moderation in a home, oldest first."""
    query = (select(Comment).join(Topic, Comment.topic_id == Topic.id)
             .where(Topic.home_id == home_id, Comment.status == "pending").order_by(Comment.created_at))
    return session.scalars(query).all()


def for_topic(session, topic, include_pending_of=None):
    """Return a topic's approved comments, plus those still waiting by *include_pending_of* (their own)."""
    query = select(Comment).where(Comment.topic_id == topic.id).order_by(Comment.created_at)
    return [c for c in session.scalars(query)
            if c.status == "approved" or (include_pending_of is not None and c.person_id == include_pending_of.id
                                          and c.status == "pending")]
