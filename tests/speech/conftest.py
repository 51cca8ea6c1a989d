"""Fixtures for the speech tests: real espeak-ng speech, made once per session."""

import subprocess

import pytest


@pytest.fixture(scope="session")
def espeak_wav(tmp_path_factory):
    """Return a function that says text with an espeak-ng voice into a cached WAV and returns its path."""
    folder = tmp_path_factory.mktemp("espeak")
    made = {}

    def say(text, voice="en-gb+m3", speed=140, pitch=50):
        key = (text, voice, speed, pitch)
        if key not in made:
            path = folder / f"s{len(made):03d}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(path), text],
                           check=True, capture_output=True)
            made[key] = path
        return made[key]

    return say
