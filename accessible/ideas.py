"""Residents' own ideas from the kiosk: said aloud (a recording for staff), picked from staff's pictures, or a talk."""

import re
import secrets
from pathlib import Path

from sqlalchemy import select

from accessible import audit, topics
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import TALK_ABOUT, Option, TalkRequest, utcnow

#: The data folder's private folder of spoken ideas; only staff hear them, through an audited route.
RECORDINGS = "idea-recordings"
#: A recording not confirmed ("Is that right?") yet is a draft; a draft left behind goes at the next sweep.
_NAME = re.compile(r"(draft-)?[0-9a-f]{32}\.wav")
#: Words given to a spoken idea the speech engine could not write down, until staff give it its own.
NOT_TRANSCRIBED = "Spoken idea (not transcribed)"


def _folder(data_dir):
    folder = Path(data_dir) / RECORDINGS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep_draft(data_dir, audio):
    """Keep a resident's recording until they say it is right; return its token.

    :raises BadAudio: when the audio is not a WAV recording that can be listened to.
    """
    from accessible.speech.listen import read_wav  # numpy and the engines load only when someone speaks

    read_wav(audio)  # refuses anything that is not a short, readable WAV before it is stored
    token = secrets.token_hex(16)
    (_folder(data_dir) / f"draft-{token}.wav").write_bytes(bytes(audio))
    return token


def discard_draft(data_dir, token):
    """Delete a recording the resident did not want to keep."""
    name = f"draft-{token}.wav"
    if _NAME.fullmatch(name):
        (_folder(data_dir) / name).unlink(missing_ok=True)


def recording_file(data_dir, name):
    """Return where the recording named *name* is kept (it may be gone), or None when that is no recording's name."""
    if not name or not _NAME.fullmatch(name) or name.startswith("draft-"):
        return None
    return _folder(data_dir) / name


def recording_path(data_dir, option):
    """Return the file of a spoken idea's recording, or None when it has none (or it is gone)."""
    path = recording_file(data_dir, option.recording)
    return path if path is not None and path.is_file() else None


def restore_recording(data_dir, name, audio):
    """Put a spoken idea's recording back from a home archive (it keeps its random name).

    :raises ValueError: when the name is not a recording's, or the audio is not a WAV recording.
    """
    path = recording_file(data_dir, name)
    if path is None or not audio.startswith(b"RIFF") or audio[8:12] != b"WAVE":
        raise ValueError(f"the recording {name} in the archive is damaged")
    part = path.with_name(f".{secrets.token_hex(8)}.part")
    part.write_bytes(audio)
    part.replace(path)


def forget_recordings(data_dir, names):
    """Delete the recordings named *names* now (their ideas were erased): nothing of them stays on disk."""
    for name in names:
        path = recording_file(data_dir, name)
        if path is not None:
            path.unlink(missing_ok=True)


def _check_open(topic, resident):
    if topic.stage != "ideas":
        raise Invalid({"topic": "This topic is not collecting ideas now."})
    if resident.kind != "resident" or not topics.is_asked(resident, topic):
        raise Invalid({"proposer": Message("%(name)s is not asked about this topic.", name=resident.name)})


def propose_spoken(session, topic, resident, data_dir, token, heard=None):
    """Send a resident's spoken idea to staff: the recording confirmed on the kiosk, with what the engine heard."""
    _check_open(topic, resident)
    draft = _folder(data_dir) / f"draft-{token}.wav"
    if not _NAME.fullmatch(draft.name) or not draft.is_file():
        raise Invalid({"recording": "The recording has gone: please say your idea again."})
    heard = " ".join((heard or "").split())[:200] or None
    kept = draft.with_name(draft.name.removeprefix("draft-"))
    draft.rename(kept)
    # Staff give it its words when they accept it; until then what was heard (or that nothing was) stands in.
    option = Option(label=heard or NOT_TRANSCRIBED, status="pending", proposed_by_id=resident.id, channel="kiosk",
                    recording=kept.name, heard=heard, position=len(topic.options))
    topic.options.append(option)
    session.flush()
    audit.record(session, resident, "create", option, resident=resident, detail="spoken idea on the kiosk")
    return option


