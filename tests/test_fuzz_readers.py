"""Fuzz the readers of things people upload: any bytes give a clear refusal or a good result, never a crash."""

import io
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accessible import pictures
from accessible.paper import read
from accessible.speech import listen

pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _wav_header(rate, channels, bits, frames):
    data = frames * channels * bits // 8
    return (b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate,
            rate * channels * bits // 8, channels * bits // 8, bits) + b"data" + struct.pack("<I", data))


@FUZZ
@given(st.one_of(
    st.binary(max_size=4096),
    st.builds(lambda rate, channels, bits, frames, tail: _wav_header(rate, channels, bits, frames) + tail,
              st.integers(0, 200_000), st.integers(0, 8), st.sampled_from([0, 4, 8, 16, 24, 32, 64]),
              st.integers(0, 10_000_000), st.binary(max_size=2048)),
))
def test_the_wav_reader_refuses_or_reads(data):
    try:
        samples = listen.read_wav(data)
    except listen.BadAudio as e:
        assert str(e)
    else:
        assert samples.ndim == 1


def _png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@FUZZ
@given(st.one_of(st.binary(max_size=4096),
                 st.builds(lambda w, h, cut: _png(w, h)[:cut], st.integers(1, 300), st.integers(1, 300),
                           st.integers(0, 2000)),
                 st.builds(lambda junk: b"%PDF-1.7\n" + junk, st.binary(max_size=2048))))
def test_the_scan_reader_refuses_or_reads(tmp_path, data):
    try:
        pages = list(read.page_images(data, "upload"))
    except read.BadScan as e:
        assert str(e)
        return
    for _label, image in pages:
        try:
            read.read_page(image, lambda code: None)
        except read.PageNotRecognised as e:
            assert str(e)


@FUZZ
@given(st.one_of(st.binary(max_size=4096),
                 st.builds(lambda w, h, cut: _png(w, h)[:cut], st.integers(1, 300), st.integers(1, 300),
                           st.integers(0, 2000))))
def test_the_photo_upload_refuses_or_stores_a_clean_picture(tmp_path, data):
    try:
        saved = pictures.save_photo(tmp_path, data, "upload.png", "A picture")
    except pictures.BadPicture as e:
        assert str(e)
    else:
        with Image.open(saved.path) as stored:
            stored.load()
            assert stored.size == (saved.width, saved.height)
