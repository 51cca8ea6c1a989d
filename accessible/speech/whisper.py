"""Hear which option was said with Whisper (CTranslate2), scoring each option's phrasings against the audio."""

import difflib
import math
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accessible.speech.engines import Decoded, EngineUnavailable
from accessible.speech.grammar import ORDINALS
from accessible.speech.models import file_sha256

RATE = 16000
#: Whisper's window is 30 s (3000 feature frames); a shorter recording is padded, but never below this
#: many frames: the model was trained on long windows and scores a cramped one worse.
MIN_FRAMES = 1000
MAX_FRAMES = 3000
#: ``align`` slows down sharply with larger batches (16 phrasings took about ten times as long as 4).
ALIGN_BATCH = 4


#: At most this many phrasings are scored for one utterance (12 options with synonyms), bounding the work
#: any one request can cause.
MAX_PHRASINGS = 72


class Turns:
    """One utterance at a time through the model, a kiosk's before anyone else's that is waiting."""

    def __init__(self):
        self._cond = threading.Condition()
        self._busy = False
        self._waiting_urgent = 0

    @contextmanager
    def turn(self, urgent=True):
        """Wait for the model; an *urgent* caller (a resident at a kiosk) goes ahead of other waiting ones."""
        with self._cond:
            self._waiting_urgent += urgent
            while self._busy or (not urgent and self._waiting_urgent):
                self._cond.wait()
            self._waiting_urgent -= urgent
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


@dataclass
class Scores:
    """What the model made of one utterance: its own words and how well each option's phrasing fits."""

    heard: str
    heard_fit: float
    options: list  # per option index: (best fit, phrasing)