def suggest(session, topic, label, actor=None):
    """Add an idea staff put forward, with its picture, for residents to pick on the kiosk."""
    if topic.stage not in ("draft", "ideas"):
        raise Invalid({"label": "Suggestions are for residents to pick while the topic collects ideas."})
    return topics.add_option(session, topic, label, proposed_by=actor, status="suggested")


def suggestions(topic):
    """Return the ideas staff suggested that no resident has picked yet, in order."""
    return [o for o in topic.options if o.status == "suggested"]


def pick(session, topic, resident, option):
    """Make a suggestion the resident picked their own idea: it waits for review, credited to them."""
    _check_open(topic, resident)
    if option not in suggestions(topic):
        raise Invalid({"option": "That picture has been picked already, or is not one of the suggestions."})
    option.status, option.proposed_by_id, option.channel = "pending", resident.id, "kiosk"
    audit.record(session, resident, "update", option, resident=resident, detail="suggestion picked on the kiosk")
    return option


def ask_to_talk(session, topic, person, about="idea", channel="touch"):
    """Note that *person* would like to talk to someone about *topic*; one open request each is enough."""
    if about not in TALK_ABOUT:
        raise Invalid({"about": "Talk about an idea or a decision."})
    if not topics.can_see(person, topic):
        raise Invalid({"person": Message("%(name)s cannot see this topic.", name=person.name)})
    found = session.scalars(select(TalkRequest).where(
        TalkRequest.topic_id == topic.id, TalkRequest.person_id == person.id, TalkRequest.about == about,
        TalkRequest.done_at.is_(None))).first()
    if found is not None:
        return found
    request = TalkRequest(topic_id=topic.id, person_id=person.id, about=about, channel=channel)
    session.add(request)
    session.flush()
    audit.record(session, person, "create", request, resident=person if person.kind == "resident" else None)
    return request


def talk_requests(session, home_id):
    """Return the wishes to talk that no member of staff has answered yet, oldest first."""
    from accessible.models import Topic

    query = (select(TalkRequest).join(Topic, TalkRequest.topic_id == Topic.id)
             .where(Topic.home_id == home_id, TalkRequest.done_at.is_(None))
             .order_by(TalkRequest.created_at, TalkRequest.id))
    return session.scalars(query).all()


def talked(session, request, actor):
    """Note that a member of staff has talked with the person who asked."""
    request.done_at, request.done_by_id = utcnow(), actor.id
    audit.record(session, actor, "update", request, detail="talked")


def gave_idea(session, topic, resident):
    """Return True when the resident has given an idea for *topic*, or asked to talk about it."""
    if any(o.proposed_by_id == resident.id and o.channel == "kiosk" for o in topic.options):
        return True
    return session.scalar(select(TalkRequest.id).where(
        TalkRequest.topic_id == topic.id, TalkRequest.person_id == resident.id,
        TalkRequest.about == "idea")) is not None


def accept(session, option, label=None, actor=None):
    """Accept an idea waiting for review, in the words staff give it (a spoken idea's own, after listening)."""
    label = " ".join((label or "").split())
    if label and label != option.label:
        if len(label) > 200:
            raise Invalid({f"label-{option.id}": "That option is too long (200 characters at most)."})
        if any(o.id != option.id and o.status != "hidden" and o.label.casefold() == label.casefold()
               for o in option.topic.options):
            raise Invalid({f"label-{option.id}": Message("%(label)s is an option already.", label=label)})
        option.label = label
    elif option.label == NOT_TRANSCRIBED:
        raise Invalid({f"label-{option.id}": "Listen to the recording and write the idea in a few words first."})
    topics.moderate_idea(session, option, True, actor=actor)
    return option


def sweep(session, data_dir):
    """Delete recordings whose idea is gone (erased, or its topic deleted) and drafts never confirmed."""
    folder = _folder(data_dir)
    kept = set(session.scalars(select(Option.recording).where(Option.recording.is_not(None))))
    for path in folder.iterdir():
        if _NAME.fullmatch(path.name) and path.name not in kept:
            if path.name.startswith("draft-") and utcnow().timestamp() - path.stat().st_mtime < 24 * 3600:
                continue  # a resident may be on "Is that right?" with it now
            path.unlink(missing_ok=True)
