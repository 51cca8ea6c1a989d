"""Benchmark voice choice on held-out espeak-ng speakers, accents and noise: accuracy, false accepts, speed."""

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

from accessible.speech.listen import listen_manifest

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
]
OUT_OF_GRAMMAR = ["where is my handbag", "what time is lunch", "I want to go home", "is it raining outside",
                  "has my son phoned", "I can't find my glasses", "who are you", "I'm feeling tired",
                  "turn that noise down", "the news is on at six"]


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


def build(folder, seed=11, n_speakers=10):
    """Write held-out WAVs and a manifest.jsonl into *folder*; return the manifest path."""
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    tv, tv_rate = espeak("and now the weather for the rest of the week, turning colder", "en-us+f4", 170, 40,
                         folder / "tv.wav")
    lines = []
    for s in range(n_speakers):
        voice = f"{VOICES[s % len(VOICES)]}+{VARIANTS[s % len(VARIANTS)]}"
        speed, pitch = pick.choice([110, 130, 150, 175]), pick.choice([30, 45, 60, 75])
        condition = [("clean", None), ("20dB", 20), ("10dB", 10), ("tv 10dB", 10)][s % 4]
        items = [(opts, text, expect) for opts, pairs in SETS for text, expect in pairs]
        items += [(pick.choice(SETS)[0], text, None) for text in pick.sample(OUT_OF_GRAMMAR, 5)]
        for opts, text, expect in items:
            name = f"u{len(lines):04d}.wav"
            x, rate = espeak(text, voice, speed, pitch, folder / name)
            if condition[1] is not None:
                x = degrade(x, rate, condition[1], rng, tv if condition[0].startswith("tv") else None)
            write(folder / name, x, rate)
            lines.append({"audio": name, "options": opts, "expect": expect, "text": text, "voice": voice,
                          "condition": condition[0]})
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="pocketsphinx")
    parser.add_argument("--speakers", type=int, default=10)
    parser.add_argument("--keep", help="write the corpus here instead of a temporary folder")
    parser.add_argument("--errors", action="store_true", help="print every wrong answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        manifest = build(folder, n_speakers=args.speakers)
        meta = {json.loads(line)["audio"]: json.loads(line) for line in manifest.read_text().splitlines()}
        print(f"built {len(meta)} utterances in {time.perf_counter() - started:.0f} s")
        results = list(listen_manifest(manifest, engine=args.engine))
        summary = results.pop()["summary"]
        times = sorted(r["ms"] for r in results)
        by = {}
        for r in results:
            key = meta[r["audio"]]["condition"]
            by.setdefault(key, []).append(r["choice"] == r["expect"])
            if args.errors and r["choice"] != r["expect"]:
                m = meta[r["audio"]]
                print(f"  wrong: {m['voice']} {m['condition']} {m['text']!r} -> {r['choice']} ({r['heard']!r})")
        in_grammar = [r for r in results if r["expect"] is not None]
        negatives = [r for r in results if r["expect"] is None]
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor())
        print(f"engine {args.engine}; {os.cpu_count()} CPUs ({cpu})")
        print(f"utterances {summary['n']}: {len(in_grammar)} choosing, {len(negatives)} out of grammar")
        print(f"accuracy (all) {summary['accuracy']:.1%}; right on choosing utterances "
              f"{statistics.mean(r['choice'] == r['expect'] for r in in_grammar):.1%}; wrong option "
              f"{statistics.mean(r['choice'] not in (None, r['expect']) for r in in_grammar):.1%}")
        print(f"false accepts on out-of-grammar speech {summary['false_accepts']:.1%}")
        print(f"median {summary['median_ms']} ms, p95 {times[int(0.95 * (len(times) - 1))]} ms per utterance")
        for key, oks in sorted(by.items()):
            print(f"  {key:8s} {statistics.mean(oks):.1%} of {len(oks)}")


if __name__ == "__main__":
    main()
