"""Pictures: sensible symbols for everyday care-home words, in English and Welsh; safe photo uploads."""

import io
import json

import pytest
from PIL import Image

from accessible import pictures
from accessible.pictures import BadPicture
from accessible.topic_templates import TEMPLATES

# Everyday care-home words and the symbol a person would expect among the first three.
EXPECTED = {
    # food
    "fish pie": "1F967", "fish": "1F41F", "roast chicken": "1F357", "curry": "1F35B", "soup": "1F963",
    "cake": "1F370", "biscuits": "1F36A", "bread": "1F35E", "ice cream": "1F368", "apple": "1F34E",
    "banana": "1F34C", "sandwich": "1F96A", "egg": "1F95A", "chips": "1F35F",
    # drink
    "tea": "2615", "coffee": "2615", "milk": "1F95B", "wine": "1F377", "beer": "1F37A", "water": "1F4A7",
    # activities
    "bingo": "1F3B2", "singing": "1F3A4", "music": "1F3B5", "gardening": "1FAB4", "dancing": "1F483",
    "knitting": "1F9F6", "reading": "1F4D6", "painting": "1F3A8", "walking": "1F6B6", "jigsaw": "1F9E9",
    "television": "1F4FA", "cards": "1F0CF", "baking": "1F9C1",
    # places
    "church": "26EA", "garden": "1F333", "lounge": "1F6CB", "bedroom": "1F6CF", "bath": "1F6C1",
    "hairdresser": "1F487", "seaside": "1F3D6", "house": "1F3E0",
    # people and animals
    "family": "1F46A", "doctor": "1F9D1-200D-2695-FE0F", "dog": "1F415", "cat": "1F408", "bird": "1F426",
    # feelings
    "happy": "1F600", "sad": "1F622", "angry": "1F620", "tired": "1F62B", "worried": "1F61F", "love": "2764",
}
WELSH = {"te": "2615", "pysgod": "1F41F", "gardd": "1F333", "eglwys": "26EA", "ci": "1F415", "cath": "1F408",
         "canu": "1F3A4", "hapus": "1F600", "trist": "1F622", "bara brith": "1F35E", "cawl": "1F963"}


def test_the_list_covers_enough_everyday_words():
    assert len(EXPECTED) >= 40


@pytest.mark.parametrize(("word", "expected"), sorted(EXPECTED.items()))
def test_everyday_words_find_the_expected_symbol_in_the_top_three(word, expected):
    top = [s.id for s in pictures.search(word, limit=3)]
    assert expected in top, f"{word}: {[(s.id, s.name) for s in pictures.search(word, limit=3)]}"


@pytest.mark.parametrize(("word", "expected"), sorted(WELSH.items()))
def test_welsh_words_find_symbols(word, expected):
    assert expected in [s.id for s in pictures.search(word, limit=3, lang="cy")]


def test_plain_name_search_works_beyond_the_curated_words():
    assert pictures.search("penguin")[0].name == "penguin"
    assert pictures.search("umbrella")[0].id == "2602"
    assert pictures.search("") == [] and pictures.search("xqzzy") == []


def test_results_skip_skin_tone_variants_and_have_svgs():
    for s in pictures.search("person", limit=30):
        assert "1F3FB" not in s.id and s.svg_path.is_file()


def test_every_template_picture_is_a_real_symbol():
    for template in TEMPLATES.values():
        for option in template.options:
            assert pictures.symbol(option.symbol) is not None, option.label
            assert pictures.symbol_svg(option.symbol).startswith(b"<svg")


@pytest.mark.parametrize("bad", ["../../etc/passwd", "2615/../x", "", "ZZZZ", "2615.svg"])
def test_symbol_ids_are_checked(bad):
    with pytest.raises(KeyError):
        pictures.symbol_svg(bad)


def _jpeg(width=800, height=600, exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 120, 40))
    image.save(buffer, format="JPEG", exif=exif) if exif is not None else image.save(buffer, format="JPEG")
    return buffer.getvalue()


def _stored(data_dir):
    folder = data_dir / "uploads" / "photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_photo_is_stored_under_a_server_made_name_with_its_alt_text(tmp_path):
    saved = pictures.save_photo(tmp_path, _jpeg(4000, 3000), "IMG_2041.jpg", "The dining room at lunchtime")
    assert saved.path.parent == tmp_path / "uploads" / "photos"
    assert "IMG_2041" not in saved.path.name
    assert max(saved.width, saved.height) == 1600
    again = pictures.photo(tmp_path, saved.id)
    assert (again.alt_text, again.path) == ("The dining room at lunchtime", saved.path)


def test_gps_and_all_exif_are_removed(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 37.0, 0.0), 3: "W", 4: (3.0, 56.0, 0.0)}  # GPS: Swansea
    data = _jpeg(exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload really carries a position
    saved = pictures.save_photo(tmp_path, data, "phone.jpg", "The garden")
    with Image.open(saved.path) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert b"PhoneMaker" not in saved.path.read_bytes()


def test_a_sideways_phone_photo_is_turned_the_right_way_up(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    saved = pictures.save_photo(tmp_path, _jpeg(800, 600, exif=exif), "sideways.jpg", "The lounge")
    assert (saved.width, saved.height) == (600, 800)


def _bomb():
    # A PNG header claiming 20,000 × 20,000 pixels, without the pixels.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "alt", "message"), [
    (b"This is not a picture at all, it is a note.", "menu.jpg", "Menu", "not a picture"),
    (None, "huge.png", "Huge", "too many pixels"),  # 20,000 × 20,000
    ("truncated", "cut.jpg", "Cut", "damaged or cut short"),
    ("jpeg", "../../etc/passwd.jpg", "Path", "folder path"),
    ("jpeg", "photo.jpg", "   ", "alternative text"),
    (b"", "empty.jpg", "Empty", "empty"),
])
def test_bad_uploads_get_a_clear_message_and_nothing_is_stored(tmp_path, data, filename, alt, message):
    if data is None:
        data = _bomb()
    elif data == "truncated":
        data = _jpeg()[:2000]
    elif data == "jpeg":
        data = _jpeg()
    with pytest.raises(BadPicture, match=message):
        pictures.save_photo(tmp_path, data, filename, alt)
    assert _stored(tmp_path) == []


@pytest.mark.parametrize("bad", ["../secret", "abc", "0" * 31, "../../uploads/photos/x"])
def test_photo_ids_cannot_reach_other_files(tmp_path, bad):
    with pytest.raises(KeyError):
        pictures.photo(tmp_path, bad)


def test_the_sidecar_holds_only_what_is_needed(tmp_path):
    saved = pictures.save_photo(tmp_path, _jpeg(), "x.jpg", "Tea party")
    meta = json.loads((saved.path.parent / f"{saved.id}.json").read_text())
    assert set(meta) == {"alt", "width", "height", "file"}


def test_a_cut_short_photo_is_refused_even_after_printing_is_loaded(tmp_path):
    import accessible.printing  # noqa: F401 - WeasyPrint changes a Pillow setting for the whole process on import

    with pytest.raises(BadPicture, match="damaged or cut short"):
        pictures.save_photo(tmp_path, _jpeg()[:2000], "cut.jpg", "Cut")
