"""Staff pages: residents and their needs, families, topics from ideas to outcome, results by group."""

import re
import threading

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy import func, select

from accessible import (
    addresses,
    audit,
    comments,
    committee,
    family_links,
    ideas,
    people,
    pictures,
    responses,
    topics,
    wording,
)
from accessible.errors import Invalid
from accessible.models import CHANNELS, Home, Response
from accessible.paper import answers as paper_answers
from accessible.scales import RATING_NAMES, RATINGS
from accessible.speech.say import speech_status
from accessible.topic_templates import TEMPLATES
from web import forms
from web.address import link_base
from web.auth import db, staff_required
from web.i18n import _, _marked, in_language

bp = Blueprint("staff", __name__, url_prefix="/staff")

NEEDS_FIELDS = ("text_size", "contrast", "picture_style", "options_per_screen", "speech_rate", "voice",
                "language", "notes", "review_date", "scan_seconds")


@bp.before_request
@staff_required
def _signed_in():
    """Every staff page needs a signed-in member of staff (the decorator redirects otherwise)."""


def _home(s):
    return s.get(Home, g.staff.home_id)


def _checked(name):
    return request.form.get(name) in ("on", "1", "yes", "true")


@bp.get("/")
def dashboard():
    """Show what is going on: topics by stage and residents whose needs are due for review."""
    with db().read() as s:
        home = _home(s)
        all_topics = topics.topics(s, home.id)
        residents = people.people(s, home.id, "resident")
        due = [r for r in residents if r.needs and r.needs.review_due()]
        speech_ok, speech_message = speech_status()
        # Who each topic asks, worked out once for the two lists that need it.
        asked = {t.id: topics.asked_people(s, t)["resident"] for t in all_topics}
        return render_template(
            "staff/dashboard.html", home=home, topics=all_topics, residents=residents, due=due,
            stage_names=topics.STAGE_NAMES, speech_problem=None if speech_ok else speech_message,
            ideas=[o for t in all_topics for o in t.options if o.status == "pending"],
            talk=ideas.talk_requests(s, home.id),
            comments_waiting=comments.pending(s, home.id), paper_waiting=len(paper_answers.pending(s, home.id)),
            waiting=responses.waiting_residents(s, all_topics, asked),
            overdue=[t for t in all_topics if topics.overdue(t)], untranslated=_untranslated(home, all_topics, asked),
            to_check=[(t, _to_check(t)) for t in all_topics if t.archived_at is None and wording.to_check(t)])


def _untranslated(home, all_topics, asked):
    """Return (topic, its other language, what is still to write in it) for each topic not yet wholly in the
    other language that a resident it asks reads (*asked*: the residents each topic asks, by topic id)."""
    found = []
    for t in all_topics:
        if t.archived_at is None and wording.missing(t) and wording.wanted(t, asked[t.id], home.language):
            found.append((t, wording.other_language(t), _still_to_write(t)))
    return found


def _still_to_write(topic, marked=True):
    """Return what is still to write in the topic's other language, in the words of the page's language (*marked*:
    as markup, each option's words marked with the topic's language where the page is in the other)."""
    return wording.missing(topic, phrases=_phrases(topic if marked else None))


def _to_check(topic):
    """Return what is written in the topic's other language for older words of its own, in the page's language."""
    return wording.to_check(topic, phrases=_phrases(topic))


class _MarkedPhrase(str):
    """A phrase of :data:`wording.PHRASES` in the page's language whose values are a topic's own words, filled in
    marked with the topic's language: "yr opsiwn “<span lang="en">Fish pie</span>”"."""

    def __new__(cls, text, lang):
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    def __mod__(self, values):
        return escape(str(self)) % {key: in_language(value, self.lang) for key, value in values.items()}


def _phrases(topic=None):
    if topic is None:
        return {key: _(phrase) for key, phrase in wording.PHRASES.items()}
    return {key: _MarkedPhrase(_(phrase), topic.language) for key, phrase in wording.PHRASES.items()}


# Residents and families -------------------------------------------------------------------------------

