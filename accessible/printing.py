"""Render printables to tagged PDF: picture cards, picture menus, large-print forms and "You said, we did" posters."""

import itertools
import json
import math
import secrets
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pydyf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from PIL import ImageFile, ImageFont
from weasyprint import HTML, Attachment
from weasyprint.formatting_structure import boxes as weasy_boxes
from weasyprint.text.fonts import FontConfiguration

from accessible.i18n import translator
from accessible.paper import layout, markers
from accessible.pictures import OPENMOJI_CREDIT, SVG_DIR
from accessible.scales import RATING_NAMES, RATING_SYMBOLS, YESNO, YESNO_NAMES, YESNO_SYMBOLS

# WeasyPrint tells Pillow, for the whole process, to accept cut-short images; a server that takes photo uploads
# must refuse them (accessible.pictures), and our printables only use images we re-encoded ourselves.
ImageFile.LOAD_TRUNCATED_IMAGES = False


def _tag_languages(build):
    """Wrap WeasyPrint's tag-tree builder so that an element with a ``lang`` attribute says its language.

    WeasyPrint (70) writes only the document's language (``<html lang>``) into a tagged PDF; a Welsh question
    on an English form, or the English half of a bilingual poster, must be marked too (PDF/UA: every change
    of natural language is marked), so that a screen reader reads each text in its own language.
    """

    def tagged(box, parent, *args):
        own = getattr(box, "_box", box)  # an absolutely placed box stands in for its element
        element = None if isinstance(own, weasy_boxes.PageBox) else own.element
        lang = element.get("lang") if element is not None and own.element_tag not in ("html", "body") else None
        for structure in build(box, parent, *args):
            if lang:
                structure["Lang"] = pydyf.String(lang)
            yield structure

    tagged.languages_tagged = True
    return tagged


try:  # a private part of WeasyPrint (70): without it, printing works and only the inner language tags go
    from weasyprint.pdf import tags as weasy_tags
except ImportError:
    weasy_tags = None
_BUILD = getattr(weasy_tags, "_build_box_tree", None)
if _BUILD is not None and not getattr(_BUILD, "languages_tagged", False):
    weasy_tags._build_box_tree = _tag_languages(_BUILD)

PRINTABLES = Path(__file__).resolve().parent / "printables"
FACES, FACE_WORDS = RATING_SYMBOLS, RATING_NAMES


@dataclass
class PrintOption:
    id: int
    label: str
    picture_path: Path | None = None
    picture_alt: str = ""
    openmoji: bool = False
    #: The language the label is written in; None: its topic's `words_lang`.
    lang: str | None = None


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
    #: The language the title and question are written in (each option says its own); None: the same as `lang`.
    words_lang: str | None = None
    #: The option the decision chose, if there is one (pictured on the poster).
    decided_option: int | None = None
    #: The language the decision and why are written in; None: the same as `words_lang`.
    outcome_lang: str | None = None
    #: The same topic for each language it can be printed in, {"cy": PrintTopic, "en": PrintTopic}: its words
    #: in that language where they are written in it, else in the topic's own (see accessible.wording).
    versions: dict = field(default_factory=dict, repr=False)

    def in_language(self, lang):
        """Return the topic as printed for a person whose language is *lang*: this one where it has no version."""
        return self.versions.get(lang, self)

    def label_lang(self, option):
        """Return the language an option's label is written in."""
        return option.lang or self.words_lang or self.lang

    def words_in(self):
        """Return the language of the question."""
        return self.words_lang or self.lang

    def decision_lang(self):
        """Return the language of the decision and why."""
        return self.outcome_lang or self.words_in()
    #: The names of the co-owners who agreed to the decision before it was made (said on the poster).
    agreed_with: list = field(default_factory=list)


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


def in_lang(text, lang, frame):
    """Return *text* as markup, marked with its language where it is not the language around it."""
    return Markup('<span lang="{}">{}</span>').format(lang, text) if lang and lang != frame else escape(text)


def _with_words(message, text, lang, frame):
    """Return a translated *message* holding one "%(…)s" of the topic's own words (*text*), those words marked
    with their language: "We decided: <span lang="en">Fish pie</span>"."""
    before, _, after = message.partition("\0")
    return escape(before) + in_lang(text, lang, frame) + escape(after)


def _env(lang):
    env = Environment(loader=FileSystemLoader(PRINTABLES), autoescape=select_autoescape(["html"]))
    env.globals["_"] = translator(lang, "print")
    env.globals["in_lang"] = in_lang
    env.globals["translator"] = lambda code: translator(code, "print")
    env.globals["openmoji_credit"] = OPENMOJI_CREDIT
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


