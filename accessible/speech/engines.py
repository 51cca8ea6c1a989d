"""Run the speech recognisers (PocketSphinx, vosk) behind one interface, restricted to a grammar."""

import json
import logging
import math
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache

from accessible.speech.grammar import WELSH_WORDS

log = logging.getLogger(__name__)

# espeak-ng IPA (en-us voice) to the CMU phones of PocketSphinx's English model.
IPA_TO_ARPABET = {
    "ɑː": "AA", "ɑ": "AA", "ɒ": "AA", "ɒː": "AA", "æ": "AE", "a": "AE", "aː": "AA", "ʌ": "AH",
    "ə": "AH", "ɐ": "AH", "ᵻ": "IH", "ɔː": "AO", "ɔ": "AO", "aʊ": "AW", "aɪ": "AY", "ɛ": "EH",
    "e": "EH", "eː": "EH", "eɪ": "EY", "ɜː": "ER", "ɜ": "ER", "ɝ": "ER", "ɚ": "ER", "əʊ": "OW",
    "oʊ": "OW", "o": "OW", "oː": "OW", "ɔɪ": "OY", "ɪ": "IH", "i": "IY", "iː": "IY", "ʊ": "UH",
    "u": "UW", "uː": "UW", "ɪə": "IH R", "iə": "IY AH", "eə": "EH R", "ɛə": "EH R", "ʊə": "UH R",
    "aɪə": "AY ER", "aʊə": "AW ER", "aɨ": "AY", "əɨ": "AY", "ɔɨ": "OY", "aʊ̯": "AW",
    "y": "UW", "yː": "UW", "ø": "ER", "øː": "ER", "ɨ": "IH",
    "b": "B", "tʃ": "CH", "d": "D", "ð": "DH", "f": "F", "ɡ": "G", "g": "G", "h": "HH",
    "dʒ": "JH", "k": "K", "l": "L", "ɫ": "L", "l̩": "AH L", "m": "M", "m̩": "AH M", "n": "N",
    "n̩": "AH N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "ɾ": "D", "ʁ": "R", "s": "S",
    "ʃ": "SH", "t": "T", "θ": "TH", "v": "V", "w": "W", "ʍ": "W", "j": "Y", "z": "Z", "ʒ": "ZH",
    "x": "K", "χ": "K", "ç": "HH", "ɬ": "HH L", "c": "K", "ɟ": "G", "ʔ": "", "ɲ": "N Y",
}
# espeak-ng's Welsh voice (cy) only: its diphthongs and vowels that the table above splits or mis-hears.
# "llaeth" (ɬ_ɑɨ_θ) was "HH L AA IH TH", "eisiau" (əɪ_ʃ_aɨ) "AH IH SH AY", "ydy" (ʌ_d_ø) "AH D ER".
# Welsh "a" is an open [a], nearer the model's "AA" than the "AE" of "cat": with "nac" as "N AE K" the "nac"
# of "nac ydy" was lost (heard as "not that", or "ydy", a yes). On the Welsh tuning corpus "AA" put 68.8 %
# right to 77.1 % and 2.6 % the wrong option to 1.6 %, with other speech accepted as before (5.6 %).
# Welsh long e ("ie", "te") is a pure [eː], nearer "EY" than the "EH" of "bed": 77.6 % right to 78.1 %.
WELSH_IPA = {"a": "AA", "eː": "EY", "ɑɨ": "AY", "əɪ": "AY", "ø": "IH", "øː": "IY", "ɨu": "IH UW", "ɪu": "IH UW"}
# A second Welsh pronunciation: Welsh "u" and "y" (ɨ) as most of Wales says them, like "ee" ("sudd", "un").
WELSH_IPA_SOUTH = {**WELSH_IPA, "ɨ": "IY", "ɨː": "IY"}
# Letters as a last resort when espeak-ng is missing: crude, but a word stays sayable.
LETTERS = {"a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
           "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
           "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z"}


# Letters only Welsh writes: a word with one has no English pronunciation.
WELSH_LETTERS = re.compile("[ŵŷâêîôû]")


class EngineUnavailable(RuntimeError):
    """A speech engine or its model cannot be used here; the message says how to fix it."""


@dataclass
class Decoded:
    """What an engine made of one utterance."""

    choice: int | None
    confidence: float
    heard: str
    #: When the answer was turned away: the option that fitted best all the same (Whisper), for a second opinion.
    best: int | None = None
    #: ...and whether it fitted best as its ordinal or number ("The fifth one."), not by its own words.
    by_number: bool = False