@bp.get("/residents")
def residents():
    """List residents with their communication needs flagged."""
    words = " ".join(request.args.get("q", "").split()).casefold()
    due_only = request.args.get("due") == "1"
    by_room = request.args.get("sort") == "room"
    with db().read() as s:
        home = _home(s)
        left = [r for r in people.people(s, home.id, "resident", with_inactive=True) if not r.active]
        found = [r for r in people.people(s, home.id, "resident")
                 if (not words or words in f"{r.name} {r.preferred_name or ''} {r.room or ''}".casefold())
                 and (not due_only or (r.needs and r.needs.review_due()))]
        if by_room:
            found.sort(key=lambda r: (r.room is None, (r.room or "").zfill(8), r.name))
        return render_template("staff/residents.html", home=home, residents=found, left=left,
                               families=people.people(s, home.id, "family"), query=request.args.get("q", ""),
                               due_only=due_only, by_room=by_room)


def _needs_from_form():
    values = {f: request.form.get(f, "") for f in NEEDS_FIELDS}
    values["input_modes"] = request.form.getlist("input_modes")
    return values


@bp.route("/residents/new", methods=["GET", "POST"])
def new_resident():
    """Add a resident and their communication needs."""
    errors = {}
    if request.method == "POST":
        try:
            with db().write() as s:
                resident = people.add_resident(
                    s, _home(s), request.form.get("name"), room=request.form.get("room"),
                    preferred_name=request.form.get("preferred_name"), actor=s.merge(g.staff),
                    **_needs_from_form(),
                )
                flash(_("%(name)s has been added.", name=resident.name))
                return redirect(url_for("staff.resident", resident_id=resident.id))
        except Invalid as e:
            errors = e.problems
    with db().read() as s:
        return render_template("staff/resident_form.html", resident=None, form=request.form, errors=errors,
                               home=_home(s)), 400 if errors else 200


@bp.route("/residents/<int:resident_id>", methods=["GET", "POST"])
def resident(resident_id):
    """Show and change one resident's details and communication needs."""
    errors = {}
    if request.method == "POST":
        try:
            with db().write() as s:
                person = people.get_person(s, g.staff.home_id, resident_id, "resident")
                people.update_resident(
                    s, person, request.form.get("name"), room=request.form.get("room"),
                    preferred_name=request.form.get("preferred_name"), actor=s.merge(g.staff),
                    **_needs_from_form(),
                )
                flash(_("%(name)s's details have been saved.", name=person.name))
                return redirect(url_for("staff.resident", resident_id=resident_id))
        except Invalid as e:
            errors = e.problems
    return _resident_page(resident_id, errors=errors, status=400 if errors else 200)


def _resident_page(resident_id, errors=None, status=200, new_link=None):
    with db().write() as s:
        person = people.get_person(s, g.staff.home_id, resident_id, "resident")
        audit.record(s, s.merge(g.staff), "view", person, resident=person)
        return render_template("staff/resident_form.html", resident=person, home=_home(s),
                               form=request.form if errors else None, errors=errors or {},
                               links=family_links.links_for(s, person.id), new_link=new_link,
                               now=family_links.utcnow()), status


@bp.get("/residents/<int:resident_id>/said")
def resident_said(resident_id):
    """Show what one resident has said across topics, in their own voice first, and what came of it."""
    with db().write() as s:
        person = people.get_person(s, g.staff.home_id, resident_id, "resident")
        audit.record(s, s.merge(g.staff), "view", person, resident=person, detail="what they have said")
        return render_template("staff/said.html", home=_home(s), resident=person, said=responses.said_by(s, person),
                               in_words=responses.answer_in_words, channel_names=responses.CHANNEL_NAMES,
                               stage_names=topics.STAGE_NAMES)


@bp.post("/residents/<int:resident_id>/active")
def resident_active(resident_id):
    """Mark a resident as having left the home (asked nothing more, family cards stop working), or back."""
    active = request.form.get("active") == "1"
    with db().write() as s:
        person = people.get_person(s, g.staff.home_id, resident_id, "resident")
        people.set_active(s, person, active, actor=s.merge(g.staff))
        flash(_("%(name)s is back in the home's lists: they are asked again, and their family's cards that "
                "worked before they left work again.", name=person.name) if active else
              _("%(name)s has been marked as having left: they are asked nothing more and their family's "
                "cards stop opening. Their answers stay in the record. \"Back in the home\" undoes this.",
                name=person.name))
    return redirect(url_for("staff.resident", resident_id=resident_id))


