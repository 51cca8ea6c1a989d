"""Benchmark voice choice on held-out espeak-ng speakers, accents and noise, and on real recorded speech.

Corpora: ``espeak`` (held-out synthetic speakers, rates, room noise and a television), ``flite``
(the same held-out sentences from another synthesiser, whose voices are built from recordings of real
people, one of them Scottish), ``welsh`` (Welsh screens in espeak-ng's Welsh voices), ``recorded``
(Debian's pocketsphinx-testdata: real adult speakers, none of them elderly), ``tuning`` (other
synthetic speakers, options and sentences, the only corpus thresholds are chosen on) and ``welsh-tuning``
(other Welsh voices, screens and sentences, the only corpus the Welsh threshold is chosen on).
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from accessible.speech.listen import listen_manifest, resample
from accessible.speech.models import find_whisper_model

# Voices and variants the tests never use, so the figures are for unseen speakers.
VOICES = ["en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc", "en-gb-scotland"]
VARIANTS = ["m5", "m6", "m7", "f4", "f5", "klatt", "grandma", "grandpa"]
SETS = [
    ([{"label": "Tea", "synonyms": ["cup of tea"]}, "Coffee", "Hot chocolate"],
     [("tea please", "Tea"), ("coffee", "Coffee"), ("hot chocolate", "Hot chocolate"),
      ("I'd like a cup of tea", "Tea"), ("the second one", "Coffee"), ("number three", "Hot chocolate")]),
    (["Fish pie", "Omelette", "Soup"],
     [("fish pie please", "Fish pie"), ("the omelette", "Omelette"), ("soup", "Soup"),
      ("I would like the fish pie", "Fish pie"), ("the first one", "Fish pie")]),
    (["Yes", "No"], [("yes", "Yes"), ("no", "No"), ("yes please", "Yes"), ("no thanks", "No")]),
    (["Bingo", "Garden walk", "Music", "Bara brith"],
     [("bingo", "Bingo"), ("the garden walk", "Garden walk"), ("music please", "Music"),
      ("bara brith", "Bara brith"), ("number four", "Bara brith")]),
    (["Cottage pie", "Fish and chips", "Lasagne", "Jacket potato", "Cheese salad", "Cawl", "Welsh cakes",
      "Rice pudding"],
     [("cottage pie please", "Cottage pie"), ("I'd like the lasagne", "Lasagne"), ("welsh cakes", "Welsh cakes"),
      ("the rice pudding please", "Rice pudding"), ("number seven", "Welsh cakes")]),
]
OUT_OF_GRAMMAR = ["where is my handbag", "what time is lunch", "I want to go home", "is it raining outside",
                  "has my son phoned", "I can't find my glasses", "who are you", "I'm feeling tired",
                  "turn that noise down", "the news is on at six"]

# A separate corpus to tune thresholds on: other voices, other options, other sentences, another seed.
# Nothing in it is in the held-out corpus above, so the held-out figures are not tuned to.
TUNING_VOICES = ["en-gb", "en-us", "en-gb-x-rp"]
TUNING_VARIANTS = ["m1", "m2", "m3", "m4", "f1", "f2", "f3", "croak", "Andy", "aunty", "edward", "linda"]
TUNING_SETS = [
    (["Orange juice", "Water", "Milk"],
     [("orange juice please", "Orange juice"), ("water", "Water"), ("some milk", "Milk"),
      ("can I have the water", "Water"), ("number one", "Orange juice"), ("the third one", "Milk")]),
    (["Roast chicken", "Salad", "Sausages", "Pasta"],
     [("roast chicken", "Roast chicken"), ("the salad please", "Salad"), ("sausages", "Sausages"),
      ("I'll have the pasta", "Pasta"), ("the last one", "Pasta"), ("number two", "Salad")]),
    (["Yes", "No"], [("yeah", "Yes"), ("no thank you", "No"), ("yes thank you", "Yes"), ("nope", "No")]),
    (["Quiz", "Painting", "Film"],
     [("the quiz", "Quiz"), ("painting please", "Painting"), ("a film", "Film"), ("the second one", "Painting")]),
    (["Dominoes", "Knitting", "Bowls", "Cinema club", "Choir with Siobhan", "Cream tea", "Crossword", "Baking"],
     [("dominoes", "Dominoes"), ("the knitting please", "Knitting"), ("choir with siobhan", "Choir with Siobhan"),
      ("I'd like the cream tea", "Cream tea"), ("the fifth one", "Choir with Siobhan")]),
]
TUNING_OUT_OF_GRAMMAR = ["where are my shoes", "when is my daughter coming", "I don't like it here",
                         "can you open the window", "it's very cold today", "I need the toilet",
                         "what day is it", "my back hurts", "put the telly on", "I had a lovely dream"]
# More other speech for the tuning corpus, so rejection is chosen on enough negatives: what a resident might
# say instead of an answer, some of it about food and drink or with a polite word, as a real answer would be.
# None of it is in OUT_OF_GRAMMAR, the held-out corpora or the tests. Said after the sentences above, with
# its own seed, so the tuning corpus's first 360 utterances stay as they were.
TUNING_MORE_OUT_OF_GRAMMAR = [
    "is there any cake", "can I have a biscuit please", "I don't want anything thank you", "what's for pudding",
    "I'm not hungry", "could you pass me my cardigan", "when does the hairdresser come", "I've lost my purse",
    "is it Tuesday today", "the nurse said I could go out", "I'd like to sit by the window",
    "have you seen my husband", "that was lovely thank you", "I can't hear you dear", "turn the radio up please",
    "my tablets are in the drawer", "what's your name", "I used to be a teacher", "is the post here yet",
    "I'll have a little sleep now", "no one told me about it", "can we go outside", "I don't know love",
    "say that again please", "the garden looks nice", "I want my mum", "are we going on the bus",
    "my tea's gone cold", "which one was that", "I'm waiting for my son",
]
TUNING_MORE_PER_SPEAKER = 6


def espeak(text, voice, speed, pitch, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(path), text],
                   check=True, capture_output=True)
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0, w.getframerate()


def degrade(x, rate, snr_db, rng, tv=None):
    """Return *x* with a little room reverb and noise (or a television-like voice) at *snr_db*."""
    impulse = np.exp(-np.arange(int(0.05 * rate)) / (0.012 * rate)) * rng.normal(0, 1, int(0.05 * rate))
    impulse[0] = 1.0
    x = np.convolve(x, impulse * 0.3)[: len(x)] + 0.7 * x
    x = np.concatenate([np.zeros(int(0.3 * rate)), x, np.zeros(int(0.5 * rate))])
    noise = rng.normal(0, 1, len(x))
    if tv is not None:
        noise = np.resize(tv, len(x)) + 0.2 * noise
    power = np.mean(x ** 2) / (10 ** (snr_db / 10))
    x = x + noise * np.sqrt(power / np.mean(noise ** 2))
    return x / max(1.0, np.max(np.abs(x)) / 0.9)


def write(path, x, rate):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


CONDITIONS = [("clean", None), ("20dB", 20), ("10dB", 10), ("tv 10dB", 10), ("voice 10dB", 10), ("voice 5dB", 5)]
# A second person talking behind the speaker, as in a lounge: other voices and sentences for the two corpora.
BEHIND = {False: ("en-gb-x-rp+m4", "did you see the match last night, it was a cracking game, and then we all went"
                  " down to the pub for a pint and a bag of crisps"),
          True: ("en-us+m2", "my grandson is coming on sunday, he has a new car, a red one, and he is taking me"
                 " to the seaside if the weather holds")}


def flite(text, voice, stretch, pitch, path):
    subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}",
                    "--setf", f"int_f0_target_mean={pitch}", "-t", text, "-o", str(path)],
                   check=True, capture_output=True)
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0, w.getframerate()


def build_flite(folder, seed=5, n_speakers=8):
    """Write the held-out sentences in flite's voices (awb, rms, slt, kal16) into *folder*; None without flite."""
    try:
        voices = [v for v in subprocess.run(["flite", "-lv"], capture_output=True, text=True, check=True)
                  .stdout.split(":", 1)[1].split() if v in ("awb", "rms", "slt", "kal16")]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None

    def speaker(s, pick):
        voice = voices[s % len(voices)]
        stretch, pitch = pick.choice([0.9, 1.0, 1.2, 1.4]), pick.choice([90, 110, 140, 180])
        return f"{voice} x{stretch} {pitch} Hz", lambda text, path: flite(text, voice, stretch, pitch, path)

    return _write_corpus(folder, seed, n_speakers, SETS, OUT_OF_GRAMMAR, speaker, "f")