class WhisperEngine:
    """Whisper through CTranslate2 (int8 on the CPU), restricted to the options by scoring their phrasings."""

    name = "whisper"
    #: Accept the best option when its phrasing fits within this much (mean log-probability per token) of
    #: the model's own free transcription. Chosen on the tuning corpus (bench_listen --corpus tuning), which
    #: has other voices, options, sentences and seed than the held-out one: 78 % right, 1 % wrong, no
    #: other speech accepted. A window of the full 30 s scored worse there (71 %) and took four times as long.
    max_gap = 0.75
    #: ...or when it is this far ahead of every other option and not hopelessly worse than free speech.
    lead = 0.8
    max_gap_with_lead = 2.0
    #: Never below this fit, however the others do (noise Whisper made words of).
    min_fit = -4.0
    #: When a phrasing fits far *better* than the model's own transcription, the model could not follow
    #: the audio (half a minute of television came back as "God"), or it could not spell a name ("Shivon"
    #: for "Siobhan"); only a phrasing that fits well on its own is taken then. On the tuning corpus this
    #: turned away 1 right answer of 300 and none of the others.
    max_above_heard = 1.0
    good_fit = -1.5
    #: A turned-away answer is offered for a second opinion (listen._second_opinion) only when its best
    #: option fits within this much of the model's own transcription: further off, the model heard other
    #: words clearly ("Have you seen my first one?" is not "Yes, thank you."). Chosen on the enlarged tuning
    #: corpus (132 other sentences): it turned away 2 other sentences PocketSphinx agreed on and 1 right
    #: answer of 300 (the other sentences were at 3.37 and 3.70, right answers from 1.5 to 4.3).
    max_gap_for_second_opinion = 3.25
    #: The free transcription is greedy.
    beam_size = 1

    def __init__(self, model_dir, sha256=None, threads=2):
        model_dir = Path(model_dir)
        if not (model_dir / "model.bin").is_file() or not (model_dir / "tokenizer.json").is_file():
            raise EngineUnavailable(f"{model_dir} is not a CTranslate2 Whisper model (no model.bin/tokenizer.json)")
        if sha256:
            digest = file_sha256(model_dir / "model.bin")
            if digest != sha256:
                raise EngineUnavailable(f"the Whisper model in {model_dir} is damaged or changed: SHA-256 {digest}, "
                                        f"expected {sha256}; reinstall it")
        try:
            import ctranslate2
            import tokenizers
            from faster_whisper.feature_extractor import FeatureExtractor
        except ImportError as exc:  # pragma: no cover - hard dependencies
            raise EngineUnavailable("faster-whisper is not installed: pip install faster-whisper") from exc
        self._ct2 = ctranslate2
        self.model_dir = str(model_dir)
        self._model = ctranslate2.models.Whisper(self.model_dir, device="cpu", compute_type="int8",
                                                 intra_threads=threads, inter_threads=1)
        self._tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._features = FeatureExtractor(feature_size=self._model.n_mels)
        token = self._tokenizer.token_to_id
        self._eot, self._sot, self._sot_prev = token("<|endoftext|>"), token("<|startoftranscript|>"), token(
            "<|startofprev|>")
        self._no_timestamps = token("<|notimestamps|>")
        # A multilingual model is told the language; an English-only one has no language tokens.
        self.multilingual = self._model.is_multilingual
        self.turns = Turns()

    def _start(self, labels, language):
        prompt = [self._sot_prev, *self._encode(" " + ", ".join(labels) + ".")] if labels else []
        start = [self._sot]
        if self.multilingual:
            start += [self._tokenizer.token_to_id(f"<|{language}|>"), self._tokenizer.token_to_id("<|transcribe|>")]
        return prompt + start + [self._no_timestamps]

    def _encode(self, text):
        return self._tokenizer.encode(text, add_special_tokens=False).ids

    def _decode(self, ids):
        return once(self._tokenizer.decode([i for i in ids if i < self._eot]).strip())

    def score(self, samples, grammar, urgent=True):
        """Return how well the audio fits the model's own transcription and each option's phrasings."""
        feats = self._features(samples.astype(np.float32))
        frames = min(feats.shape[-1], MAX_FRAMES)
        window = max(MIN_FRAMES, min(MAX_FRAMES, frames + 100))
        feats = np.pad(feats[:, :window], ((0, 0), (0, max(0, window - feats.shape[-1]))))
        ct2 = self._ct2
        with self.turns.turn(urgent):
            encoded = self._model.encode(ct2.StorageView.from_array(np.ascontiguousarray(feats[None])), to_cpu=True)
            start = self._start(grammar.labels, grammar.language)
            result = self._model.generate(encoded, [start], beam_size=self.beam_size, max_length=64,
                                          suppress_blank=True)[0]
            heard = self._decode(result.sequences_ids[0])
            phrasings = candidates(grammar, heard)[:MAX_PHRASINGS]
            texts = [heard] + [text for _index, text in phrasings]
            fits = self._fit(encoded, start, texts, frames)
        best = [(-math.inf, "")] * len(grammar.labels)
        for (index, text), fit in zip(phrasings, fits[1:], strict=True):
            if fit > best[index][0]:
                best[index] = (fit, text)
        return Scores(heard, fits[0] if heard else -math.inf, best)

    def _fit(self, encoded, start, texts, frames):
        """Return the mean log-probability per token of each text, forced through the decoder."""
        array = np.array(encoded)
        fits = []
        for first in range(0, len(texts), ALIGN_BATCH):
            batch = texts[first:first + ALIGN_BATCH]
            # The end-of-text token goes last, its probability left out: align's probability for the last
            # token is not sound (counting one end token and leaving out a second put 2 % of the tuning
            # corpus right). The full stop before it says whether the sentence ended there.
            tokens = [[*self._encode(" " + t), self._eot] for t in batch]
            repeated = self._ct2.StorageView.from_array(np.ascontiguousarray(np.repeat(array, len(batch), axis=0)))
            for result in self._model.align(repeated, start, tokens, frames):
                probs = np.asarray(result.text_token_probs[:-1], dtype=np.float64)
                fits.append(float(np.mean(np.log(np.maximum(probs, 1e-12)))) if len(probs) else -math.inf)
        return fits

    def transcribe(self, samples, language="en", urgent=True):
        """Return the words said in float *samples* (16 kHz mono) as free text; "" when there is no speech.

        Used for a resident's own idea, which no list of options can hold; the recording itself stays the record.
        """
        speech = speech_only(samples)
        if speech is None:
            return ""
        feats = self._features(speech.astype(np.float32))
        frames = min(feats.shape[-1], MAX_FRAMES)
        window = max(MIN_FRAMES, frames)
        feats = np.pad(feats[:, :window], ((0, 0), (0, max(0, window - feats.shape[-1]))))
        with self.turns.turn(urgent):
            encoded = self._model.encode(self._ct2.StorageView.from_array(np.ascontiguousarray(feats[None])),
                                         to_cpu=True)
            result = self._model.generate(encoded, [self._start([], language)], beam_size=self.beam_size,
                                          max_length=200, suppress_blank=True)[0]
        return self._decode(result.sequences_ids[0])

    def decode(self, samples, grammar, urgent=True):
        """Return the option the float *samples* (16 kHz mono) choose, or None when no option fits.

        Only speech is listened to: Silero VAD (bundled with faster-whisper) finds it, and a recording
        with none (silence, hiss, a cough) is no choice and nothing heard, never Whisper's "Thank you."
        """
        speech = speech_only(samples)
        if speech is None:
            return Decoded(None, 0.0, "")
        scores = self.score(speech, grammar, urgent)
        choice, confidence = decide(scores, self.max_gap, self.lead, self.max_gap_with_lead, self.min_fit,
                                    self.max_above_heard, self.good_fit)
        best = max(range(len(scores.options)), key=lambda i: scores.options[i][0], default=None)
        if (choice is None and best is not None and scores.options[best][0] > -math.inf
                and scores.options[best][0] - scores.heard_fit >= -self.max_gap_for_second_opinion):
            return Decoded(None, 0.0, scores.heard, best=best,
                           by_number=scores.options[best][1] in number_phrasings(grammar, best))
        return Decoded(choice, confidence, scores.heard)