@bp.post("/residents/<int:resident_id>/family-links")
def issue_family_link(resident_id):
    """Issue a new family link for one family member of a resident, and show it once."""
    base = link_base()
    if base is None:
        flash(_("Confirm this server's address first (a manager does this once): the link must lead to it."))
        return redirect(url_for("address.confirm"))
    try:
        with db().write() as s:
            resident = people.get_person(s, g.staff.home_id, resident_id, "resident")
            family_id = request.form.get("family", "")
            family = people.get_person(s, resident.home_id, int(family_id), "family") if family_id.isdigit() else None
            if family is None:
                raise Invalid({"family": "Choose the family member the link is for."})
            link, token = family_links.issue(s, family, resident, actor=s.merge(g.staff))
            url = base + url_for("family.open_link", token=token)
            name = family.name
    except Invalid as e:
        return _resident_page(resident_id, errors=e.problems, status=400)
    return _resident_page(resident_id, new_link={"url": url, "family": name})


@bp.post("/residents/<int:resident_id>/family-links/<int:link_id>/revoke")
def revoke_family_link(resident_id, link_id):
    """Revoke one family link; the family member's other links keep working."""
    with db().write() as s:
        resident = people.get_person(s, g.staff.home_id, resident_id, "resident")
        link = next((k for k in family_links.links_for(s, resident.id) if k.id == link_id), None)
        if link is not None:
            family_links.revoke(s, link, actor=s.merge(g.staff))
            flash(_("The link for %(name)s has been revoked. It no longer opens anything.", name=link.family.name))
    if link is None:  # shown after the write has ended: the page writes an audit entry of its own
        flash(_("That link is not one of this resident's: nothing was revoked."))
        return _resident_page(resident_id, status=400)
    return redirect(url_for("staff.resident", resident_id=resident_id) + "#family-links")


@bp.get("/comments")
def pending_comments():
    """Show family comments and ideas waiting for review, and which families have taken part."""
    with db().read() as s:
        home = _home(s)
        waiting_ideas = [o for t in topics.topics(s, home.id) for o in t.options if o.status == "pending"]
        return render_template("staff/comments.html", home=home, comments=comments.pending(s, home.id),
                               ideas=waiting_ideas, taking_part=responses.families_taking_part(s, home.id),
                               talk=ideas.talk_requests(s, home.id))


@bp.post("/comments/<int:comment_id>")
def moderate_comment(comment_id):
    """Approve a family comment so it joins the record, or hide it."""
    with db().write() as s:
        comment = next((c for c in comments.pending(s, g.staff.home_id) if c.id == comment_id), None)
        if comment is None:
            flash(_("That comment has been reviewed already."))
        else:
            approve = request.form.get("decision") == "approve"
            comments.moderate(s, comment, approve, s.merge(g.staff))
            flash(_("The comment has been approved.") if approve else _("The comment has been hidden."))
    return redirect(url_for("staff.pending_comments"))


@bp.route("/family/new", methods=["GET", "POST"])
def new_family():
    """Add a family member and link them to residents."""
    errors = {}
    if request.method == "POST":
        try:
            with db().write() as s:
                home = _home(s)
                chosen = [people.get_person(s, home.id, int(i), "resident")
                          for i in request.form.getlist("residents") if i.isdigit()]
                if not chosen:
                    raise Invalid({"residents": "Choose the resident (or residents) this person is family to."})
                person = people.add_family(s, home, request.form.get("name"), relation=request.form.get("relation"),
                                           residents=chosen, actor=s.merge(g.staff))
                flash(_("%(name)s has been added.", name=person.name))
                return redirect(url_for("staff.residents"))
        except Invalid as e:
            errors = e.problems
    with db().read() as s:
        home = _home(s)
        return render_template("staff/family_form.html", home=home, form=request.form, errors=errors,
                               residents=people.people(s, home.id, "resident")), 400 if errors else 200


# Topics -----------------------------------------------------------------------------------------------

