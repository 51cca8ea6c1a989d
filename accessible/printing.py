"""Render printables to tagged PDF: picture cards, picture menus, large-print forms and "You said, we did" posters."""

import json
import math
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from PIL import ImageFile, ImageFont
from weasyprint import HTML, Attachment

from accessible.i18n import translator
from accessible.paper import layout, markers
from accessible.pictures import OPENMOJI_CREDIT, SVG_DIR
from accessible.scales import RATING_NAMES, RATING_SYMBOLS, YESNO, YESNO_NAMES, YESNO_SYMBOLS

# WeasyPrint tells Pillow, for the whole process, to accept cut-short images; a server that takes photo uploads
# must refuse them (accessible.pictures), and our printables only use images we re-encoded ourselves.
ImageFile.LOAD_TRUNCATED_IMAGES = False

PRINTABLES = Path(__file__).resolve().parent / "printables"
FACES, FACE_WORDS = RATING_SYMBOLS, RATING_NAMES


@dataclass
class PrintOption:
    id: int
    label: str
    picture_path: Path | None = None
    picture_alt: str = ""
    openmoji: bool = False


@dataclass
class PrintTopic:
    id: int
    question: str
    kind: str = "choose"
    stage: str = "choosing"
    options: list = field(default_factory=list)
    outcome: str | None = None
    outcome_reason: str | None = None
    #: [(group name, [(answer label, count), …]), …] for posters.
    tallies: list = field(default_factory=list)
    #: The language of the printed frame (headings, instructions); the topic's own words stay in `words_lang`.
    lang: str = "en"
    title: str = ""
    home: str = ""
    #: The language staff wrote the question and options in; None: the same as `lang`.
    words_lang: str | None = None
    #: The option the decision chose, if there is one (pictured on the poster).
    decided_option: int | None = None


@dataclass
class PrintResident:
    id: int
    name: str
    room: str | None = None
    text_size_pt: int = 16
    family_url: str | None = None
    #: Who the family link is for ("Carys"), printed on cards.
    family_name: str | None = None
    #: This resident's own pictures of the options (photos or symbols, as their needs say); None: the topic's.
    options: list | None = None
    #: The name the resident likes to be called ("Gwen"), printed on their family's cards.
    called: str | None = None
    #: The language of the resident's own printouts; None: the topic's printing language.
    lang: str | None = None
    #: The short code printed beside the QR code ("KX7P-M2QD"), typed at `code_url` by whoever cannot scan.
    family_code: str | None = None
    code_url: str | None = None


@dataclass
class PageLayout:
    page_id: str
    topic_id: int
    resident_id: int | None
    size_mm: list
    boxes: list
    #: The first page's id of the copy this page belongs to: the pages of one form share it.
    sheet: str = ""

    def as_dict(self):
        return {"page": self.page_id, "topic": self.topic_id, "resident": self.resident_id,
                "size_mm": self.size_mm, "boxes": self.boxes}


@dataclass
class PrintResult:
    pdf: bytes
    pages: list = field(default_factory=list)


def _env(lang):
    env = Environment(loader=FileSystemLoader(PRINTABLES), autoescape=select_autoescape(["html"]))
    env.globals["_"] = translator(lang, "print")
    env.globals["symbol"] = lambda ident: (SVG_DIR / f"{ident}.svg").as_uri()
    env.globals["credit"] = translator(lang, "print")(OPENMOJI_CREDIT)
    return env


def _pdf(html, attachments=None):
    extra = [Attachment(string=json.dumps(attachments), name=layout.LAYOUT_ATTACHMENT, base_url=str(PRINTABLES))] \
        if attachments is not None else None
    return HTML(string=html, base_url=str(PRINTABLES)).write_pdf(pdf_variant="pdf/ua-1", attachments=extra)


def _progress(progress, done, total):
    if progress is not None:
        progress(done, total)


def _options_for(topic, resident):
    """Return the options as *resident* sees them: their own pictures where they have them, else the topic's."""
    return resident.options if resident is not None and resident.options is not None else topic.options


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _even_chunks(items, most):
    """Return *items* in as few pages of at most *most* as they need, shared evenly: no dish alone on a page."""
    pages = max(1, math.ceil(len(items) / most))
    size = math.ceil(len(items) / pages) if items else most
    return _chunks(items, size)