#: Speech found by the voice activity detector is kept with this much sound either side, in seconds.
SPEECH_MARGIN = 0.3


def speech_only(samples):
    """Return the stretch of *samples* from the first speech to the last (with a margin), or None if none."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples.astype(np.float32), VadOptions(min_speech_duration_ms=150))
    if not found:
        return None
    margin = int(SPEECH_MARGIN * RATE)
    return samples[max(0, found[0]["start"] - margin): found[-1]["end"] + margin]


def decide(scores, max_gap, lead, max_gap_with_lead, min_fit, max_above_heard, good_fit):
    """Return ``(option index or None, confidence)`` from *scores*."""
    ranked = sorted(range(len(scores.options)), key=lambda i: scores.options[i][0], reverse=True)
    if not ranked or scores.options[ranked[0]][0] < min_fit:
        return None, 0.0
    best = scores.options[ranked[0]][0]
    runner_up = scores.options[ranked[1]][0] if len(ranked) > 1 else -math.inf
    gap = best - scores.heard_fit
    ahead = best - runner_up
    if gap > max_above_heard and best < good_fit:
        return None, 0.0
    if gap >= -max_gap or (ahead >= lead and gap >= -max_gap_with_lead):
        # 0.5 at the edge of acceptance, rising as the phrasing fits as well as free speech.
        confidence = 1.0 / (1.0 + math.exp(-3.0 * (gap + max_gap)))
        return ranked[0], round(max(0.5, min(0.999, confidence)), 3)
    return None, 0.0


def number_phrasings(grammar, index):
    """Return the phrasings that choose option *index* by its ordinal or number, as scored ("The second one.")."""
    return {written(spoken) + "." for i, spoken in grammar.spoken_numbers() if i == index}


def once(text):
    """Return *text* without the repeats Whisper adds when unsure ("Some meal. Some meal." -> "Some meal.")."""
    sentences = re.findall(r"[^.!?]+[.!?]*", text)
    kept = [s.strip() for i, s in enumerate(sentences) if i == 0 or s.strip() != sentences[i - 1].strip()]
    return " ".join(kept)


def written(text):
    """Return a phrase the way Whisper writes it: capital first letter, a capital I, comma before 'please'."""
    text = re.sub(r"\bi\b", "I", text.strip())
    text = re.sub(r"\bi('d|'ll|'m)\b", r"I\1", text)
    text = re.sub(r"\s+(please|thank you|thanks)$", r", \1", text)
    return text[:1].upper() + text[1:]


def _lower_first(text):
    """Return *text* with its first letter lower-case, unless its first word looks like a name (all capitals)."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def candidates(grammar, heard):
    """Return ``(option index, text)`` phrasings to score against the audio.

    Each option said plainly, after "the", and in the free transcription *heard* with the words that
    sound most like the option put in their place (so "Some meal." offers "Some milk."): the polite words
    around an answer then fit as well as the model heard them, whatever they were. Then each option's
    ordinal and number, and on a yes/no question every way of saying yes or no.
    """
    out = []
    spans = {phrase: answer_span(heard, phrase) for phrases in grammar.written for phrase in phrases[:4]}
    # Where the answer most likely is in what was heard: every option is tried in that same place.
    shared = max(spans.values(), key=lambda span: span[0], default=None)
    # Every option's label first, then the ordinals and ways of saying yes or no, then each option's other
    # words in turn: when MAX_PHRASINGS cuts the list of a crowded question, it never cuts an option's label.
    for rank in range(4):
        for index, phrases in enumerate(grammar.written):
            if rank >= len(phrases):
                continue
            phrase = phrases[rank]
            out.append((index, f"{phrase}."))
            if not heard:
                out.append((index, f"The {_lower_first(phrase)}."))
                continue
            for span in {shared[1], spans[phrase][1]}:
                if fillers_only(heard, span, grammar):
                    out.append((index, substitute(heard, phrase, span)))
                else:
                    out.append((index, f"The {_lower_first(phrase)}."))
        if rank == 0:
            for index, spoken in grammar.spoken_numbers():
                if spoken.split()[0] not in (*ORDINALS, "last"):  # "the first one" is tried; "first one" is not
                    out.append((index, written(spoken) + "."))
            for index, spoken in grammar.yes_no_phrases():
                out.append((index, written(spoken) + "."))
    return list(dict.fromkeys(out))