def ipa_to_arpabet(ipa, extra=None):
    """Return ARPAbet phones for one espeak-ng IPA word whose phonemes are separated by ``_``.

    *extra* maps sounds of one language on top of the common table (``WELSH_IPA`` for the Welsh voice).
    """
    table = {**IPA_TO_ARPABET, **(extra or {})}
    phones = []
    for piece in ipa.replace("ˈ", "").replace("ˌ", "").replace("‍", "").split("_"):
        piece = piece.strip()
        while piece:
            for size in (3, 2, 1):
                head = piece[:size]
                if head in table:
                    phones.extend(table[head].split())
                    piece = piece[size:]
                    break
            else:
                piece = piece[1:]  # a diacritic or a sound English lacks: drop it rather than fail
    # espeak writes geminates ("Ffion" -> f_f); CMU pronunciations never repeat a phone.
    return [p for i, p in enumerate(phones) if i == 0 or p != phones[i - 1]]


@lru_cache(maxsize=4096)
def pronounce(word, voice="en-us", extra=None):
    """Return ARPAbet phones for *word*, from espeak-ng's letter-to-sound rules for *voice*; never fail.

    *extra* names a table of sounds over the common one (``"south"`` for ``WELSH_IPA_SOUTH``); the Welsh
    voice always uses ``WELSH_IPA`` at least.
    """
    table = WELSH_IPA_SOUTH if extra == "south" else WELSH_IPA if voice.startswith("cy") else None
    try:
        out = subprocess.run(["espeak-ng", "-q", "-v", voice, "--ipa", "--sep=_", word],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        phones = [p for part in out.split() for p in ipa_to_arpabet(part, table)]
    except (OSError, subprocess.SubprocessError):
        log.warning("espeak-ng is not available to pronounce %r; spelling it out (apt install espeak-ng)",
                    word)
        phones = []
    if not phones:
        phones = [p for ch in word.lower() for p in LETTERS.get(ch, "").split()]
    return phones or ["AH"]


# PocketSphinx keeps path scores in its log base shifted right by 10 bits, but word segments from a
# grammar search in full; this brings the two onto one scale (natural log of a likelihood).
SCORE_SHIFT = 1024.0
# PocketSphinx's default beams. Tighter ones (1e-30) decoded a quarter faster and kept 4 % more right
# answers on the tuning corpus, but cut more sentences off part-way ("no thanks" heard as "no thank")
# and let more other speech through (12 % against 8 %); wider ones were slower and no better.
BEAMS = {}


class PocketSphinxEngine:
    """PocketSphinx's bundled US English model: a grammar search, checked against a free phone decode."""

    name = "pocketsphinx"
    #: Below this log-likelihood ratio per frame (grammar path against free phone path, over the words
    #: the grammar heard) the answer is thrown away. Chosen on the tuning corpus (bench_listen.py
    #: --corpus tuning), never on the held-out one.
    min_ratio = -4.8
    #: A language's own threshold where it has its own tuning corpus. Welsh: chosen on bench_listen.py
    #: --corpus welsh-tuning (other Welsh voices, screens and sentences than the reported Welsh corpus).
    #: Swept again there with the Welsh phone table (WELSH_IPA) and the second Welsh pronunciation:
    #: -4.8 gave 68.8 % right, 2.6 % the wrong option and 4 of 72 other sentences taken as a choice
    #: (5.6 %); -5.0 69.8 % and 6 (8.3 %); -4.5 65.1 % and 3 (4.2 %). So Welsh stays at -4.8 (before
    #: the pronunciations: 62.0 % right, 5.2 % wrong, 5 of 72).
    min_ratios = {"cy": -4.8}

    def __init__(self):
        try:
            import pocketsphinx
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise EngineUnavailable("PocketSphinx is not installed: pip install pocketsphinx") from exc
        model = os.path.join(pocketsphinx.get_model_path(), "en-us")
        self._decoder = pocketsphinx.Decoder(
            hmm=os.path.join(model, "en-us"), dict=os.path.join(model, "cmudict-en-us.dict"),
            lm=None, loglevel="FATAL", **BEAMS)
        # The second opinion: the best sequence of any phones at all, which no grammar constrains.
        self._phones = pocketsphinx.Decoder(
            hmm=os.path.join(model, "en-us"), dict=os.path.join(model, "cmudict-en-us.dict"),
            lm=None, allphone=os.path.join(model, "en-us-phone.lm.bin"), loglevel="FATAL")
        self._lock = threading.Lock()
        self._aliases = {}
        self._searches = {}

    def _pronunciations(self, token):
        found, n = [], 1
        while (phones := self._decoder.lookup_word(token if n == 1 else f"{token}({n})")) is not None:
            found.append(phones.split())
            n += 1
        return found

    def _token(self, word, language="en"):
        """Return the dictionary name for *word*, adding generated pronunciations it lacks."""
        if (word, language) in self._aliases:
            return self._aliases[word, language]
        # JSGF tokens and the dictionary want plain ASCII; anything else gets a private name.
        token = word if re.fullmatch(r"[a-z][a-z']*", word) else f"xw{len(self._aliases)}"
        known = self._pronunciations(token)
        # The model is American; residents here mostly are not: a British pronunciation ("water" without
        # its r) joins the dictionary's own, and a word the dictionary lacks gets both. On a Welsh screen
        # a Welsh pronunciation ("coffi", "ie") comes first, for Welsh words only: the dictionary is shared,
        # and "no" or "please" said the Welsh way would follow every English screen after it. Welsh words get
        # two: as espeak-ng writes them, and with Welsh u and y as "ee" ("sudd" as "seeth").
        voices = [("en-gb", None)] if known else [("en-us", None), ("en-gb", None)]
        if language == "cy" and (not known or word in WELSH_WORDS):
            voices[:0] = [("cy", None), ("cy", "south")]
            if WELSH_LETTERS.search(word):
                # English letter-to-sound rules spell a circumflex out letter by letter ("dŵr" as "d double-u
                # circumflex r", twenty phones): no pronunciation at all, only one more path to go astray on.
                # On the Welsh tuning corpus without them: 77.6 % right against 77.1 %, as few wrong or other.
                voices = voices[:2]
        for voice, extra in voices:
            phones = pronounce(word, voice, extra)
            if phones not in known:
                name = token if not known else f"{token}({len(known) + 1})"
                log.info("pronouncing %r (%s) as %s", word, voice, " ".join(phones))
                self._decoder.add_word(name, " ".join(phones), update=True)
                known.append(phones)
        self._aliases[word, language] = token
        return token

    @staticmethod
    def _run(decoder, pcm, search=None):
        if search is not None:
            decoder.activate_search(search)
        # Every recording from a fresh start: the feature extraction otherwise carries its noise estimate
        # and cepstral mean over from the recording before, and the same Welsh "coffi" scored 0.998 alone
        # and 0.986 after an English one (confidences of 0.70 and 0.52 for a slower one).
        decoder.reinit_feat()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp, list(decoder.seg() or []) if hyp is not None else []

    def decode(self, pcm, grammar):
        """Return the option *pcm* (16 kHz mono 16-bit) chooses under *grammar*, or None."""
        reverse = {}
        with self._lock:
            def token(word):
                return self._token(word, grammar.language)

            for word in grammar.words():
                reverse[token(word)] = word
            jsgf = grammar.jsgf(token=token)
            name = self._searches.get(jsgf)
            if name is None:
                name = f"g{len(self._searches)}"
                self._decoder.add_jsgf_string(name, jsgf)
                self._searches[jsgf] = name
            hyp, segments = self._run(self._decoder, pcm, name)
            words = hyp.hypstr.split() if hyp and hyp.hypstr else []
            heard = " ".join(reverse.get(w, w) for w in words)
            # When speech does not fit the grammar the search ends part-way through a sentence and
            # returns that fragment ("i'd like the"); a fragment is no choice, never a guess.
            choice = grammar.match(heard) if words else None
            if choice is None:
                return Decoded(None, 0.0, heard)
            _hyp, phones = self._run(self._phones, pcm)
        # A short "the" or "a" has too few frames for a steady ratio, and is the word the search most
        # often slips in where nothing was said; the option's own words and longer fillers are judged.
        judged = [s for s in segments if _base(s.word) in reverse
                  and not (reverse[_base(s.word)] in grammar.articles and s.end_frame - s.start_frame < 15)]
        ratio = likelihood_ratio(judged, phones)
        min_ratio = self.min_ratios.get(grammar.language, self.min_ratio)
        if ratio < min_ratio:
            return Decoded(None, 0.0, heard)
        # A confidence that means something: 0.5 at the rejection threshold, rising with the ratio.
        return Decoded(choice, round(1.0 / (1.0 + math.exp(-2.0 * (ratio - min_ratio))), 3), heard)


def _base(word):
    """Return a dictionary word without its pronunciation variant ("tea(2)" -> "tea")."""
    return re.sub(r"\(\d+\)$", "", word)


def likelihood_ratio(words, phones):
    """Return the worst per-frame log-likelihood ratio of a grammar word against the free *phones* over its frames.

    Speech that is one of the options fits each word of the grammar's answer nearly as well as any
    phone sequence at all; speech that is something else, forced onto the grammar, leaves at least one
    word that fits far worse. Silence is left out: both paths agree on it.
    """
    worst = -math.inf if not words else math.inf
    for word in words:
        # A segment's acoustic score comes back as a likelihood; one so small it underflows fits nothing.
        fit = (math.log(word.ascore) if word.ascore > 0 else -745.0) / SCORE_SHIFT
        free = 0.0
        for p in phones:
            overlap = min(p.end_frame, word.end_frame) - max(p.start_frame, word.start_frame) + 1
            if overlap > 0 and p.ascore > 0:
                free += math.log(p.ascore) * overlap / (p.end_frame - p.start_frame + 1)
        worst = min(worst, 1000.0 * (fit - free) / (word.end_frame - word.start_frame + 1))
    return worst


class VoskEngine:
    """vosk (Kaldi) with a model folder; its answer is checked against the grammar and a free decode."""

    name = "vosk"
    # Below this word posterior the answer is dropped. vosk often says 1.0 for a wrong word, so this
    # only catches the worst cases; the grammar check does most of the rejecting.
    min_confidence = 0.5

    def __init__(self, model_dir):
        try:
            import vosk
        except ImportError as exc:  # vosk is an extra: the tests install it, a home may not
            raise EngineUnavailable("vosk is not installed: pip install 'accessible[vosk]'") from exc
        vosk.SetLogLevel(-2)  # Kaldi logs to stderr; -2 keeps even its warnings out of the kiosk log
        self._vosk = vosk
        self.model_dir = str(model_dir)
        try:
            self._model = vosk.Model(self.model_dir)
        except Exception as exc:
            raise EngineUnavailable(f"cannot load the vosk model in {self.model_dir}: {exc}") from exc
        self._lock = threading.Lock()

    def knows(self, phrase):
        """Return True when every word of *phrase* is in the model's vocabulary."""
        return all(self._model.vosk_model_find_word(w) >= 0 for w in phrase.split())

    def _recognise(self, pcm, phrases=None):
        if phrases is None:
            rec = self._vosk.KaldiRecognizer(self._model, 16000)
        else:
            # "[unk]" soaks up speech outside the list, but only models built with it know it.
            extra = ["[unk]"] if self.knows("[unk]") else []
            rec = self._vosk.KaldiRecognizer(self._model, 16000, json.dumps([*phrases, *extra],
                                                                            ensure_ascii=False))
        rec.SetWords(True)
        rec.AcceptWaveform(pcm)
        result = json.loads(rec.FinalResult())
        return result.get("text", ""), result.get("result", [])

    def decode(self, pcm, grammar):
        """Return the option *pcm* chooses, checked against the grammar and vosk's word confidences."""
        # vosk drops grammar words it does not know with only a log line, then forces speech onto
        # what is left; so offer it only whole sentences it can say.
        sentences = [s for s in grammar.sentences() if self.knows(s)]
        if not sentences:
            return Decoded(None, 0.0, "")
        with self._lock:
            text, words = self._recognise(pcm, sentences)
        tokens = text.split()
        if not tokens or "[unk]" in tokens:
            return Decoded(None, 0.0, " ".join(t for t in tokens if t != "[unk]"))
        # A resident may repeat a word ("tea, tea"); anything else outside the list is rejected, because
        # the runtime grammar is a bigram model that happily joins pieces of two sentences.
        collapsed = " ".join(t for i, t in enumerate(tokens) if i == 0 or t != tokens[i - 1])
        choice = grammar.match(collapsed)
        confidence = min([w.get("conf", 0.0) for w in words] or [0.0])
        if choice is None or confidence < self.min_confidence:
            return Decoded(None, round(confidence, 3) if choice is not None else 0.0, text)
        return Decoded(choice, round(confidence, 3), text)