def _pdf_in_parts(parts, counts, progress):
    """Lay out each part's HTML on its own, then draw every page into one tagged PDF, saying how far it has got.

    *counts* says how many things (cards) each part holds: *progress* hears (done, total) with total twice
    their number, each counted once when laid out and once when drawn.
    """
    total, done = 2 * sum(counts), 0
    fonts, documents = FontConfiguration(), []
    for html, count in zip(parts, counts, strict=True):
        documents.append(HTML(string=html, base_url=str(PRINTABLES)).render(font_config=fonts,
                                                                              pdf_variant="pdf/ua-1"))
        done += count
        _progress(progress, done, total)

    def count_when_drawn(page, count):
        paint = page.paint

        def painted(*args, **kwargs):
            nonlocal done
            paint(*args, **kwargs)
            done += count
            _progress(progress, done, total)

        page.paint = painted

    for document, count in zip(documents, counts, strict=True):
        count_when_drawn(document.pages[-1], count)  # a part's last page drawn: its cards are done
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(pdf_variant="pdf/ua-1")


def cards_of(topic, residents):
    """Return the cards render_cards makes, as [(resident, option), …]: one set without a QR code if no residents."""
    # Each resident's cards in their language, and the words of the options in it where they are written in it.
    return [(r, o) for r in residents or [PrintResident(id=0, name="")]
            for o in _options_for(topic.in_language(r.lang or topic.lang), r)]


def render_cards(topic, residents, base_url="", sheet="a4-4up", progress=None):
    """Render picture cards, one option per card, each with its QR code to a family member's page.

    The sheets are laid out one at a time, then drawn: *progress* hears (done, total) as in _pdf_in_parts.
    """
    env = _env(topic.lang)
    cards = cards_of(topic, residents)
    per_sheet = 4 if sheet == "a4-4up" else 1
    sheets = _chunks(cards, per_sheet)
    template = env.get_template("cards.html")
    values = {"topic": topic, "sheet": sheet, "qr": lambda url: markers.qr_svg(url) if url else None,
              "short": lambda url: url.split("://", 1)[-1] if url else None,
              "uses_openmoji": any(o.openmoji for _r, o in cards)}
    parts = (template.render(sheets=[cards_], **values) for cards_ in sheets)
    return PrintResult(_pdf_in_parts(parts, [len(cards_) for cards_ in sheets], progress))


def _in_languages(topic, languages):
    """Return the topic once for each of *languages* (Welsh first where both), or as it is for none."""
    return [topic.in_language(lang) for lang in languages] if languages else [topic]


def render_menu(topics_, base_url="", progress=None, languages=None):
    """Render a picture menu: a day's or a week's choices, a big picture for each, four to a page at most.

    With two *languages* ("cy", "en"), each question and dish is printed in both, the first language first,
    three dishes to a page so that both names stay large.
    """
    topics_ = topics_ if isinstance(topics_, list) else [topics_]
    lang = languages[0] if languages else topics_[0].lang
    env = _env(lang)
    most = 3 if languages and len(languages) > 1 else 4
    pages = []
    for t in topics_:
        versions = _in_languages(t, languages)
        for chunk in _even_chunks(list(range(len(t.options))), most):
            pages.append((versions, [[(v, v.options[i]) for v in versions] for i in chunk]))
    html = env.get_template("menu.html").render(pages=pages, lang=lang,
                                                uses_openmoji=any(o.openmoji for t in topics_ for o in t.options))
    _progress(progress, len(pages), len(pages))
    return PrintResult(_pdf(html))


PT_MM = 25.4 / 72
LINE_SPACING = 1.5  # large print: never less
STANDARD_PT = 16
PX_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels
# Where the form's words go, in mm (form.html places them so): answer boxes sit at fixed places and text must never
# run over them, so an answer's words are measured against their column's width to know how far they reach.
HEAD_TOP_MM = 8
HEADING_W_MM = 138  # "Your views" beside the page's code
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


def _instruction(topic, _, pages=1, short=False):
    if topic.stage == "reviewed":
        return _("How is it going? Tick one face.")
    if topic.kind == "rate":
        return _("Tick one face for each picture.")
    if topic.kind == "yesno":
        return _("Tick yes or no.")
    if pages > 1:
        return _("Tick one box only.") if short else _("Tick one box only, on any page.")
    return _("Tick one box. Tick the picture you choose.")