#: Sounds people make around an answer, besides the grammar's polite words.
HESITATIONS = {"um", "umm", "er", "erm", "uh", "oh", "ah", "well", "so", "just", "my", "me", "for", "and", "with",
               "love", "that"}


def fillers_only(heard, span, grammar):
    """Return True when every word of *heard* outside *span* is (or sounds like) a polite word or a hesitation.

    Only then is an option put in place of the answer heard: "The salad clean." is "The salad, please."
    misheard, but "I need the toilet." is not an answer with other words around it.
    """
    spoken = set()
    for phrase in [*grammar.prefixes, *grammar.articles, *grammar.suffixes]:
        spoken.update(phrase.split())
    words = heard.split()
    rest = [w for w in (_letters(w).replace(" ", "") for w in words[:span[0]] + words[span[1]:]) if w]
    unknown = [w for w in rest if w not in spoken | HESITATIONS]
    # One word may be a polite word misheard ("clean" for "can"), if it sounds more than a little like one of
    # the grammar's own (not a hesitation: "lovely" is not "love"; not "pass" for "please", at 0.6 exactly).
    # On the enlarged tuning corpus, with the second opinion's limit below: 2 of 132 other sentences fewer
    # accepted ("Could you pass me my salad?", "That water lovely thank you.").
    return not unknown or (len(unknown) == 1 and max(difflib.SequenceMatcher(None, unknown[0], p).ratio()
                                                      for p in spoken) > 0.6)


def _letters(text):
    return re.sub(r"[^a-z0-9 ]", "", text.lower())


def answer_span(heard, phrase):
    """Return ``(similarity, (first, last))``: the run of words in *heard* that sounds most like *phrase*."""
    words = heard.split()
    size = len(phrase.split())
    target = _letters(phrase)
    best, where = -1.0, (0, len(words))
    for length in range(max(1, size - 1), size + 2):
        for first in range(0, max(1, len(words) - length + 1)):
            similar = difflib.SequenceMatcher(None, _letters(" ".join(words[first:first + length])), target).ratio()
            if similar > best:
                best, where = similar, (first, min(first + length, len(words)))
    return best, where


def substitute(heard, phrase, span):
    """Return *heard* with the words in *span* (first, last) replaced by *phrase*."""
    words = heard.split()
    first, last = span
    tail = re.search(r"[.,!?]*$", words[last - 1]).group(0) if 0 < last <= len(words) else ""
    put = phrase if first == 0 else _lower_first(phrase)
    text = " ".join([*words[:first], put + tail, *words[last:]]).rstrip(",;: ")
    return text if re.search(r"[.!?]$", text) else text + "."