def build(folder, seed=11, n_speakers=10, tuning=False):
    """Write held-out (or, with *tuning*, tuning) WAVs and a manifest.jsonl into *folder*; return its path."""
    voices, variants, sets, negatives = ((TUNING_VOICES, TUNING_VARIANTS, TUNING_SETS, TUNING_OUT_OF_GRAMMAR)
                                         if tuning else (VOICES, VARIANTS, SETS, OUT_OF_GRAMMAR))

    def speaker(s, pick):
        voice = f"{voices[s % len(voices)]}+{variants[s % len(variants)]}"
        speed, pitch = pick.choice([110, 130, 150, 175]), pick.choice([30, 45, 60, 75])
        return voice, lambda text, path: espeak(text, voice, speed, pitch, path)

    more = TUNING_MORE_OUT_OF_GRAMMAR if tuning else ()
    return _write_corpus(folder, seed, n_speakers, sets, negatives, speaker, "u", tuning=tuning, more=more)


def _write_corpus(folder, seed, n_speakers, sets, negatives, speaker, prefix, tuning=False, more=()):
    """Write each speaker's sentences and five out-of-grammar ones, each degraded by the next condition in turn.

    *speaker(s, pick)* returns the speaker's name and a function that says a text into a WAV path and gives
    back (samples, rate). Every speaker meets every condition. With *more*, each speaker then says
    TUNING_MORE_PER_SPEAKER of those sentences too, drawn with a seed of their own. Return the path of the
    manifest.jsonl written beside the WAVs.
    """
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    tv, tv_rate = espeak("and now the weather for the rest of the week, turning colder", "en-us+f4", 170, 40,
                         folder / "tv.wav")
    voice, words = BEHIND[tuning]
    other, other_rate = espeak(words, voice, 150, 50, folder / "behind.wav")
    lines, speakers = [], []
    for s in range(n_speakers):
        speakers.append(speaker(s, pick))
        items = [(opts, text, expect) for opts, pairs in sets for text, expect in pairs]
        items += [(pick.choice(sets)[0], text, None) for text in pick.sample(negatives, 5)]
        _say_items(folder, prefix, lines, s, speakers[-1], items, rng, pick, tv, tv_rate, other, other_rate)
    if more:
        rng, pick = np.random.default_rng(seed + 1), random.Random(seed + 1)
        for s in range(n_speakers):
            items = [(pick.choice(sets)[0], text, None) for text in pick.sample(more, TUNING_MORE_PER_SPEAKER)]
            _say_items(folder, prefix, lines, s, speakers[s], items, rng, pick, tv, tv_rate, other, other_rate)
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