def _decision(topic, _):
    """Return what was decided, printed on a form asking how it is going."""
    return _("We decided: %(decision)s", decision=topic.outcome) if topic.stage == "reviewed" and topic.outcome \
        else None


#: How much of the words above the answers a form of several pages prints, tried in turn where fewer words save a
#: page (or keep an answer from standing alone on a page): 0 all of them; 1 a later page only its number and
#: what to do (the question is on the first); 2 the first page also without "Your views" (the home's name goes to
#: the foot); 3 also the resident's room at the foot (their name stays); 4 the first page also says only "Tick one
#: box only." (every later page adds "on any page").
WORDS_ABOVE = range(5)
#: The words above the answers as (which page, of how many, how much: see WORDS_ABOVE): on a form of one page; on
#: the first page of several and on a later page, each way.
ONE_PAGE = ((1, 1, 0),)
SEVERAL_PAGES = tuple((number, 2, level) for level in WORDS_ABOVE for number in (1, 2))


def _measure_tops(env, topic, forms, pages, **values):
    """Return how far down the page the words above the answers reach, in mm, as WeasyPrint lays them out.

    For each form, one figure for each of *pages* (ONE_PAGE or SEVERAL_PAGES: which page of how many). Forms whose
    words are the same (copies of a blank form) are laid out once.
    """
    keys, variants, seen = [], [], {}
    for form in forms:
        r, t = form["resident"], form["type"]
        key = (form["lang"], (r.name, r.room) if r else None, t.body, t.heading, t.question)
        if key not in seen:
            seen[key] = len(variants)
            variants.extend((form, *page) for page in pages)
        keys.append(seen[key])
    html = env.get_template("form.html").render(topic=topic, measure=variants, forms=forms, **values)
    heights = {}
    for page in HTML(string=html, base_url=str(PRINTABLES)).render().pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and box.element_tag == "div" and (element.get("id") or "").startswith("top-"):
                heights[int(element.get("id")[4:])] = box.margin_height() * PX_MM
    return [tuple(max(ANSWERS_TOP_MM, HEAD_TOP_MM + heights[k + i] + GAP_MM) for i in range(len(pages)))
            for k in keys]


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
#: The tick boxes stand at the right of the answers (one to an answer, or three faces of a rated one), the box of
#: one to a row in line with the right-hand boxes of two to a row.
BOX_X_MM = ROWS_X_MM + CELL_STEP_MM + CELL_W_MM - layout.BOX_MM - 1
RATE_BOX_X_MM = tuple(x + BOX_X_MM - layout.RATE_BOX_X_MM[-1] for x in layout.RATE_BOX_X_MM)
#: Gap between the words at the top and the first answer: no empty band.
GAP_MM = 2
#: The answers start below the page's code, which stands at the top right where the answers' boxes are.
ANSWERS_TOP_MM = layout.MARKER_INSET_MM + layout.MARKER_MM + 2 + layout.QR_MM + 3


@dataclass
class FormShape:
    """How a form's answers are laid out: one or two to a row, how big their pictures are, and the room in mm above
    and below an answer within its row."""

    columns: int = 1
    picture: float = 40
    pad: float = 3


#: Tried in turn: the first that needs the fewest pages wins, so big pictures stay wherever they fit; then the same
#: with less room around each answer (its words keep their 1.5 line spacing).
SHAPES = (FormShape(1, 40), FormShape(1, 30), FormShape(2, 30), FormShape(1, 24), FormShape(2, 24), FormShape(1, 20))
SHAPES += tuple(replace(shape, pad=1) for shape in SHAPES)


def _box_offset(shape, faces):
    """Return how far below its row's top an answer's tick box stands: beside the picture, under any faces."""
    return max(shape.pad + (shape.picture - layout.BOX_MM) / 2, 15 + shape.pad if faces else shape.pad)


def _label_place(shape, faces):
    """Return (left, top, width) of an answer's words within its row or cell, in mm."""
    if shape.columns == 2:  # under the picture and the box, across the cell
        return 0, shape.pad + shape.picture + 2, CELL_W_MM - 2
    left = shape.picture + 6
    box_x = RATE_BOX_X_MM[0] if faces else BOX_X_MM
    return left, LABEL_TOP_MM if shape.pad >= 3 else shape.pad, box_x - 4 - ROWS_X_MM - left