@bp.get("/topics")
def topic_list():
    """List every topic with its stage."""
    words = " ".join(request.args.get("q", "").split()).casefold()
    stage = request.args.get("stage", "")
    archived = request.args.get("archived") == "1"
    with db().read() as s:
        home = _home(s)
        found = [t for t in topics.topics(s, home.id, archived=archived) if bool(t.archived_at) == archived
                 and (not stage or t.stage == stage)
                 and (not words or words in f"{t.title} {t.question}".casefold())]
        order = request.args.get("sort", "")
        if order == "closing":  # soonest closing first; topics with no date after them
            found.sort(key=lambda t: (t.closes_on is None, t.closes_on or t.created_at.date()))
        elif order == "title":
            found.sort(key=lambda t: t.title.casefold())
        return render_template("staff/topics.html", home=home, topics=found, stage_names=topics.STAGE_NAMES,
                               query=request.args.get("q", ""), stage=stage, archived=archived, order=order,
                               overdue={t.id for t in found if topics.overdue(t)})


@bp.route("/topics/new", methods=["GET", "POST"])
def new_topic():
    """Start a topic from a template, or from a blank page."""
    errors = {}
    if request.method == "POST":
        try:
            with db().write() as s:
                home = _home(s)
                actor = s.merge(g.staff)
                resident_id = request.form.get("resident", "")
                resident = None
                if resident_id.isdigit():
                    resident = people.get_person(s, home.id, int(resident_id), "resident")
                key = request.form.get("template", "")
                language = request.form.get("language") or None
                question = topics.question_of_template(home, key, language) if key else request.form.get("question")
                same = topics.open_with_same_question(s, home.id, question, resident=resident)
                if same and not _checked("same_anyway"):
                    # Not an error: a second menu for another week may well be wanted. Ask once.
                    raise Invalid({"same_question": _("\u201c%(title)s\u201d already asks this and is still "
                                                     "open: start another anyway, or open that topic instead.",
                                                     title=same[0].title)})
                closes_on = request.form.get("closes_on")
                if key:
                    topic = topics.create_from_template(s, home, key, resident=resident, language=language,
                                                        actor=actor, closes_on=closes_on)
                else:
                    labels = [line for line in request.form.get("options", "").splitlines() if line.strip()]
                    topic = topics.create_topic(
                        s, home, request.form.get("title"), request.form.get("question"),
                        kind=request.form.get("kind", "choose"), options=labels, resident=resident,
                        ask_residents=_checked("ask_residents"), ask_families=_checked("ask_families"),
                        ask_staff=_checked("ask_staff"), language=language, actor=actor, closes_on=closes_on,
                    )
                flash(_marked("The topic \u201c%(title)s\u201d has been created. Check its options, then open it.",
                              title=in_language(topic.title, topic.language)))
                return redirect(url_for("staff.topic", topic_id=topic.id))
        except Invalid as e:
            errors = e.problems
    with db().read() as s:
        home = _home(s)
        same = []
        if "same_question" in errors:
            key = request.form.get("template", "")
            question = topics.question_of_template(home, key, request.form.get("language") or None) if key \
                else request.form.get("question")
            same = topics.open_with_same_question(s, home.id, question)
        return render_template("staff/topic_new.html", home=home, templates=TEMPLATES, form=request.form,
                               errors=errors, residents=people.people(s, home.id, "resident"), same=same), \
            400 if errors else 200


def _answers_by_option(s, topic):
    """Return how many answers, in any phase, chose or rated each of the topic's options."""
    found = s.execute(select(Response.option_id, func.count()).where(Response.topic_id == topic.id,
                                                                      Response.option_id.is_not(None))
                      .group_by(Response.option_id))
    return dict(found.all())


def _answers_now(s, topic):
    """Return each person's own answer that counts now, in words, by person id."""
    mine = {}
    for r in responses.latest(s, topic, responses.phase_of(topic) or "choosing"):
        if r.on_behalf_of_id is None:
            mine.setdefault(r.person_id, []).append(r)
    return {person_id: responses.answer_in_words(topic, found) for person_id, found in mine.items()}


