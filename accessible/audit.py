"""Record who read or changed which record, and read the record back."""

from sqlalchemy import select

from accessible.models import AuditEvent


def record(session, actor, action, thing, resident=None, detail=None):
    """Add one audit event for *actor* doing *action* to *thing* (a model instance)."""
    session.flush()  # so a record made in this transaction already has its id
    session.add(
        AuditEvent(
            home_id=getattr(actor, "home_id", None) or getattr(thing, "home_id", None),
            actor_id=getattr(actor, "id", None),
            action=action,
            record_type=type(thing).__name__,
            record_id=getattr(thing, "id", None),
            resident_id=getattr(resident, "id", resident),
            detail=detail,
        )
    )


def events(session, home_id, resident_id=None, limit=200):
    """Return the newest audit events of a home, optionally about one resident."""
    query = select(AuditEvent).where(AuditEvent.home_id == home_id)
    if resident_id is not None:
        query = query.where(AuditEvent.resident_id == resident_id)
    return session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()