@dataclass
class AnswerPlace:
    """Where one answer's parts stand within its row or cell, in mm from its top left, and how tall it is."""

    height: float
    label: tuple  # (left, top, width) of its words
    box_top: float
    picture_top: float


def _answer_place(text, shape, faces, face_words, t):
    """Return where one answer's picture, words and boxes go, never words under a box.

    A rated answer's words stand beside its picture, left of its faces; where they would take more lines there than
    across the whole row, and the answers are set close, they go across the row above its picture and faces.
    """
    left, top, width = _label_place(shape, faces)
    need = max(shape.pad + shape.picture, top + _height_mm(text, t.label, width, bold=True))
    offset = _box_offset(shape, faces)
    need = max(need, offset + layout.BOX_MM)
    if face_words:
        need = max(need, offset + layout.BOX_MM + 1 + max(_height_mm(w, t.face, FACE_WORD_W_MM) for w in face_words))
    beside = AnswerPlace(need + shape.pad, (left, top, width), offset, shape.pad)
    if not faces or face_words or shape.pad >= 3:
        return beside
    under = shape.pad + _height_mm(text, t.label, ROWS_W_MM - 2, bold=True) + 1  # the faces' tops, and the picture's
    across = AnswerPlace(max(under + 15 + layout.BOX_MM, under + shape.picture) + shape.pad,
                         (0, shape.pad, ROWS_W_MM - 2), under + 15, under)
    return across if across.height < beside.height else beside


def _answer_mm(text, shape, faces, face_words, t):
    """Return how tall one answer must be (see _answer_place)."""
    return _answer_place(text, shape, faces, face_words, t).height


def write_in_prompt(topic, t, _):
    """Return the words over the space to write in: the whole sentence where it takes one line, else the short one."""
    prompt = _("Your ideas, or anything else you want to say:") if topic.stage == "ideas" \
        else _("Anything else you want to say?")
    if _lines(prompt, t.body, layout.WRITE_IN[2] - 8) > 1:
        prompt = _("Your ideas or comments:") if topic.stage == "ideas" else _("Anything else?")
    return prompt


def _write_in_mm(topic, t, _):
    return max(layout.WRITE_IN[3],
               round(4 + _height_mm(write_in_prompt(topic, t, _), t.body, layout.WRITE_IN[2] - 8) + 14))


#: Below this many rows of answers every way of cutting them into pages is tried; above it they fill page by page.
MOST_ROWS_WEIGHED = 16


def _split(heights, counts, starts, write_in_h, least=1):
    """Return the rows of answers cut into the fewest pages (*least* at least), as [[row index, …], …], with the
    space to write in (*write_in_h* tall, with the gap above it) after the last.

    Pages break only between rows. Of the cuts into that many pages, one without a lone answer on any page, then
    one without one on the last ("Page 2 of 2" holding one answer looks like a new question), then the most even,
    wins.
    """
    n = len(heights)
    first, later = starts
    ends = list(itertools.accumulate(heights, initial=0))

    def fits(a, b, page, last):
        return (first if page == 0 else later) + ends[b] - ends[a] + (write_in_h if last else 0) \
            <= WRITE_IN_BOTTOM_MM

    if n <= MOST_ROWS_WEIGHED:
        for count in range(least, n + 1):
            best = None
            for cuts in itertools.combinations(range(1, n), count - 1):
                bounds = list(itertools.pairwise((0, *cuts, n)))
                if all(fits(a, b, page, b == n) for page, (a, b) in enumerate(bounds)):
                    answers = [sum(counts[a:b]) for a, b in bounds]
                    score = (count > 1 and min(answers) == 1, count > 1 and answers[-1] == 1,
                             max(answers) - min(answers))
                    if best is None or score < best[0]:
                        best = (score, [list(range(a, b)) for a, b in bounds])
            if best is not None:
                return best[1]
    # Too many rows to weigh every cut, or too tall to fit: fill page by page, an over-tall row on a page of its
    # own, and the space to write in on a page of its own if it has no room after the last answer.
    pages = [[]]
    for i in range(n):
        if pages[-1] and not fits(pages[-1][0], i + 1, len(pages) - 1, False):
            pages.append([])
        pages[-1].append(i)
    if not fits(pages[-1][0] if pages[-1] else n, n, len(pages) - 1, True) or len(pages) < least:
        pages.append([])
    return pages