def _topic_page(s, topic_id, errors=None, status=200):
    home = _home(s)
    topic = topics.get_topic(s, home.id, topic_id)
    asked = topics.asked_people(s, topic)
    return render_template(
        "staff/topic.html", home=home, topic=topic, asked=asked, errors=errors or {}, form=request.form,
        answered=_answers_by_option(s, topic), printed_for_here_only=addresses.is_loopback(
            addresses.host_of(link_base() or request.host_url)),
        next_stages=topics.NEXT_STAGES[topic.stage], stage_names=topics.STAGE_NAMES,
        undecided_stages=topics.UNDECIDED_STAGES, deciding_stages=topics.DECIDING_STAGES,
        phase=responses.phase_of(topic), ratings=RATINGS, rating_names=RATING_NAMES,
        tally=responses.tally(s, topic), channels=CHANNELS, answers_now=_answers_now(s, topic),
        quiet=responses.not_yet_heard(s, topic, asked["resident"]) if topic.stage == "choosing" else [],
        overdue=topics.overdue(topic),
        other_language=wording.other_language(topic),
        untranslated=_still_to_write(topic), translation_wanted=wording.wanted(topic, asked["resident"], home.language),
        to_check=_to_check(topic), outdated=lambda record: wording.outdated(record, wording.other_language(topic)),
        suggestions={o.id: pictures.search(request.args.get(f"q{o.id}") or o.label, limit=6, lang=topic.language,
                                           food=topic.template == "menu")
                     for o in topic.options if o.status != "hidden"},
        openmoji_credit=pictures.OPENMOJI_CREDIT,
    ), status


@bp.get("/topics/<int:topic_id>/new-cards")
def new_cards(topic_id):
    """Ask before printing new cards instead of the old: say whose cards, for every topic, stop working."""
    with db().read() as s:
        home = _home(s)
        topic = topics.get_topic(s, home.id, topic_id)
        families = [(r, member, len(family_links.live_links(s, member, r)))
                    for r in topics.asked_people(s, topic)["resident"] for member in r.family if member.active]
        return render_template("staff/new_cards.html", home=home, topic=topic,
                               working=[f for f in families if f[2]])


@bp.get("/topics/<int:topic_id>")
def topic(topic_id):
    """Show a topic: its options, stage, answers so far and what to do next."""
    with db().read() as s:
        return _topic_page(s, topic_id)


_ANCHOR = re.compile(r"#[A-Za-z][A-Za-z0-9_-]{0,60}")


def _topic_action(topic_id, action, done_message):
    """Run *action(session, topic, actor)* in one write; show the topic page with errors if it fails."""
    try:
        with db().write() as s:
            topic = topics.get_topic(s, g.staff.home_id, topic_id)
            message = action(s, topic, s.merge(g.staff)) or done_message
        flash(message)
        anchor = request.form.get("anchor", "")  # where on the page to come back to: "#options", nothing else
        return redirect(url_for("staff.topic", topic_id=topic_id) + (anchor if _ANCHOR.fullmatch(anchor) else ""))
    except Invalid as e:
        with db().read() as s:
            return _topic_page(s, topic_id, errors=e.problems, status=400)


@bp.post("/topics/<int:topic_id>/options")
def add_option(topic_id):
    """Add an option (staff's own, or a resident's idea written down for them)."""

    def action(s, topic, actor):
        proposer_id = request.form.get("proposed_by", "")
        proposer = people.get_person(s, topic.home_id, int(proposer_id)) if proposer_id.isdigit() else actor
        if topic.stage == "ideas" and proposer is not actor:
            option = topics.propose_idea(s, topic, request.form.get("label"), proposer, recorded_by=actor)
        else:
            option = topics.add_option(s, topic, request.form.get("label"), spoken_text=request.form.get("spoken_text"),
                                       synonyms=request.form.get("synonyms"), proposed_by=proposer,
                                       recorded_by=actor if proposer is not actor else None)
        return _marked("%(label)s has been added.", label=in_language(option.label, topic.language))

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/words")
def translate_topic(topic_id):
    """Write a topic's question, options and decision in its other language (Welsh for an English topic)."""
    texts = {}
    for name, value in request.form.items():
        if name.startswith("tr-"):
            record, _sep, field = name.removeprefix("tr-").rpartition("-")
            texts.setdefault(record, {})[field] = value

    def action(s, topic, actor):
        lang = wording.other_language(topic)
        answered = bool(topic.proposal and topic.proposal.answers)
        try:
            wording.translate_topic(s, topic, lang, texts, actor=actor)
        except Invalid as e:
            raise Invalid({f"tr-{key}": message for key, message in e.problems.items()}) from None
        asked_again = " " + _("The proposed decision's words changed, so its co-owners are asked again.") \
            if answered and not topic.proposal.answers else ""
        still = _still_to_write(topic, marked=False)  # said in a message: plain words
        name, in_name = (_("Welsh"), _("in Welsh")) if lang == "cy" else (_("English"), _("in English"))
        if still:
            return _("The %(language)s words have been saved. Still to write %(in_language)s: %(missing)s.",
                     language=name, in_language=in_name, missing=", ".join(still)) + asked_again
        return _("The %(language)s words have been saved: everyone who reads %(language)s has this topic "
                 "%(in_language)s.", language=name, in_language=in_name) + asked_again

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/edit")
def edit_topic(topic_id):
    """Change a topic's title, question and who is asked."""

    def action(s, topic, actor):
        topics.update_topic(s, topic, request.form.get("title"), request.form.get("question"),
                            ask_residents=_checked("ask_residents"), ask_families=_checked("ask_families"),
                            ask_staff=_checked("ask_staff"), actor=actor, closes_on=request.form.get("closes_on"))
        return _("The topic has been saved.")

    return _topic_action(topic_id, action, "")


