"""The kiosk for a topic's co-owners: the results as pictures, then "Do you agree?" with the decision staff propose."""

from flask import abort, redirect, request, session, url_for

from accessible import committee
from accessible.models import AGREEMENTS, Topic
from web.auth import db
from web.i18n import _
from web.kiosk import _context, bp, channel_of, topic_screen

#: Each answer to "Do you agree?": its words and its symbol.
AGREEMENT_WORDS = {"agree": "Yes, I agree", "disagree": "No, I don't agree", "talk": "I want to talk about it"}
AGREEMENT_SYMBOLS = {"agree": "2705", "disagree": "274C", "talk": "1F5E3"}


def _proposed(s, resident, topic_id):
    """Return the topic whose proposed decision this co-owner may answer, or stop with 404."""
    topic = s.get(Topic, topic_id)
    if topic is None or not committee.asks(topic, resident):
        abort(404)
    return topic


def _render(template, topic_id, **values):
    return topic_screen(_proposed, template, topic_id, **values)


def _answer(values):
    """Return the answer to "Do you agree?" named in *values*, or None."""
    return values.get("answer") if values.get("answer") in AGREEMENTS else None


@bp.get("/committee/<int:topic_id>")
def committee_results(topic_id):
    """Show a co-owner what people chose, as pictures with how many chose each, residents' own voices first."""
    return _render("kiosk/committee_results.html", topic_id, cards=committee.results)


@bp.get("/committee/<int:topic_id>/agree")
def committee_agree(topic_id):
    """Say the decision staff propose and ask "Do you agree?": yes, no, or I want to talk about it."""
    choices = [(key, AGREEMENT_WORDS[key], AGREEMENT_SYMBOLS[key]) for key in AGREEMENTS]
    return _render("kiosk/committee_agree.html", topic_id, cards=lambda s, topic: choices)


@bp.get("/committee/<int:topic_id>/confirm")
def committee_confirm(topic_id):
    """Ask "Is that right?" before the co-owner's answer is recorded."""
    answer = _answer(request.args)
    if answer is None:
        return redirect(url_for("kiosk.committee_agree", topic_id=topic_id))
    return _render("kiosk/sure.html", topic_id, heading=_("You said: %(answer)s.", answer=_(AGREEMENT_WORDS[answer])),
                   question=_("Is that right?"), yes_action=url_for("kiosk.committee_answer", topic_id=topic_id),
                   fields={"answer": answer, "channel": channel_of(request.args)},
                   no_url=url_for("kiosk.committee_agree", topic_id=topic_id),
                   yes_label=_("Yes, that's right"), no_label=_("No, go back"))


@bp.post("/committee/<int:topic_id>/answer")
def committee_answer(topic_id):
    """Record the co-owner's answer to the proposed decision, with the channel it came by."""
    answer = _answer(request.form)
    if answer is None:
        return redirect(url_for("kiosk.committee_agree", topic_id=topic_id))
    with db().write() as s:
        resident, _home, _settings = _context(s)
        committee.answer(s, _proposed(s, resident, topic_id), resident, answer, channel=channel_of(request.form))
    session["said"] = AGREEMENT_WORDS[answer]
    session["sent"] = (_("A member of staff will come and talk with you.") if answer == "talk"
                       else _("Staff will see your answer before the decision is made."))
    return redirect(url_for("kiosk.thanks"))