def _lay_out(rows, shape, faces, face_words, t, starts, write_in_h, least=1):
    """Return the answers page by page as [[(row, column, top, height), …], …], on *least* pages at least."""
    lines = [rows[i:i + shape.columns] for i in range(0, len(rows), shape.columns)]
    heights = [max(_answer_mm(r[2], shape, faces, face_words, t) for r in line) for line in lines]
    cut = _split(heights, [len(line) for line in lines], starts, shape.pad + write_in_h, least)
    pages = []
    for number, indices in enumerate(cut):
        y, page = starts[number > 0], []
        for i in indices:
            page.extend((row, column, y, heights[i]) for column, row in enumerate(lines[i]))
            y += heights[i]
        pages.append(page)
    return pages


def _form_pages(topic, resident, t, tops, _):
    """Return the pages of one form: its answers laid out on as few pages as they fit, each page with its boxes.

    *tops* says how far the words above the answers reach (see _measure_tops); the answers start just under them.
    Pictures get smaller, then the answers go two to a row, before a question takes another page.
    """
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
    # The answers start under the words above them, and below the page's code at the top right. Fewer words above
    # them (see WORDS_ABOVE) only where that saves a page or keeps an answer from standing alone on a page.
    tries = [(False, 0, (tops[0], tops[0]))] if len(tops) == 1 else \
        [(True, level, tops[2 * level:2 * level + 2]) for level in WORDS_ABOVE]
    best = None
    for rank, shape in enumerate(shapes):
        for several, level, starts in tries:
            # One page needs the one-page words above it (no page number), several pages theirs.
            laid = _lay_out(rows, shape, faces, face_words, t, starts, write_in_h, least=2 if several else 1)
            if (len(laid) > 1) != several:
                continue
            # A row too tall for the room left on its page (set there only when nothing fits) runs over the foot.
            over = any(top + height > WRITE_IN_BOTTOM_MM for page in laid for _row, _column, top, height in page)
            lone = len(laid) > 1 and min(len(page) for page in laid) == 1
            score = (over, len(laid), lone, level, rank)
            if best is None or score < best[0]:
                best = (score, shape, laid, starts)
    if best is None:
        return None
    (_over, _pages, _lone, level, _rank), shape, chunks, starts = best
    pages = []
    for number, chunk in enumerate(chunks, 1):
        page_id = secrets.token_urlsafe(9)  # 72 random bits: a forged or mistyped page is not found
        boxes, placed = [], []
        for (key, option, label), column, top, need in chunk:
            left = ROWS_X_MM + column * CELL_STEP_MM
            place = _answer_place(label, shape, faces, face_words, t)
            box_top = top + place.box_top
            if faces:
                row_boxes = [layout.box(x, box_top, topic.id, option.id if option else None, value)
                             for x, value in zip(RATE_BOX_X_MM, FACES, strict=True)]
            else:
                box_x = left + CELL_W_MM - layout.BOX_MM - 1 if shape.columns == 2 else BOX_X_MM
                row_boxes = [layout.box(box_x, box_top, topic.id, option.id if option else None,
                                        key if topic.kind == "yesno" else "tick")]
            boxes.extend(row_boxes)
            placed.append({"key": key, "option": option, "label": label, "top": top, "boxes": row_boxes,
                           "height": need, "left": left, "width": CELL_W_MM if shape.columns == 2 else ROWS_W_MM,
                           "picture": shape.picture, "picture_top": place.picture_top, "label_left": place.label[0],
                           "label_top": place.label[1], "label_w": place.label[2], "face_words": bool(face_words)})
        write_in = None
        if number == len(chunks):
            x, _y, w, _h = layout.WRITE_IN
            top = max((p["top"] + p["height"] for p in placed), default=starts[number > 1]) + shape.pad
            write_in = layout.box(x, top, topic.id, None, "write-in", w=w,
                                  h=max(layout.WRITE_IN[3], min(write_in_h, WRITE_IN_BOTTOM_MM - top)))
            # Where the writing starts, under the printed words over it (which are not someone's writing).
            write_in["writing_mm"] = max(layout.WRITING_MM, round(2 + _height_mm(
                write_in_prompt(topic, t, _), t.body, layout.WRITE_IN[2] - 8) + 1, 1))
            boxes.append(write_in)
        pages.append((PageLayout(page_id, topic.id, resident.id if resident else None, list(layout.PAGE_MM), boxes),
                      placed, write_in, number, len(chunks), level))
    for page, *_rest in pages:
        page.sheet = pages[0][0].page_id
    return pages