def _option_of(topic, option_id):
    option = next((o for o in topic.options if o.id == option_id), None)
    if option is None:
        raise Invalid({"option": "That option is not part of this topic."})
    return option


@bp.post("/topics/<int:topic_id>/options/<int:option_id>")
def edit_option(topic_id, option_id):
    """Change an option's words, what is read aloud and what else a resident may say for it."""

    def action(s, topic, actor):
        option = _option_of(topic, option_id)
        label = request.form.get("label") or ""
        chosen = _answers_by_option(s, topic).get(option.id, 0)
        if chosen and " ".join(label.split()) != option.label and not _checked("same_meaning"):
            raise Invalid({f"label-{option.id}": _(
                "%(n)s answers chose %(label)s. Tick that the new words mean the same, or add a new option instead."
                if chosen != 1 else
                "1 answer chose %(label)s. Tick that the new words mean the same, or add a new option instead.",
                n=chosen, label=option.label)})
        topics.update_option(s, option, label, picture=option.picture,
                             picture_alt=request.form.get("picture_alt", option.picture_alt),
                             spoken_text=request.form.get("spoken_text"), synonyms=request.form.get("synonyms"),
                             actor=actor)
        return _marked("%(label)s has been saved.", label=in_language(option.label, topic.language))

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/options/<int:option_id>/picture")
def option_picture(topic_id, option_id):
    """Give an option a symbol from the library, or a photo taken in the home."""
    upload = request.files.get("photo")

    def action(s, topic, actor):
        option = _option_of(topic, option_id)
        if upload is not None and upload.filename:
            try:
                saved = pictures.save_photo(current_app.instance_path, upload.read(), upload.filename,
                                            request.form.get("alt_text"))
            except pictures.BadPicture as e:
                raise Invalid({"photo": str(e)}) from None
            topics.set_picture(s, option, f"photo:{saved.id}", saved.alt_text, actor=actor)
        else:
            chosen = pictures.symbol(request.form.get("symbol", ""))
            if chosen is None:
                raise Invalid({"picture": "Choose one of the symbols, or upload a photo."})
            # The symbol's own name is English: an option in Welsh is described by its own words.
            named = chosen.name.capitalize() if topic.language == "en" else option.label
            topics.set_picture(s, option, f"openmoji:{chosen.id}", request.form.get("alt_text") or named, actor=actor)
        return _marked("%(label)s has a new picture.", label=in_language(option.label, topic.language))

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/co-owners")
def co_owners(topic_id):
    """Name the topic's committee: residents, family members and staff."""

    def action(s, topic, actor):
        chosen = [people.get_person(s, topic.home_id, int(i)) for i in request.form.getlist("co_owners") if i.isdigit()]
        topics.set_co_owners(s, topic, chosen, actor=actor)
        return _("The topic's co-owners have been saved.")

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/options/<int:option_id>/moderate")
def moderate_idea(topic_id, option_id):
    """Moderate an idea waiting for staff: accept it as an option, hide it, or show a hidden one again."""

    def action(s, topic, actor):
        option = _option_of(topic, option_id)
        decision = request.form.get("decision")
        if decision == "accept":
            _idea_in_both_languages(s, topic, option, actor)
        if decision == "show":
            topics.show_again(s, option, actor=actor)
            return _marked("%(label)s is one of the options again.", label=in_language(option.label, topic.language))
        if decision == "accept":
            ideas.accept(s, option, actor=actor)  # a spoken idea nobody has written down yet is refused
        else:
            topics.moderate_idea(s, option, False, actor=actor)
        if decision == "accept":
            return _marked("%(label)s has been accepted.", label=in_language(option.label, topic.language))
        return _marked("%(label)s has been hidden. Hidden ideas are listed under the options: you can show it again.",
                       label=in_language(option.label, topic.language))

    return _topic_action(topic_id, action, "")