def _say_items(folder, prefix, lines, s, speaker, items, rng, pick, tv, tv_rate, other, other_rate):
    """Say speaker *s*'s *items* into WAVs, each in the next condition in turn, and add them to *lines*."""
    name_of_speaker, say = speaker
    for n, (opts, text, expect) in enumerate(items):
        condition = CONDITIONS[(n + s) % len(CONDITIONS)]
        name = f"{prefix}{len(lines):04d}.wav"
        x, rate = say(text, folder / name)
        if condition[1] is not None:
            behind = None
            if condition[0].startswith("tv"):
                behind = resample(tv, tv_rate, rate)  # at its own pitch
            elif condition[0].startswith("voice"):
                # Somewhere in the middle of the other person's sentence, not always its start.
                start = pick.randrange(0, len(other) // 2)
                behind = resample(np.roll(other, -start), other_rate, rate)
            x = degrade(x, rate, condition[1], rng, behind)
        write(folder / name, x, rate)
        lines.append({"audio": name, "options": opts, "expect": expect, "text": text, "voice": name_of_speaker,
                      "condition": condition[0]})


TESTDATA = Path("/usr/share/pocketsphinx/test/data")
CARDS = ["Ten of clubs", "Seven of hearts", "Ace of spades", "Queen of diamonds", "Two of hearts",
         "Seven of clubs", "Jack of spades", "Eight of diamonds", "Five of spades", "King of diamonds"]
# Option sets the recorded sentences are played against; the first three are a care home's.
RECORDED_SETS = [
    [{"label": "Tea", "synonyms": ["cup of tea"]}, "Coffee", "Hot chocolate"],
    ["Fish pie", "Omelette", "Soup"],
    ["Yes", "No"],
    ["Bingo", "Garden walk", "Music", "Bara brith"],
]


def _transcripts(path):
    """Return ``{id: text}`` from a Sphinx transcription file (``<s> words </s> (id)``)."""
    found = {}
    for line in path.read_text().splitlines():
        if "(" in line:
            text, ident = line.rsplit("(", 1)
            found[ident.strip(" )")] = " ".join(w for w in text.split() if w not in ("<s>", "</s>"))
    return found


def build_recorded(folder, root=TESTDATA):
    """Write a manifest of real recorded speech from pocketsphinx-testdata into *folder*; None if not installed.

    Chosen: two recorded card names ("ten of clubs", "seven of clubs") among other cards, and "go forward
    ten meters" among other moves. Out of grammar: the LibriVox sentences and the longer card
    utterances against a care home's option sets, and the card names against options they are not.
    """
    if not (root / "cards" / "cards.transcription").is_file():
        return None
    cards = _transcripts(root / "cards" / "cards.transcription")
    books = _transcripts(root / "librivox" / "transcription")
    lines = []

    def add(source, options, expect, text):
        lines.append({"audio": str(source), "options": options, "expect": expect, "text": text,
                      "voice": source.stem, "condition": "recorded"})

    go = folder / "goforward.wav"
    write(go, np.frombuffer((root / "goforward.raw").read_bytes(), dtype="<i2") / 32768.0, 16000)
    moves = ["Go forward ten meters", "Go backward", "Turn left"]
    for options in (moves, moves[::-1], moves[1:] + moves[:1]):
        add(go, options, "Go forward ten meters", "go forward ten meters")
    for ident in ("001", "003"):
        wav, said = root / "cards" / f"{ident}.wav", cards[ident]
        label = said.capitalize()
        others = [c for c in CARDS if c != label]
        for n in range(3):
            options = others[3 * n: 3 * n + 1 + n % 3]
            options.insert(n % (len(options) + 1), label)
            add(wav, options, label, said)
        add(wav, RECORDED_SETS[0], None, said)
    for ident in ("002", "004", "005"):
        for options in RECORDED_SETS[:2]:
            add(root / "cards" / f"{ident}.wav", options, None, cards[ident])
    for ident, said in books.items():
        for options in RECORDED_SETS:
            add(root / "librivox" / f"{ident}.wav", options, None, said)
    manifest = folder / "recorded.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


# Welsh screens, said by espeak-ng's Welsh voice: drinks and yes/no, in Welsh words.
DIODYDD = ["Te", "Coffi", "Siocled poeth"]
WELSH_SETS = [
    (DIODYDD, [("coffi", "Coffi"), ("te", "Te"), ("siocled poeth", "Siocled poeth"), ("rhif dau", "Coffi"),
               ("te plis", "Te")]),
    (["Ie", "Na"], [("ie", "Ie"), ("na", "Na"), ("ie plis", "Ie"), ("na diolch", "Na"), ("ydw", "Ie"),
                    ("nac ydw", "Na")]),
]
WELSH_OUT_OF_GRAMMAR = ["mae hi'n bwrw glaw heddiw", "ble mae fy mag", "pryd mae cinio"]
WELSH_VOICES, WELSH_SPEEDS, WELSH_PITCHES = ("cy", "cy+f3", "cy+m2"), (120, 150), (50,)

# The Welsh corpus's own tuning corpus, the only one the Welsh threshold is chosen on: other variants of
# the Welsh voice, rates and pitches, other screens and sentences, so nothing in it is in the corpus above.
WELSH_TUNING_SETS = [
    (["Dŵr", "Llaeth", "Sudd oren"],
     [("dŵr", "Dŵr"), ("llaeth plis", "Llaeth"), ("sudd oren", "Sudd oren"), ("rhif tri", "Sudd oren"),
      ("dŵr diolch", "Dŵr"), ("dw i eisiau llaeth", "Llaeth")]),
    (["Cawl", "Pysgod", "Cyw iâr", "Caws"],
     [("cawl", "Cawl"), ("pysgod plis", "Pysgod"), ("cyw iâr", "Cyw iâr"), ("rhif pedwar", "Caws"),
      ("caws os gwelwch yn dda", "Caws")]),
    (["Oes", "Nac oes"], [("oes", "Oes"), ("nac oes", "Nac oes"), ("ydy", "Oes"), ("nac ydy", "Nac oes"),
                          ("ie diolch", "Oes")]),
]
WELSH_TUNING_OUT_OF_GRAMMAR = ["ble mae'r toiled", "dw i wedi blino", "mae hi'n oer heddiw", "pwy wyt ti",
                               "ble mae fy sbectol", "dw i eisiau mynd adref"]
WELSH_TUNING_VOICES, WELSH_TUNING_SPEEDS, WELSH_TUNING_PITCHES = ("cy+m1", "cy+f1", "cy+m4", "cy+f4"), \
    (110, 135, 160), (35, 65)


def build_welsh(folder, tuning=False):
    """Write the Welsh sentences in Welsh voices at several rates into *folder*; return the manifest.

    With *tuning*, the Welsh tuning corpus: other voices, rates, pitches, screens and sentences.
    """
    sets, negatives, voices, speeds, pitches, prefix = (
        (WELSH_TUNING_SETS, WELSH_TUNING_OUT_OF_GRAMMAR, WELSH_TUNING_VOICES, WELSH_TUNING_SPEEDS,
         WELSH_TUNING_PITCHES, "t") if tuning else
        (WELSH_SETS, WELSH_OUT_OF_GRAMMAR, WELSH_VOICES, WELSH_SPEEDS, WELSH_PITCHES, "w"))
    lines = []
    for n_voice, voice in enumerate(voices):
        for n_speed, speed in enumerate(speeds):
            pitch = pitches[(n_voice + n_speed) % len(pitches)]
            items = [(opts, text, expect) for opts, pairs in sets for text, expect in pairs]
            items += [(sets[n % len(sets)][0], text, None) for n, text in enumerate(negatives)]
            for opts, text, expect in items:
                name = f"{prefix}{len(lines):04d}.wav"
                espeak(text, voice, speed, pitch, folder / name)
                lines.append({"audio": name, "options": opts, "expect": expect, "text": text, "language": "cy",
                              "voice": f"{voice} {speed}", "condition": "clean"})
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


def report(name, manifest, engine, errors=False):
    """Listen to every line of *manifest* and print right, wrong option, false accepts and speed; return a summary."""
    results = list(listen_manifest(manifest, engine=engine))
    summary = results.pop()["summary"]
    times = sorted(r["ms"] for r in results)
    by = {}
    lines = manifest.read_text().splitlines()
    for r, line in zip(results, lines, strict=True):
        m = json.loads(line)
        by.setdefault(m["condition"], []).append(r["choice"] == r["expect"])
        if errors and r["choice"] != r["expect"]:
            labels = [o if isinstance(o, str) else o["label"] for o in m["options"]]
            print(f"  wrong: {m['voice']} {m['condition']} {m['text']!r} {labels} -> {r['choice']} ({r['heard']!r})")
    in_grammar = [r for r in results if r["expect"] is not None]
    negatives = [r for r in results if r["expect"] is None]
    engines = sorted({r["engine"] for r in results})
    print(f"== {name}, {'/'.join(engines)}: {summary['n']} utterances, {len(in_grammar)} choosing, "
          f"{len(negatives)} out of grammar")
    print(f"right {statistics.mean(r['choice'] == r['expect'] for r in in_grammar):.1%}; wrong option "
          f"{statistics.mean(r['choice'] not in (None, r['expect']) for r in in_grammar):.1%}; "
          f"out-of-grammar accepted {summary['false_accepts']:.1%}; accuracy (all) {summary['accuracy']:.1%}")
    print(f"median {summary['median_ms']} ms, p95 {times[int(0.95 * (len(times) - 1))]} ms per utterance")
    for key, oks in sorted(by.items()):
        print(f"  {key:10s} {statistics.mean(oks):.1%} of {len(oks)}")
    return {"corpus": name, "engine": "/".join(engines),
            "right": statistics.mean(r["choice"] == r["expect"] for r in in_grammar),
            "wrong": statistics.mean(r["choice"] not in (None, r["expect"]) for r in in_grammar),
            "accepted": summary["false_accepts"], "median_ms": summary["median_ms"],
            "p95_ms": times[int(0.95 * (len(times) - 1))], "by": {k: statistics.mean(v) for k, v in by.items()}}


def resident_mb():
    """Return this process's peak resident memory in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", action="append", choices=["whisper", "pocketsphinx", "vosk", "auto"],
                        help="engine to run (repeatable); default whisper and pocketsphinx, side by side in one run")
    parser.add_argument("--corpus", action="append", choices=["espeak", "flite", "recorded", "welsh", "tuning",
                                                                   "welsh-tuning"],
                        help="which corpus to run (repeatable); default espeak, flite, recorded and welsh")
    parser.add_argument("--speakers", type=int, default=10)
    parser.add_argument("--keep", help="write the corpora here instead of a temporary folder")
    parser.add_argument("--errors", action="store_true", help="print every wrong answer")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    engines = args.engine or ["whisper", "pocketsphinx"]
    print(f"engines {', '.join(engines)}; {os.cpu_count()} CPUs ({cpu}); load average {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpus or ["espeak", "flite", "recorded", "welsh"]:
            folder = Path(args.keep or tmp) / corpus
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            if corpus == "recorded":
                manifest = build_recorded(folder)
                if manifest is None:
                    print(f"== recorded: skipped, {TESTDATA} is missing (apt-get install pocketsphinx-testdata)")
                    continue
            elif corpus in ("welsh", "welsh-tuning"):
                manifest = build_welsh(folder, tuning=corpus == "welsh-tuning")
            elif corpus == "flite":
                manifest = build_flite(folder)
                if manifest is None:
                    print("== flite: skipped, flite is not installed (apt-get install flite)")
                    continue
            else:
                manifest = build(folder, seed=11 if corpus == "espeak" else 97,
                                 n_speakers=args.speakers if corpus == "espeak" else 12,
                                 tuning=corpus == "tuning")
            print(f"built {corpus} corpus in {time.perf_counter() - started:.0f} s")
            for engine in engines:
                if engine == "whisper" and corpus.startswith("welsh") and find_whisper_model("cy") is None:
                    print(f"== {corpus}, whisper: skipped, no Whisper model here knows Welsh (tiny.en is English "
                          "only; `accessible models install whisper-base` where there is internet)")
                    continue
                rows.append(report(corpus, manifest, engine, errors=args.errors))
                print(f"  peak memory of this process so far: {resident_mb():.0f} MB")
    print("\n| corpus | engine | right | wrong option | other speech accepted | median | p95 |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['corpus']} | {r['engine']} | {r['right']:.1%} | {r['wrong']:.1%} | {r['accepted']:.1%} | "
              f"{r['median_ms']} ms | {r['p95_ms']} ms |")
    print("\nby condition (right for choosing speech, no choice for other speech):")
    for r in rows:
        print(f"  {r['corpus']:9s} {r['engine']:13s} " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(r["by"].items())))


if __name__ == "__main__":
    main()
