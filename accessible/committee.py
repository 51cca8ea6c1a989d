"""A topic's committee signs the decision off: staff propose it, co-owners say whether they agree, staff confirm."""

from dataclasses import dataclass

from sqlalchemy import select

from accessible import audit, ideas, responses, topics, wording
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import AGREEMENTS, DecisionProposal, ProposalAnswer, Topic, utcnow


def propose(session, topic, decision, reason=None, option=None, actor=None, other=None):
    """Propose a decision to the topic's co-owners; new words ask them again (earlier answers were to others).

    *other*: the decision and why in the topic's other language, {"decision": …, "reason": …}, as
    :func:`accessible.topics.decide` takes them. Writing it there for the first time asks nobody again (it says
    the same); changing words already written there does.
    """
    decision = " ".join((decision or "").split())
    reason = " ".join((reason or "").split()) or None
    if not decision:
        raise Invalid({"decision": "Write what will happen, in plain words."})
    if topic.stage != "choosing":
        raise Invalid({"decision": "A decision is proposed after people have had their say, while choosing."})
    if not topic.co_owners:
        raise Invalid({"decision": "This topic has no co-owners to ask: name them first, or record the decision."})
    if option is not None and option.topic_id != topic.id:
        raise Invalid({"option": "That option belongs to another topic."})
    proposal = topic.proposal
    if proposal is None:
        proposal = topic.proposal = DecisionProposal(decision=decision)
    if (proposal.decision, proposal.option_id) != (decision, getattr(option, "id", None)):
        proposal.answers = []
    proposal.decision, proposal.reason = decision, reason
    proposal.option_id = getattr(option, "id", None)
    if other is not None:  # after its own words, which the other language's are written for
        wording.translate_decision(proposal, **other)  # changed words there ask again too
    proposal.proposed_by_id, proposal.proposed_at = getattr(actor, "id", None), utcnow()
    session.flush()
    audit.record(session, actor, "update", proposal, detail="proposed to co-owners")
    return proposal


def answer(session, topic, person, agreement, channel="touch"):
    """Record a co-owner's answer to the proposed decision (their latest counts); "talk" asks staff to talk."""
    proposal = topic.proposal
    if proposal is None:
        raise Invalid({"proposal": "No decision is proposed for this topic now."})
    if person not in topic.co_owners:
        raise Invalid({"person": Message("%(name)s is not one of this topic's co-owners.", name=person.name)})
    if agreement not in AGREEMENTS:
        raise Invalid({"answer": "Answer yes, no, or that you want to talk about it."})
    found = next((a for a in proposal.answers if a.person_id == person.id), None)
    if found is None:
        found = ProposalAnswer(person_id=person.id, answer=agreement, channel=channel)
        proposal.answers.append(found)
    found.answer, found.channel, found.created_at = agreement, channel, utcnow()
    if agreement == "talk":
        ideas.ask_to_talk(session, topic, person, about="decision", channel=channel)
    session.flush()
    audit.record(session, person, "create", found, resident=person if person.kind == "resident" else None,
                 detail=agreement)
    return found


def answers_by_person(topic):
    """Return each co-owner with their answer to the proposal ("agree", "disagree", "talk" or None)."""
    given = {a.person_id: a.answer for a in topic.proposal.answers} if topic.proposal else {}
    return [(person, given.get(person.id)) for person in topic.co_owners]


def asks(topic, person):
    """Return True when *person* is asked now whether they agree to *topic*'s proposed decision."""
    return (topic.proposal is not None and topic.stage == "choosing" and topic.archived_at is None
            and person in topic.co_owners and topics.can_see(person, topic))


def waiting_for(session, resident):
    """Return the topics whose proposed decision waits for this co-owner's answer, oldest first."""
    query = (select(Topic).join(DecisionProposal, DecisionProposal.topic_id == Topic.id)
             .where(Topic.home_id == resident.home_id, Topic.stage == "choosing", Topic.archived_at.is_(None))
             .order_by(DecisionProposal.proposed_at, Topic.id))
    return [t for t in session.scalars(query) if asks(t, resident)
            and not any(a.person_id == resident.id for a in t.proposal.answers)]


def confirm(session, topic, actor=None):
    """Record the proposed decision as the outcome, with the co-owners who agreed to it."""
    proposal = topic.proposal
    if proposal is None:
        raise Invalid({"proposal": "No decision is proposed for this topic now."})
    agreed = [a.person for a in proposal.answers if a.answer == "agree"]
    said = wording.words(proposal, wording.other_language(topic))
    other = {"decision": said.decision, "reason": said.reason} if said.lang != topic.language else {}
    outcome = topics.decide(session, topic, proposal.decision, reason=proposal.reason, option=proposal.option,
                            actor=actor, agreed=agreed, other=other)
    wording.carry_outdated(proposal, outcome, wording.other_language(topic))  # still to check, if it was
    topic.proposal = None
    return outcome


def withdraw(session, topic, actor=None):
    """Take a proposed decision back: the co-owners are no longer asked about it."""
    if topic.proposal is not None:
        audit.record(session, actor, "delete", topic.proposal, detail="proposal withdrawn")
        topic.proposal = None


@dataclass
class Result:
    """One answer of a topic as a co-owner sees it on the kiosk: its picture, and how many chose it."""

    key: object
    label: str
    #: The option (with its pictures) or a symbol id for yes and no.
    picture: object
    #: Residents in their own voice.
    own: int
    #: Everyone else: residents assisted or by proxy, families and staff.
    others: int


def results(session, topic):
    """Return the topic's answers while choosing, residents' own voices first, for the committee's kiosk screen."""
    tally = responses.tally(session, topic, "choosing")
    if topic.kind == "yesno":
        keys = [("yes", "Yes", "2705"), ("no", "No", "274C")]
    else:
        keys = [(o.id, o.label, o) for o in topic.accepted_options]

    def count(value):  # a rating counts its likes
        return value["like"] if isinstance(value, dict) else value

    found = []
    for row, (key, label, picture) in enumerate(keys):
        own = count(tally.group("resident").rows[row][1])
        others = sum(count(g.rows[row][1]) for g in tally.groups if g.key != "resident")
        found.append(Result(key, label, picture, own, others))
    return found
