"""Staff pages for residents' own ideas (recordings, suggestions, wishes to talk) and the committee's sign-off."""

import io

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for

from accessible import audit, committee, ideas
from accessible.errors import Invalid
from accessible.models import Option, TalkRequest
from web.auth import db
from web.i18n import _, _marked, in_language
from web.staff import _checked, _topic_action, bp, chosen_option, decision_in_other_language


def _idea(s, option_id):
    option = s.get(Option, option_id)
    if option is None or option.topic.home_id != g.staff.home_id:
        abort(404)
    return option


@bp.get("/ideas/<int:option_id>/recording")
def idea_recording(option_id):
    """Play a resident's spoken idea to staff: never cached, and every hearing is in the audit trail."""
    with db().write() as s:
        option = _idea(s, option_id)
        path = ideas.recording_path(current_app.instance_path, option)
        if path is None:
            abort(404)
        audit.record(s, s.merge(g.staff), "view", option, resident=option.proposed_by_id, detail="recording")
    # Read whole (a recording is at most a few MB): no file stays open on the server behind a slow player.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="audio/wav", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/ideas/<int:option_id>/accept")
def accept_idea(option_id):
    """Accept an idea from the queue, in the words staff give it; it is credited to whoever had it."""
    try:
        with db().write() as s:
            option = _idea(s, option_id)
            ideas.accept(s, option, request.form.get("label"), actor=s.merge(g.staff))
            label = in_language(option.label, option.topic.language)
            flash(_marked("%(label)s has been accepted, credited to %(name)s.", label=label,
                          name=option.proposed_by.name) if option.proposed_by
                  else _marked("%(label)s has been accepted.", label=label))
            ideas.sweep(s, current_app.instance_path)
    except Invalid as e:
        flash(" ".join(_(problem) for problem in e.problems.values()))
    return redirect(url_for("staff.pending_comments") + "#ideas-h")


@bp.post("/talk/<int:request_id>/done")
def talked(request_id):
    """Note that a member of staff has talked with the resident who asked."""
    with db().write() as s:
        found = s.get(TalkRequest, request_id)
        if found is None or found.topic.home_id != g.staff.home_id:
            abort(404)
        ideas.talked(s, found, s.merge(g.staff))
        flash(_marked("Noted: someone has talked with %(name)s about \u201c%(title)s\u201d.", name=found.person.name,
                      title=in_language(found.topic.title, found.topic.language)))
    return redirect(url_for("staff.pending_comments") + "#talk-h")


@bp.post("/topics/<int:topic_id>/suggestions")
def suggest(topic_id):
    """Suggest an idea, with its picture, for residents to pick on the kiosk."""

    def action(s, topic, actor):
        option = ideas.suggest(s, topic, request.form.get("label"), actor=actor)
        return _marked("%(label)s is suggested to residents: it shows as a picture on their kiosk until one picks it. "
                       "Change its picture under the options.", label=in_language(option.label, topic.language))

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/proposal")
def propose(topic_id):
    """Propose a decision to the topic's co-owners: each is asked "Do you agree?" on the kiosk."""

    def action(s, topic, actor):
        committee.propose(s, topic, request.form.get("decision"), reason=request.form.get("reason"),
                          option=chosen_option(topic), actor=actor, other=decision_in_other_language())
        return _("The decision has been proposed to the co-owners. Residents among them are asked \u201cDo you "
                 "agree?\u201d on their kiosk; their answers show here. Confirm it when you are ready.")

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/proposal/confirm")
def confirm_proposal(topic_id):
    """Record the proposed decision as decided, with the co-owners who agreed."""

    def action(s, topic, actor):
        waiting = [p for p, said in committee.answers_by_person(topic) if said is None]
        if waiting and not _checked("confirm_anyway"):
            raise Invalid({"confirm_anyway": _("1 co-owner has not answered yet. Wait for them, or tick \u201cConfirm "
                                               "now anyway\u201d.") if len(waiting) == 1 else
                           _("%(n)s co-owners have not answered yet. Wait for them, or tick \u201cConfirm now "
                             "anyway\u201d.", n=len(waiting))})
        outcome = committee.confirm(s, topic, actor=actor)
        names = names_joined(outcome.agreed_by)
        if names:
            return _("The decision has been recorded. Decided with %(names)s, who agreed. Tell everyone: you said, "
                     "we did.", names=names)
        return _("The decision has been recorded. Tell everyone: you said, we did.")

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/proposal/withdraw")
def withdraw_proposal(topic_id):
    """Take the proposed decision back: co-owners are no longer asked about it."""

    def action(s, topic, actor):
        committee.withdraw(s, topic, actor=actor)
        return _("The proposed decision has been withdrawn; co-owners are no longer asked about it.")

    return _topic_action(topic_id, action, "")


@bp.app_template_filter("names_joined")
def names_joined(people):
    """Return people's names joined as people say them: "Margaret Evans and Arthur Price"."""
    names = [p.name for p in people]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])