def render_cards(topic, residents, base_url="", sheet="a4-4up", progress=None):
    """Render picture cards, one option per card, each with its QR code to a family member's page."""
    env = _env(topic.lang)
    sets = residents or [PrintResident(id=0, name="")]
    cards = [(r, o) for r in sets for o in _options_for(topic, r)]
    per_sheet = 4 if sheet == "a4-4up" else 1
    sheets = _chunks(cards, per_sheet)
    html = env.get_template("cards.html").render(
        topic=topic, sheets=sheets, sheet=sheet, qr=lambda url: markers.qr_svg(url) if url else None,
        short=lambda url: url.split("://", 1)[-1] if url else None,
        uses_openmoji=any(o.openmoji for _r, o in cards))
    _progress(progress, len(cards), len(cards))
    return PrintResult(_pdf(html))


def render_menu(topics_, base_url="", progress=None):
    """Render a picture menu: a day's or a week's choices, a big picture for each, four to a page at most."""
    topics_ = topics_ if isinstance(topics_, list) else [topics_]
    env = _env(topics_[0].lang)
    pages = [(t, chunk) for t in topics_ for chunk in _even_chunks(t.options, 4)]
    html = env.get_template("menu.html").render(pages=pages, lang=topics_[0].lang,
                                                uses_openmoji=any(o.openmoji for t in topics_ for o in t.options))
    _progress(progress, len(pages), len(pages))
    return PrintResult(_pdf(html))


PT_MM = 25.4 / 72
LINE_SPACING = 1.5  # large print: never less
STANDARD_PT = 16
# Where the form's words go, in mm (form.html places them so): text is measured against these widths to know
# how far it reaches down the page, since answer boxes sit at fixed places and text must never run over them.
HEAD_W_MM = 148  # beside the page's code
QUESTION_W_MM = 140
INSTRUCTION_W_MM = 138  # after the pencil, clear of the page's code
HEAD_TOP_MM = 8
LABEL_TOP_MM = 4  # an answer's words below its row's top, beside its picture
FACE_WORD_W_MM = 24  # one face's words, under its box; the faces stand 25 mm apart
WRITE_IN_BOTTOM_MM = 274  # above the credit line and clear of the lower markers


@dataclass
class FormType:
    """Type sizes in points of one form: the standard large print, or bigger as a resident's needs say."""

    body: int = STANDARD_PT
    heading: int = 20
    question: int = 28
    label: int = 20
    face: int = STANDARD_PT

    @classmethod
    def for_resident(cls, resident):
        size = max(STANDARD_PT, resident.text_size_pt) if resident else STANDARD_PT
        return cls(body=size, heading=max(20, size), question=max(28, size), label=max(20, size), face=size)


@cache
def _font(bold):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", 100)
    except OSError:
        return None  # measured by a generous average width instead


def _width_mm(text, pt, bold=False):
    font = _font(bold)
    em = font.getlength(text) / 100 if font else len(text) * 0.7
    return em * pt * PT_MM


def _lines(text, pt, width_mm, bold=False):
    """Return how many lines *text* takes at *pt* in a column *width_mm* wide (a little generously)."""
    width_mm *= 0.95  # the printed glyphs and the measured ones differ a little
    count, line = 0, ""
    for word in str(text).split():
        if _width_mm(word, pt, bold) > width_mm:  # a word wider than the column is broken: lines of its own
            count += (1 if line else 0) + math.ceil(_width_mm(word, pt, bold) / width_mm)
            line = ""
            continue
        trial = f"{line} {word}" if line else word
        if line and _width_mm(trial, pt, bold) > width_mm:
            count, line = count + 1, word
        else:
            line = trial
    return count + (1 if line else 0) or 1


def _height_mm(text, pt, width_mm, bold=False):
    return _lines(text, pt, width_mm, bold) * pt * LINE_SPACING * PT_MM


def _instruction(topic, _, pages=1):
    if topic.stage == "reviewed":
        return _("How is it going? Tick one face.")
    if topic.kind == "rate":
        return _("Tick one face for each picture.")
    if topic.kind == "yesno":
        return _("Tick yes or no.")
    if pages > 1:
        return _("Tick one box only, on any page.")
    return _("Tick one box. Tick the picture you choose.")


def _decision(topic, _):
    """Return what was decided, printed on a form asking how it is going."""
    return _("We decided: %(decision)s", decision=topic.outcome) if topic.stage == "reviewed" and topic.outcome \
        else None


