"""What the kiosk asks a resident next, how its screens suit them, and which answers go on one screen."""

from accessible import committee, ideas, outcomes, responses, topics
from accessible.speech.say import speech_settings


def screen_settings(needs, home_language="en", idle_seconds=0):
    """Return how the kiosk's screens and speech suit a resident's communication needs (None: the defaults)."""
    speech = speech_settings(needs, home_language)
    rate = speech["rate"]
    return {
        "text_size": needs.text_size if needs else 18,
        "contrast": needs.contrast if needs else "standard",
        "photos": bool(needs and needs.picture_style == "photos"),
        "per_screen": needs.options_per_screen if needs else 4,
        "rate": rate,
        # Only a voice the needs name: otherwise each text is spoken in its own language's voice.
        "voice": (needs.voice if needs else None) or "",
        "lang": speech["lang"],
        "modes": needs.modes if needs else ["touch"],
        # The pace the needs give; else a slower speaker gets a slower scan: a step as long as six spoken words.
        "scan_ms": int(needs.scan_seconds * 1000) if needs and needs.scan_seconds else int(6 * 60_000 / rate),
        "idle_seconds": idle_seconds,
    }


def open_topics(session, resident):
    """Return the topics asking this resident for an answer now, oldest first."""
    found = [t for t in topics.topics(session, resident.home_id, viewer=resident)
             if responses.phase_of(t) and topics.is_asked(resident, t)]
    return sorted(found, key=lambda t: (t.created_at, t.id))


def idea_topics(session, resident):
    """Return the topics collecting ideas that ask this resident, oldest first."""
    found = [t for t in topics.topics(session, resident.home_id, viewer=resident)
             if t.stage == "ideas" and topics.is_asked(resident, t)]
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


def next_step(session, resident, skipped=()):
    """Return what to show the resident next, or None when nothing waits for them.

    ``("outcome", outcome)`` for a decision they took part in and have not heard; ``("agree", topic)`` for a
    decision proposed to them as a co-owner; ``("rate", topic, option)`` for the first thing not rated yet;
    ``("question", topic)`` for a question not answered yet; ``("ideas", topic)`` for a topic collecting ideas
    they have not given one for (nor put off: the topic ids in *skipped*).
    """
    for outcome in outcomes.untold(session, resident):
        return ("outcome", outcome)
    for topic in committee.waiting_for(session, resident):
        return ("agree", topic)
    for topic in open_topics(session, resident):
        done = answered(session, topic, resident)
        if rates_each(topic):
            left = [o for o in topic.accepted_options if o.id not in done]
            if left:
                return ("rate", topic, left[0])
        elif not done:
            return ("question", topic)
    for topic in idea_topics(session, resident):
        if topic.id not in skipped and not ideas.gave_idea(session, topic, resident):
            return ("ideas", topic)
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
