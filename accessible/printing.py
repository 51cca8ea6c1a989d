"""Render printables to tagged PDF: picture cards, picture menus, large-print forms and "You said, we did" posters."""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from PIL import ImageFile
from weasyprint import HTML, Attachment

from accessible.i18n import translator
from accessible.paper import layout, markers
from accessible.pictures import OPENMOJI_CREDIT, SVG_DIR

# WeasyPrint tells Pillow, for the whole process, to accept cut-short images; a server that takes photo uploads
# must refuse them (accessible.pictures), and our printables only use images we re-encoded ourselves.
ImageFile.LOAD_TRUNCATED_IMAGES = False

PRINTABLES = Path(__file__).resolve().parent.parent / "printables"
FACES = {"like": "1F642", "unsure": "1F610", "dislike": "1F641"}
YESNO_SYMBOLS = {"yes": "2705", "no": "274C"}


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
    lang: str = "en"
    title: str = ""
    home: str = ""
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
    env.globals["credit"] = OPENMOJI_CREDIT
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
    pages = [(t, chunk) for t in topics_ for chunk in _chunks(t.options, 4)]
    html = env.get_template("menu.html").render(pages=pages, lang=topics_[0].lang,
                                                uses_openmoji=any(o.openmoji for t in topics_ for o in t.options))
    _progress(progress, len(pages), len(pages))
    return PrintResult(_pdf(html))


def _form_pages(topic, resident):
    """Return the pages of one form: rows of answers, each page with its own identity and boxes."""
    if topic.stage == "reviewed":
        rows = [("review", None, topic.question)]
    elif topic.kind == "yesno":
        rows = [(value, None, value) for value in ("yes", "no")]
    else:
        rows = [(o.id, o, o.label) for o in _options_for(topic, resident)]
    pages = []
    chunks = _chunks(rows, layout.ROWS_PER_PAGE)
    for number, chunk in enumerate(chunks, 1):
        page_id = secrets.token_urlsafe(9)  # 72 random bits: a forged or mistyped page is not found
        boxes, placed = [], []
        for index, (key, option, label) in enumerate(chunk):
            top = layout.row_top(index)
            box_top = top + (layout.ROW_MM - layout.BOX_MM) / 2 + 5
            if topic.kind == "rate" or topic.stage == "reviewed":
                row_boxes = [layout.box(x, box_top, topic.id, option.id if option else None, value)
                             for x, value in zip(layout.RATE_BOX_X_MM, FACES, strict=True)]
            elif topic.kind == "yesno":
                row_boxes = [layout.box(layout.BOX_X_MM, box_top, topic.id, None, key)]
            else:
                row_boxes = [layout.box(layout.BOX_X_MM, box_top, topic.id, option.id, "tick")]
            boxes.extend(row_boxes)
            placed.append({"key": key, "option": option, "label": label, "top": top, "boxes": row_boxes})
        write_in = None
        if number == len(chunks):
            x, _, w, h = layout.WRITE_IN
            write_in = layout.box(x, layout.row_top(len(chunk)) + 3, topic.id, None, "write-in", w=w, h=h)
            boxes.append(write_in)
        pages.append((PageLayout(page_id, topic.id, resident.id if resident else None, list(layout.PAGE_MM), boxes),
                      placed, write_in, number, len(chunks)))
    for page, *_ in pages:
        page.sheet = pages[0][0].page_id
    return pages


def render_form(topic, residents=None, base_url="", progress=None, audience=None):
    """Render large-print feedback forms: blank, or one personalised form per resident in a single PDF.

    A blank form says on the sheet whom it is for when *audience* ("resident" or "family") is given.
    """
    env = _env(topic.lang)
    people = residents or [None]
    forms = []
    for done, resident in enumerate(people, 1):
        forms.append((resident, _form_pages(topic, resident)))
        _progress(progress, done, len(people))
    corners = [(x, y, markers.data_uri(markers.aruco_png(i)))
               for (x, y), i in zip(layout.marker_positions(), markers.CORNER_IDS, strict=True)]
    page_url = (base_url.rstrip("/") + "/p/") if base_url else "accessible:page:"
    html = env.get_template("form.html").render(
        topic=topic, forms=forms, corners=corners, L=layout, faces=FACES, yesno=YESNO_SYMBOLS, audience=audience,
        qr=lambda page: markers.qr_svg(page_url + page.page_id),
        uses_openmoji=any(o.openmoji for r in people for o in _options_for(topic, r)) or topic.kind != "choose")
    pages = [page for _, form_pages in forms for page, *_ in form_pages]
    return PrintResult(_pdf(html, attachments=[p.as_dict() for p in pages]), pages)


def render_poster(topic, size="a4"):
    """Render a "You said, we did" poster for a decided topic."""
    env = _env(topic.lang)
    chosen = next((o for o in topic.options if o.id == topic.decided_option), None)
    html = env.get_template("poster.html").render(topic=topic, size=size, chosen=chosen,
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