def _head_bottom_mm(topic, resident, audience, t, _, pages=1, continued=False):
    """Return how far down the page the words above the answers reach, in mm.

    A page after the first repeats the question and what to do, not the heading and the name above them.
    """
    bottom = HEAD_TOP_MM
    if pages > 1:  # "Page 1 of 2", first on every page of the form
        bottom += _height_mm(_("Page %(n)s of %(total)s", n=pages, total=pages), t.body, HEAD_W_MM, bold=True)
    if not continued:
        heading = _("Your views") + (f" · {topic.home}" if topic.home else "")
        bottom += _height_mm(heading, t.heading, HEAD_W_MM, bold=True)
        if resident:
            who = resident.name + (f", {_('room')} {resident.room}" if resident.room else "")
            bottom += _height_mm(who, t.body, HEAD_W_MM)
        else:
            if audience:
                bottom += _height_mm(_("For a relative or friend of a resident to fill in"), t.body, HEAD_W_MM,
                                     bold=True)
            bottom += _height_mm(_("Name (if you want to say)") + ": ____________________", t.body, HEAD_W_MM)
    bottom += _height_mm(topic.question, t.question, QUESTION_W_MM, bold=True)
    if _decision(topic, _):
        bottom += 2 + _height_mm(_decision(topic, _), t.body, QUESTION_W_MM + 14, bold=True)
    bottom += 3 + max(12, _height_mm(_instruction(topic, _, pages), t.body, INSTRUCTION_W_MM))
    return bottom


def _face_type(t, _):
    """Return the size of the words under the faces: the body size, or the largest whose words fit a face's column."""
    words = [w for value in FACES for w in _(FACE_WORDS[value]).split()]
    size = t.body
    while size > STANDARD_PT and max(_width_mm(w, size) for w in words) > FACE_WORD_W_MM * 0.95:
        size -= 1
    return size


#: The form's answers stand in this band across the page, in mm from the left edge.
ROWS_X_MM, ROWS_W_MM = 18, 174
#: Two answers to a row: each in a cell this wide, the second this far from the first.
CELL_W_MM, CELL_STEP_MM = 86, 88
#: Gap between the words at the top and the first answer: one line, no empty band.
GAP_MM = 4


@dataclass
class FormShape:
    """How a form's answers are laid out: one or two to a row, and how big their pictures are."""

    columns: int = 1
    picture: float = 40


#: Tried in turn: the first that needs the fewest pages wins, so big pictures stay wherever they fit.
SHAPES = (FormShape(1, 40), FormShape(1, 30), FormShape(2, 30), FormShape(1, 24), FormShape(2, 24))


def _box_offset(shape, faces):
    """Return how far below its row's top an answer's tick box stands: beside the picture, under any faces."""
    return max(3 + (shape.picture - layout.BOX_MM) / 2, 18 if faces else 3)


def _label_place(shape, faces):
    """Return (left, top, width) of an answer's words within its row or cell, in mm."""
    if shape.columns == 2:  # under the picture and the box, across the cell
        return 0, 3 + shape.picture + 2, CELL_W_MM - 2
    left = shape.picture + 6
    box_x = layout.RATE_BOX_X_MM[0] if faces else layout.BOX_X_MM
    return left, LABEL_TOP_MM, box_x - 4 - ROWS_X_MM - left


def _answer_mm(text, shape, faces, face_words, t):
    """Return how tall one answer must be: its picture, its words and its boxes, never words under a box."""
    left, top, width = _label_place(shape, faces)
    need = max(3 + shape.picture, top + _height_mm(text, t.label, width, bold=True))
    offset = _box_offset(shape, faces)
    need = max(need, offset + layout.BOX_MM)
    if face_words:
        need = max(need, offset + layout.BOX_MM + 1 + max(_height_mm(w, t.face, FACE_WORD_W_MM) for w in face_words))
    return need + 3


def _write_in_mm(topic, t, _):
    prompt = _("Your ideas, or anything else you want to say:") if topic.stage == "ideas" \
        else _("Anything else you want to say?")
    return max(layout.WRITE_IN[3], round(4 + _height_mm(prompt, t.body, layout.WRITE_IN[2] - 8) + 14))


def _paginate(rows, shape, faces, face_words, t, starts, write_in_h):
    """Return the answers page by page, as even across the pages as the fewest pages allow (see _fill)."""
    pages = _fill(rows, shape, faces, face_words, t, starts, write_in_h)
    lines = math.ceil(len(rows) / shape.columns)
    if len(pages) > 1:
        # "Page 2 of 2" holding one answer looks like a new question: share the answers out instead.
        even = _fill(rows, shape, faces, face_words, t, starts, write_in_h, per_page=math.ceil(lines / len(pages)))
        if len(even) == len(pages):
            return even
    return pages


