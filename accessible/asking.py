"""What the kiosk asks a resident next, and which answers go on one screen."""

from accessible import outcomes, responses, topics


def open_topics(session, resident):
    """Return the topics asking this resident for an answer now, oldest first."""
    found = [t for t in topics.topics(session, resident.home_id, viewer=resident)
             if responses.phase_of(t) and topics.is_asked(resident, t)]
    return sorted(found, key=lambda t: (t.created_at, t.id))


def rates_each(topic):
    """Return True when the topic asks about each option in turn (a rating while choosing)."""
    return topic.kind == "rate" and topic.stage == "choosing"


def answered(session, topic, resident):
    """Return what the resident has answered in the topic's current phase: the option ids rated, or True/False."""
    mine = [r for r in responses.latest(session, topic, responses.phase_of(topic))
            if r.person_id == resident.id and r.on_behalf_of_id is None]
    if rates_each(topic):
        return {r.option_id for r in mine}
    return bool(mine)


def next_step(session, resident):
    """Return what to show the resident next, or None when nothing waits for them.

    ``("outcome", outcome)`` for a decision they took part in and have not heard; ``("rate", topic, option)``
    for the first thing not rated yet; ``("question", topic)`` for a question not answered yet.
    """
    for outcome in outcomes.untold(session, resident):
        return ("outcome", outcome)
    for topic in open_topics(session, resident):
        done = answered(session, topic, resident)
        if rates_each(topic):
            left = [o for o in topic.accepted_options if o.id not in done]
            if left:
                return ("rate", topic, left[0])
        elif not done:
            return ("question", topic)
    return None


def first_to_rate(session, topic, resident):
    """Return the first option the resident has not rated yet; with all rated, the first, to change one."""
    rated = answered(session, topic, resident)
    return next((o for o in topic.accepted_options if o.id not in rated), topic.accepted_options[0])


def screen(choices, per_screen, page):
    """Return (the choices on *page*, the page shown, the number of pages) for *per_screen* answers a screen."""
    pages = max(1, -(-len(choices) // per_screen))
    page = min(max(page or 1, 1), pages)
    return choices[(page - 1) * per_screen: page * per_screen], page, pages


def page_of(index, per_screen):
    """Return the page that shows the answer at *index* (from 0) with *per_screen* answers a screen."""
    return index // per_screen + 1
