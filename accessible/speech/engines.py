"""Run the speech recognisers (PocketSphinx, vosk) behind one interface, restricted to a grammar."""

import json
import logging
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

# espeak-ng IPA (en-us voice) to the CMU phones of PocketSphinx's English model.
IPA_TO_ARPABET = {
    "ɑː": "AA", "ɑ": "AA", "ɒ": "AA", "ɒː": "AA", "æ": "AE", "a": "AE", "aː": "AA", "ʌ": "AH",
    "ə": "AH", "ɐ": "AH", "ᵻ": "IH", "ɔː": "AO", "ɔ": "AO", "aʊ": "AW", "aɪ": "AY", "ɛ": "EH",
    "e": "EH", "eː": "EH", "eɪ": "EY", "ɜː": "ER", "ɜ": "ER", "ɝ": "ER", "ɚ": "ER", "əʊ": "OW",
    "oʊ": "OW", "o": "OW", "oː": "OW", "ɔɪ": "OY", "ɪ": "IH", "i": "IY", "iː": "IY", "ʊ": "UH",
    "u": "UW", "uː": "UW", "ɪə": "IH R", "iə": "IY AH", "eə": "EH R", "ɛə": "EH R", "ʊə": "UH R",
    "aɪə": "AY ER", "aʊə": "AW ER", "y": "UW", "yː": "UW", "ø": "ER", "øː": "ER", "ɨ": "IH",
    "b": "B", "tʃ": "CH", "d": "D", "ð": "DH", "f": "F", "ɡ": "G", "g": "G", "h": "HH",
    "dʒ": "JH", "k": "K", "l": "L", "ɫ": "L", "l̩": "AH L", "m": "M", "m̩": "AH M", "n": "N",
    "n̩": "AH N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "ɾ": "D", "ʁ": "R", "s": "S",
    "ʃ": "SH", "t": "T", "θ": "TH", "v": "V", "w": "W", "ʍ": "W", "j": "Y", "z": "Z", "ʒ": "ZH",
    "x": "K", "χ": "K", "ç": "HH", "ɬ": "HH L", "c": "K", "ɟ": "G", "ʔ": "", "ɲ": "N Y",
}
# Letters as a last resort when espeak-ng is missing: crude, but a word stays sayable.
LETTERS = {"a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
           "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
           "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z"}


class EngineUnavailable(RuntimeError):
    """A speech engine or its model cannot be used here; the message says how to fix it."""


@dataclass
class Decoded:
    """What an engine made of one utterance."""

    choice: int | None
    confidence: float
    heard: str


def ipa_to_arpabet(ipa):
    """Return ARPAbet phones for one espeak-ng IPA word whose phonemes are separated by ``_``."""
    phones = []
    for piece in ipa.replace("ˈ", "").replace("ˌ", "").replace("‍", "").split("_"):
        piece = piece.strip()
        while piece:
            for size in (3, 2, 1):
                head = piece[:size]
                if head in IPA_TO_ARPABET:
                    phones.extend(IPA_TO_ARPABET[head].split())
                    piece = piece[size:]
                    break
            else:
                piece = piece[1:]  # a diacritic or a sound English lacks: drop it rather than fail
    # espeak writes geminates ("Ffion" -> f_f); CMU pronunciations never repeat a phone.
    return [p for i, p in enumerate(phones) if i == 0 or p != phones[i - 1]]


@lru_cache(maxsize=4096)
def pronounce(word):
    """Return ARPAbet phones for *word*, from espeak-ng's letter-to-sound rules; never fail."""
    try:
        out = subprocess.run(["espeak-ng", "-q", "-v", "en-us", "--ipa", "--sep=_", word],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        phones = [p for part in out.split() for p in ipa_to_arpabet(part)]
    except (OSError, subprocess.SubprocessError):
        log.warning("espeak-ng is not available to pronounce %r; spelling it out (apt install espeak-ng)",
                    word)
        phones = []
    if not phones:
        phones = [p for ch in word.lower() for p in LETTERS.get(ch, "").split()]
    return phones or ["AH"]


class PocketSphinxEngine:
    """PocketSphinx with its bundled US English model, searching only the grammar's sentences."""

    name = "pocketsphinx"

    def __init__(self):
        try:
            import pocketsphinx
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise EngineUnavailable("PocketSphinx is not installed: pip install pocketsphinx") from exc
        model = pocketsphinx.get_model_path()
        self._decoder = pocketsphinx.Decoder(
            hmm=os.path.join(model, "en-us", "en-us"),
            dict=os.path.join(model, "en-us", "cmudict-en-us.dict"),
            lm=None, loglevel="FATAL")
        self._lock = threading.Lock()
        self._aliases = {}
        self._searches = {}

    def _token(self, word):
        """Return the dictionary name for *word*, adding a generated pronunciation if it is unknown."""
        if word in self._aliases:
            return self._aliases[word]
        # JSGF tokens and the dictionary want plain ASCII; anything else gets a private name.
        token = word if re.fullmatch(r"[a-z][a-z']*", word) else f"xw{len(self._aliases)}"
        if self._decoder.lookup_word(token) is None:
            phones = pronounce(word)
            log.info("pronouncing %r as %s", word, " ".join(phones))
            self._decoder.add_word(token, " ".join(phones), update=True)
        self._aliases[word] = token
        return token

    def decode(self, pcm, grammar):
        """Return the option *pcm* (16 kHz mono 16-bit) chooses under *grammar*, or None."""
        reverse = {}
        with self._lock:
            for word in grammar.words():
                reverse[self._token(word)] = word
            jsgf = grammar.jsgf(token=self._token)
            name = self._searches.get(jsgf)
            if name is None:
                name = f"g{len(self._searches)}"
                self._decoder.add_jsgf_string(name, jsgf)
                self._searches[jsgf] = name
            self._decoder.activate_search(name)
            self._decoder.start_utt()
            self._decoder.process_raw(pcm, full_utt=True)
            self._decoder.end_utt()
            hyp = self._decoder.hyp()
            segments = list(self._decoder.seg()) if hyp is not None else []
        words = hyp.hypstr.split() if hyp and hyp.hypstr else []
        heard = " ".join(reverse.get(w, w) for w in words)
        # When speech does not fit the grammar the search ends part-way through a sentence and
        # returns that fragment ("i'd like the"); a fragment is no choice, never a guess.
        choice = grammar.match(heard) if words else None
        # Segment names carry the pronunciation variant ("tea(2)"); fillers such as <sil> are not words.
        posteriors = [s.prob for s in segments if re.sub(r"\(\d+\)$", "", s.word) in reverse]
        confidence = min(posteriors) if posteriors and choice is not None else 0.0
        return Decoded(choice, max(0.0, min(1.0, confidence)), heard)


class VoskEngine:
    """vosk (Kaldi) with a model folder; its answer is checked against the grammar and a free decode."""

    name = "vosk"
    # Below this word posterior the answer is dropped. vosk often says 1.0 for a wrong word, so this
    # only catches the worst cases; the grammar check does most of the rejecting.
    min_confidence = 0.5

    def __init__(self, model_dir):
        try:
            import vosk
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise EngineUnavailable("vosk is not installed: pip install vosk") from exc
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
