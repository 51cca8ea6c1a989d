"""Keep uploaded scans and photos as they came, and read them page by page into answers."""

import hashlib
import tempfile
from pathlib import Path

from accessible import decoding
from accessible.models import PaperUpload
from accessible.paper import answers, read

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif",
              "image/webp": "webp", "image/bmp": "bmp", "image/gif": "gif"}


def originals(data_dir):
    """Return the folder of uploaded originals inside the data folder (never served as static files)."""
    return Path(data_dir) / "scans" / "originals"


def keep(session, home_id, data_dir, name, data, actor=None):
    """Check an uploaded file, keep it unchanged in the data folder, and return its PaperUpload.

    :raises read.BadScan: for a file that is not a photo, scan or PDF (nothing is kept).
    """
    name = (Path(name or "upload").name or "upload")[:255]
    kind, pages = read.media_type(data, name)
    stored = f"{hashlib.sha256(data).hexdigest()}.{EXTENSIONS[kind]}"
    _store(originals(data_dir) / stored, data)
    upload = PaperUpload(home_id=home_id, name=name, stored=stored, media_type=kind, pages=pages,
                         uploaded_by_id=getattr(actor, "id", None))
    session.add(upload)
    session.flush()
    return upload


def restore(data_dir, stored, data):
    """Put a kept original back in the data folder under its stored name (from a home archive).

    :raises ValueError: for a name that is not a kept original's, or a file that is not the one it names.
    """
    digest, _, extension = stored.partition(".")
    if extension not in EXTENSIONS.values() or hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"the kept scan {stored!r} in the archive is damaged")
    _store(originals(data_dir) / stored, data)


def _store(path, data):
    if not path.exists():  # the same file uploaded again is kept once
        path.parent.mkdir(parents=True, exist_ok=True)
        # A partial file of its own: two people sending the same file at once must not write into one another's
        # (a shared name let one replace the kept file with the other's half-written copy, or lose it).
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".part", delete=False) as partial:
            partial.write(data)
        Path(partial.name).replace(path)


def original_path(data_dir, upload):
    """Return the kept file of an upload."""
    return originals(data_dir) / upload.stored


def page_label(upload, number):
    """Return how staff are told which page of an upload a result is about ("scans.pdf#page=2")."""
    return upload.name if upload.pages == 1 else f"{upload.name}#page={number}"


def page_image(data_dir, upload, number):
    """Return (label, grey image) of one page of an upload, from the kept original."""
    return next(read.page_images(original_path(data_dir, upload), upload.name, only=number))


def keep_file(db, home_id, data_dir, name, data, actor=None):
    """Keep one uploaded file in a write of its own; return {"upload": id, "name", "pages"} or {"source", "error"}.

    The one way a file comes in, from the Filled forms page and from ``accessible paper read`` alike.
    """
    try:
        with db.write() as s:
            upload = keep(s, home_id, data_dir, name, data, actor=s.merge(actor) if actor is not None else None)
            return {"upload": upload.id, "name": upload.name, "pages": upload.pages}
    except read.BadScan as e:
        return {"source": Path(name or "upload").name, "error": str(e)}


def upload_of(session, home_id, upload_id):
    """Return a home's upload by its id; raise LookupError for one that is not this home's."""
    upload = session.get(PaperUpload, upload_id)
    if upload is None or upload.home_id != home_id:
        raise LookupError(upload_id)
    return upload


def read_kept(db, home_id, data_dir, upload_id, number, actor=None):
    """Read one page of a kept upload and record it; return what staff are told about it (a dict).

    The page is decoded and read on the decoding thread under a read transaction (the memory-hungry part, without
    the write lock), then recorded in a write. A page that cannot be read gives {"source", "error"} and records
    nothing. The one reading loop of the Filled forms page and of ``accessible paper read``.

    :raises LookupError: for an upload that is not this home's.
    """
    with db.read() as s:
        upload = upload_of(s, home_id, upload_id)

        def page():
            label, image = page_image(data_dir, upload, number)
            return recognise(s, upload, image, label)

        try:
            reading = decoding.run(page)
        except read.BadScan as e:
            return {"source": page_label(upload, number), "error": str(e)}
    with db.write() as s:
        return record_one(s, upload_of(s, home_id, upload_id), number, reading, data_dir,
                          actor=s.merge(actor) if actor is not None else None)


def recognise(session, upload, image, label):
    """Return the Reading of one page image of an upload, or {"source", "error"} saying why it cannot be read.

    Only reads the database, so a server can do it (the memory-hungry part) outside a write transaction.
    """
    try:
        return read.read_page(image, answers.boxes_for(session, upload.home_id), source=label)
    except read.PageNotRecognised as e:
        return {"source": label, "error": str(e)}


def record_one(session, upload, number, reading, data_dir, actor=None):
    """Record a page's Reading (from recognise) as answers; return what staff are told about it (a dict)."""
    if isinstance(reading, dict):
        return reading
    page_record = answers.record(session, reading, data_dir, upload=upload, page_number=number, actor=actor)
    return {**reading.as_dict(), "recorded": len(page_record.recorded), "to_check": len(page_record.to_check),
            "replaced": page_record.replaced}