def render_form(topic, residents=None, base_url="", progress=None, audience=None):
    """Render large-print feedback forms: blank, or one personalised form per resident in a single PDF.

    A blank form says on the sheet whom it is for when *audience* ("resident" or "family") is given. Each
    resident's form is printed in their text size, and in their language where `PrintResident.lang` says one.
    """
    people = residents or [None]
    forms = []
    for resident in people:
        lang = (resident.lang if resident else None) or topic.lang
        _ = translator(lang, "print")
        shown = topic.in_language(lang)  # the question, options and decision in this person's language
        t = FormType.for_resident(resident)
        t.face = _face_type(t, _)
        # The home's name beside "Your views" where it fits on the line, else at the foot of the page.
        heading = _("Your views") + (f" · {topic.home}" if topic.home else "")
        home_above = _width_mm(heading, t.heading, bold=True) <= HEADING_W_MM
        decision = _decision(shown, _)
        forms.append({"resident": resident, "topic": shown, "lang": lang, "_": _, "type": t, "home_above": home_above,
                      "write_in": write_in_prompt(shown, t, _),
                      "instruction": (_instruction(shown, _, 1), _instruction(shown, _, 2),
                                      _instruction(shown, _, 2, short=True)), "decision": decision,
                      "decision_html": decision and _with_words(_decision(replace(shown, outcome="\0"), _),
                                                                shown.outcome, shown.decision_lang(), lang),
                      "credit": _(OPENMOJI_CREDIT)})
    langs = {f["lang"] for f in forms}
    doc_lang = langs.pop() if len(langs) == 1 else topic.lang  # a batch in several languages: each page says its own
    env = _env(doc_lang)
    values = {"L": layout, "audience": audience, "doc_lang": doc_lang}
    # Each form on one page where it fits; the words above the answers on several pages are laid out only for
    # the forms that need them.
    for form, tops in zip(forms, _measure_tops(env, topic, forms, ONE_PAGE, **values), strict=True):
        form["pages"] = _form_pages(form["topic"], form["resident"], form["type"], tops, form["_"])
    longer = [form for form in forms if form["pages"] is None]
    for form, tops in zip(longer, _measure_tops(env, topic, longer, SEVERAL_PAGES, **values) if longer else [],
                          strict=True):
        form["pages"] = _form_pages(form["topic"], form["resident"], form["type"], tops, form["_"])
    _progress(progress, len(people), len(people))
    corners = [(x, y, markers.data_uri(markers.aruco_png(i)))
               for (x, y), i in zip(layout.marker_positions(), markers.CORNER_IDS, strict=True)]
    page_url = (base_url.rstrip("/") + "/p/") if base_url else "accessible:page:"
    topic = topic.in_language(doc_lang)  # the document's title in the document's language
    html = env.get_template("form.html").render(
        topic=topic, forms=forms, corners=corners, faces=FACES, face_words=FACE_WORDS, yesno=YESNO_SYMBOLS,
        qr=lambda page: markers.qr_svg(page_url + page.page_id), **values,
        uses_openmoji=any(o.openmoji for form in forms for o in _options_for(form["topic"], form["resident"]))
        or topic.kind != "choose")
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


def _most_lang(topic, rows):
    """Return the language of the labels a group chose most, where they share one."""
    most = max((count for _label, count in rows), default=0)
    langs = {topic.label_lang(o) for o in topic.options for label, count in rows if count == most and o.label == label}
    return langs.pop() if len(langs) == 1 else None


def render_poster(topic, size="a4", languages=None):
    """Render a "You said, we did" poster for a decided topic.

    With two *languages* ("cy", "en"), every heading and every text of the topic is printed in both on one
    sheet, the first language first, each marked with its language.
    """
    versions = []
    for shown in _in_languages(topic, languages):
        _ = translator(shown.lang, "print")
        said = [(group, chosen_most(rows, _), _most_lang(shown, rows)) for group, rows in shown.tallies]
        if shown.outcome is not None:
            # Once decided, "no answers yet" would promise answers still to come: name only the groups that answered.
            said = [row for row in said if row[1]]
        versions.append({"topic": shown, "lang": shown.lang, "_": _, "said": said,
                         "agreed": _names(shown.agreed_with, _) if shown.agreed_with else None})
    env = _env(versions[0]["lang"])
    chosen = next((o for o in topic.options if o.id == topic.decided_option), None)
    html = env.get_template("poster.html").render(topic=topic, size=size, chosen=chosen, versions=versions,
                                                  lang=versions[0]["lang"], agreed=bool(topic.agreed_with),
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