def _idea_in_both_languages(s, topic, option, actor):
    """Set an idea's words in the topic's language and the other, as staff wrote them while accepting it."""
    own = request.form.get("own_label")
    if own is not None and " ".join(own.split()) != option.label:
        try:
            topics.update_option(s, option, own, picture=option.picture, picture_alt=option.picture_alt,
                                 spoken_text=option.spoken_text, synonyms=option.synonyms, actor=actor)
        except Invalid as e:
            raise Invalid({f"own-label-{option.id}": e.message}) from None
    other = (request.form.get("other_label") or "").strip()
    if other:
        try:
            wording.translate(option, wording.other_language(topic), label=other)
        except Invalid as e:
            raise Invalid({f"other-label-{option.id}": e.message}) from None


@bp.post("/topics/<int:topic_id>/options/<int:option_id>/merge")
def merge_option(topic_id, option_id):
    """Merge an idea into another that says the same: it is hidden, the other stands for both."""

    def action(s, topic, actor):
        option = _option_of(topic, option_id)
        into_id = request.form.get("into", "")
        into = _option_of(topic, int(into_id)) if into_id.isdigit() else None
        if into is None:
            raise Invalid({"merge": _("Choose the option that says the same as %(label)s.", label=option.label)})
        topics.merge_option(s, option, into, answers=_answers_by_option(s, topic).get(option.id, 0), actor=actor)
        return _marked("%(label)s has been merged into %(into)s: only %(into)s is offered now. "
                       "Listed under the options, it can be shown again.",
                       label=in_language(option.label, topic.language), into=in_language(into.label, topic.language))

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/stage")
def move_stage(topic_id):
    """Move a topic on to its next stage."""

    def action(s, topic, actor):
        topics.move_to(s, topic, request.form.get("stage", ""), actor=actor)
        if topic.stage == "choosing":
            _prerender(topic)
        return _stage_message(topic)

    return _topic_action(topic_id, action, "")


def _stage_message(topic):
    stage = _(topics.STAGE_NAMES[topic.stage])
    return _marked("\u201c%(title)s\u201d is now at the stage \u201c%(stage)s\u201d",
                   title=in_language(topic.title, topic.language), stage=stage) + \
        ("" if stage.endswith(("?", "!", ".")) else ".")


@bp.post("/topics/<int:topic_id>/stage/undo")
def undo_stage(topic_id):
    """Undo the topic's last move from one stage to another."""

    def action(s, topic, actor):
        topics.undo_move(s, topic, actor=actor)
        if topic.stage == "choosing":
            _prerender(topic)
        return _("Undone.") + " " + _stage_message(topic)

    return _topic_action(topic_id, action, "")


@bp.post("/topics/<int:topic_id>/archive")
def archive_topic(topic_id):
    """Close a topic and put it away (or bring it back): nobody is asked it any more; its record stays."""

    def action(s, topic, actor):
        archived = request.form.get("archived") == "1"
        topics.archive(s, topic, archived, actor=actor)
        if archived:
            return _marked("\u201c%(title)s\u201d is closed and archived: nobody is asked it now. "
                           "Its record stays; \u201cBring it back\u201d on this page undoes this.",
                           title=in_language(topic.title, topic.language))
        return _marked("\u201c%(title)s\u201d is back in the list of topics.",
                       title=in_language(topic.title, topic.language))

    return _topic_action(topic_id, action, "")