def _fill(rows, shape, faces, face_words, t, starts, write_in_h, per_page=None):
    """Return the answers page by page as [[(row, column, top, height), …], …] with room for the write-in after.

    Answers follow one another from the top of the answers (*starts*: on the first page, on later ones) down to
    the foot; a page breaks only between rows of answers. The space to write in comes after the last answer,
    on a page of its own only when no answer can move to make room for it.
    """
    first, later = starts
    lines = [rows[i:i + shape.columns] for i in range(0, len(rows), shape.columns)]
    pages, page, y = [], [], first
    for line in lines:
        height = max(_answer_mm(r[2], shape, faces, face_words, t) for r in line)
        if page and (y + height > WRITE_IN_BOTTOM_MM or len(page) == per_page):
            pages.append(page)
            page, y = [], later
        page.append([(row, column, y, height) for column, row in enumerate(line)])
        y += height
    pages.append(page)

    def bottom(p, start):
        return max((top + height for line in p for _r, _c, top, height in line), default=start)

    # Room for the write-in: move the last line of answers over (never leaving a page empty), or start a page.
    if bottom(pages[-1], first if len(pages) == 1 else later) + 3 + write_in_h > WRITE_IN_BOTTOM_MM:
        if len(pages[-1]) > 1:
            moved = pages[-1].pop()
            pages.append([[(row, column, later, height) for row, column, _top, height in moved]])
        if bottom(pages[-1], later) + 3 + write_in_h > WRITE_IN_BOTTOM_MM:
            pages.append([])
    return [[answer for line in p for answer in line] for p in pages]


def _form_pages(topic, resident, _=None, audience=None):
    """Return the pages of one form: its answers laid out as few pages as they fit, each page with its boxes.

    The answers start just under the question. Pictures get smaller, then the answers go two to a row, before
    a question takes another page; every page of a form says which page it is ("Page 1 of 2").
    """
    _ = _ or translator(topic.lang, "print")
    t = FormType.for_resident(resident)
    t.face = _face_type(t, _)
    faces = topic.kind == "rate" or topic.stage == "reviewed"
    # Words under the faces where a row has room for them: on a review's single row. (A rated option's row has
    # room under its boxes for one short line, not for "Don't like".)
    face_words = [_(FACE_WORDS[v]) for v in FACES] if topic.stage == "reviewed" else None
    if topic.stage == "reviewed":
        rows = [("review", None, _("How is it going?"))]
    elif topic.kind == "yesno":
        rows = [(value, None, _(YESNO_NAMES[value])) for value in YESNO]
    else:
        rows = [(o.id, o, o.label) for o in _options_for(topic, resident)]
    write_in_h = _write_in_mm(topic, t, _)
    # Two to a row only where each answer has one box (a rated option's three faces need the whole width).
    shapes = [s for s in SHAPES if s.columns == 1 or (topic.kind == "choose" and not faces and len(rows) > 1)]
    best = None
    for pages_wanted in (1, 2, 3, 99):  # the page number and a shorter instruction once there are pages
        starts = (_head_bottom_mm(topic, resident, audience, t, _, pages_wanted) + GAP_MM,
                  _head_bottom_mm(topic, resident, audience, t, _, pages_wanted, continued=True) + GAP_MM)
        for shape in shapes:
            laid = _paginate(rows, shape, faces, face_words, t, starts, write_in_h)
            if best is None or len(laid) < len(best[1]):
                best = (shape, laid, starts)
        if len(best[1]) <= pages_wanted:
            break
        best = None
    shape, chunks, starts = best
    pages = []
    for number, chunk in enumerate(chunks, 1):
        page_id = secrets.token_urlsafe(9)  # 72 random bits: a forged or mistyped page is not found
        boxes, placed = [], []
        label_left, label_top, label_w = _label_place(shape, faces)
        for (key, option, label), column, top, need in chunk:
            left = ROWS_X_MM + column * CELL_STEP_MM
            box_top = top + _box_offset(shape, faces)
            if faces:
                row_boxes = [layout.box(x, box_top, topic.id, option.id if option else None, value)
                             for x, value in zip(layout.RATE_BOX_X_MM, FACES, strict=True)]
            else:
                box_x = left + CELL_W_MM - layout.BOX_MM - 1 if shape.columns == 2 else layout.BOX_X_MM
                row_boxes = [layout.box(box_x, box_top, topic.id, option.id if option else None,
                                        key if topic.kind == "yesno" else "tick")]
            boxes.extend(row_boxes)
            placed.append({"key": key, "option": option, "label": label, "top": top, "boxes": row_boxes,
                           "height": need, "left": left, "width": CELL_W_MM if shape.columns == 2 else ROWS_W_MM,
                           "picture": shape.picture, "label_left": label_left, "label_top": label_top,
                           "label_w": label_w, "face_words": bool(face_words)})
        write_in = None
        if number == len(chunks):
            x, _y, w, _h = layout.WRITE_IN
            top = max((p["top"] + p["height"] for p in placed), default=starts[number > 1]) + 3
            write_in = layout.box(x, top, topic.id, None, "write-in", w=w,
                                  h=max(layout.WRITE_IN[3], min(write_in_h, WRITE_IN_BOTTOM_MM - top)))
            boxes.append(write_in)
        pages.append((PageLayout(page_id, topic.id, resident.id if resident else None, list(layout.PAGE_MM), boxes),
                      placed, write_in, number, len(chunks)))
    for page, *_rest in pages:
        page.sheet = pages[0][0].page_id
    return pages, t