def _prerender(topic):
    """Render the question and options as speech in the background, so the kiosk plays them at once."""
    from web.speech import speaker

    engine = speaker()
    for lang in (topic.language, wording.other_language(topic)):
        # Each language's words where the topic is written in it (the rest are read in the topic's own).
        found = [wording.words(r, lang) for r in (topic, *topic.accepted_options) if wording.has(r, lang)]
        texts = [w.texts.get("question") or w.spoken_text or w.label for w in found]
        if texts:
            threading.Thread(target=engine.prerender, args=(texts,), kwargs={"lang": lang},
                             daemon=True, name="prerender").start()


@bp.post("/topics/<int:topic_id>/responses")
def record_response(topic_id):
    """Record a resident's answer given with a member of staff's help (marked assisted)."""

    def action(s, topic, actor):
        resident_id = request.form.get("resident", "")
        if resident_id == "me":  # the member of staff's own view: counted with the staff, not assisted
            resident, helper, channel = actor, None, "staff-entry"
        elif resident_id.isdigit():
            resident = people.get_person(s, topic.home_id, int(resident_id), "resident")
            helper, channel = actor, "staff-entry"
        else:
            raise Invalid({"resident": "Choose whose answer it is."})
        earlier = responses.answer_now(s, topic, resident)
        responses.record_answer(s, topic, resident, channel, option_id=request.form.get("option"),
                                value=request.form.get("value") or None, ratings=forms.ratings(request.form),
                                assisted_by=helper)
        replaced = " " + _("It replaces the earlier answer (%(earlier)s), which no longer counts.",
                           earlier=earlier) if earlier else ""
        if helper is None:
            return _("Your own view has been recorded, with the staff's.") + replaced
        return _("%(name)s's answer has been recorded (assisted by %(helper)s).", name=resident.name,
                 helper=actor.name) + replaced

    return _topic_action(topic_id, action, "")


def chosen_option(topic):
    """Return the option of *topic* the form names (the decision's "The option chosen"), or None."""
    option_id = request.form.get("option", "")
    return next((o for o in topic.options if str(o.id) == option_id), None)


def decision_in_other_language():
    """Return the decision and why the form gives in the topic's other language, or None where it has no such
    fields (so words written there before are kept)."""
    if "decision_other" not in request.form:
        return None
    return {"decision": request.form.get("decision_other"), "reason": request.form.get("reason_other"),
            "fits": request.form.get("decision_other_fits") == "1"}


@bp.post("/topics/<int:topic_id>/decide")
def decide(topic_id):
    """Write down what was decided and why."""

    def action(s, topic, actor):
        option = chosen_option(topic)
        asked = topics.asked_people(s, topic)["resident"]
        quiet = responses.not_yet_heard(s, topic, asked) if topic.stage == "choosing" else []
        if quiet and not _checked("decide_anyway") and (request.form.get("decision") or "").strip():
            raise Invalid({"decide_anyway": _("%(quiet)s of the %(asked)s residents asked have not had a say "
                                              "yet. Ask them first, or tick \u201cDecide now anyway\u201d.",
                                              quiet=len(quiet), asked=len(asked))})
        topics.decide(s, topic, request.form.get("decision"), reason=request.form.get("reason"), option=option,
                      actor=actor, other=decision_in_other_language())
        committee.withdraw(s, topic, actor=actor)  # decided without the co-owners: they are asked no more
        return _("The decision has been recorded. Tell everyone: you said, we did.")

    return _topic_action(topic_id, action, "")


@bp.get("/topics/<int:topic_id>/results")
def results(topic_id):
    """Show a topic's answers by group, side by side, and who has not had a say yet."""
    with db().read() as s:
        home = _home(s)
        topic = topics.get_topic(s, home.id, topic_id)
        asked = topics.asked_people(s, topic)
        choosing = responses.tally(s, topic, "choosing")
        follow_up = responses.tally(s, topic, "review") if topic.stage == "reviewed" else None
        quiet = responses.not_yet_heard(s, topic, asked["resident"])
        return render_template("staff/results.html", home=home, topic=topic, tally=choosing, follow_up=follow_up,
                               quiet=quiet, asked=asked, rating_names=RATING_NAMES, ratings=RATINGS,
                               channel_names=responses.CHANNEL_NAMES,
                               topic_comments=comments.for_topic(s, topic))


# Residents' ideas from the kiosk and the committee's sign-off add their routes to this blueprint.
from web import staff_ideas  # noqa: E402, F401