def render_form(topic, residents=None, base_url="", progress=None, audience=None):
    """Render large-print feedback forms: blank, or one personalised form per resident in a single PDF.

    A blank form says on the sheet whom it is for when *audience* ("resident" or "family") is given. Each
    resident's form is printed in their text size, and in their language where `PrintResident.lang` says one.
    """
    people = residents or [None]
    forms = []
    for done, resident in enumerate(people, 1):
        lang = (resident.lang if resident else None) or topic.lang
        _ = translator(lang, "print")
        pages, t = _form_pages(topic, resident, _, audience)
        forms.append({"resident": resident, "pages": pages, "lang": lang, "_": _, "type": t,
                      "instruction": _instruction(topic, _, len(pages)), "decision": _decision(topic, _),
                      "credit": _(OPENMOJI_CREDIT)})
        _progress(progress, done, len(people))
    langs = {f["lang"] for f in forms}
    doc_lang = langs.pop() if len(langs) == 1 else topic.lang  # a batch in several languages: each page says its own
    env = _env(doc_lang)
    corners = [(x, y, markers.data_uri(markers.aruco_png(i)))
               for (x, y), i in zip(layout.marker_positions(), markers.CORNER_IDS, strict=True)]
    page_url = (base_url.rstrip("/") + "/p/") if base_url else "accessible:page:"
    html = env.get_template("form.html").render(
        topic=topic, forms=forms, corners=corners, L=layout, faces=FACES, face_words=FACE_WORDS, yesno=YESNO_SYMBOLS,
        audience=audience, doc_lang=doc_lang,
        words_lang=topic.words_lang or topic.lang, qr=lambda page: markers.qr_svg(page_url + page.page_id),
        uses_openmoji=any(o.openmoji for r in people for o in _options_for(topic, r)) or topic.kind != "choose")
    pages = [page for form in forms for page, *_ in form["pages"]]
    return PrintResult(_pdf(html, attachments=[p.as_dict() for p in pages]), pages)


def _names(names, _):
    """Return "Cat, Goldfish and Budgie" in the printout's language."""
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def chosen_most(rows, _):
    """Return what a group chose most, in words: every option that ties for the most, or None for no answers."""
    most = max((count for _label, count in rows), default=0)
    if not most:
        return None
    top = [label for label, count in rows if count == most]
    if len(top) == 1:
        return f"{top[0]} ({most})"
    return _("%(names)s (%(count)s each)", names=_names(top, _), count=most)


def render_poster(topic, size="a4"):
    """Render a "You said, we did" poster for a decided topic."""
    env = _env(topic.lang)
    _ = env.globals["_"]
    chosen = next((o for o in topic.options if o.id == topic.decided_option), None)
    said = [(group, chosen_most(rows, _)) for group, rows in topic.tallies]
    if topic.outcome is not None:
        # Once decided, "no answers yet" would promise answers still to come: name only the groups that answered.
        said = [(group, most) for group, most in said if most]
    html = env.get_template("poster.html").render(topic=topic, size=size, chosen=chosen, said=said,
                                                  uses_openmoji=any(o.openmoji for o in topic.options))
    return PrintResult(_pdf(html))


def render_person(data, lang="en"):
    """Render everything held about one person (from accessible.rights.person_data) as a readable PDF."""
    from datetime import date

    html = _env(lang).get_template("person.html").render(data=data, lang=lang, today=date.today().isoformat())
    return PrintResult(_pdf(html))


def paper_layout(pdf_path):
    """Return every answer box's position on every page of a form PDF (the `paper layout` contract)."""
    return [{"page": p["page"], "size_mm": p["size_mm"], "boxes": p["boxes"]} for p in layout.read_layout(pdf_path)]
